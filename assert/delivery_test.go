package assert

import (
	"net/http"
	"strings"
	"testing"
	"time"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
)

// attempt builds an attempt answered with status (0: no answer, outcome
// timeout).
func attempt(n, status int, lat time.Duration) hookdrill.Attempt {
	a := hookdrill.Attempt{
		DeliveryID: "d1", EventID: "e1", EventType: "submission.status.change", Number: n, Latency: lat,
		Request: hookdrill.HTTPRequest{Method: http.MethodPost, URL: "http://127.0.0.1:1/hook",
			Header: http.Header{"X-Event-ID": {"e1"}, "Content-Type": {"application/json"}, "User-Agent": {"x"}},
			Body:   `{"resource_id": "r1", "status": "APPROVED"}`},
	}
	switch {
	case status == 0:
		a.Outcome, a.Error = hookdrill.OutcomeTimeout, "no answer within 10s"
	case status/100 == 2:
		a.Outcome = hookdrill.OutcomeSuccess
	case status/100 == 3:
		a.Outcome = hookdrill.OutcomeRedirect
	default:
		a.Outcome = hookdrill.OutcomeHTTPError
	}
	if status != 0 {
		a.Response = &hookdrill.HTTPResponse{Status: status, Body: `{"ok":false}`}
	}
	return a
}

func record(statuses ...int) DeliveryRecord {
	var r DeliveryRecord
	for i, s := range statuses {
		r.Attempts = append(r.Attempts, attempt(i+1, s, time.Duration(i+1)*time.Millisecond))
	}
	last := r.Attempts[len(r.Attempts)-1]
	st := hookdrill.StatusFailed
	if last.Outcome.Success() {
		st = hookdrill.StatusSucceeded
	}
	r.Delivery = &hookdrill.Delivery{DeliveryID: "d1", Status: st, Attempts: len(statuses), Outcome: last.Outcome, Reason: "all 3 attempts failed"}
	return r
}

func ptr[T any](v T) *T { return &v }

func verdicts(rs []Result) map[string]Verdict {
	m := map[string]Verdict{}
	for _, r := range rs {
		m[r.Expectation] = r.Verdict
	}
	return m
}

func TestDeliveryExpect(t *testing.T) {
	atMost1, err := NewMatcher(Cond{Op: OpLte, Want: 1})
	require.NoError(t, err)
	tests := []struct {
		name string
		e    DeliveryExpect
		r    DeliveryRecord
		want map[string]Verdict
	}{
		{"2xx passes", DeliveryExpect{Status: MustStatus("2xx")}, record(200), map[string]Verdict{"status": Pass}},
		{"2xx fails on 401", DeliveryExpect{Status: MustStatus("2xx")}, record(401), map[string]Verdict{"status": Fail}},
		{"last attempt by default", DeliveryExpect{Status: MustStatus("2xx")}, record(500, 200), map[string]Verdict{"status": Pass}},
		{"first attempt", DeliveryExpect{Status: MustStatus("4xx"), Attempt: Selector{Kind: SelectFirst}}, record(401, 200), map[string]Verdict{"status": Pass}},
		{"all attempts", DeliveryExpect{Status: MustStatus("4xx"), Attempt: Selector{Kind: SelectAll}}, record(401, 200), map[string]Verdict{"status": Fail}},
		{"any attempt", DeliveryExpect{Status: MustStatus("2xx"), Attempt: Selector{Kind: SelectAny}}, record(500, 200), map[string]Verdict{"status": Pass}},
		{"nth attempt", DeliveryExpect{Status: MustStatus("500"), Attempt: Selector{Kind: SelectNth, N: 1}}, record(500, 200), map[string]Verdict{"status": Pass}},
		{"nth never happened", DeliveryExpect{Status: MustStatus("2xx"), Attempt: Selector{Kind: SelectNth, N: 3}}, record(200), map[string]Verdict{"status": Fail}},
		{"timeout has no status", DeliveryExpect{Status: MustStatus("2xx")}, record(0), map[string]Verdict{"status": Fail}},
		{"not 5xx passes on 4xx", DeliveryExpect{Not: MustStatus("2xx", "5xx")}, record(400), map[string]Verdict{"not": Pass}},
		{"not 5xx fails on 503", DeliveryExpect{Not: MustStatus("2xx", "5xx")}, record(503), map[string]Verdict{"not": Fail}},
		{"not passes without answer", DeliveryExpect{Not: MustStatus("5xx")}, record(0), map[string]Verdict{"not": Pass}},
		{"within", DeliveryExpect{Within: 5 * time.Millisecond}, record(200), map[string]Verdict{"within": Pass}},
		{"within too slow", DeliveryExpect{Within: time.Microsecond}, record(200), map[string]Verdict{"within": Fail}},
		{"outcome", DeliveryExpect{Outcome: []hookdrill.Outcome{hookdrill.OutcomeTimeout}}, record(0), map[string]Verdict{"outcome": Pass}},
		{"attempts", DeliveryExpect{Attempts: atMost1}, record(500, 200), map[string]Verdict{"attempts": Fail}},
		{"delivered", DeliveryExpect{Delivered: ptr(true)}, record(500, 200), map[string]Verdict{"delivered": Pass}},
		{"not delivered", DeliveryExpect{Delivered: ptr(true)}, record(500, 500), map[string]Verdict{"delivered": Fail}},
		{"want failure", DeliveryExpect{Delivered: ptr(false)}, record(200), map[string]Verdict{"delivered": Fail}},
		{"no attempts, delivered false", DeliveryExpect{Delivered: ptr(false), Status: MustStatus("2xx")},
			DeliveryRecord{Delivery: &hookdrill.Delivery{Outcome: hookdrill.OutcomeUndelivered, Reason: "disabled"}},
			map[string]Verdict{"delivered": Pass, "status": Fail}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.e.Check(tc.r)
			tassert.Equal(t, tc.want, verdicts(got))
			for _, r := range got {
				if r.Verdict == Fail {
					tassert.NotEmpty(t, r.Message, "a failure explains itself")
					tassert.NotEmpty(t, r.Got)
				}
			}
		})
	}
}

func TestDeliveryFailureCarriesAttempt(t *testing.T) {
	res := DeliveryExpect{Status: MustStatus("4xx")}.Check(record(200))
	require.Len(t, res, 1)
	r := res[0]
	tassert.Equal(t, Fail, r.Verdict)
	tassert.Equal(t, "4xx", r.Want)
	tassert.Equal(t, "200", r.Got)
	require.NotNil(t, r.Attempt)
	tassert.Equal(t, 200, r.Attempt.Response.Status)
	tassert.Contains(t, r.Attempt.Request.Body, `"resource_id"`)
	tassert.Equal(t, "Attempt 1 was not 4xx: got 200.", r.Message)
	tassert.Equal(t, "attempt 1: POST http://127.0.0.1:1/hook → 200 OK in 1ms", r.Attempt.Line())
}

func TestParseSelector(t *testing.T) {
	for in, want := range map[string]Selector{
		"": {Kind: SelectLast}, "last": {Kind: SelectLast}, "FIRST": {Kind: SelectFirst},
		"all": {Kind: SelectAll}, "any": {Kind: SelectAny}, "3": {Kind: SelectNth, N: 3},
	} {
		got, err := ParseSelector(in)
		require.NoError(t, err, in)
		tassert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"0", "-1", "second"} {
		_, err := ParseSelector(bad)
		tassert.ErrorIs(t, err, ErrBadSelector, bad)
	}
}

func TestAggregate(t *testing.T) {
	e := DeliveryExpect{Status: MustStatus("2xx")}
	per := [][]Result{e.Check(record(200)), e.Check(record(500)), e.Check(record(200)), e.Check(record(503))}
	agg := Aggregate(per)
	require.Len(t, agg, 1)
	tassert.Equal(t, Fail, agg[0].Verdict)
	tassert.True(t, strings.HasPrefix(agg[0].Message, "2 of 4 deliveries failed"), agg[0].Message)
	tassert.Equal(t, "500 (first of 2 failing)", agg[0].Got)
	ok := Aggregate([][]Result{e.Check(record(200)), e.Check(record(201))})
	tassert.Equal(t, Pass, ok[0].Verdict)
	tassert.Equal(t, "all 2 deliveries", ok[0].Got)
}

func TestRecordFromSnapshot(t *testing.T) {
	j := hookdrill.NewJournal()
	a1, a2 := attempt(1, 500, time.Millisecond), attempt(2, 200, time.Millisecond)
	other := attempt(1, 200, 0)
	other.DeliveryID = "d2"
	j.Append(hookdrill.Entry{Kind: hookdrill.KindAttempt, Attempt: &a1})
	j.Append(hookdrill.Entry{Kind: hookdrill.KindAttempt, Attempt: &other})
	j.Append(hookdrill.Entry{Kind: hookdrill.KindAttempt, Attempt: &a2})
	j.Append(hookdrill.Entry{Kind: hookdrill.KindDelivery, Delivery: &hookdrill.Delivery{DeliveryID: "d1", Status: hookdrill.StatusSucceeded}})
	r := RecordFromSnapshot(j.Snapshot(), "d1")
	require.Len(t, r.Attempts, 2)
	require.NotNil(t, r.Delivery)
	tassert.Equal(t, 2, r.Attempts[1].Number)
}

func TestProbeExpect(t *testing.T) {
	doc, _ := ParseValue(`{"processed": {"e1": 2}, "status": {"r1": "APPROVED"}}`)
	rec := ProbeRecord{Summary: ProbeSummary{Kind: "http", Target: "GET http://x/state", Status: 200},
		Output: `{"processed": {"e1": 2}}`, Doc: doc, Value: doc, HasValue: true}
	one := Eq(1)
	p, _ := ParsePath("/processed/e1")
	missing, _ := ParsePath("/processed/e2")
	st, _ := ParsePath("status.r1")
	res := ProbeExpect{
		Status: MustStatus("200"),
		JSON:   []PathMatch{{Path: p, Matcher: one}, {Path: missing, Matcher: Eq(0)}, {Path: st, Matcher: Eq("APPROVED")}},
	}.Check(rec)
	tassert.Equal(t, map[string]Verdict{"status": Pass, "json /processed/e1": Fail, "json /processed/e2": Fail, "json status.r1": Pass}, verdicts(res))
	for _, r := range res {
		if r.Expectation == "json /processed/e1" {
			tassert.Equal(t, "2", r.Got)
			tassert.Equal(t, "/processed/e1 is 2, want 1.", r.Message)
		}
		if r.Expectation == "json /processed/e2" {
			tassert.Equal(t, "missing", r.Got)
		}
	}

	code := 3
	exec := ProbeRecord{Summary: ProbeSummary{Kind: "exec", Target: "./state.sh", ExitCode: &code}, Output: "APPROVED\n",
		Value: "APPROVED", HasValue: true}
	res = ProbeExpect{Exit: Eq(0), Stdout: Eq("APPROVED"), Value: Eq("APPROVED")}.Check(exec)
	tassert.Equal(t, map[string]Verdict{"exit": Fail, "stdout": Pass, "value": Pass}, verdicts(res))

	notJSON := ProbeRecord{Summary: ProbeSummary{Kind: "exec"}, Output: "hello"}
	res = ProbeExpect{JSON: []PathMatch{{Path: p, Matcher: one}}}.Check(notJSON)
	tassert.Equal(t, Fail, res[0].Verdict)
	tassert.Contains(t, res[0].Got, "not JSON")

	broken := ProbeRecord{Summary: ProbeSummary{Kind: "http", Target: "GET http://x"}, Err: errTest("connection refused")}
	res = ProbeExpect{Value: one}.Check(broken)
	require.Len(t, res, 1)
	tassert.Equal(t, Error, res[0].Verdict)
}

type errTest string

func (e errTest) Error() string { return string(e) }

func TestCallsAndNotices(t *testing.T) {
	j := hookdrill.NewJournal()
	for _, c := range []hookdrill.APICall{
		{Method: "GET", Path: "/api/v1/submissions/r1/", Route: "/api/v1/submissions/{id}/", ResourceID: "r1", Status: 200},
		{Method: "GET", Path: "/api/v1/submissions/r1/", Route: "/api/v1/submissions/{id}/", ResourceID: "r1", Status: 200},
		{Method: "GET", Path: "/api/v1/studies/s1/", Route: "/api/v1/studies/{id}/", ResourceID: "s1", Status: 404},
	} {
		c := c
		j.Append(hookdrill.Entry{Kind: hookdrill.KindAPICall, APICall: &c})
	}
	j.Append(hookdrill.Entry{Kind: hookdrill.KindNotice, Notice: &hookdrill.Notice{Type: "auto_disabled", EventType: "study.status.change"}})
	snap := j.Snapshot()
	tests := []struct {
		name string
		e    CallsExpect
		want Verdict
		got  string
	}{
		{"route once", CallsExpect{Route: "/api/v1/submissions/{id}", ResourceID: "r1", Count: Eq(1)}, Fail, "2"},
		{"route twice", CallsExpect{Method: "get", Route: "/api/v1/submissions/{id}/", Count: Eq(2)}, Pass, "2"},
		{"literal path", CallsExpect{Route: "/api/v1/studies/s1/"}, Pass, "1"},
		{"status filter", CallsExpect{Status: MustStatus("4xx"), Count: Eq(1)}, Pass, "1"},
		{"none", CallsExpect{Route: "/api/v1/hooks/"}, Fail, "0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.e.Check(snap)
			tassert.Equal(t, tc.want, r.Verdict)
			tassert.Equal(t, tc.got, r.Got)
		})
	}
	tassert.Equal(t, Pass, NoticesExpect{Type: "auto_disabled"}.Check(snap).Verdict)
	tassert.Equal(t, Fail, NoticesExpect{Type: "auto_disabled", EventType: "submission.status.change"}.Check(snap).Verdict)
}
