package assert

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/internal/testkit"
)

// golden compares got with testdata/name (go test -update rewrites it).
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	testkit.Golden(t, filepath.Join("testdata", name), got)
}

// sampleReport has one scenario of each verdict.
func sampleReport() Report {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	failing := DeliveryExpect{Status: MustStatus("4xx")}.Check(record(200))
	r := Report{Version: ReportVersion, Tool: "hookdrill", Started: start, Duration: 1.25, Scenarios: []ScenarioResult{
		{Name: "prolific/duplicate-acknowledged", File: "scenarios/dup.yaml", Platform: "prolific", Verdict: Pass,
			Seed: 42, Started: start, Duration: 0.04,
			Steps: []StepResult{{Index: 1, ID: "first", Kind: "send", Summary: "send submission.status.change APPROVED", Line: 9,
				Verdict: Pass, Results: []Result{{Expectation: "status", Verdict: Pass, Want: "2xx", Got: "200"}}}}},
		{Name: "prolific.signature.wrong_secret", File: "conform/sig.yaml", Platform: "prolific", Seed: 7, Started: start,
			Duration: 0.12, Verdict: Fail, Severity: Must,
			Check: &Check{ID: "prolific.signature.wrong_secret", Severity: Must,
				Explain: "The receiver accepted a delivery signed with another secret.",
				Fix:     "Verify X-Prolific-Request-Signature with hmac.Equal before doing anything else."},
			Steps: []StepResult{{Index: 1, ID: "forged", Kind: "send", Summary: "send submission.status.change tamper=wrong_secret",
				Line: 12, Verdict: Fail, Results: failing}},
			Rerun: "hookdrill run --seed 7 --run '^prolific\\.signature\\.wrong_secret$' conform/sig.yaml"},
		{Name: "prolific.idempotency.duplicate_applied_once", File: "conform/dup.yaml", Platform: "prolific", Seed: 3,
			Started: start, Verdict: Skip, Reason: "needs --probe-applied", Needs: []string{"probe.applied"}},
		{Name: "respondent/broken", File: "scenarios/broken.yaml", Platform: "respondent", Seed: 9, Started: start,
			Verdict: Error, Reason: "target: environment variable TARGET is not set"},
	}}
	r.Scenarios[1].Finish()
	r.Tally()
	return r
}

func TestTally(t *testing.T) {
	r := sampleReport()
	tassert.Equal(t, Summary{Total: 4, Passed: 1, Failed: 1, Skipped: 1, Errors: 1, Verdict: Error, MustFailed: 1}, r.Summary)
	tassert.Equal(t, "step 1 forged: status: want 4xx, got 200", r.Scenarios[1].Reason)
}

func TestWriteTextGolden(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteText(&b, sampleReport(), TextOptions{}))
	golden(t, "report.txt", b.Bytes())
	out := b.String()
	for _, want := range []string{
		"PASS  prolific/duplicate-acknowledged (0.04s)",
		"FAIL  prolific.signature.wrong_secret (MUST) (0.12s)",
		"expect status: want 4xx, got 200",
		"attempt 1: POST http://127.0.0.1:1/hook → 200 OK",
		"> X-Event-ID: e1",
		`> {"resource_id": "r1", "status": "APPROVED"}`,
		"why: The receiver accepted",
		"fix: Verify",
		"seed: 7",
		"rerun: hookdrill run --seed 7",
		"SKIP  prolific.idempotency.duplicate_applied_once: needs --probe-applied",
		"ERROR respondent/broken: target: environment variable TARGET is not set",
		"4 scenario(s): 1 passed, 1 failed, 1 skipped, 1 errors",
	} {
		tassert.Contains(t, out, want)
	}
	tassert.NotContains(t, out, "User-Agent", "only key headers are shown")
}

func TestWriteTextVerbose(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteText(&b, sampleReport(), TextOptions{Verbose: true, NoSummary: true}))
	tassert.Contains(t, b.String(), "PASS step 1 first: send submission.status.change APPROVED (scenarios/dup.yaml:9)")
	tassert.NotContains(t, b.String(), "scenario(s):")
}

func TestJSONRoundTrip(t *testing.T) {
	in := sampleReport()
	var b bytes.Buffer
	require.NoError(t, WriteJSON(&b, in))
	out, err := ReadJSON(&b)
	require.NoError(t, err)
	tassert.Equal(t, in.Summary, out.Summary)
	require.Len(t, out.Scenarios, 4)
	f := out.Scenarios[1]
	tassert.Equal(t, Fail, f.Verdict)
	tassert.Equal(t, Must, f.Severity)
	require.NotNil(t, f.Steps[0].Results[0].Attempt)
	tassert.Equal(t, 200, f.Steps[0].Results[0].Attempt.Response.Status)
	tassert.Equal(t, []string{"probe.applied"}, out.Scenarios[2].Needs)

	_, err = ReadJSON(strings.NewReader(`{"version": 2}`))
	tassert.ErrorContains(t, err, "version 2")
}

func TestJUnitParsesBack(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteJUnit(&b, sampleReport()))
	golden(t, "report.junit.xml", b.Bytes())
	s, err := ReadJUnit(&b)
	require.NoError(t, err)
	tassert.Equal(t, 4, s.Tests)
	tassert.Equal(t, 1, s.Failures)
	tassert.Equal(t, 1, s.Errors)
	tassert.Equal(t, 1, s.Skipped)
	require.Len(t, s.Suites, 4, "one testsuite per file (conform/sig.yaml is the prolific checks)")
	var failed *JUnitCase
	for i := range s.Suites {
		for j := range s.Suites[i].Cases {
			if c := &s.Suites[i].Cases[j]; c.Failure != nil {
				failed = c
			}
		}
	}
	require.NotNil(t, failed)
	tassert.Equal(t, "prolific.signature.wrong_secret", failed.Name)
	tassert.Equal(t, "prolific.signature", failed.Classname)
	tassert.Equal(t, "MUST", failed.Failure.Type)
	tassert.Equal(t, "step 1 forged: status: want 4xx, got 200", failed.Failure.Message)
	tassert.Contains(t, failed.Failure.Text, "fix: Verify")
	tassert.Contains(t, failed.SystemOut, `> {"resource_id": "r1", "status": "APPROVED"}`)
	tassert.Contains(t, failed.SystemOut, "rerun: hookdrill run --seed 7")
}

func TestJUnitEscapesControlBytes(t *testing.T) {
	r := sampleReport()
	r.Scenarios[1].Steps[0].Results[0].Attempt.Response.Body = "\x00\x1b[31m<b>&"
	var b bytes.Buffer
	require.NoError(t, WriteJUnit(&b, r))
	_, err := ReadJUnit(&b)
	require.NoError(t, err, "the XML stays well-formed whatever the receiver answered")
}

func TestProgress(t *testing.T) {
	var b bytes.Buffer
	p := NewProgress(&b, true, 3)
	p.Done(ScenarioResult{Name: "a", Verdict: Pass})
	p.Done(ScenarioResult{Name: "b", Verdict: Fail})
	p.Clear()
	tassert.Contains(t, b.String(), "[1/3] 0 failed  a")
	tassert.Contains(t, b.String(), "[2/3] 1 failed  b")
	tassert.True(t, strings.HasSuffix(b.String(), "\r"))

	var quiet bytes.Buffer
	q := NewProgress(&quiet, false, 3)
	q.Done(ScenarioResult{Name: "a", Verdict: Pass})
	q.Clear()
	tassert.Empty(t, quiet.String(), "no progress when not a terminal")
	tassert.False(t, IsTerminal(&quiet))
}

// An attempt that hit a read or record limit says so in every report
// format: the one-line form (text, JUnit) and the JSON field.
func TestAttemptShowsTruncation(t *testing.T) {
	a := attempt(1, 0, time.Millisecond)
	a.Outcome, a.Error = hookdrill.OutcomeProtocol, "the response header is larger than the 1 MiB the sender reads"
	a.Truncated = []string{hookdrill.TruncatedResponseHeader}
	s := Summarize(a)
	tassert.Equal(t, []string{"response_header"}, s.Truncated)
	tassert.Contains(t, s.Line(), "[truncated: response_header]")
	var b bytes.Buffer
	WriteAttemptText(&b, "", s)
	tassert.Contains(t, b.String(), "[truncated: response_header]")
}

// A platform's checks share one testsuite whatever their files; a result
// without want or got never reads "want , got".
func TestJUnitGroupsChecksByPlatform(t *testing.T) {
	check := func(id string) *Check { return &Check{ID: id, Severity: Must} }
	r := Report{Version: ReportVersion, Scenarios: []ScenarioResult{
		{Name: "prolific.a.one", File: "prolific/a.yaml", Platform: "prolific", Check: check("prolific.a.one"), Verdict: Pass, Duration: 1},
		{Name: "prolific.b.two", File: "prolific/b.yaml", Platform: "prolific", Check: check("prolific.b.two"), Verdict: Fail, Duration: 2,
			Steps: []StepResult{{Index: 1, Kind: "probe", Summary: "probe applied", Verdict: Fail,
				Results: []Result{{Expectation: "value", Verdict: Fail, Message: "the probe answered nothing"}}}}},
		{Name: "respondent.a.one", File: "respondent/a.yaml", Platform: "respondent", Check: check("respondent.a.one"), Verdict: Pass},
		{Name: "mine", File: "mine.yaml", Platform: "prolific", Verdict: Pass},
	}}
	r.Scenarios[1].Finish()
	r.Tally()
	j := ToJUnit(r)
	var names []string
	for _, s := range j.Suites {
		names = append(names, s.Name)
	}
	tassert.Equal(t, []string{"prolific conformance", "respondent conformance", "mine.yaml"}, names)
	tassert.Equal(t, 2, j.Suites[0].Tests)
	tassert.Equal(t, "3.000", j.Suites[0].Time)
	var b bytes.Buffer
	require.NoError(t, WriteJUnit(&b, r))
	tassert.NotContains(t, b.String(), "want , got")
	tassert.NotContains(t, b.String(), "want ,")
	tassert.Contains(t, b.String(), `message="step 1: value"`)
	b.Reset()
	require.NoError(t, WriteText(&b, r, TextOptions{}))
	tassert.NotContains(t, b.String(), "want , got")
}
