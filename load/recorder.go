package load

import (
	"time"

	"sync"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/sender"
)

// recorder aggregates a run as it goes. One mutex guards it: the critical
// sections are a few counter and histogram updates.
type recorder struct {
	mu             sync.Mutex
	start          time.Time
	res            Result
	samples        []sample
	probeMax       int
	stoppedAt      time.Duration
	lastFirstStart time.Duration
	sent, retries  uint64
	ok, failed     uint64
	journalErr     error
}

func newRecorder(start time.Time, threshold time.Duration) *recorder {
	rec := &recorder{start: start, probeMax: DefaultProbeMax}
	rec.res = Result{Kind: Kind, Version: Version, Started: start, SecondsStep: 1, ByEvent: map[string]*AttemptStats{}}
	rec.res.Lateness.Threshold = threshold
	rec.res.First = AttemptStats{Outcomes: map[hookdrill.Outcome]uint64{}, Statuses: map[int]uint64{}}
	rec.res.Retry = AttemptStats{Outcomes: map[hookdrill.Outcome]uint64{}, Statuses: map[int]uint64{}}
	return rec
}

// second returns the point of the over-time series holding the second at
// offset d (never negative), folding the series when d is beyond it.
// Called with mu held.
func (rec *recorder) second(d time.Duration) *Second {
	return rec.res.point(int(max(d, 0) / time.Second))
}

// localError counts a delivery due at offset at that could not be built
// or (dispatched set: counted as dispatched already) handed to the sender.
func (rec *recorder) localError(at time.Duration, dispatched bool) {
	rec.mu.Lock()
	if !dispatched {
		rec.res.Asked++
		rec.second(at).Asked++
	}
	rec.res.First.Outcomes[hookdrill.OutcomeLocalError]++
	rec.res.First.Count++
	rec.res.Deliveries.Failed++
	rec.mu.Unlock()
}

// drop counts a delivery due at offset at that found the queue full.
func (rec *recorder) drop(at time.Duration) {
	rec.mu.Lock()
	rec.res.Asked++
	rec.second(at).Asked++
	rec.res.Dropped++
	rec.mu.Unlock()
}

func (rec *recorder) skip(n uint64) {
	rec.mu.Lock()
	rec.res.Skipped += n
	rec.res.Asked += n
	rec.mu.Unlock()
}

// dispatched counts a delivery due at offset at, handed to the sender lag
// after it was due; atCap when every slot was taken, queued deliveries
// waiting already.
func (rec *recorder) dispatched(at, lag time.Duration, atCap bool, queued int64) {
	rec.mu.Lock()
	rec.res.Asked++
	rec.second(at).Asked++
	rec.res.Dispatched++
	l := &rec.res.Lateness
	if lag > l.Threshold {
		l.LateLocal++
	}
	if atCap {
		l.AtCap++
		l.MaxQueued = max(l.MaxQueued, queued+1)
	}
	rec.mu.Unlock()
}

func (rec *recorder) stop(at time.Duration) {
	rec.mu.Lock()
	rec.stoppedAt = at
	rec.mu.Unlock()
}

// attempt records one attempt of d that ended at end.
func (rec *recorder) attempt(d *dstate, a *hookdrill.Attempt, end time.Time) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	first := a.Number == 1
	st := &rec.res.Retry
	if first {
		st = &rec.res.First
	}
	st.Count++
	st.Outcomes[a.Outcome]++
	if a.Response != nil {
		st.Statuses[a.Response.Status]++
	}
	var ev *AttemptStats
	if first {
		ev = rec.res.ByEvent[d.typ]
		if ev == nil {
			ev = &AttemptStats{Outcomes: map[hookdrill.Outcome]uint64{}, Statuses: map[int]uint64{}}
			rec.res.ByEvent[d.typ] = ev
		}
		ev.Count++
		ev.Outcomes[a.Outcome]++
		if a.Response != nil {
			ev.Statuses[a.Response.Status]++
		}
	}
	if a.Outcome == hookdrill.OutcomeCancelled || a.Started.IsZero() {
		return // no exchange to time
	}
	lat := end.Sub(d.due)
	st.Latency.Record(lat)
	st.Service.Record(a.Latency)
	startOff := a.Started.Sub(rec.start)
	if first {
		ev.Latency.Record(lat)
		rec.second(d.due.Sub(rec.start)).Latency.Record(lat)
		rec.second(startOff).Sent++
		rec.res.Lateness.StartDelay.Record(a.Started.Sub(d.due))
		rec.lastFirstStart = max(rec.lastFirstStart, startOff)
		rec.sent++
	} else {
		rec.second(startOff).Retries++
		rec.retries++
	}
	if a.Outcome.Success() {
		rec.second(end.Sub(rec.start)).OK++
		rec.ok++
	} else {
		rec.second(end.Sub(rec.start)).Failed++
		rec.failed++
	}
}

// done records how a delivery ended.
func (rec *recorder) done(d *dstate, res *sender.Result) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	c := &rec.res.Deliveries
	switch {
	case res.Delivered():
		c.Succeeded++
	case res.Outcome == hookdrill.OutcomeCancelled:
		c.Cancelled++
	default:
		c.Failed++
	}
	if len(res.Attempts) > 1 {
		c.Retried++
	}
	if d.sample && len(rec.samples) < rec.probeMax {
		rec.samples = append(rec.samples, sample{eventID: res.EventID, acked: res.Delivered()})
	}
}

func (rec *recorder) journalError(err error) {
	rec.mu.Lock()
	if rec.journalErr == nil {
		rec.journalErr = err
	}
	rec.mu.Unlock()
}

// progress returns the totals so far.
func (rec *recorder) progress(now time.Time) Progress {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	p := Progress{Elapsed: now.Sub(rec.start), Asked: rec.res.Asked, Sent: rec.sent, Retries: rec.retries, OK: rec.ok, Failed: rec.failed}
	if sec := int(p.Elapsed/time.Second) - 1; sec >= 0 {
		if i := sec / rec.res.step(); i < len(rec.res.Seconds) {
			p.P99 = rec.res.Seconds[i].Latency.Quantile(0.99)
		}
	}
	return p
}

// result returns the aggregate; the recorder must no longer change.
func (rec *recorder) result() Result {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	res := rec.res
	if rec.journalErr != nil {
		res.StopDetail = "journal: " + rec.journalErr.Error()
	}
	return res
}
