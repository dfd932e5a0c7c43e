package load

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// WriteText writes the report for people.
func (r Result) WriteText(w io.Writer) error {
	r.finish()
	var b strings.Builder
	partial := ""
	if r.Partial {
		partial = " (PARTIAL: " + r.StopReason + ")"
	}
	fmt.Fprintf(&b, "hookdrill load: %s → %s, %s, seed %d, shards %s%s\n", r.Platform, r.Target, r.Schedule, r.Seed, shardList(r.Shards), partial)
	if r.StopDetail != "" {
		fmt.Fprintf(&b, "  %s\n", r.StopDetail)
	}
	retries := string(r.Retries)
	if r.Retries == RetriesPlatform {
		retries += fmt.Sprintf(" (waits compressed %gx)", r.RetrySpeedup)
	}
	fmt.Fprintf(&b, "  retries %s, max in flight %d, elapsed %s\n\n", retries, r.MaxInFlight, r.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(&b, "Rate      asked %.1f/s  sent %.1f/s  (%s)  throughput %.1f deliveries/s\n",
		r.AskedRate, r.SentRate, keptWord(r), r.Throughput)
	fmt.Fprintf(&b, "Schedule  %d due, %d sent, %d dropped (queue full), %d not started (run stopped)\n",
		r.Asked, r.Dispatched, r.Dropped, r.Skipped)
	l := r.Lateness
	fmt.Fprintf(&b, "Lateness  start delay p50 %s p99 %s max %s; late by > %s on this machine (CPU): %d; waited for a slot (max in flight reached): %d, queue peak %d\n\n",
		fmtDur(l.StartDelay.Quantile(0.5)), fmtDur(l.StartDelay.Quantile(0.99)), fmtDur(l.StartDelay.Max()), l.Threshold, l.LateLocal, l.AtCap, l.MaxQueued)

	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "Latency (ms, from when due)\tcount\tp50\tp90\tp99\tp99.9\tmax\t\n")
	row := func(name string, h *Histogram) {
		p := PercentilesOf(h)
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t\n", name, p.Count, p.P50, p.P90, p.P99, p.P999, p.Max)
	}
	row("first attempts", &r.First.Latency)
	row("retries", &r.Retry.Latency)
	row("first attempts, service time only", &r.First.Service)
	for _, t := range r.eventTypes() {
		row("  "+t, &r.ByEvent[t].Latency)
	}
	tw.Flush()
	fmt.Fprintf(&b, "(percentiles at most %.2f%% above the true value; max exact. Service time runs from the request's\n"+
		"first byte, as closed-loop tools measure; it hides the wait before it)\n\n", RelativeError*100)

	if len(r.Seconds) > 0 {
		writeSeconds(&b, r.Seconds, r.step())
	}
	fmt.Fprintf(&b, "Outcomes  first attempts: %s\n", counts(r.First))
	fmt.Fprintf(&b, "          retries:        %s\n", counts(r.Retry))
	d := r.Deliveries
	fmt.Fprintf(&b, "Deliveries %d succeeded, %d failed, %d cancelled at the end, %d needed retries\n", d.Succeeded, d.Failed, d.Cancelled, d.Retried)
	if r.ReceiverDown != nil {
		fmt.Fprintf(&b, "Receiver DOWN since %s (%s, %d attempts failed)\n", r.ReceiverDown.Since.Format(time.RFC3339Nano), r.ReceiverDown.Outcome, r.ReceiverDown.Failed)
	}
	if p := r.Probe; p != nil {
		fmt.Fprintf(&b, "Probe %s: %s — %d sampled: %d applied once, %d lost, %d duplicated; not acknowledged: %d applied, %d not applied\n",
			p.URL, strings.ToUpper(p.Verdict), p.Sampled, p.AppliedOnce, p.Lost, p.Duplicated, p.UnackedApplied, p.UnackedNotApplied)
		for _, e := range p.Errors {
			fmt.Fprintf(&b, "  probe error: %s\n", e)
		}
		for _, e := range p.Examples {
			fmt.Fprintf(&b, "  e.g. %s\n", e)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func keptWord(r Result) string {
	if r.AskedRate == 0 {
		return "as fast as the slots allow"
	}
	var why []string
	if r.Lateness.AtCap > 0 || r.Dropped > 0 {
		why = append(why, "the receiver held every slot")
	}
	if r.Lateness.LateLocal > 0 {
		why = append(why, "this machine lagged")
	}
	switch {
	case len(why) > 0:
		return "schedule NOT kept: " + strings.Join(why, "; ")
	case r.SentRate < 0.99*r.AskedRate:
		return "schedule NOT kept"
	}
	return "schedule kept"
}

func shardList(s []Shard) string {
	parts := make([]string, len(s))
	for i, x := range s {
		parts[i] = x.String()
	}
	return strings.Join(parts, ",")
}

func counts(a AttemptStats) string {
	if a.Count == 0 {
		return "none"
	}
	var parts []string
	for _, o := range slices.Sorted(mapsKeys(a.Outcomes)) {
		parts = append(parts, fmt.Sprintf("%s %d", o, a.Outcomes[o]))
	}
	var codes []string
	for _, c := range slices.Sorted(mapsKeys(a.Statuses)) {
		codes = append(codes, fmt.Sprintf("%d×%d", c, a.Statuses[c]))
	}
	s := strings.Join(parts, ", ")
	if len(codes) > 0 {
		s += "; HTTP " + strings.Join(codes, " ")
	}
	return s
}

func mapsKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func fmtDur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + "s"
	case d >= time.Millisecond:
		return strconv.FormatFloat(float64(d)/1e6, 'f', 2, 64) + "ms"
	}
	return strconv.FormatFloat(float64(d)/1e3, 'f', 0, 64) + "µs"
}

// FormatProgress renders p as one status line (no newline).
func FormatProgress(p Progress) string {
	pct := 0.0
	if p.Span > 0 {
		pct = min(100, 100*p.Elapsed.Seconds()/p.Span.Seconds())
	}
	return fmt.Sprintf("%5.1f%% %6.1fs  sent %d (%.0f/s)  retries %d  ok %d  failed %d  in flight %d  p99 %s",
		pct, p.Elapsed.Seconds(), p.Sent, p.Rate, p.Retries, p.OK, p.Failed, p.InFlight, fmtDur(p.P99))
}

// WriteHTML writes a self-contained page (inline SVG, no scripts, nothing
// fetched) with the rate and latency over time and the text report.
func (r Result) WriteHTML(w io.Writer) error {
	r.finish()
	var text strings.Builder
	_ = r.WriteText(&text)
	const W, H, pad = 900.0, 260.0, 50.0
	n := len(r.Seconds)
	xs := func(i int) float64 {
		if n <= 1 {
			return pad
		}
		return pad + (W-2*pad)*float64(i)/float64(n-1)
	}
	var maxRate, maxLat float64
	step := float64(r.step()) // rates are per second
	for _, s := range r.Seconds {
		maxRate = math.Max(maxRate, math.Max(float64(s.Asked), float64(s.Sent+s.Retries))/step)
		maxLat = math.Max(maxLat, float64(s.Latency.Quantile(0.99))/1e6)
	}
	maxRate, maxLat = niceCeil(maxRate), niceCeil(maxLat)
	line := func(f func(s Second) float64, top float64) string {
		var b strings.Builder
		for i, s := range r.Seconds {
			y := H - pad - (H-2*pad)*f(s)/top
			fmt.Fprintf(&b, "%.1f,%.1f ", xs(i), y)
		}
		return b.String()
	}
	data := struct {
		Title, Text                          string
		W, H, Pad, MaxRate, MaxLat           float64
		Asked, Sent, Retries, P50, P99, P999 template.HTMLAttr
		Seconds, Step                        int
	}{
		Title: fmt.Sprintf("hookdrill load: %s, %s", r.Platform, r.Schedule), Text: text.String(),
		W: W, H: H, Pad: pad, MaxRate: maxRate, MaxLat: maxLat, Seconds: n * r.step(), Step: r.step(),
		Asked:   points(line(func(s Second) float64 { return float64(s.Asked) / step }, maxRate)),
		Sent:    points(line(func(s Second) float64 { return float64(s.Sent) / step }, maxRate)),
		Retries: points(line(func(s Second) float64 { return float64(s.Retries) / step }, maxRate)),
		P50:     points(line(func(s Second) float64 { return float64(s.Latency.Quantile(0.5)) / 1e6 }, maxLat)),
		P99:     points(line(func(s Second) float64 { return float64(s.Latency.Quantile(0.99)) / 1e6 }, maxLat)),
		P999:    points(line(func(s Second) float64 { return float64(s.Latency.Quantile(0.999)) / 1e6 }, maxLat)),
	}
	return htmlPage.Execute(w, data)
}

func points(s string) template.HTMLAttr {
	return template.HTMLAttr(`points="` + template.HTMLEscapeString(s) + `"`)
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten (at least 1).
func niceCeil(v float64) float64 {
	if !(v > 1) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

var htmlPage = template.Must(template.New("load").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}svg{background:#fafafa;border:1px solid #ddd}
pre{background:#f4f4f4;padding:1em;overflow:auto}.l{font-size:12px}</style></head><body>
<h1>{{.Title}}</h1>
<h2>Rate (deliveries per second{{if gt .Step 1}}, one point per {{.Step}} s{{end}})</h2>
<svg width="{{.W}}" height="{{.H}}" viewBox="0 0 {{.W}} {{.H}}" role="img" aria-label="rate over time">
<text x="5" y="{{.Pad}}" class="l">{{.MaxRate}}/s</text><text x="5" y="{{.H}}" dy="-{{.Pad}}" class="l">0</text>
<text x="{{.Pad}}" y="{{.H}}" dy="-10" class="l">0 s</text><text x="{{.W}}" dx="-90" y="{{.H}}" dy="-10" class="l">{{.Seconds}} s</text>
<polyline fill="none" stroke="#999" stroke-dasharray="4" {{.Asked}}/>
<polyline fill="none" stroke="#1f77b4" stroke-width="2" {{.Sent}}/>
<polyline fill="none" stroke="#d62728" stroke-width="2" {{.Retries}}/>
<text x="{{.Pad}}" y="20" class="l" fill="#999">asked</text><text x="{{.Pad}}" dx="60" y="20" class="l" fill="#1f77b4">sent (first attempts)</text><text x="{{.Pad}}" dx="220" y="20" class="l" fill="#d62728">retries</text>
</svg>
<h2>Latency of first attempts, by {{if gt .Step 1}}{{.Step}} s{{else}}second{{end}} due (ms, from when due)</h2>
<svg width="{{.W}}" height="{{.H}}" viewBox="0 0 {{.W}} {{.H}}" role="img" aria-label="latency over time">
<text x="5" y="{{.Pad}}" class="l">{{.MaxLat}} ms</text><text x="5" y="{{.H}}" dy="-{{.Pad}}" class="l">0</text>
<text x="{{.Pad}}" y="{{.H}}" dy="-10" class="l">0 s</text><text x="{{.W}}" dx="-90" y="{{.H}}" dy="-10" class="l">{{.Seconds}} s</text>
<polyline fill="none" stroke="#2ca02c" stroke-width="2" {{.P50}}/>
<polyline fill="none" stroke="#ff7f0e" stroke-width="2" {{.P99}}/>
<polyline fill="none" stroke="#9467bd" stroke-width="1" {{.P999}}/>
<text x="{{.Pad}}" y="20" class="l" fill="#2ca02c">p50</text><text x="{{.Pad}}" dx="50" y="20" class="l" fill="#ff7f0e">p99</text><text x="{{.Pad}}" dx="100" y="20" class="l" fill="#9467bd">p99.9</text>
</svg>
<h2>Report</h2>
<pre>{{.Text}}</pre>
</body></html>
`))

// maxTextRows bounds the over-time table of the text report: longer runs
// are shown in steps of several seconds, their histograms merged.
const maxTextRows = 30

func writeSeconds(b *strings.Builder, secs []Second, step int) {
	group := (len(secs) + maxTextRows - 1) / maxTextRows
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "Over time (s)\tasked/s\tsent/s\tretries/s\tok/s\tfailed/s\tp50 ms\tp99 ms\tmax ms\t\n")
	for i := 0; i < len(secs); i += group {
		var agg Second
		n := 0
		for _, s := range secs[i:min(i+group, len(secs))] {
			agg.add(&s)
			n += step
		}
		per := func(v uint64) string { return strconv.FormatFloat(float64(v)/float64(n), 'f', 0, 64) }
		label := strconv.Itoa(secs[i].Second)
		if n > 1 {
			label += "-" + strconv.Itoa(secs[i].Second+n)
		}
		p := PercentilesOf(&agg.Latency)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%.2f\t%.2f\t%.2f\t\n", label, per(agg.Asked), per(agg.Sent), per(agg.Retries),
			per(agg.OK), per(agg.Failed), p.P50, p.P99, p.Max)
	}
	tw.Flush()
	b.WriteString("\n")
}
