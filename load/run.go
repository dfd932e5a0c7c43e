package load

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/clock"
	"github.com/hookdrill/hookdrill/sender"
)

// Progress is a snapshot of a run in progress.
type Progress struct {
	Elapsed  time.Duration
	Span     time.Duration
	Asked    uint64 // deliveries due so far
	Sent     uint64 // first attempts made
	Retries  uint64 // later attempts made
	OK       uint64 // attempts answered 2xx
	Failed   uint64 // other attempts
	InFlight int64  // deliveries handed to the sender and not ended
	// Rate is first attempts per second over the last interval; P99 the
	// 99th percentile latency of the first attempts due in the last full
	// second (in the series point holding it, once a long run's series has
	// been folded to seconds_step > 1).
	Rate float64
	P99  time.Duration
}

// Run plays the schedule of cfg against cfg.Target in an open model: each
// delivery starts when it is due, whatever the receiver did with earlier
// ones, and its latency is measured from when it was due. It returns the
// report; on ctx cancellation or a receiver that stops accepting
// connections it returns the partial report (Partial set) and a nil error.
// Errors are for configs that cannot run.
func Run(ctx context.Context, cfg Config) (Result, error) {
	if err := cfg.Validate(); err != nil {
		return Result{}, err
	}
	r, err := newRunner(cfg)
	if err != nil {
		return Result{}, err
	}
	return r.run(ctx), nil
}

// runner is one Run.
type runner struct {
	cfg     Config
	prof    hookdrill.Profile
	src     source
	snd     *sender.Sender
	journal *hookdrill.Journal
	speedup float64
	rec     *recorder
	start   time.Time

	inFlight atomic.Int64  // dispatched deliveries not yet ended
	sem      chan struct{} // Rate max: bounds deliveries in flight

	// dead-receiver watch
	failSince atomic.Int64 // unix ns of the first connection failure since the last success; 0: none
	failCount atomic.Uint64
	failOut   atomic.Value // hookdrill.Outcome
	dead      chan struct{}
	deadOnce  sync.Once

	probeCut uint64 // sample an item when hash(seq) < probeCut
}

func newRunner(cfg Config) (*runner, error) {
	prof := cfg.Profile
	if prof == nil {
		if cfg.Platforms == nil {
			return nil, fmt.Errorf("load: no platforms: Config.Platforms is nil, so platform %q cannot be resolved (set Platforms, or Profile)", cfg.Platform)
		}
		var err error
		if prof, err = cfg.Platforms.Lookup(cfg.Platform); err != nil {
			return nil, fmt.Errorf("load: %w", err)
		}
	}
	if cfg.Platform == "" {
		cfg.Platform = prof.Name()
	}
	if cfg.MaxInFlight == 0 {
		cfg.MaxInFlight = DefaultMaxInFlight
	}
	if cfg.MaxQueue == 0 {
		cfg.MaxQueue = DefaultMaxQueue
	}
	if cfg.Retries == "" {
		cfg.Retries = RetriesPlatform
	}
	if cfg.RetrySpeedup == 0 {
		cfg.RetrySpeedup = DefaultRetrySpeedup
	}
	if cfg.Drain == 0 {
		cfg.Drain = DefaultDrain
	}
	if cfg.LateThreshold == 0 {
		cfg.LateThreshold = DefaultLateThreshold
	}
	if cfg.DeadAfter == 0 {
		cfg.DeadAfter = DefaultDeadAfter
	}
	if cfg.ProbeSample == 0 {
		cfg.ProbeSample = DefaultProbeSample
	}
	if cfg.ProbeMax == 0 {
		cfg.ProbeMax = DefaultProbeMax
	}
	if cfg.ProgressEvery == 0 {
		cfg.ProgressEvery = DefaultProgressEvery
	}
	src, err := newSource(&cfg, prof.Name())
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	if err := checkEvents(prof, &cfg, src); err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	pol := prof.RetryPolicy()
	if cfg.Timeout > 0 {
		pol.Timeout = cfg.Timeout
	}
	var clk clock.Clock = clock.Real{}
	if cfg.Retries == RetriesNone {
		pol.MaxAttempts = 1
	} else if cfg.RetrySpeedup != 1 {
		clk = newScaledClock(cfg.RetrySpeedup)
	}
	j := hookdrill.NewJournal()
	snd, err := sender.New(sender.Config{Profile: prof, Clock: clk, Journal: j, Seed: cfg.Seed, Policy: &pol,
		Concurrency: cfg.MaxInFlight, TLSConfig: cfg.TLSConfig})
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	r := &runner{cfg: cfg, prof: prof, src: src, snd: snd, journal: j, speedup: cfg.RetrySpeedup, dead: make(chan struct{})}
	if cfg.Retries == RetriesNone {
		r.speedup = 0
	}
	if cfg.ProbeURL != "" {
		r.probeCut = uint64(math.Min(cfg.ProbeSample, 1) * math.MaxUint64)
		if cfg.ProbeSample >= 1 {
			r.probeCut = math.MaxUint64
		}
	}
	if cfg.Rate.Max && cfg.Scenario == nil {
		r.sem = make(chan struct{}, cfg.MaxInFlight)
	}
	return r, nil
}

// checkEvents builds one event of every distinct spec in the mix (or the
// first items of a profile), so an unknown type or status is an error
// before the run starts rather than a failure per delivery.
func checkEvents(prof hookdrill.Profile, cfg *Config, src source) error {
	var specs []hookdrill.EventSpec
	if cfg.Scenario == nil {
		m := cfg.Events
		if len(m) == 0 {
			m, _ = cfg.Workloads.Mix(prof.Name()) // newSource found it
		}
		for _, e := range m {
			specs = append(specs, hookdrill.EventSpec{Type: e.Event, Status: e.Status, Extra: e.Extra})
		}
	} else if ls, ok := src.(*listSource); ok {
		seen := map[string]bool{}
		for _, it := range ls.items {
			k := it.Spec.Type + "\x00" + it.Spec.Status + "\x00" + fmt.Sprint(it.Spec.Extra)
			if !seen[k] {
				seen[k] = true
				specs = append(specs, it.Spec)
			}
		}
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, s := range specs {
		if _, err := prof.NewEvent(s, rnd, time.Now()); err != nil {
			return fmt.Errorf("event %s %s: %w", s.Type, s.Status, err)
		}
	}
	return nil
}

func (r *runner) run(ctx context.Context) Result {
	r.start = time.Now()
	r.rec = newRecorder(r.start, r.cfg.LateThreshold)
	r.rec.probeMax = r.cfg.ProbeMax
	runCtx, cancelRun := context.WithCancel(ctx)
	defer cancelRun()

	var bg sync.WaitGroup
	stopBG := make(chan struct{})
	bg.Add(1)
	go func() { defer bg.Done(); r.background(stopBG) }()

	reason, detail := r.dispatch(runCtx)

	// Drain: wait for the deliveries in flight and their retries.
	if reason == StopCompleted {
		dctx, cancel := context.WithTimeout(runCtx, r.cfg.Drain)
		select {
		case <-r.dead:
		default:
			waitOrDead(dctx, r.snd, r.dead)
		}
		cancel()
		if ctx.Err() != nil {
			reason, detail = StopCancelled, "cancelled while waiting for the last deliveries"
		} else if r.isDead() {
			reason = StopReceiverDown
		}
	}
	if reason == StopReceiverDown {
		detail = r.downDetail()
	}
	cancelRun()
	_ = r.snd.Close()
	close(stopBG)
	bg.Wait()
	r.drainJournal()

	res := r.rec.result()
	res.Platform = r.prof.Name()
	res.Target = hookdrill.RedactURL(r.cfg.Target.URL)
	res.Seed = r.cfg.Seed
	res.Shards = []Shard{r.cfg.Shard}
	if r.cfg.Shard == (Shard{}) {
		res.Shards = []Shard{{Index: 1, Count: 1}}
	}
	res.Retries = r.cfg.Retries
	if r.cfg.Retries == RetriesPlatform {
		res.RetrySpeedup = r.cfg.RetrySpeedup
	}
	res.MaxInFlight = r.cfg.MaxInFlight
	res.Span = r.src.span()
	res.Schedule = r.describe()
	if r.cfg.Scenario != nil {
		res.Profile = r.cfg.Scenario.Name
	}
	res.Elapsed = time.Since(r.start)
	res.StopReason = reason
	res.StopDetail = strings.TrimPrefix(detail+"; "+res.StopDetail, "; ")
	res.StopDetail = strings.TrimSuffix(res.StopDetail, "; ")
	res.Partial = reason != StopCompleted
	if f := r.failSince.Load(); reason == StopReceiverDown && f != 0 {
		o, _ := r.failOut.Load().(hookdrill.Outcome)
		res.ReceiverDown = &Down{Since: time.Unix(0, f), Outcome: o, Failed: r.failCount.Load()}
	}
	// Rates over the window the schedule ran (cut short by a stop).
	window := res.Span
	if res.Partial {
		window = min(window, r.rec.stoppedAt)
	}
	window = max(window, r.rec.lastFirstStart, time.Millisecond)
	res.AskedRate = float64(res.Asked) / max(res.Span, time.Millisecond).Seconds()
	if r.cfg.Rate.Max && r.cfg.Scenario == nil {
		res.AskedRate = 0
	}
	res.SentRate = float64(res.First.Count) / window.Seconds()
	res.Throughput = float64(res.Deliveries.Succeeded) / max(res.Elapsed, time.Millisecond).Seconds()
	if r.cfg.ProbeURL != "" {
		client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{Proxy: nil, TLSClientConfig: r.cfg.TLSConfig}}
		pctx := context.WithoutCancel(ctx)
		if ctx.Err() != nil {
			res.Probe = &ProbeResult{URL: hookdrill.RedactURL(r.cfg.ProbeURL), Sampled: uint64(len(r.rec.samples)),
				Errors: []string{"the run was cancelled: probe not run"}}
			res.Probe.verdict()
		} else {
			res.Probe = probe(pctx, client, r.cfg.ProbeURL, r.rec.samples)
		}
		client.CloseIdleConnections()
	}
	res.finish()
	return res
}

func (r *runner) describe() string {
	if r.cfg.Scenario != nil {
		s := "profile " + r.cfg.Scenario.Name
		if r.cfg.Scenario.gen != nil {
			s += fmt.Sprintf(" (N=%d)", r.cfg.Scenario.Participants)
		}
		return s + " over " + r.src.span().String()
	}
	return "rate " + r.cfg.Rate.String() + " for " + r.src.span().String()
}

// waitOrDead waits for the sender to have no live delivery, ctx to end or
// the receiver to be found dead.
func waitOrDead(ctx context.Context, s *sender.Sender, dead <-chan struct{}) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-dead:
			cancel()
		case <-ctx.Done():
		}
	}()
	_ = s.Wait(ctx)
}

// dispatch plays the schedule until it ends, ctx ends or the receiver is
// found dead.
func (r *runner) dispatch(ctx context.Context) (reason, detail string) {
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	var it Item
	var pcg rand.PCG
	rnd := rand.New(&pcg)
	maxMode := r.sem != nil
	span := r.src.span()
	limit := uint64(r.cfg.MaxInFlight + r.cfg.MaxQueue)
	stop := func(why, d string) (string, string) {
		r.rec.stop(time.Since(r.start))
		if !maxMode {
			r.rec.skip(skipRest(r.src, r.cfg.Shard))
		}
		return why, d
	}
	for r.src.next(&it) {
		if !r.cfg.Shard.keeps(it.Key) {
			continue
		}
		due := r.start.Add(it.At)
		var ev hookdrill.Event
		var evErr error
		build := func() {
			pcg.Seed(r.cfg.Seed, it.Seq)
			ev, evErr = r.prof.NewEvent(it.Spec, rnd, due)
		}
		if maxMode {
			select {
			case r.sem <- struct{}{}:
			case <-ctx.Done():
				return stop(StopCancelled, "cancelled")
			case <-r.dead:
				return stop(StopReceiverDown, "")
			}
			due = time.Now()
			if due.Sub(r.start) >= span {
				<-r.sem
				r.rec.stop(span)
				return StopCompleted, ""
			}
			it.At = due.Sub(r.start)
		} else {
			// The event is built before it is due, so that its request
			// starts on time: building it is not the receiver's latency.
			build()
		}
		if wait := time.Until(due); !maxMode && wait > 0 {
			timer.Reset(wait)
			select {
			case <-timer.C:
			case <-ctx.Done():
				return stop(StopCancelled, "cancelled")
			case <-r.dead:
				return stop(StopReceiverDown, "")
			}
		} else {
			select {
			case <-ctx.Done():
				return stop(StopCancelled, "cancelled")
			case <-r.dead:
				return stop(StopReceiverDown, "")
			default:
			}
		}
		now := time.Now()
		inFlight := r.inFlight.Load()
		if uint64(inFlight) >= limit {
			r.rec.drop(it.At)
			continue
		}
		if maxMode {
			build()
		}
		if evErr != nil { // checked before the run; a payload error is the platform's
			r.rec.localError(it.At, false)
			continue
		}
		d := &dstate{r: r, due: due, typ: ev.Type}
		d.sample = r.probeCut != 0 && splitmix(r.cfg.Seed^it.Seq) < r.probeCut
		r.rec.dispatched(it.At, now.Sub(due), inFlight >= int64(r.cfg.MaxInFlight), inFlight-int64(r.cfg.MaxInFlight))
		r.inFlight.Add(1)
		_, err := r.snd.Deliver(ctx, sender.Delivery{Event: ev, Target: r.cfg.Target,
			Hooks: sender.Hooks{OnAttempt: d.onAttempt, OnDone: d.onDone}})
		if err != nil {
			r.inFlight.Add(-1)
			if maxMode {
				<-r.sem
			}
			if ctx.Err() != nil {
				return stop(StopCancelled, "cancelled")
			}
			r.rec.localError(it.At, true)
		}
	}
	r.rec.stop(time.Since(r.start))
	return StopCompleted, ""
}

// splitmix is a 64-bit mixer: the probe sample is a deterministic
// function of seed and sequence number.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// dstate follows one delivery.
type dstate struct {
	r      *runner
	due    time.Time // when the current attempt was due
	typ    string
	sample bool
}

func (d *dstate) onAttempt(a hookdrill.Attempt) {
	r := d.r
	end := a.Started.Add(a.Latency)
	r.rec.attempt(d, &a, end)
	switch a.Outcome {
	case hookdrill.OutcomeSuccess:
		r.failSince.Store(0)
		r.failCount.Store(0)
	case hookdrill.OutcomeRefused, hookdrill.OutcomeReset, hookdrill.OutcomeNetwork:
		r.noteConnFailure(a.Outcome, end)
	}
	if a.NextAttemptIn > 0 && r.speedup > 0 {
		d.due = end.Add(time.Duration(float64(a.NextAttemptIn) / r.speedup))
	}
}

func (d *dstate) onDone(res sender.Result) {
	r := d.r
	r.rec.done(d, &res)
	r.inFlight.Add(-1)
	if r.sem != nil {
		<-r.sem
	}
}

// noteConnFailure records an attempt that could not connect or was cut
// off; when every attempt has failed so for DeadAfter, the receiver is
// taken for dead and the run ends.
func (r *runner) noteConnFailure(o hookdrill.Outcome, at time.Time) {
	if r.cfg.DeadAfter < 0 {
		return
	}
	r.failSince.CompareAndSwap(0, at.UnixNano())
	r.failOut.Store(o)
	n := r.failCount.Add(1)
	if since := r.failSince.Load(); since != 0 && n >= 3 && at.Sub(time.Unix(0, since)) >= r.cfg.DeadAfter {
		r.deadOnce.Do(func() { close(r.dead) })
	}
}

func (r *runner) isDead() bool {
	select {
	case <-r.dead:
		return true
	default:
		return false
	}
}

func (r *runner) downDetail() string {
	since := time.Unix(0, r.failSince.Load())
	o, _ := r.failOut.Load().(hookdrill.Outcome)
	return fmt.Sprintf("the receiver stopped accepting connections %.1fs into the run: %d attempts in a row failed (%s) for %s; run stopped",
		since.Sub(r.start).Seconds(), r.failCount.Load(), o, r.cfg.DeadAfter)
}

// background drains the journal (writing it to Config.Journal) and reports
// progress until stop is closed.
func (r *runner) background(stop <-chan struct{}) {
	drain := time.NewTicker(200 * time.Millisecond)
	defer drain.Stop()
	prog := time.NewTicker(r.cfg.ProgressEvery)
	defer prog.Stop()
	var lastSent uint64
	last := r.start
	for {
		select {
		case <-stop:
			return
		case <-drain.C:
			r.drainJournal()
		case now := <-prog.C:
			if r.cfg.Progress == nil {
				continue
			}
			p := r.rec.progress(now)
			p.Span = r.src.span()
			p.InFlight = r.inFlight.Load()
			p.Rate = float64(p.Sent-lastSent) / now.Sub(last).Seconds()
			lastSent, last = p.Sent, now
			r.cfg.Progress(p)
		}
	}
}

func (r *runner) drainJournal() {
	snap := r.journal.Drain()
	if r.cfg.Journal != nil && len(snap) > 0 {
		if err := snap.WriteJSONL(r.cfg.Journal); err != nil {
			r.rec.journalError(err)
		}
	}
}

// scaledClock runs waits speedup times faster than the wall clock; Now
// runs as much faster from the clock's creation.
type scaledClock struct {
	origin  time.Time
	speedup float64
}

func newScaledClock(speedup float64) *scaledClock {
	return &scaledClock{origin: time.Now(), speedup: speedup}
}

func (c *scaledClock) Now() time.Time {
	return c.origin.Add(time.Duration(float64(time.Since(c.origin)) * c.speedup))
}

func (c *scaledClock) AfterFunc(d time.Duration, f func()) clock.Timer {
	return time.AfterFunc(time.Duration(float64(d)/c.speedup), f)
}

func (c *scaledClock) Hold() func() { return noHold }

func noHold() {}

// isLoopback reports whether raw's host is a loopback name or address.
func isLoopback(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	h := u.Hostname()
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// skipRest consumes what is left of the schedule and counts this shard's
// part of it.
func skipRest(src source, sh Shard) uint64 {
	if rs, ok := src.(*rateSource); ok {
		var n uint64
		if sh.Count <= 1 {
			n = rs.n - rs.k
		} else {
			for k := rs.k; k < rs.n; k++ { // bounded by MaxScheduled; a few ns each
				if sh.keeps(k) {
					n++
				}
			}
		}
		rs.k = rs.n
		return n
	}
	var it Item
	var n uint64
	for src.next(&it) {
		if sh.keeps(it.Key) {
			n++
		}
	}
	return n
}
