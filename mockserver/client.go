package mockserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hookdrill/hookdrill"
)

// Client calls a running mock server's control API (what `hookdrill
// trigger` uses).
type Client struct {
	base  *url.URL
	http  *http.Client
	token string
}

// SetToken makes the client send Authorization: Bearer token (a server
// listening on a non-loopback address requires its --token).
func (c *Client) SetToken(token string) { c.token = token }

// InfoWithSeed describes the server including its seed.
func (c *Client) InfoWithSeed(ctx context.Context) (Info, error) {
	var in Info
	err := c.do(ctx, http.MethodGet, "info", url.Values{"seed": {"1"}}, nil, &in)
	return in, err
}

// ControlError is a non-2xx answer of the control API.
type ControlError struct {
	Status  int
	Message string
}

func (e *ControlError) Error() string {
	return fmt.Sprintf("control API answered %d: %s", e.Status, e.Message)
}

// NewClient returns a client for the server at baseURL (e.g.
// http://127.0.0.1:8787). hc nil uses a client with a 30 s timeout.
func NewClient(baseURL string, hc *http.Client) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("mock server URL %q: want http(s)://host:port", hookdrill.RedactURL(baseURL))
	}
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &Client{base: u, http: hc}, nil
}

func (c *Client) do(ctx context.Context, method, path string, q url.Values, in, out any) error {
	u := *c.base
	u.Path = strings.TrimRight(u.Path, "/") + ControlPrefix + path
	u.RawQuery = q.Encode()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("%s %s: read answer: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		var ce controlError
		msg := strings.TrimSpace(string(b))
		if json.Unmarshal(b, &ce) == nil && ce.Error != "" {
			msg = ce.Error
		}
		return &ControlError{Status: resp.StatusCode, Message: msg}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s %s: decode answer: %w", method, path, err)
	}
	return nil
}

// Trigger asks the server to emit an event.
func (c *Client) Trigger(ctx context.Context, req TriggerRequest) (TriggerResult, error) {
	var res TriggerResult
	err := c.do(ctx, http.MethodPost, "trigger", nil, req, &res)
	return res, err
}

// Clock reads the server's clock.
func (c *Client) Clock(ctx context.Context) (ClockState, error) {
	var st ClockState
	err := c.do(ctx, http.MethodGet, "clock", nil, nil, &st)
	return st, err
}

// Advance moves a simulated server clock.
func (c *Client) Advance(ctx context.Context, req AdvanceRequest) (ClockState, error) {
	var st ClockState
	err := c.do(ctx, http.MethodPost, "clock/advance", nil, req, &st)
	return st, err
}

// Info describes the server.
func (c *Client) Info(ctx context.Context) (Info, error) {
	var in Info
	err := c.do(ctx, http.MethodGet, "info", nil, nil, &in)
	return in, err
}

// Reset forgets the server's state and journal.
func (c *Client) Reset(ctx context.Context) error {
	return c.do(ctx, http.MethodPost, "reset", nil, struct{}{}, nil)
}

// Journal reads entries after since, optionally only of some kinds and
// deliveries.
func (c *Client) Journal(ctx context.Context, since int64, kinds, deliveries []string) (JournalPage, error) {
	q := url.Values{"since": {strconv.FormatInt(since, 10)}}
	q["kind"] = kinds
	q["delivery"] = deliveries
	var p JournalPage
	err := c.do(ctx, http.MethodGet, "journal", q, nil, &p)
	return p, err
}

// WaitDeliveries polls the journal until every listed delivery has ended,
// calling onAttempt (when set) once per new attempt in journal order. It
// returns the delivery records found so far, and ctx's error when ctx ends
// first.
func (c *Client) WaitDeliveries(ctx context.Context, ids []string, poll time.Duration, onAttempt func(hookdrill.Attempt)) ([]hookdrill.Delivery, error) {
	if poll <= 0 {
		poll = 50 * time.Millisecond
	}
	done := map[string]hookdrill.Delivery{}
	var since int64
	for {
		p, err := c.Journal(ctx, since, []string{string(hookdrill.KindAttempt), string(hookdrill.KindDelivery)}, ids)
		if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
			return collect(ids, done), err
		}
		if err == nil {
			for _, e := range p.Entries {
				if e.Attempt != nil && onAttempt != nil {
					onAttempt(*e.Attempt)
				}
				if e.Delivery != nil {
					done[e.Delivery.DeliveryID] = *e.Delivery
				}
			}
			since = p.LastSeq
			if len(done) >= len(ids) {
				return collect(ids, done), nil
			}
		}
		t := time.NewTimer(poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return collect(ids, done), ctx.Err()
		case <-t.C:
		}
	}
}

func collect(ids []string, done map[string]hookdrill.Delivery) []hookdrill.Delivery {
	var out []hookdrill.Delivery
	for _, id := range ids {
		if d, ok := done[id]; ok {
			out = append(out, d)
		}
	}
	return out
}
