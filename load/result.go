package load

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
	"unsafe"

	"github.com/hookdrill/hookdrill"
)

// Kind and Version identify a load report's JSON, so that a reader of
// several report kinds (hookdrill report) can dispatch on them. Version 2
// added seconds_step (a folded over-time series); version 1 reports (one
// entry a second) are still read, as version 2 with seconds_step 1.
const (
	Kind    = "hookdrill.load"
	Version = 2
)

// MaxPoints bounds the over-time series (Result.Seconds): a run longer
// than MaxPoints seconds keeps one point per SecondsStep seconds, the step
// doubling (adjacent points merged exactly) each time the run outgrows
// the series. A 15-minute run keeps every second; a 24-hour run one point
// every 128 s (675 points). The memory a run holds is so bounded by
// MaxPoints sparse histograms, whatever its length.
const MaxPoints = 900

// maxStep bounds SecondsStep in a report read back.
const maxStep = 1 << 20

// Why a run stopped.
const (
	StopCompleted    = "completed"     // the schedule ran to its end
	StopCancelled    = "cancelled"     // the context was cancelled (Ctrl-C): the report is partial
	StopReceiverDown = "receiver_down" // the receiver stopped accepting connections: partial
)

// Result is a load run's report. Every count and histogram adds up
// exactly when results of the shards of one run are merged (Merge).
type Result struct {
	Kind    string `json:"kind"`
	Version int    `json:"version"`

	Platform string `json:"platform"`
	Target   string `json:"target"` // redacted
	// Schedule describes what was asked: "rate 200/s for 1m0s" or the profile.
	Schedule string `json:"schedule"`
	Profile  string `json:"profile,omitempty"`
	Seed     uint64 `json:"seed"`
	// Shards are the shards this result covers ("1/1" for a whole run).
	Shards []Shard `json:"shards"`

	Retries      RetryMode     `json:"retry_mode"`
	RetrySpeedup float64       `json:"retry_speedup,omitempty"`
	MaxInFlight  int           `json:"max_in_flight"`
	Span         time.Duration `json:"span_ns"` // schedule length

	Started time.Time     `json:"started"`
	Elapsed time.Duration `json:"elapsed_ns"` // wall time, drain included

	// Partial is set when the run stopped before its schedule ended.
	Partial    bool   `json:"partial"`
	StopReason string `json:"stop_reason"`
	StopDetail string `json:"stop_detail,omitempty"`

	// Asked counts the deliveries the schedule put in this shard; Dispatched
	// those handed to the sender; Dropped those due while MaxQueue
	// deliveries already waited; Skipped those not started because the run
	// stopped early.
	Asked      uint64 `json:"asked"`
	Dispatched uint64 `json:"dispatched"`
	Dropped    uint64 `json:"dropped"`
	Skipped    uint64 `json:"skipped"`

	// AskedRate is Asked over the span; SentRate the first attempts per
	// second actually started over the same window (or longer, when starts
	// slipped past it); Throughput successful deliveries per second of
	// Elapsed. Merged results add them (shards run side by side).
	AskedRate  float64 `json:"asked_rate"`
	SentRate   float64 `json:"sent_rate"`
	Throughput float64 `json:"throughput"`

	// First holds first attempts; Retry every later attempt. Latency runs
	// from when the attempt was due (not when it was sent) to the last
	// byte of the answer: waiting for a slot or a late start counts.
	First AttemptStats `json:"first_attempts"`
	Retry AttemptStats `json:"retries"`
	// ByEvent holds first attempts by event type.
	ByEvent map[string]*AttemptStats `json:"by_event"`
	// Seconds is the run over time, from its start: entry i covers the
	// seconds [i*SecondsStep, (i+1)*SecondsStep), at most MaxPoints
	// entries.
	Seconds []Second `json:"seconds"`
	// SecondsStep is how many seconds each entry of Seconds covers: 1, or a
	// power of two for a run longer than MaxPoints seconds.
	SecondsStep int `json:"seconds_step"`

	Deliveries DeliveryCounts `json:"deliveries"`
	Lateness   Lateness       `json:"lateness"`

	// ReceiverDown is set when the receiver stopped accepting connections.
	ReceiverDown *Down `json:"receiver_down,omitempty"`
	// Probe is the applied-exactly-once check, with Config.ProbeURL.
	Probe *ProbeResult `json:"probe,omitempty"`

	// Summary holds the headline percentiles, computed from the histograms
	// (ignored when a result is read back: recomputed).
	Summary Summary `json:"summary"`
}

// AttemptStats aggregates attempts.
type AttemptStats struct {
	Count uint64 `json:"count"`
	// Latency runs from when the attempt was due to the end of the answer.
	Latency Histogram `json:"latency"`
	// Service runs from when the request was written to the end of the
	// answer: what a closed-loop tool (vegeta, wrk) reports as latency.
	Service  Histogram                    `json:"service"`
	Outcomes map[hookdrill.Outcome]uint64 `json:"outcomes"`
	// Statuses counts HTTP status codes of the answers.
	Statuses map[int]uint64 `json:"statuses"`
}

func (a *AttemptStats) add(o *AttemptStats) {
	a.Count += o.Count
	a.Latency.Merge(&o.Latency)
	a.Service.Merge(&o.Service)
	if a.Outcomes == nil {
		a.Outcomes = map[hookdrill.Outcome]uint64{}
	}
	for k, v := range o.Outcomes {
		a.Outcomes[k] += v
	}
	if a.Statuses == nil {
		a.Statuses = map[int]uint64{}
	}
	for k, v := range o.Statuses {
		a.Statuses[k] += v
	}
}

// Second is one point of the over-time series: one second of the run, or
// Result.SecondsStep seconds of a long run.
type Second struct {
	// Second is the point's first second, counting from 0 at the start of
	// the run (a multiple of SecondsStep).
	Second int `json:"second"`
	// Asked counts deliveries due in the point's seconds; Sent first
	// attempts that started in them; Retries later attempts that started in
	// them; OK and Failed attempts (first and later) that ended in them.
	Asked   uint64 `json:"asked"`
	Sent    uint64 `json:"sent"`
	Retries uint64 `json:"retries"`
	OK      uint64 `json:"ok"`
	Failed  uint64 `json:"failed"`
	// Latency of the first attempts due in the point's seconds.
	Latency Histogram `json:"latency"`
}

func (s *Second) add(o *Second) {
	s.Asked += o.Asked
	s.Sent += o.Sent
	s.Retries += o.Retries
	s.OK += o.OK
	s.Failed += o.Failed
	s.Latency.Merge(&o.Latency)
}

// step returns SecondsStep, 1 when unset.
func (r *Result) step() int { return max(r.SecondsStep, 1) }

// point returns the series entry holding second sec, folding the series
// until it fits in MaxPoints entries.
func (r *Result) point(sec int) *Second {
	for sec/r.step() >= MaxPoints {
		r.fold()
	}
	i := sec / r.step()
	for len(r.Seconds) <= i {
		// Points two behind the newest get few more values (late answers):
		// their spare capacity is given back.
		if k := len(r.Seconds) - 2; k >= 0 {
			r.Seconds[k].Latency.compact()
		}
		r.Seconds = append(r.Seconds, Second{Second: len(r.Seconds) * r.step()})
	}
	return &r.Seconds[i]
}

// fold doubles SecondsStep, merging adjacent entries exactly.
func (r *Result) fold() {
	step := 2 * r.step()
	out := make([]Second, 0, MaxPoints)
	for i := 0; i < len(r.Seconds); i += 2 {
		s := Second{Second: len(out) * step}
		s.add(&r.Seconds[i])
		if i+1 < len(r.Seconds) {
			s.add(&r.Seconds[i+1])
		}
		out = append(out, s)
	}
	r.Seconds, r.SecondsStep = out, step
}

// SeriesBytes returns the memory the over-time series holds: its entries
// and their histograms' buckets. It is at most MaxPoints entries, however
// long the run.
func (r *Result) SeriesBytes() int {
	n := int(unsafe.Sizeof(Second{})) * (cap(r.Seconds) - len(r.Seconds))
	for i := range r.Seconds {
		n += int(unsafe.Sizeof(Second{})) - int(unsafe.Sizeof(Histogram{})) + r.Seconds[i].Latency.Bytes()
	}
	return n
}

// refold makes the series' step at least step (a power of two at least
// as large as the current one), folding as needed.
func (r *Result) refold(step int) {
	for r.step() < step {
		r.fold()
	}
}

// DeliveryCounts counts how deliveries ended.
type DeliveryCounts struct {
	Succeeded uint64 `json:"succeeded"`
	Failed    uint64 `json:"failed"`
	// Cancelled deliveries were stopped by the end of the run: in flight at
	// Ctrl-C, or still waiting to retry when the drain ran out.
	Cancelled uint64 `json:"cancelled"`
	// Retried deliveries needed more than one attempt.
	Retried uint64 `json:"retried"`
}

// Lateness says whether the schedule was kept, and if not why.
type Lateness struct {
	Threshold time.Duration `json:"threshold_ns"`
	// StartDelay is how long after it was due each first attempt started:
	// the scheduler's lag plus any wait for a free slot.
	StartDelay Histogram `json:"start_delay"`
	// LateLocal counts deliveries handed to the sender more than
	// Threshold after they were due: this machine (CPU) could not keep up.
	LateLocal uint64 `json:"late_local"`
	// AtCap counts deliveries that found all MaxInFlight slots taken and
	// waited in the queue: the receiver could not keep up with the rate at
	// this concurrency.
	AtCap uint64 `json:"at_cap"`
	// MaxQueued is the longest the slot queue grew.
	MaxQueued int64 `json:"max_queued"`
}

// Down records a receiver that stopped accepting connections.
type Down struct {
	Since   time.Time         `json:"since"`
	Outcome hookdrill.Outcome `json:"outcome"`
	Failed  uint64            `json:"failed_attempts"`
}

// Summary is the headline of a result.
type Summary struct {
	First Percentiles `json:"first_attempts"`
	Retry Percentiles `json:"retries"`
	// FirstService is the first attempts' service time (Service).
	FirstService Percentiles `json:"first_attempts_service"`
}

// Percentiles of a latency histogram, in milliseconds.
type Percentiles struct {
	Count uint64  `json:"count"`
	P50   float64 `json:"p50_ms"`
	P90   float64 `json:"p90_ms"`
	P99   float64 `json:"p99_ms"`
	P999  float64 `json:"p99_9_ms"`
	Max   float64 `json:"max_ms"`
	Mean  float64 `json:"mean_ms"`
	// RelativeError bounds how far above the true value a percentile is.
	RelativeError float64 `json:"relative_error"`
}

// PercentilesOf summarises h.
func PercentilesOf(h *Histogram) Percentiles {
	ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
	return Percentiles{Count: h.Count(), P50: ms(h.Quantile(0.5)), P90: ms(h.Quantile(0.9)), P99: ms(h.Quantile(0.99)),
		P999: ms(h.Quantile(0.999)), Max: ms(h.Max()), Mean: ms(h.Mean()), RelativeError: RelativeError}
}

// finish computes Summary.
func (r *Result) finish() {
	r.Summary = Summary{First: PercentilesOf(&r.First.Latency), Retry: PercentilesOf(&r.Retry.Latency),
		FirstService: PercentilesOf(&r.First.Service)}
}

// ErrNotLoad is returned by ReadResult for JSON that is not a load report.
var ErrNotLoad = errors.New("not a hookdrill load report")

// ReadResult reads one result written by WriteJSON, checking its kind and
// version.
func ReadResult(r io.Reader) (Result, error) {
	data, err := io.ReadAll(io.LimitReader(r, 1<<30))
	if err != nil {
		return Result{}, err
	}
	return DecodeResult(data)
}

// DecodeResult is ReadResult over bytes.
func DecodeResult(data []byte) (Result, error) {
	var head struct {
		Kind    string `json:"kind"`
		Version int    `json:"version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return Result{}, fmt.Errorf("load report: %w", err)
	}
	if head.Kind != Kind {
		return Result{}, fmt.Errorf("%w: kind %q, want %q", ErrNotLoad, head.Kind, Kind)
	}
	if head.Version != Version && head.Version != 1 {
		return Result{}, fmt.Errorf("load report version %d: this build reads versions 1 and %d", head.Version, Version)
	}
	var res Result
	if err := json.Unmarshal(data, &res); err != nil {
		return Result{}, fmt.Errorf("load report: %w", err)
	}
	if head.Version == 1 { // one entry a second, no seconds_step
		res.Version, res.SecondsStep = Version, 1
	}
	if err := res.check(); err != nil {
		return Result{}, fmt.Errorf("load report: %w", err)
	}
	for len(res.Seconds) > MaxPoints { // a long version 1 report
		res.fold()
	}
	res.finish()
	return res, nil
}

// maxSeconds bounds the per-second series a version 1 report may hold
// (more than MaxDuration plus the longest drain).
const maxSeconds = 2 * 86400

// check rejects what the JSON decoder accepts but Merge and the writers
// cannot use: seconds out of order, a step that is not a power of two,
// null entries, bad shards.
func (r *Result) check() error {
	step := r.SecondsStep
	if step < 1 || step > maxStep || step&(step-1) != 0 {
		return fmt.Errorf("seconds_step %d: want a power of two from 1 to %d", step, maxStep)
	}
	if limit := max(MaxPoints, maxSeconds/step); len(r.Seconds) > limit {
		return fmt.Errorf("%d seconds entries, at most %d", len(r.Seconds), limit)
	}
	for i, s := range r.Seconds {
		if s.Second != i*step {
			return fmt.Errorf("seconds[%d] is second %d: want the entries in order from 0, %d seconds apart", i, s.Second, step)
		}
	}
	for k, v := range r.ByEvent {
		if v == nil {
			return fmt.Errorf("by_event %q is null", k)
		}
	}
	if len(r.Shards) == 0 {
		return errors.New("no shards")
	}
	for _, sh := range r.Shards {
		if err := sh.Validate(); err != nil || sh.Count == 0 {
			return fmt.Errorf("shard %d/%d is not a shard", sh.Index, sh.Count)
		}
	}
	return nil
}

// WriteJSON writes r as indented JSON.
func (r Result) WriteJSON(w io.Writer) error {
	r.finish()
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// Merge combines the results of the shards of one run (or of several runs
// side by side) into one: counts and histograms add exactly, seconds line
// up by their offset from each run's start, rates add (the shards ran in
// parallel), Elapsed and Span are the longest. Results must share kind,
// version and platform; a shard given twice is an error.
func Merge(results ...Result) (Result, error) {
	if len(results) == 0 {
		return Result{}, errors.New("merge: no results")
	}
	out := Result{Kind: Kind, Version: Version, ByEvent: map[string]*AttemptStats{}, SecondsStep: 1}
	for _, r := range results {
		if st := r.step(); st&(st-1) == 0 && st <= maxStep {
			out.refold(st)
		}
	}
	seen := map[Shard]bool{}
	reasons := map[string]bool{}
	var details []string
	for i, r := range results {
		if r.Kind != Kind || r.Version != Version {
			return Result{}, fmt.Errorf("merge: result %d is %q version %d, want %q version %d", i+1, r.Kind, r.Version, Kind, Version)
		}
		if i == 0 {
			out.Platform, out.Target, out.Schedule, out.Profile, out.Seed = r.Platform, r.Target, r.Schedule, r.Profile, r.Seed
			out.Retries, out.RetrySpeedup, out.MaxInFlight, out.Started = r.Retries, r.RetrySpeedup, r.MaxInFlight, r.Started
			out.Lateness.Threshold = r.Lateness.Threshold
		}
		if st := r.step(); st&(st-1) != 0 || st > maxStep {
			return Result{}, fmt.Errorf("merge: result %d has seconds_step %d, want a power of two", i+1, st)
		}
		if r.Platform != out.Platform {
			return Result{}, fmt.Errorf("merge: result %d is for %s, result 1 for %s", i+1, r.Platform, out.Platform)
		}
		for _, sh := range r.Shards {
			if sh.Count > 1 && seen[sh] {
				return Result{}, fmt.Errorf("merge: shard %s appears twice", sh)
			}
			seen[sh] = true
			out.Shards = append(out.Shards, sh)
		}
		if r.Schedule != out.Schedule {
			out.Schedule = "mixed"
		}
		if r.Started.Before(out.Started) {
			out.Started = r.Started
		}
		out.MaxInFlight = max(out.MaxInFlight, r.MaxInFlight)
		out.Span = max(out.Span, r.Span)
		out.Elapsed = max(out.Elapsed, r.Elapsed)
		out.Partial = out.Partial || r.Partial
		reasons[r.StopReason] = true
		if r.StopDetail != "" {
			details = append(details, r.StopDetail)
		}
		out.Asked += r.Asked
		out.Dispatched += r.Dispatched
		out.Dropped += r.Dropped
		out.Skipped += r.Skipped
		out.AskedRate += r.AskedRate
		out.SentRate += r.SentRate
		out.Throughput += r.Throughput
		out.First.add(&r.First)
		out.Retry.add(&r.Retry)
		for k, v := range r.ByEvent {
			if out.ByEvent[k] == nil {
				out.ByEvent[k] = &AttemptStats{}
			}
			out.ByEvent[k].add(v)
		}
		for _, s := range r.Seconds {
			// Steps are powers of two: s's seconds all fall in one point
			// of out, whose step is at least r's.
			out.point(s.Second).add(&s)
		}
		d := &out.Deliveries
		d.Succeeded += r.Deliveries.Succeeded
		d.Failed += r.Deliveries.Failed
		d.Cancelled += r.Deliveries.Cancelled
		d.Retried += r.Deliveries.Retried
		l := &out.Lateness
		l.StartDelay.Merge(&r.Lateness.StartDelay)
		l.LateLocal += r.Lateness.LateLocal
		l.AtCap += r.Lateness.AtCap
		l.MaxQueued = max(l.MaxQueued, r.Lateness.MaxQueued)
		if r.ReceiverDown != nil && (out.ReceiverDown == nil || r.ReceiverDown.Since.Before(out.ReceiverDown.Since)) {
			dn := *r.ReceiverDown
			out.ReceiverDown = &dn
		}
		if r.Probe != nil {
			if out.Probe == nil {
				out.Probe = &ProbeResult{}
			}
			out.Probe.add(r.Probe)
		}
	}
	slices.SortFunc(out.Shards, func(a, b Shard) int { return a.Index - b.Index })
	// Stop reason: the worst one.
	switch {
	case reasons[StopReceiverDown]:
		out.StopReason = StopReceiverDown
	case reasons[StopCancelled]:
		out.StopReason = StopCancelled
	default:
		out.StopReason = StopCompleted
	}
	out.StopDetail = strings.Join(details, "; ")
	out.finish()
	return out, nil
}

// ReadResults reads several reports (one per reader, in order) and
// merges them: what hookdrill report does with load-*.json.
func ReadResults(rs ...io.Reader) (Result, error) {
	var all []Result
	for i, r := range rs {
		res, err := ReadResult(r)
		if err != nil {
			return Result{}, fmt.Errorf("report %d: %w", i+1, err)
		}
		all = append(all, res)
	}
	return Merge(all...)
}

// eventTypes returns ByEvent's keys, sorted.
func (r *Result) eventTypes() []string { return slices.Sorted(maps.Keys(r.ByEvent)) }

// Detect reports whether data is a load report (of any version), by its
// top-level kind: what a reader of several report kinds dispatches on.
func Detect(data []byte) bool {
	var head struct {
		Kind string `json:"kind"`
	}
	return json.Unmarshal(data, &head) == nil && head.Kind == Kind
}
