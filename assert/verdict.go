package assert

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hookdrill/hookdrill"
)

// Verdict is the result of a check, a step or a scenario.
type Verdict string

// Verdicts, from best to worst for Worse.
const (
	Pass Verdict = "pass" // every expectation held
	Skip Verdict = "skip" // not run: a requirement (probe, mock, variable) is missing
	// Inconclusive: the check ran but cannot tell: its control (the same
	// delivery untampered) was not accepted, so a rejection proves nothing.
	Inconclusive Verdict = "inconclusive"
	// Blocked: not run because a check it depends on (the preflight's
	// correct delivery) failed; Reason names it.
	Blocked Verdict = "blocked"
	Fail    Verdict = "fail"  // an expectation did not hold: the receiver under test misbehaved
	Error   Verdict = "error" // the check could not be run: bad scenario, probe that cannot start
)

// Verdicts lists every verdict, from best to worst.
func Verdicts() []Verdict { return []Verdict{Pass, Skip, Inconclusive, Blocked, Fail, Error} }

// rank orders verdicts for Worse.
func (v Verdict) rank() int {
	switch v {
	case Pass:
		return 0
	case Skip:
		return 1
	case Inconclusive:
		return 2
	case Blocked:
		return 3
	case Fail:
		return 4
	case Error:
		return 5
	}
	return 5
}

// Worse returns the worse of two verdicts (error > fail > blocked >
// inconclusive > skip > pass). The
// zero Verdict counts as pass.
func Worse(a, b Verdict) Verdict {
	if a == "" {
		return b
	}
	if b == "" || a.rank() >= b.rank() {
		return a
	}
	return b
}

// Severity says how bad a failure is.
type Severity string

// Severities.
const (
	// Must: a failure is a production bug (lost, forged or double-applied events).
	Must Severity = "MUST"
	// Should: a failure is a risk, not a certain bug.
	Should Severity = "SHOULD"
)

// Severities lists the valid severities.
func Severities() []Severity { return []Severity{Must, Should} }

// Valid reports whether s is a known severity or empty (no severity).
func (s Severity) Valid() bool { return s == "" || s == Must || s == Should }

// Result is the outcome of one expectation.
type Result struct {
	// Expectation names what was checked, e.g. "status", "within",
	// "json /processed/abc", "calls GET /api/v1/submissions/{id}/".
	Expectation string  `json:"expectation"`
	Verdict     Verdict `json:"verdict"`
	// Message explains a failure or error in one sentence; empty on pass.
	Message string `json:"message,omitempty"`
	Want    string `json:"want"`
	Got     string `json:"got"`
	// Attempt is the delivery attempt that decided a delivery check.
	Attempt *AttemptSummary `json:"attempt,omitempty"`
	// Probe is the probe whose value decided a probe check.
	Probe *ProbeSummary `json:"probe,omitempty"`
}

// OK reports whether the result passed.
func (r Result) OK() bool { return r.Verdict == Pass }

// Worst returns the worst verdict of rs (pass for none).
func Worst(rs []Result) Verdict {
	v := Pass
	for _, r := range rs {
		v = Worse(v, r.Verdict)
	}
	return v
}

// BodyHeadBytes is how much of a body a summary keeps.
const BodyHeadBytes = 512

// HTTPSummary is the head of a request or response.
type HTTPSummary struct {
	Method string            `json:"method,omitempty"`
	URL    string            `json:"url,omitempty"`
	Status int               `json:"status,omitempty"`
	Header map[string]string `json:"header,omitempty"`
	// Body holds the first BodyHeadBytes bytes; Truncated says more followed.
	Body      string `json:"body,omitempty"`
	Truncated bool   `json:"truncated,omitempty"`
}

// AttemptSummary describes one delivery attempt for a report.
type AttemptSummary struct {
	DeliveryID string            `json:"delivery_id"`
	EventID    string            `json:"event_id"`
	EventType  string            `json:"event_type"`
	Number     int               `json:"number"`
	Outcome    hookdrill.Outcome `json:"outcome"`
	Error      string            `json:"error,omitempty"`
	LatencyMS  float64           `json:"latency_ms"`
	Faults     []string          `json:"faults,omitempty"`
	// Truncated lists the read and record limits the attempt hit
	// (hookdrill.TruncatedResponseHeader...).
	Truncated []string     `json:"truncated,omitempty"`
	Request   HTTPSummary  `json:"request"`
	Response  *HTTPSummary `json:"response,omitempty"`
}

// Summarize builds the report form of an attempt.
func Summarize(a hookdrill.Attempt) *AttemptSummary {
	s := &AttemptSummary{
		DeliveryID: a.DeliveryID, EventID: a.EventID, EventType: a.EventType, Number: a.Number,
		Outcome: a.Outcome, Error: a.Error, LatencyMS: ms(a.Latency), Faults: a.Faults, Truncated: a.Truncated,
		Request: HTTPSummary{Method: a.Request.Method, URL: a.Request.URL, Header: flatHeader(a.Request.Header)},
	}
	s.Request.Body, s.Request.Truncated = head(a.Request.Body, BodyHeadBytes)
	if r := a.Response; r != nil {
		s.Response = &HTTPSummary{Status: r.Status, Header: flatHeader(r.Header)}
		s.Response.Body, s.Response.Truncated = head(r.Body, BodyHeadBytes)
		s.Response.Truncated = s.Response.Truncated || r.BodyTruncated
	}
	return s
}

// Line is a one-line form: "attempt 2: POST URL → 200 in 3ms".
func (s *AttemptSummary) Line() string {
	if s == nil {
		return ""
	}
	got := string(s.Outcome)
	if s.Response != nil {
		got = fmt.Sprintf("%d %s", s.Response.Status, http.StatusText(s.Response.Status))
		if s.Outcome != hookdrill.OutcomeSuccess && s.Outcome != hookdrill.OutcomeHTTPError {
			got += " (" + string(s.Outcome) + ")"
		}
	}
	line := fmt.Sprintf("attempt %d: %s %s → %s in %s", s.Number, s.Request.Method, s.Request.URL,
		strings.TrimSpace(got), FormatMS(s.LatencyMS))
	if len(s.Faults) > 0 {
		line += " [faults: " + strings.Join(s.Faults, ", ") + "]"
	}
	if len(s.Truncated) > 0 {
		line += " [truncated: " + strings.Join(s.Truncated, ", ") + "]"
	}
	if s.Error != "" && s.Outcome != hookdrill.OutcomeHTTPError {
		line += ": " + s.Error
	}
	return line
}

// ProbeSummary describes a probe for a report.
type ProbeSummary struct {
	Kind     string  `json:"kind"` // http, exec
	Target   string  `json:"target"`
	Status   int     `json:"status,omitempty"`
	ExitCode *int    `json:"exit_code,omitempty"`
	Output   string  `json:"output,omitempty"` // first BodyHeadBytes of the body or stdout
	Error    string  `json:"error,omitempty"`
	MS       float64 `json:"latency_ms"`
}

func flatHeader(h http.Header) map[string]string {
	if len(h) == 0 {
		return nil
	}
	out := make(map[string]string, len(h))
	for k, v := range h {
		out[k] = strings.Join(v, ", ")
	}
	return out
}

// head returns at most n bytes of s, not cutting a UTF-8 sequence.
func head(s string, n int) (string, bool) {
	if len(s) <= n {
		return s, false
	}
	i := n
	for i > 0 && i > n-4 && s[i]&0xC0 == 0x80 {
		i--
	}
	return s[:i], true
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// FormatMS prints a latency in milliseconds as a rounded duration
// (µs below 1 ms, 0.1 ms below 1 s, ms above), as every report shows it.
func FormatMS(v float64) string {
	d := time.Duration(v * float64(time.Millisecond))
	switch {
	case d < time.Millisecond:
		return d.Round(time.Microsecond).String()
	case d < time.Second:
		return d.Round(100 * time.Microsecond).String()
	default:
		return d.Round(time.Millisecond).String()
	}
}

// Observations: what a receiver did with a delivery, in the words a verdict
// uses (see Observe).
const (
	ObsAccepted    = "accepted"    // 2xx
	ObsRefused     = "refused"     // 4xx
	ObsCrashed     = "crashed"     // 5xx
	ObsRedirected  = "redirected"  // 3xx
	ObsTimedOut    = "timed out"   // no answer within the timeout
	ObsUnreachable = "unreachable" // nothing listening, DNS, TLS
	ObsDropped     = "dropped"     // connection reset or an answer that is not HTTP
	ObsOther       = "answered"    // 1xx or another status
)

// Observe classifies an attempt: accepted (2xx), refused (4xx), crashed
// (5xx), redirected (3xx), timed out, unreachable, dropped. nil is "".
func Observe(a *AttemptSummary) string {
	if a == nil {
		return ""
	}
	if a.Response != nil {
		switch st := a.Response.Status; {
		case st >= 200 && st < 300:
			return ObsAccepted
		case st >= 300 && st < 400:
			return ObsRedirected
		case st >= 400 && st < 500:
			return ObsRefused
		case st >= 500 && st < 600:
			return ObsCrashed
		}
		if a.Outcome == hookdrill.OutcomeTimeout || a.Outcome == hookdrill.OutcomeLostAck {
			return ObsTimedOut
		}
		return ObsOther
	}
	switch a.Outcome {
	case hookdrill.OutcomeTimeout, hookdrill.OutcomeLostAck:
		return ObsTimedOut
	case hookdrill.OutcomeRefused, hookdrill.OutcomeNetwork, hookdrill.OutcomeTLS:
		return ObsUnreachable
	case hookdrill.OutcomeReset, hookdrill.OutcomeProtocol:
		return ObsDropped
	case hookdrill.OutcomeSuccess:
		return ObsAccepted
	}
	return string(a.Outcome)
}

// ObservedPhrase says what the receiver did in a few words, with the
// status: "refused it (HTTP 401)", "timed out (no answer within 3s)".
func ObservedPhrase(a *AttemptSummary) string {
	obs := Observe(a)
	st := 0
	if a != nil && a.Response != nil {
		st = a.Response.Status
	}
	switch obs {
	case ObsAccepted:
		return fmt.Sprintf("accepted it (HTTP %d)", st)
	case ObsRefused:
		return fmt.Sprintf("refused it (HTTP %d)", st)
	case ObsCrashed:
		return fmt.Sprintf("crashed on it (HTTP %d)", st)
	case ObsRedirected:
		return fmt.Sprintf("redirected it (HTTP %d)", st)
	case ObsTimedOut:
		return "did not answer it in time (timed out)"
	case ObsUnreachable:
		return "could not be reached (" + string(a.Outcome) + ")"
	case ObsDropped:
		return "dropped the connection (" + string(a.Outcome) + ")"
	case ObsOther:
		return fmt.Sprintf("answered HTTP %d", st)
	case "":
		return "was not asked"
	}
	return obs
}

// WantGot is ": want W, got G" for the result, leaving out an empty side
// (and "" when both are empty), so that messages never read "want , got".
func (r Result) WantGot() string {
	switch {
	case r.Want != "" && r.Got != "":
		return ": want " + r.Want + ", got " + r.Got
	case r.Want != "":
		return ": want " + r.Want
	case r.Got != "":
		return ": got " + r.Got
	}
	return ""
}
