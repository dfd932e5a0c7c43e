package hookdrill

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// Kind says what a journal Entry records.
type Kind string

// Entry kinds.
const (
	KindAttempt  Kind = "attempt"  // one HTTP delivery attempt
	KindDelivery Kind = "delivery" // a delivery ended (all its attempts done)
	KindAPICall  Kind = "api_call" // a call into the mock API
	KindNotice   Kind = "notice"   // a platform-side action: day-3 notice, auto-disable, secret rotation
	KindProbe    Kind = "probe"    // a scenario probe of the receiver's state
)

// Entry is one journal record. Exactly one of the pointer fields is set,
// matching Kind.
type Entry struct {
	Seq  int64     `json:"seq"`
	Kind Kind      `json:"kind"`
	Wall time.Time `json:"wall"`           // real time it was recorded
	Sim  time.Time `json:"sim,omitzero"`   // simulated time, when a simulated clock runs
	Tags []string  `json:"tags,omitempty"` // free labels, e.g. the scenario step id

	Attempt  *Attempt  `json:"attempt,omitempty"`
	Delivery *Delivery `json:"delivery,omitempty"`
	APICall  *APICall  `json:"api_call,omitempty"`
	Notice   *Notice   `json:"notice,omitempty"`
	Probe    *Probe    `json:"probe,omitempty"`
}

// HTTPRequest records a request as sent.
type HTTPRequest struct {
	Method string      `json:"method"`
	URL    string      `json:"url"` // redacted
	Header http.Header `json:"header,omitempty"`
	Body   string      `json:"body,omitempty"`
}

// HTTPResponse records an answer; Body holds at most the first KiB.
// Records are read-only: the sender shares one Header map between the
// attempts whose answers had byte-identical heads.
type HTTPResponse struct {
	Status        int         `json:"status"`
	Header        http.Header `json:"header,omitempty"`
	Body          string      `json:"body,omitempty"`
	BodyTruncated bool        `json:"body_truncated,omitempty"`
	// HeaderTruncated says the header values were clipped for the record
	// (the attempt's Truncated says which limit).
	HeaderTruncated bool `json:"header_truncated,omitempty"`
}

// What an attempt's answer lost to the sender's read and record limits
// (Attempt.Truncated).
const (
	// TruncatedResponseHeader: the answer's header was larger than the
	// sender reads (1 MiB by default); nothing after it was read and the
	// attempt is a protocol_error.
	TruncatedResponseHeader = "response_header"
	// TruncatedResponseBody: the body was longer than the sender reads
	// (1 MiB by default); the connection was dropped after that.
	TruncatedResponseBody = "response_body"
	// TruncatedRecordedHeader: the header values kept in this record were
	// clipped to the sender's record limit (8 KiB by default in all).
	TruncatedRecordedHeader = "recorded_header"
	// TruncatedRecordedBody: the body kept in this record was clipped to
	// the sender's record limit (1 KiB by default).
	TruncatedRecordedBody = "recorded_body"
)

// Attempt records one HTTP delivery attempt.
type Attempt struct {
	DeliveryID string        `json:"delivery_id"`
	Platform   string        `json:"platform"`
	EventID    string        `json:"event_id"`
	EventType  string        `json:"event_type"`
	ResourceID string        `json:"resource_id,omitempty"`
	Number     int           `json:"number"` // 1-based
	Request    HTTPRequest   `json:"request"`
	Response   *HTTPResponse `json:"response,omitempty"`
	Outcome    Outcome       `json:"outcome"`
	Error      string        `json:"error,omitempty"`
	Latency    time.Duration `json:"latency_ns"`
	Started    time.Time     `json:"started"`              // wall time the request started
	SimStarted time.Time     `json:"sim_started,omitzero"` // simulated time it started
	Faults     []string      `json:"faults,omitempty"`     // faults applied to this attempt
	// Truncated lists the limits this attempt hit (TruncatedResponseHeader,
	// TruncatedResponseBody, TruncatedRecordedHeader,
	// TruncatedRecordedBody): what of the answer was not read or not kept.
	Truncated []string `json:"truncated,omitempty"`
	// NextAttemptIn is the wait before the next attempt; zero on the last.
	NextAttemptIn time.Duration `json:"next_attempt_in_ns,omitempty"`
	Final         bool          `json:"final"` // no further attempt follows
}

// Delivery records the end of a delivery.
type Delivery struct {
	DeliveryID string         `json:"delivery_id"`
	Platform   string         `json:"platform"`
	EventID    string         `json:"event_id"`
	EventType  string         `json:"event_type"`
	ResourceID string         `json:"resource_id,omitempty"`
	TargetURL  string         `json:"target_url"`
	Status     DeliveryStatus `json:"status"`
	Attempts   int            `json:"attempts"`
	Outcome    Outcome        `json:"outcome"` // of the last attempt
	Reason     string         `json:"reason,omitempty"`
}

// APICall records one call a client made into the mock API.
type APICall struct {
	Platform   string        `json:"platform"`
	Method     string        `json:"method"`
	Path       string        `json:"path"`
	Query      string        `json:"query,omitempty"`
	Route      string        `json:"route"` // route template, e.g. /api/v1/submissions/{id}/
	ResourceID string        `json:"resource_id,omitempty"`
	Status     int           `json:"status"`
	Latency    time.Duration `json:"latency_ns"`
	Body       string        `json:"body,omitempty"` // request body, first KiB, secrets redacted
}

// Notice records an action the platform took on its own.
type Notice struct {
	Platform  string `json:"platform"`
	Type      string `json:"type"` // e.g. "customer_success_notified", "auto_disabled", "secret_rotated"
	TargetURL string `json:"target_url,omitempty"`
	EventType string `json:"event_type,omitempty"`
	Detail    string `json:"detail,omitempty"`
	// SubscriptionIDs lists the subscriptions the action touched.
	SubscriptionIDs []string `json:"subscription_ids,omitempty"`
}

// Probe records a look at the receiver's state.
type Probe struct {
	Kind     string        `json:"kind"` // "http" or "exec"
	Target   string        `json:"target"`
	Output   string        `json:"output,omitempty"`
	ExitCode int           `json:"exit_code,omitempty"`
	Status   int           `json:"status,omitempty"`
	Error    string        `json:"error,omitempty"`
	Latency  time.Duration `json:"latency_ns"`
}

// chunkSize is how many entries one storage chunk holds: appends never
// move earlier entries, so a long run does not pay for re-copying them.
const chunkSize = 1024

// Journal is an append-only, concurrency-safe record of a run.
type Journal struct {
	mu      sync.Mutex // guards chunks, n, seq, changed
	chunks  [][]Entry  // every chunk but the last is full
	n       int
	seq     int64
	changed chan struct{} // made by Wait, closed (and dropped) by the next Append
}

// copyAfter copies every entry with Seq > after; j.mu must be held.
func (j *Journal) copyAfter(after int64) Snapshot {
	out := make(Snapshot, 0, j.n)
	for _, c := range j.chunks {
		if len(c) > 0 && c[len(c)-1].Seq <= after {
			continue
		}
		for i := range c {
			if c[i].Seq > after {
				out = append(out, c[i])
			}
		}
	}
	return out
}

// NewJournal returns an empty journal.
func NewJournal() *Journal { return &Journal{} }

// Append records e, assigning its sequence number (and Wall time when zero),
// and returns the stored entry.
func (j *Journal) Append(e Entry) Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.seq++
	e.Seq = j.seq
	if e.Wall.IsZero() {
		e.Wall = time.Now()
	}
	if len(j.chunks) == 0 || len(j.chunks[len(j.chunks)-1]) == chunkSize {
		j.chunks = append(j.chunks, make([]Entry, 0, chunkSize))
	}
	last := len(j.chunks) - 1
	j.chunks[last] = append(j.chunks[last], e)
	j.n++
	if j.changed != nil {
		close(j.changed) // wake the waiters; the next Wait makes a new one
		j.changed = nil
	}
	return e
}

// Len returns the number of entries.
func (j *Journal) Len() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.n
}

// Snapshot returns a copy of every entry so far.
func (j *Journal) Snapshot() Snapshot {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.copyAfter(0)
}

// Since returns a copy of the entries with Seq > seq.
func (j *Journal) Since(seq int64) Snapshot {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.copyAfter(seq)
}

// Wait blocks until cond holds for the journal's snapshot or ctx ends.
func (j *Journal) Wait(ctx context.Context, cond func(Snapshot) bool) error {
	for {
		j.mu.Lock()
		if j.changed == nil {
			j.changed = make(chan struct{})
		}
		ch := j.changed
		snap := j.copyAfter(0)
		j.mu.Unlock()
		if cond(snap) {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Reset drops every entry; sequence numbers keep growing.
func (j *Journal) Reset() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.chunks, j.n = nil, 0
}

// Drain removes and returns every entry so far, atomically: an entry is
// returned by exactly one Drain. Sequence numbers keep growing. A long run
// that drains its journal as it goes keeps its memory bounded.
func (j *Journal) Drain() Snapshot {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := j.copyAfter(0)
	j.chunks, j.n = nil, 0
	return out
}

// WriteJSONL writes every entry as one JSON object per line.
func (j *Journal) WriteJSONL(w io.Writer) error { return j.Snapshot().WriteJSONL(w) }

// Snapshot is a read-only copy of journal entries, in append order.
type Snapshot []Entry

// WriteJSONL writes one JSON object per line.
func (s Snapshot) WriteJSONL(w io.Writer) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for i := range s {
		if err := enc.Encode(&s[i]); err != nil {
			return fmt.Errorf("write journal entry %d: %w", s[i].Seq, err)
		}
	}
	return bw.Flush()
}

// ReadJSONL reads a journal written by WriteJSONL. Blank lines are skipped;
// any other bad line is an error naming its line number.
func ReadJSONL(r io.Reader) (Snapshot, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	var out Snapshot
	line := 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if len(trimSpace(b)) == 0 {
			continue
		}
		var e Entry
		if err := json.Unmarshal(b, &e); err != nil {
			return out, fmt.Errorf("journal line %d: %w", line, err)
		}
		if e.Kind == "" {
			return out, fmt.Errorf("journal line %d: entry has no kind", line)
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("journal line %d: %w", line+1, err)
	}
	return out, nil
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r') {
		b = b[1:]
	}
	return b
}

// Attempts returns the attempt records, optionally only for one delivery.
func (s Snapshot) Attempts(deliveryID string) []Attempt {
	var out []Attempt
	for _, e := range s {
		if e.Attempt != nil && (deliveryID == "" || e.Attempt.DeliveryID == deliveryID) {
			out = append(out, *e.Attempt)
		}
	}
	return out
}

// Deliveries returns the delivery records.
func (s Snapshot) Deliveries() []Delivery {
	var out []Delivery
	for _, e := range s {
		if e.Delivery != nil {
			out = append(out, *e.Delivery)
		}
	}
	return out
}

// APICalls returns the API call records.
func (s Snapshot) APICalls() []APICall {
	var out []APICall
	for _, e := range s {
		if e.APICall != nil {
			out = append(out, *e.APICall)
		}
	}
	return out
}

// Notices returns the notice records.
func (s Snapshot) Notices() []Notice {
	var out []Notice
	for _, e := range s {
		if e.Notice != nil {
			out = append(out, *e.Notice)
		}
	}
	return out
}

// ErrNoSuchDelivery is returned when a delivery id is not in a snapshot.
var ErrNoSuchDelivery = errors.New("no such delivery")
