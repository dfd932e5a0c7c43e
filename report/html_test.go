package report

import (
	"bytes"
	"strings"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/assert"
)

func htmlOf(t *testing.T, r assert.Report) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, WriteHTML(&b, r, Options{}))
	return b.String()
}

func TestHTMLEscapesEverythingFromTheRun(t *testing.T) {
	evil := `<script>alert(1)</script><img src=http://example.com/x.png>`
	r := assert.Report{Version: 1, Tool: "hookdrill", Scenarios: []assert.ScenarioResult{{
		Name: evil, Platform: "prolific", Verdict: assert.Fail, Reason: evil,
		Timeline: &assert.Timeline{Clock: assert.ClockSimulated, Deliveries: []assert.TimelineDelivery{{ID: "d1", EventType: evil,
			Attempts: []assert.TimedAttempt{{AttemptSummary: assert.AttemptSummary{DeliveryID: "d1", Number: 1, Outcome: "success",
				Request:  assert.HTTPSummary{Method: "POST", URL: "http://127.0.0.1/x", Header: map[string]string{"X-Evil": evil}, Body: evil},
				Response: &assert.HTTPSummary{Status: 200, Body: evil}}}}}}},
	}}}
	r.Tally()
	out := htmlOf(t, r)
	tassert.NotContains(t, out, "<script>alert", "html/template escapes names, bodies and headers")
	tassert.NotContains(t, out, "<img", "no markup from the run survives")
	tassert.Equal(t, 1, strings.Count(out, "<script>"), "only the report's own script")
	tassert.Contains(t, out, "&lt;script&gt;alert(1)&lt;/script&gt;")
}

func TestHTMLRendersAnyVerdict(t *testing.T) {
	r := assert.Report{Version: 1, Tool: "hookdrill", Scenarios: []assert.ScenarioResult{
		{Name: "a", Platform: "prolific", Verdict: "inconclusive", Severity: assert.Must},
		{Name: "b", Platform: "prolific", Verdict: "blocked"},
		{Name: "c", Platform: "prolific", Verdict: `weird "verdict"`},
	}}
	out := htmlOf(t, r)
	for _, v := range FilterVerdicts() {
		tassert.Contains(t, out, `value="`+string(v)+`"`, "filter for %s", v)
	}
	tassert.Contains(t, out, `data-verdict="inconclusive"`)
	tassert.Contains(t, out, `class="check v-weird__verdict_"`, "an unknown verdict gets a safe class with no style: neutral")
	tassert.Contains(t, out, `value="weird &#34;verdict&#34;"`, "and its own filter")
	tassert.NotContains(t, report(t, out), "v-weird__verdict_{", "no style is defined for it")
}

// report returns the page's CSS.
func report(t *testing.T, page string) string {
	t.Helper()
	i, j := strings.Index(page, "<style>"), strings.Index(page, "</style>")
	require.True(t, i >= 0 && j > i)
	return page[i:j]
}

func TestHTMLOfTheDemoRun(t *testing.T) {
	r, attempts := demoRun(t)
	out := htmlOf(t, r)
	tassert.Less(t, len(out), 1<<20, "a whole conformance run stays under 1 MB")
	for _, s := range []string{plantedSecret, plantedOldSecret, plantedToken} {
		tassert.NotContains(t, out, s)
	}
	tassert.Equal(t, attempts, strings.Count(out, `class="mark attempt `), "one mark per journaled attempt")
	tassert.Contains(t, out, "Prolific: 19/19 MUST, 6/6 SHOULD")
	tassert.Contains(t, out, "Content-Security-Policy")
	for _, bad := range []string{"http://", "https://"} {
		for _, line := range strings.Split(out, "\n") {
			if strings.Contains(line, bad) && (strings.Contains(line, "src=") || strings.Contains(line, "@import") || strings.Contains(line, "url(")) {
				t.Errorf("a resource is loaded from the network: %s", line)
			}
		}
	}
}

// TestHTMLOddTimelines: timelines read from JSON can hold any numbers;
// none makes the page hang or panic.
func TestHTMLOddTimelines(t *testing.T) {
	for _, ats := range [][]float64{{-5, 3}, {0, 1e300}, {1e15, 1e15}, {0, 0, 0}, {0.000001, 1e6}} {
		var as []assert.TimedAttempt
		for i, at := range ats {
			as = append(as, assert.TimedAttempt{AtS: at, AttemptSummary: assert.AttemptSummary{DeliveryID: "d", Number: i + 1, Outcome: "timeout"}})
		}
		r := assert.Report{Scenarios: []assert.ScenarioResult{{Name: "x", Verdict: assert.Pass,
			Timeline: &assert.Timeline{Deliveries: []assert.TimelineDelivery{{ID: "d", Attempts: as}},
				Probes: []assert.TimelineProbe{{AtS: ats[len(ats)-1]}}}}}}
		out := htmlOf(t, r)
		tassert.Equal(t, len(ats), strings.Count(out, `class="mark attempt `), "%v", ats)
		tassert.Less(t, strings.Count(out, `class="tick"`), 40, "%v", ats)
	}
}

func TestFmtOffset(t *testing.T) {
	for in, want := range map[float64]string{0: "0", 0.00085: "850µs", 0.0123: "12.3ms", 1.5: "1.5s", 250: "4m10s",
		3720: "1h02m", 36 * 3600: "36h00m", 60 * 3600: "2d12h"} {
		tassert.Equal(t, want, fmtOffset(in), "%v", in)
	}
}
