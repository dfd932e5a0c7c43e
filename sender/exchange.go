package sender

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"slices"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/internal/h1"
)

// wrongSecret derives the key used by the wrong_secret tamper: related to
// the real one (so a receiver comparing only a prefix is caught) but never
// equal to it.
func wrongSecret(secret string) string {
	if secret == "" {
		return "hookdrill-wrong-secret"
	}
	b := []byte(secret)
	b[len(b)-1] ^= 0x01
	return string(b)
}

// exchange makes one HTTP attempt and returns its record (not yet journaled).
func (dl *delivery) exchange(n int, due time.Time) *hookdrill.Attempt {
	s := dl.s
	ev := &dl.ev
	// The attempt and its response record are allocated together.
	rec := &struct {
		a hookdrill.Attempt
		r hookdrill.HTTPResponse
	}{a: hookdrill.Attempt{
		DeliveryID: dl.id(), Platform: dl.prof.Name(), EventID: ev.ID, EventType: ev.Type,
		ResourceID: ev.ResourceID, Number: n,
	}}
	a := &rec.a
	if s.sim != nil {
		a.SimStarted = due
	}
	secret := string(dl.secret)
	if h := dl.hooks().Secret; h != nil {
		if cur, ok := h(); ok {
			secret = cur
		}
	}
	f := dl.faults()
	tamper := f.Tamper
	if f.TamperAttempts > 0 && n > f.TamperAttempts {
		tamper = nil
	}
	skew := f.Skew
	if skew <= 0 {
		skew = DefaultSkew
	}
	sentAt := s.cfg.WallNow()
	if s.cfg.SignWith == SignClock {
		sentAt = due
		if s.sim == nil {
			sentAt = s.clk.Now()
		}
	}
	body := dl.body
	signKey := secret
	var headerTampers []hookdrill.Tamper
	mutate := false
	for _, t := range tamper {
		a.Faults = append(a.Faults, string(t))
		switch t {
		case hookdrill.TamperWrongSecret:
			signKey = wrongSecret(secret)
		case hookdrill.TamperStale:
			sentAt = sentAt.Add(-skew)
		case hookdrill.TamperFuture:
			sentAt = sentAt.Add(skew)
		case hookdrill.TamperBodyChanged:
			mutate = true
		default:
			headerTampers = append(headerTampers, t)
		}
	}
	h, err := dl.prof.Sign(hookdrill.SignInput{Event: *ev, Body: body, Secret: signKey, SentAt: sentAt, Algorithm: f.Algorithm})
	if err == nil {
		for _, t := range headerTampers {
			if err = dl.prof.ApplyTamper(h, t); err != nil {
				break
			}
		}
	}
	if err == nil && mutate {
		body, err = dl.prof.MutateBody(*ev)
		if err == nil && f.BodyStyle == BodyIndented {
			body, err = styleBody(body, BodyIndented)
		}
	}
	a.Request = hookdrill.HTTPRequest{Method: http.MethodPost, URL: dl.tgt.log, Header: h, Body: string(body)}
	if err != nil {
		a.Outcome, a.Error = hookdrill.OutcomeLocalError, "sign: "+err.Error()
		a.Started = sentAt
		return a
	}

	start := s.cfg.WallNow()
	a.Started = start
	now := start // the attempt's deadline is in real time
	if !s.realWall {
		now = time.Now()
	}
	resp, err := s.roundTrip(dl.ctx, now.Add(dl.pol.Timeout), &dl.tgt.ep, h, headerOrder(dl.prof), body)
	a.Latency = s.cfg.WallNow().Sub(start)
	var rerr error
	if err != nil {
		var ah *h1.BodyError
		if !errors.As(err, &ah) || !resp.Got {
			a.Outcome = classify(err, dl.ctx)
			a.Error = describe(a.Outcome, err, dl.pol.Timeout)
			var big *h1.HeaderTooLargeError
			if errors.As(err, &big) && a.Outcome != hookdrill.OutcomeCancelled && a.Outcome != hookdrill.OutcomeTimeout {
				a.Outcome, a.Error = hookdrill.OutcomeProtocol, big.Error()
				a.Truncated = append(a.Truncated, hookdrill.TruncatedResponseHeader)
			}
			return a
		}
		rerr = ah.Err
	}
	raw := resp.Body
	keep := raw
	if len(keep) > s.cfg.RecordBodyBytes {
		keep = keep[:s.cfg.RecordBodyBytes]
	}
	hdr, hdrCut := clipHeader(resp.Header, s.cfg.RecordHeaderBytes)
	rec.r = hookdrill.HTTPResponse{
		Status: resp.Status, Header: hdr, Body: string(keep),
		BodyTruncated: resp.Truncated || len(raw) > len(keep), HeaderTruncated: hdrCut,
	}
	if hdrCut {
		a.Truncated = append(a.Truncated, hookdrill.TruncatedRecordedHeader)
	}
	if resp.Truncated {
		a.Truncated = append(a.Truncated, hookdrill.TruncatedResponseBody)
	}
	if len(raw) > len(keep) {
		a.Truncated = append(a.Truncated, hookdrill.TruncatedRecordedBody)
	}
	a.Response = &rec.r
	status := resp.Status
	switch {
	case rerr != nil:
		a.Outcome = classify(rerr, dl.ctx)
		a.Error = "reading the response body: " + describe(a.Outcome, rerr, dl.pol.Timeout)
	case status >= 200 && status < 300:
		a.Outcome = hookdrill.OutcomeSuccess
	case status >= 300 && status < 400:
		a.Outcome = hookdrill.OutcomeRedirect
		a.Error = fmt.Sprintf("HTTP %d redirect to %q is not followed; the platform counts it as a failed delivery",
			status, hookdrill.RedactURL(resp.Header.Get("Location")))
	default:
		a.Outcome = hookdrill.OutcomeHTTPError
		a.Error = fmt.Sprintf("HTTP %d", status)
	}
	if n <= f.LostAck && a.Outcome != hookdrill.OutcomeCancelled {
		a.Faults = append(a.Faults, "lost_ack")
		a.Error = fmt.Sprintf("answer (%s) dropped by the lost_ack fault and counted as a timeout", answerSummary(a))
		a.Outcome = hookdrill.OutcomeLostAck
	}
	return a
}

// clipHeader returns h if its names and values fit in limit bytes, else a
// copy whose values are cut (and, past the limit, dropped) so that they do.
// h itself is never changed: the h1 client shares it between attempts.
func clipHeader(h http.Header, limit int) (http.Header, bool) {
	size := 0
	for k, vs := range h {
		for _, v := range vs {
			size += len(k) + len(v)
		}
	}
	if size <= limit {
		return h, false
	}
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make(http.Header, len(h))
	left := limit
	for _, k := range keys {
		for _, v := range h[k] {
			room := left - len(k)
			if room <= 0 {
				break
			}
			if len(v) > room {
				v = clipUTF8(v, room) + "…"
				room = 0
			}
			out[k] = append(out[k], v)
			left -= len(k) + len(v)
		}
	}
	return out, true
}

// clipUTF8 returns at most n bytes of s, not cutting a UTF-8 sequence.
func clipUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func answerSummary(a *hookdrill.Attempt) string {
	if a.Response != nil {
		return fmt.Sprintf("HTTP %d", a.Response.Status)
	}
	return string(a.Outcome)
}

// Classify maps a transport error to an Outcome. ctx is the delivery's
// context: its cancellation is OutcomeCancelled, while an expired attempt
// timeout is OutcomeTimeout.
func Classify(err error, ctx context.Context) hookdrill.Outcome { return classify(err, ctx) }

func classify(err error, ctx context.Context) hookdrill.Outcome {
	if err == nil {
		return hookdrill.OutcomeSuccess
	}
	if ctx != nil && ctx.Err() != nil {
		return hookdrill.OutcomeCancelled
	}
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return hookdrill.OutcomeTimeout
	case errors.Is(err, context.Canceled):
		return hookdrill.OutcomeCancelled
	case errors.Is(err, syscall.ECONNREFUSED):
		return hookdrill.OutcomeRefused
	case isTLS(err):
		return hookdrill.OutcomeTLS
	case isReset(err), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return hookdrill.OutcomeReset
	case isProtocol(err):
		return hookdrill.OutcomeProtocol
	}
	return hookdrill.OutcomeNetwork
}

// staleConnError reports whether err is how a request fails on a reused
// connection that held leftover bytes or was closed by the receiver: a
// malformed answer, a reset or an early EOF, never a timeout.
func staleConnError(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false
	}
	return isProtocol(err) || isReset(err) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

func isReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNABORTED)
}

// roundTrip sends one POST through the sender's client; the exchange ends
// at deadline (real time) or when ctx is done. The response is valid when
// err is nil or an *h1.BodyError.
func (s *Sender) roundTrip(ctx context.Context, deadline time.Time, ep *h1.Endpoint, h http.Header, order []string, body []byte) (h1.Response, error) {
	u := ep.URL
	if u.User != nil && h.Get("Authorization") == "" {
		h = h.Clone()
		pw, _ := u.User.Password()
		req := &http.Request{Header: http.Header{}}
		req.SetBasicAuth(u.User.Username(), pw)
		h.Set("Authorization", req.Header.Get("Authorization"))
	}
	if s.h1 != nil {
		return s.h1.Post(ctx, deadline, ep, h, order, body, s.cfg.MaxResponseBytes)
	}
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	// A receiver that wrote more than its answer (bytes past
	// Content-Length, a body on a 204) leaves them on the connection, and
	// net/http may reuse it for the next request before noticing, which
	// then reads those bytes as its answer. Like the lean client, a request
	// that fails that way on a reused connection is sent once more (the
	// transport has dropped the broken connection by then); never after a
	// timeout.
	var reused bool
	trace := &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) { reused = i.Reused }}
	var resp *http.Response
	var err error
	for try := 0; ; try++ {
		reused = false
		var req *http.Request
		req, err = http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), http.MethodPost, u.String(), bytes.NewReader(body))
		if err != nil {
			return h1.Response{}, err
		}
		// net/http writes each key as the map spells it (X-Event-ID stays
		// X-Event-ID over HTTP/1.1), but in its own order: Host, User-Agent,
		// Content-Length, then the rest sorted by name.
		req.Header = h.Clone()
		if _, ok := req.Header["User-Agent"]; !ok {
			req.Header["User-Agent"] = []string{""} // send none rather than Go's default
		}
		resp, err = s.client.Do(req)
		if err == nil || try > 0 || !reused || ctx.Err() != nil || !staleConnError(err) {
			break
		}
	}
	if err != nil {
		if strings.Contains(err.Error(), "response headers exceeded") {
			// net/http's Transport stopped at its MaxResponseHeaderBytes.
			return h1.Response{}, &h1.HeaderTooLargeError{Detail: err.Error()}
		}
		return h1.Response{}, err
	}
	defer resp.Body.Close()
	raw, more, rerr := h1.ReadLimited(resp.Body, s.cfg.MaxResponseBytes)
	r := h1.Response{Got: true, Status: resp.StatusCode, Header: resp.Header, Body: raw, Truncated: more}
	if rerr != nil {
		return r, &h1.BodyError{Err: rerr}
	}
	return r, nil
}

// headerOrder is the profile's documented header order, if it has one.
func headerOrder(p hookdrill.Profile) []string {
	if ho, ok := p.(hookdrill.HeaderOrderer); ok {
		return ho.HeaderOrder()
	}
	return nil
}

func isTLS(err error) bool {
	var rh tls.RecordHeaderError
	var cv *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var he x509.HostnameError
	var ci x509.CertificateInvalidError
	var ae tls.AlertError
	if errors.As(err, &rh) || errors.As(err, &cv) || errors.As(err, &ua) || errors.As(err, &he) ||
		errors.As(err, &ci) || errors.As(err, &ae) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "tls: ") || strings.Contains(msg, "x509: ") ||
		strings.Contains(msg, "server gave HTTP response to HTTPS client")
}

func isProtocol(err error) bool {
	msg := err.Error()
	for _, s := range []string{"malformed HTTP", "malformed MIME", "invalid header", "too many", "unexpected EOF",
		"bad Content-Length", "invalid Content-Length", "chunked", "http2:", "unsupported transfer encoding"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// describe explains an outcome in one sentence for reports.
func describe(o hookdrill.Outcome, err error, timeout time.Duration) string {
	msg := err.Error()
	switch o {
	case hookdrill.OutcomeTimeout:
		return fmt.Sprintf("no complete answer within the %s timeout (%s)", timeout, msg)
	case hookdrill.OutcomeRefused:
		return "connection refused: nothing is listening at the target (" + msg + ")"
	case hookdrill.OutcomeReset:
		return "the receiver closed or reset the connection before a complete answer (" + msg + ")"
	case hookdrill.OutcomeTLS:
		return "TLS failure (" + msg + ")"
	case hookdrill.OutcomeProtocol:
		return "the answer was not valid HTTP (" + msg + ")"
	case hookdrill.OutcomeCancelled:
		return "cancelled (" + msg + ")"
	}
	return msg
}
