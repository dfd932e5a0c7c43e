package report

import (
	"bufio"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hookdrill/hookdrill/assert"
)

//go:embed assets/report.html.tmpl
var htmlSource string

//go:embed assets/report.css
var cssSource string

//go:embed assets/report.js
var jsSource string

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"upper": strings.ToUpper,
}).Parse(htmlSource))

// FilterVerdicts returns the verdicts the HTML report always offers as
// filters, whether or not the report holds any; other verdicts found in
// the report are added after them.
func FilterVerdicts() []assert.Verdict {
	return []assert.Verdict{assert.Pass, assert.Fail, assert.Error, assert.Skip, "inconclusive", "blocked"}
}

// WriteHTML writes r as one self-contained HTML page: inline CSS and
// JavaScript, inline SVG timelines, no fonts, images or other requests (a
// Content-Security-Policy forbids them). The summary, the checks and the
// timelines are plain HTML and SVG, readable with JavaScript disabled; the
// script adds filtering, search, keyboard navigation and the switch
// between a compressed and a true-scale time axis. Every value comes from
// the report, already redacted, and is escaped by html/template.
func WriteHTML(w io.Writer, r assert.Report, opt Options) error {
	v := buildView(r, opt)
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := htmlTemplate.Execute(bw, v); err != nil {
		return fmt.Errorf("write HTML report: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write HTML report: %w", err)
	}
	return nil
}

type htmlView struct {
	Title    string
	CSS      template.CSS
	JS       template.JS
	Verdict  string
	VClass   string
	Headline string
	Summary  assert.Summary
	Duration string
	Scores   []string
	Runs     []runView
	Filters  []filterView
	Families []familyView
	Attempts int
	Legend   []legendItem
	// Big reports let the browser skip drawing the checks off screen.
	Big bool
}

type runView struct {
	Label, Seed, Shard, Rerun, Started, Duration string
}

type filterView struct {
	Verdict, Class string
	Count          int
}

type legendItem struct{ Class, Label string }

type familyView struct {
	Name   string
	Counts string
	Checks []checkView
}

type checkView struct {
	Anchor, ID, Name, Platform, File, Severity string
	Verdict, VClass, Reason                    string
	Summary, Explain, Fix                      string
	Seed, Rerun, Duration                      string
	Line                                       int
	Needs                                      []string
	Failures                                   []failureView
	Steps                                      []stepView
	Timeline                                   *timelineView
	Search                                     string
	Open                                       bool
}

type failureView struct {
	Where, Expectation, Want, Got, Message, Verdict string
	AttemptRef, AttemptLine                         string
}

type stepView struct {
	Label, Summary, Verdict, VClass, Error string
	Results                                []resultView
}

type resultView struct {
	Expectation, Want, Got, Verdict, VClass, Message string
}

type timelineView struct {
	Clock, Span, Scale string
	Width, Height      int
	PlotLeft, PlotEnd  int
	AxisY              int
	TicksLin, TicksLog []tickView
	Lanes              []laneView
	Probes             []probeMark
	ProbeY             int
	Panels             []panelView
	AttemptCount       int
}

type tickView struct {
	X     string
	Label string
}

type laneView struct {
	Y, TextY    int
	Label, Full string
	Status      string
	Marks       []markView
	Waits       []waitView
}

type markView struct {
	ID, Panel     string
	XLin, XLog, X string
	Class         string
	Tampered      bool
	Label         string
	Number        int
	Delivery      string
}

type waitView struct {
	ID                           string
	X1Lin, X2Lin                 string
	X1Log, X2Log                 string
	X1, X2                       string
	Label                        string
	LabelXLin, LabelXLog, LabelX string
	ShowLin, ShowLog             bool
	Show                         bool
}

type probeMark struct {
	Panel, XLin, XLog, X, Label string
}

type panelView struct {
	ID, Title, Kind string
	At, Outcome     string
	Class           string
	Latency         string
	Faults          string
	Error           string
	Request         *httpView
	Response        *httpView
	Signature       string
	// probe fields
	Target, Status, Output string
}

type httpView struct {
	Line      string
	Headers   []headerView
	Body      string
	Truncated bool
}

type headerView struct{ Name, Value string }

// bigReport is the number of scenarios above which the page asks the
// browser to draw only the checks on screen (CSS content-visibility), which
// roughly halves the load time of a 1,000-scenario report.
const bigReport = 200

// Geometry of a timeline, in SVG user units (pixels at 100%).
const (
	tlGutter = 190 // lane labels
	tlPlot   = 740 // width of the time axis
	tlRight  = 60  // room for the last label
	tlTop    = 26  // axis and its labels
	tlLane   = 18  // lane height
)

func buildView(r assert.Report, opt Options) htmlView {
	v := htmlView{Title: opt.Title, CSS: template.CSS(cssSource), JS: template.JS(jsSource), Summary: r.Summary}
	if v.Title == "" {
		v.Title = "hookdrill report"
	}
	v.Verdict = string(r.Summary.Verdict)
	if v.Verdict == "" {
		v.Verdict = string(assert.Pass)
	}
	if Failed(r) {
		v.Headline = "FAILED"
	} else {
		v.Headline = "PASSED"
	}
	v.VClass = verdictClass(assert.Verdict(v.Verdict))
	v.Duration = secs(r.Duration)
	v.Big = len(r.Scenarios) > bigReport
	for _, s := range Scores(r) {
		v.Scores = append(v.Scores, s.String())
	}
	for _, run := range r.Runs {
		rv := runView{Label: strings.TrimSpace(run.Command + " " + run.Platform), Shard: run.Shard, Rerun: run.Rerun,
			Duration: secs(run.Duration)}
		if run.Seed != 0 {
			rv.Seed = strconv.FormatUint(run.Seed, 10)
		}
		if !run.Started.IsZero() {
			rv.Started = run.Started.UTC().Format(time.RFC3339)
		}
		if rv.Label == "" {
			rv.Label = "run"
		}
		v.Runs = append(v.Runs, rv)
	}
	counts := map[assert.Verdict]int{}
	for _, sc := range r.Scenarios {
		counts[sc.Verdict]++
	}
	seen := map[assert.Verdict]bool{}
	for _, fv := range FilterVerdicts() {
		v.Filters = append(v.Filters, filterView{Verdict: string(fv), Class: verdictClass(fv), Count: counts[fv]})
		seen[fv] = true
	}
	for _, fv := range sortedVerdicts(counts) {
		if !seen[fv] {
			v.Filters = append(v.Filters, filterView{Verdict: string(fv), Class: verdictClass(fv), Count: counts[fv]})
		}
	}
	famIndex := map[string]int{}
	for i := range r.Scenarios {
		sc := &r.Scenarios[i]
		fam := family(sc)
		fi, ok := famIndex[fam]
		if !ok {
			fi = len(v.Families)
			famIndex[fam] = fi
			v.Families = append(v.Families, familyView{Name: fam})
		}
		cv := buildCheck(i, sc)
		if cv.Timeline != nil {
			v.Attempts += cv.Timeline.AttemptCount
		}
		v.Families[fi].Checks = append(v.Families[fi].Checks, cv)
	}
	for i := range v.Families {
		f := &v.Families[i]
		c := map[assert.Verdict]int{}
		for _, ch := range f.Checks {
			c[assert.Verdict(ch.Verdict)]++
		}
		var parts []string
		for _, vv := range sortedVerdicts(c) {
			parts = append(parts, fmt.Sprintf("%d %s", c[vv], vv))
		}
		f.Counts = strings.Join(parts, ", ")
	}
	v.Legend = []legendItem{{"c-2xx", "2xx"}, {"c-3xx", "3xx redirect"}, {"c-4xx", "4xx"}, {"c-5xx", "5xx"},
		{"c-timeout", "timeout"}, {"c-lost_ack", "lost ack"}, {"c-net", "no answer (refused, reset, TLS...)"}}
	return v
}

// family groups a scenario: a check id without its last part
// ("prolific.signature"), or a scenario name's directory
// ("prolific/..."), or its platform.
func family(sc *assert.ScenarioResult) string {
	if sc.Check != nil && sc.Check.ID != "" {
		if i := strings.LastIndexByte(sc.Check.ID, '.'); i > 0 {
			return sc.Check.ID[:i]
		}
	}
	if i := strings.LastIndexByte(sc.Name, '/'); i > 0 {
		return sc.Name[:i]
	}
	if sc.Platform != "" {
		return sc.Platform
	}
	return "scenarios"
}

// verdictClass is the CSS class of a verdict: "v-" and the verdict with
// anything but letters, digits and "-" replaced, so that any verdict
// string is safe; unknown verdicts have no style of their own and look
// neutral.
func verdictClass(v assert.Verdict) string {
	var b strings.Builder
	b.WriteString("v-")
	for _, r := range strings.ToLower(string(v)) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

func buildCheck(i int, sc *assert.ScenarioResult) checkView {
	cv := checkView{Anchor: fmt.Sprintf("c%d", i+1), ID: sc.Name, Name: sc.Name, Platform: sc.Platform, File: sc.File,
		Line: sc.Line, Severity: string(sc.Severity), Verdict: string(sc.Verdict), VClass: verdictClass(sc.Verdict),
		Reason: sc.Reason, Seed: strconv.FormatUint(sc.Seed, 10), Rerun: sc.Rerun, Duration: secs(sc.Duration), Needs: sc.Needs}
	if c := sc.Check; c != nil {
		if c.ID != "" {
			cv.ID = c.ID
		}
		cv.Summary, cv.Explain, cv.Fix = c.Summary, c.Explain, c.Fix
	}
	cv.Open = sc.Verdict != assert.Pass && sc.Verdict != assert.Skip
	cv.Search = strings.ToLower(strings.Join([]string{cv.ID, cv.Name, cv.Platform, cv.File, cv.Verdict, cv.Severity,
		cv.Reason, cv.Summary}, " "))
	refs := map[string]string{} // delivery/number → panel id
	if sc.Timeline != nil {
		cv.Timeline = buildTimeline(cv.Anchor, sc.Timeline, refs)
	}
	for _, f := range sc.Failures() {
		fv := failureView{Where: f.Where(), Expectation: f.Result.Expectation, Want: f.Result.Want, Got: f.Result.Got,
			Message: f.Result.Message, Verdict: string(f.Result.Verdict)}
		if a := f.Result.Attempt; a != nil {
			fv.AttemptLine = a.Line()
			fv.AttemptRef = refs[a.DeliveryID+"#"+strconv.Itoa(a.Number)]
		}
		cv.Failures = append(cv.Failures, fv)
	}
	for _, st := range sc.Steps {
		sv := stepView{Label: fmt.Sprintf("%d", st.Index), Summary: st.Summary, Verdict: string(st.Verdict),
			VClass: verdictClass(st.Verdict), Error: st.Error}
		if st.ID != "" {
			sv.Label += " " + st.ID
		}
		for _, res := range st.Results {
			sv.Results = append(sv.Results, resultView{Expectation: res.Expectation, Want: res.Want, Got: res.Got,
				Verdict: string(res.Verdict), VClass: verdictClass(res.Verdict), Message: res.Message})
		}
		cv.Steps = append(cv.Steps, sv)
	}
	return cv
}

// axis maps a time offset (seconds) to x on a linear scale and on a
// compressed one. The compressed scale is a broken axis: between two
// consecutive instants of the timeline (attempts, probes, the end) the
// drawn length grows with the logarithm of the real gap, so every wait is
// visible, a longer wait is always drawn longer, and a 48 h schedule whose
// first retries come seconds apart fits; the waits carry their true length
// as labels.
type axis struct {
	end  float64   // seconds at the right end
	tau  float64   // gaps much shorter than tau are drawn almost linearly
	inst []float64 // the distinct instants, sorted, from 0 to end
	cum  []float64 // compressed offset of each instant, in units of total
}

// newAxis builds the axis of a timeline: the linear scale ends at end (a
// round number), the compressed one at last (the latest instant).
func newAxis(times []float64, end, last, tau float64) axis {
	a := axis{end: end, tau: tau}
	sorted := append([]float64{0}, times...)
	sorted = append(sorted, last)
	sort.Float64s(sorted)
	for _, t := range sorted {
		if t < 0 {
			t = 0
		}
		if len(a.inst) == 0 || t-a.inst[len(a.inst)-1] > 1e-9 {
			a.inst = append(a.inst, t)
		}
	}
	a.cum = make([]float64, len(a.inst))
	for i := 1; i < len(a.inst); i++ {
		a.cum[i] = a.cum[i-1] + math.Log1p((a.inst[i]-a.inst[i-1])/tau)
	}
	return a
}

func (a axis) lin(t float64) float64 {
	if a.end <= 0 {
		return tlGutter
	}
	return tlGutter + t/a.end*tlPlot
}

func (a axis) log(t float64) float64 {
	n := len(a.inst)
	if n < 2 || a.cum[n-1] <= 0 {
		return tlGutter
	}
	total := a.cum[n-1]
	i := sort.SearchFloat64s(a.inst, t) // first instant >= t
	switch {
	case i >= n:
		return tlGutter + tlPlot
	case i == 0 || a.inst[i]-t <= 1e-9:
		return tlGutter + a.cum[i]/total*tlPlot
	}
	lo, hi := a.inst[i-1], a.inst[i]
	frac := math.Log1p((t-lo)/a.tau) / math.Log1p((hi-lo)/a.tau)
	return tlGutter + (a.cum[i-1]+frac*(a.cum[i]-a.cum[i-1]))/total*tlPlot
}

func px(f float64) string { return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64) }

func buildTimeline(anchor string, tl *assert.Timeline, refs map[string]string) *timelineView {
	tv := &timelineView{Clock: tl.Clock, Width: tlGutter + tlPlot + tlRight, PlotLeft: tlGutter, PlotEnd: tlGutter + tlPlot}
	var times []float64
	for _, d := range tl.Deliveries {
		for _, at := range d.Attempts {
			times = append(times, at.AtS)
		}
	}
	for _, p := range tl.Probes {
		times = append(times, p.AtS)
	}
	if len(times) == 0 {
		return nil
	}
	last := 0.0
	for _, t := range times {
		last = max(last, t)
	}
	end := niceEnd(last)
	sort.Float64s(times)
	minGap := math.Inf(1)
	for i := 1; i < len(times); i++ {
		if g := times[i] - times[i-1]; g > 1e-9 {
			minGap = min(minGap, g)
		}
	}
	tau := 1.0
	if !math.IsInf(minGap, 1) {
		tau = max(minGap/4, end/1e6, 1e-4)
	}
	ax := newAxis(times, end, last, tau)
	// A true-scale axis when every two distinct instants are at least 10
	// px apart on it; otherwise a compressed one (both are drawn, the
	// script switches).
	tv.Scale = "log"
	if math.IsInf(minGap, 1) || minGap/end*tlPlot >= 10 {
		tv.Scale = "linear"
	}
	pick := func(lin, lg float64) string {
		if tv.Scale == "linear" {
			return px(lin)
		}
		return px(lg)
	}
	tv.Span = fmtOffset(last)
	tv.TicksLin = linTicks(ax)
	tv.TicksLog = logTicks(ax)
	y := tlTop
	for di, d := range tl.Deliveries {
		lv := laneView{Y: y + tlLane/2, TextY: y + tlLane/2 + 4, Status: d.Status}
		lv.Full = d.ID
		if d.EventType != "" {
			lv.Full += " · " + d.EventType
		}
		if d.Tag != "" {
			lv.Full += " · " + d.Tag
		}
		if d.Status != "" {
			lv.Full += " · " + d.Status
		}
		lv.Label = d.ID
		if d.EventType != "" {
			lv.Label += " " + d.EventType
		}
		if len(lv.Label) > 30 {
			lv.Label = lv.Label[:29] + "…"
		}
		for ai, at := range d.Attempts {
			panel := fmt.Sprintf("%s-d%d-a%d", anchor, di+1, ai+1)
			refs[at.DeliveryID+"#"+strconv.Itoa(at.Number)] = panel
			cls := at.MarkClass()
			mv := markView{ID: panel + "-m", Panel: panel, XLin: px(ax.lin(at.AtS)), XLog: px(ax.log(at.AtS)),
				X: pick(ax.lin(at.AtS), ax.log(at.AtS)), Class: markColour(cls), Tampered: at.Tampered(),
				Number: at.Number, Delivery: d.ID}
			mv.Label = fmt.Sprintf("attempt %d of %s at %s: %s", at.Number, d.ID, fmtOffset(at.AtS), answerLabel(&at.AttemptSummary))
			if mv.Tampered {
				mv.Label += " (tampered: " + strings.Join(at.Faults, ", ") + ")"
			}
			lv.Marks = append(lv.Marks, mv)
			tv.Panels = append(tv.Panels, attemptPanel(panel, d, at))
			tv.AttemptCount++
			if ai+1 < len(d.Attempts) {
				next := d.Attempts[ai+1]
				wv := waitView{ID: panel + "-w",
					X1Lin: px(ax.lin(at.AtS)), X2Lin: px(ax.lin(next.AtS)),
					X1Log: px(ax.log(at.AtS)), X2Log: px(ax.log(next.AtS)),
					Label: "+" + fmtOffset(next.AtS-at.AtS)}
				wv.LabelXLin = px((ax.lin(at.AtS) + ax.lin(next.AtS)) / 2)
				wv.LabelXLog = px((ax.log(at.AtS) + ax.log(next.AtS)) / 2)
				labelW := float64(len(wv.Label))*6 + 14
				wv.ShowLin = ax.lin(next.AtS)-ax.lin(at.AtS) >= labelW
				wv.ShowLog = ax.log(next.AtS)-ax.log(at.AtS) >= labelW
				if tv.Scale == "linear" {
					wv.X1, wv.X2, wv.LabelX, wv.Show = wv.X1Lin, wv.X2Lin, wv.LabelXLin, wv.ShowLin
				} else {
					wv.X1, wv.X2, wv.LabelX, wv.Show = wv.X1Log, wv.X2Log, wv.LabelXLog, wv.ShowLog
				}
				lv.Waits = append(lv.Waits, wv)
			}
		}
		tv.Lanes = append(tv.Lanes, lv)
		y += tlLane
	}
	if len(tl.Probes) > 0 {
		tv.ProbeY = y + tlLane/2
		for pi, p := range tl.Probes {
			panel := fmt.Sprintf("%s-p%d", anchor, pi+1)
			pm := probeMark{Panel: panel, XLin: px(ax.lin(p.AtS)), XLog: px(ax.log(p.AtS)), X: pick(ax.lin(p.AtS), ax.log(p.AtS))}
			pm.Label = fmt.Sprintf("probe %s %s at %s", p.Kind, p.Target, fmtOffset(p.AtS))
			tv.Probes = append(tv.Probes, pm)
			tv.Panels = append(tv.Panels, probePanel(panel, p))
		}
		y += tlLane
	}
	tv.Height = y + 6
	tv.AxisY = tlTop - 6
	return tv
}

// markColour maps a mark class to its colour class; the transport
// failures share one.
func markColour(cls string) string {
	switch cls {
	case "2xx", "3xx", "4xx", "5xx", "timeout", "lost_ack":
		return "c-" + cls
	case "1xx":
		return "c-3xx"
	}
	return "c-net"
}

func answerLabel(a *assert.AttemptSummary) string {
	s := string(a.Outcome)
	if a.Response != nil && a.Outcome != "lost_ack" {
		s = fmt.Sprintf("%d %s", a.Response.Status, http.StatusText(a.Response.Status))
	}
	return strings.TrimSpace(s) + " in " + assert.FormatMS(a.LatencyMS)
}

func attemptPanel(id string, d assert.TimelineDelivery, at assert.TimedAttempt) panelView {
	p := panelView{ID: id, Kind: "attempt", Title: fmt.Sprintf("Attempt %d of delivery %s", at.Number, d.ID),
		At: fmtOffset(at.AtS), Outcome: string(at.Outcome), Class: markColour(at.MarkClass()),
		Latency: assert.FormatMS(at.LatencyMS), Faults: strings.Join(at.Faults, ", "), Error: at.Error}
	if at.EventType != "" {
		p.Title += " (" + at.EventType + " " + at.EventID + ")"
	}
	req := &httpView{Line: strings.TrimSpace(at.Request.Method + " " + at.Request.URL), Body: at.Request.Body, Truncated: at.Request.Truncated}
	req.Headers = headers(at.Request.Header)
	for _, h := range req.Headers {
		if strings.Contains(strings.ToLower(h.Name), "signature") {
			p.Signature = h.Name + ": " + h.Value
		}
	}
	p.Request = req
	if r := at.Response; r != nil {
		p.Response = &httpView{Line: fmt.Sprintf("%d %s", r.Status, http.StatusText(r.Status)), Body: r.Body, Truncated: r.Truncated,
			Headers: headers(r.Header)}
	}
	return p
}

func probePanel(id string, p assert.TimelineProbe) panelView {
	pv := panelView{ID: id, Kind: "probe", Title: "Probe (" + p.Kind + ")", At: fmtOffset(p.AtS), Target: p.Target,
		Output: p.Output, Error: p.Error, Latency: assert.FormatMS(p.MS)}
	if p.Status != 0 {
		pv.Status = fmt.Sprintf("%d %s", p.Status, http.StatusText(p.Status))
	}
	if p.ExitCode != nil {
		pv.Status = fmt.Sprintf("exit %d", *p.ExitCode)
	}
	return pv
}

func headers(h map[string]string) []headerView {
	out := make([]headerView, 0, len(h))
	for k, v := range h {
		out = append(out, headerView{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// niceEnd rounds a span up to a round number of its unit so the axis ends
// on a label.
func niceEnd(end float64) float64 {
	if end <= 0 {
		return 0
	}
	for _, u := range []float64{1e-3, 1e-2, 0.1, 1, 10, 60, 600, 3600, 6 * 3600, 86400} {
		if end <= u*10 {
			return math.Ceil(end/u) * u
		}
	}
	return math.Ceil(end/86400) * 86400
}

func linTicks(ax axis) []tickView {
	if ax.end <= 0 {
		return []tickView{{X: px(tlGutter), Label: "0"}}
	}
	steps := []float64{1e-3, 2e-3, 5e-3, 1e-2, 2e-2, 5e-2, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800,
		3600, 2 * 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400, 7 * 86400}
	step := steps[len(steps)-1]
	for _, s := range steps {
		if ax.end/s <= 8 {
			step = s
			break
		}
	}
	if ax.end/step > 12 { // beyond a week: eight even steps
		step = ax.end / 8
	}
	var out []tickView
	for i := 0; i <= 12; i++ {
		t := float64(i) * step
		if t > ax.end*1.0001 {
			break
		}
		out = append(out, tickView{X: px(ax.lin(t)), Label: fmtOffset(t)})
	}
	return out
}

func logTicks(ax axis) []tickView {
	out := []tickView{{X: px(ax.log(0)), Label: "0"}}
	if ax.end <= 0 {
		return out
	}
	last := ax.log(0)
	cands := []float64{1e-3, 1e-2, 0.1, 1, 10, 60, 600, 3600, 6 * 3600, 12 * 3600, 86400, 36 * 3600, 2 * 86400, 3 * 86400, 5 * 86400, 7 * 86400}
	for _, t := range cands {
		if t > ax.inst[len(ax.inst)-1]*1.0001 {
			break
		}
		x := ax.log(t)
		if x-last < 60 {
			continue
		}
		out = append(out, tickView{X: px(x), Label: fmtOffset(t)})
		last = x
	}
	// The latest instant is labelled, in place of a round tick too close
	// to it.
	if end := ax.inst[len(ax.inst)-1]; end > 0 {
		if ax.log(end)-last < 60 && len(out) > 1 {
			out = out[:len(out)-1]
		}
		out = append(out, tickView{X: px(ax.log(end)), Label: fmtOffset(end)})
	}
	return out
}

// fmtOffset formats seconds on a timeline: "0", "850µs", "12ms", "1.5s",
// "4m10s", "1h02m", "1d12h".
func fmtOffset(s float64) string {
	if s <= 0 || math.IsNaN(s) {
		return "0"
	}
	if s > 1e9 { // beyond time.Duration's range
		return strconv.FormatFloat(s/86400, 'g', 3, 64) + "d"
	}
	d := time.Duration(s * float64(time.Second))
	switch {
	case d < time.Millisecond:
		return d.Round(time.Microsecond).String()
	case d < time.Second:
		return d.Round(100 * time.Microsecond).String()
	case d < time.Minute:
		return strconv.FormatFloat(math.Round(s*10)/10, 'f', -1, 64) + "s"
	case d < time.Hour:
		d = d.Round(time.Second)
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	case d < 48*time.Hour:
		d = d.Round(time.Minute)
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	d = d.Round(time.Hour)
	return fmt.Sprintf("%dd%02dh", int(d.Hours())/24, int(d.Hours())%24)
}

func secs(s float64) string {
	if s < 10e-3 {
		return fmt.Sprintf("%.3fs", s)
	}
	return fmt.Sprintf("%.2fs", s)
}
