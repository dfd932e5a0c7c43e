package assert

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// TextOptions tune WriteText.
type TextOptions struct {
	// Verbose also lists the steps of passing scenarios.
	Verbose bool
	// NoSummary leaves out the final count line.
	NoSummary bool
}

// WriteText writes the human report: one line per scenario and, for each
// failure, the step, the expectation, want and got, the attempt's request
// and response, the check's explanation and fix, the seed and the command
// that reruns it. Control characters and invalid UTF-8 (from a receiver's
// answers, say) are escaped (see EscapeControl).
func WriteText(w io.Writer, r Report, opt TextOptions) error {
	var text strings.Builder // the whole report, escaped at once so that no character is split
	bw := bufio.NewWriter(&text)
	for i := range r.Scenarios {
		writeScenarioText(bw, &r.Scenarios[i], opt)
	}
	if !opt.NoSummary {
		s := r.Summary
		extra := ""
		if s.Inconclusive > 0 || s.Blocked > 0 {
			extra = fmt.Sprintf(", %d inconclusive, %d blocked", s.Inconclusive, s.Blocked)
		}
		fmt.Fprintf(bw, "\n%d scenario(s): %d passed, %d failed, %d skipped, %d errors%s (%s)\n",
			s.Total, s.Passed, s.Failed, s.Skipped, s.Errors, extra, secs(r.Duration))
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	_, err := io.WriteString(w, EscapeControl(text.String()))
	return err
}

// ScenarioLine is the one-line form of a scenario result:
// "PASS  name (0.04s)", "SKIP  name: needs --probe-applied".
func ScenarioLine(sc *ScenarioResult) string { return EscapeControl(scenarioLine(sc)) }

func scenarioLine(sc *ScenarioResult) string {
	var b strings.Builder
	b.WriteString(fmt.Sprintf("%-5s %s", strings.ToUpper(string(sc.Verdict)), sc.Name))
	if sc.Check != nil && sc.Check.ID != "" && sc.Check.ID != sc.Name {
		b.WriteString(" [" + sc.Check.ID + "]")
	}
	if sc.Severity != "" && sc.Verdict == Fail {
		b.WriteString(" (" + string(sc.Severity) + ")")
	}
	switch sc.Verdict {
	case Skip, Error, Blocked, Inconclusive:
		if sc.Reason != "" {
			b.WriteString(": " + sc.Reason)
		}
	default:
		b.WriteString(" (" + secs(sc.Duration) + ")")
		if sc.Verdict == Pass && sc.Reason != "" {
			b.WriteString(": " + sc.Reason) // e.g. the preflight fell back to another event type
		}
	}
	return b.String()
}

func writeScenarioText(w io.Writer, sc *ScenarioResult, opt TextOptions) {
	fmt.Fprintln(w, scenarioLine(sc))
	if sc.Verdict == Pass && !opt.Verbose || sc.Verdict == Skip || sc.Verdict == Blocked {
		return
	}
	const ind = "      "
	for i := range sc.Steps {
		st := &sc.Steps[i]
		bad := st.Verdict == Fail || st.Verdict == Error
		if !bad && !opt.Verbose {
			continue
		}
		loc := ""
		if st.Line > 0 {
			loc = fmt.Sprintf(" (%s:%d)", sc.File, st.Line)
		}
		fmt.Fprintf(w, "%s%s %s: %s%s\n", ind, strings.ToUpper(string(st.Verdict)), stepLabel(*st), st.Summary, loc)
		if st.Error != "" {
			fmt.Fprintf(w, "%s  error: %s\n", ind, st.Error)
		}
		for _, res := range st.Results {
			if res.Verdict == Pass && !opt.Verbose {
				continue
			}
			writeResultText(w, ind+"  ", res)
		}
	}
	header := false
	for _, res := range sc.Always {
		if res.Verdict != Pass || opt.Verbose {
			if !header {
				fmt.Fprintf(w, "%s%s always (every delivery)\n", ind, strings.ToUpper(string(Worst(sc.Always))))
				header = true
			}
			writeResultText(w, ind+"  ", res)
		}
	}
	if c := sc.Control; c != nil && (c.Verdict != Pass || opt.Verbose) {
		fmt.Fprintf(w, "%s%s control (the same delivery untampered, fresh ids; must be accepted)\n", ind, strings.ToUpper(string(c.Verdict)))
		if c.Attempt != nil {
			WriteAttemptText(w, ind+"  ", c.Attempt)
		}
	}
	if sc.Verdict == Fail && sc.Check != nil {
		if sc.Check.Explain != "" {
			fmt.Fprintf(w, "%swhy: %s\n", ind, sc.Check.Explain)
		}
		if sc.Check.Fix != "" {
			fmt.Fprintf(w, "%sfix: %s\n", ind, sc.Check.Fix)
		}
	}
	if sc.Verdict != Pass {
		fmt.Fprintf(w, "%sseed: %d\n", ind, sc.Seed)
		if sc.Rerun != "" {
			fmt.Fprintf(w, "%srerun: %s\n", ind, sc.Rerun)
		}
	}
}

func writeResultText(w io.Writer, ind string, res Result) {
	mark := ""
	if res.Verdict != Pass {
		mark = strings.ToUpper(string(res.Verdict)) + " "
	}
	fmt.Fprintf(w, "%s%sexpect %s%s\n", ind, mark, res.Expectation, res.WantGot())
	if res.Message != "" && res.Verdict != Pass {
		fmt.Fprintf(w, "%s  %s\n", ind, res.Message)
	}
	if res.Attempt != nil && res.Verdict != Pass {
		writeAttemptText(w, ind+"  ", res.Attempt)
	}
	if res.Probe != nil && res.Verdict != Pass {
		p := res.Probe
		line := fmt.Sprintf("%sprobe %s %s", ind+"  ", p.Kind, p.Target)
		if p.Status != 0 {
			line += fmt.Sprintf(" → %d", p.Status)
		}
		if p.ExitCode != nil {
			line += fmt.Sprintf(" → exit %d", *p.ExitCode)
		}
		fmt.Fprintln(w, line)
		if p.Output != "" {
			fmt.Fprintf(w, "%s  < %s\n", ind+"  ", oneLine(p.Output))
		}
	}
}

// WriteAttemptText writes an attempt's one-line form, the request's key
// headers and body head (">") and the response's body head ("<"), with
// control characters escaped (see EscapeControl).
func WriteAttemptText(w io.Writer, ind string, a *AttemptSummary) {
	var b strings.Builder
	writeAttemptText(&b, ind, a)
	_, _ = io.WriteString(w, EscapeControl(b.String()))
}

func writeAttemptText(w io.Writer, ind string, a *AttemptSummary) {
	fmt.Fprintf(w, "%s%s\n", ind, a.Line())
	for _, k := range keyHeaders(a.Request.Header) {
		fmt.Fprintf(w, "%s  > %s: %s\n", ind, k, a.Request.Header[k])
	}
	if a.Request.Body != "" {
		fmt.Fprintf(w, "%s  > %s%s\n", ind, oneLine(a.Request.Body), ellipsis(a.Request.Truncated))
	}
	if a.Response != nil {
		if ct := a.Response.Header["Content-Type"]; ct != "" {
			fmt.Fprintf(w, "%s  < Content-Type: %s\n", ind, ct)
		}
		if loc := a.Response.Header["Location"]; loc != "" {
			fmt.Fprintf(w, "%s  < Location: %s\n", ind, loc)
		}
		if a.Response.Body != "" {
			fmt.Fprintf(w, "%s  < %s%s\n", ind, oneLine(a.Response.Body), ellipsis(a.Response.Truncated))
		}
	}
}

// keyHeaders picks the headers worth showing: the platforms' X-* and
// signature headers and Content-Type, sorted.
func keyHeaders(h map[string]string) []string {
	var out []string
	for k := range h {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "x-") || strings.Contains(lk, "signature") || lk == "content-type" {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 200 {
		s, _ = head(s, 200)
		s += "…"
	}
	return strings.Join(strings.Fields(s), " ")
}

func ellipsis(b bool) string {
	if b {
		return " …"
	}
	return ""
}

func secs(s float64) string {
	d := time.Duration(s * float64(time.Second))
	switch {
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.3fs", s)
	default:
		return fmt.Sprintf("%.2fs", s)
	}
}
