package scenarios

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/brianvoe/gofakeit/v7"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/assert"
	"github.com/hookdrill/hookdrill/clock"
	"github.com/hookdrill/hookdrill/sender"
)

// ErrStalled is returned when a step waits for a delivery that can make no
// progress (nothing in flight, nothing scheduled).
var ErrStalled = errors.New("delivery stalled")

// Run runs the scenarios cfg selects (see Select) and returns the report.
// The error is non-nil only when cfg is invalid or ctx ended before every
// scenario finished; scenario failures and errors are verdicts in the
// report.
func Run(ctx context.Context, cfg RunConfig, scs []*Scenario) (assert.Report, error) {
	rep := assert.Report{Version: assert.ReportVersion, Tool: "hookdrill", Kind: assert.ReportKind}
	if err := cfg.Validate(); err != nil {
		return rep, fmt.Errorf("run scenarios: %w", err)
	}
	cfg = cfg.withDefaults()
	sel, pos, err := selectPositions(cfg, scs)
	if err != nil {
		return rep, err
	}
	rep.Started = cfg.WallNow()
	results := make([]assert.ScenarioResult, len(sel))
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(cfg.Parallel, max(len(sel), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				results[i] = RunScenario(ctx, cfg, sel[i])
				if cfg.OnScenario != nil {
					cfg.OnScenario(results[i])
				}
			}
		}()
	}
feed:
	for i := range sel {
		select {
		case work <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	rep.Duration = cfg.WallNow().Sub(rep.Started).Seconds()
	for i, r := range results {
		if r.Verdict == "" { // never started: ctx ended
			r = assert.ScenarioResult{Name: sel[i].Name, File: sel[i].File, Platform: sel[i].Platform,
				Verdict: assert.Error, Reason: "not run: " + context.Cause(ctx).Error()}
			results[i] = r
		}
	}
	for i := range results {
		results[i].Position = pos[i]
	}
	rep.Scenarios = results
	rep.Tally()
	run := assert.RunInfo{Command: cfg.Command, Seed: cfg.Seed, Started: rep.Started, Duration: rep.Duration}
	if cfg.Shard.Count > 0 {
		run.Shard = cfg.Shard.String()
	}
	rep.Runs = []assert.RunInfo{run}
	if err := ctx.Err(); err != nil {
		return rep, fmt.Errorf("run scenarios: %w", err)
	}
	return rep, nil
}

// RunScenario runs one scenario with cfg (whose selection fields are
// ignored) and returns its result.
func RunScenario(ctx context.Context, cfg RunConfig, sc *Scenario) assert.ScenarioResult {
	cfg = cfg.withDefaults()
	r := newRun(cfg, sc)
	r.execute(ctx)
	return *r.res
}

// run is the state of one scenario run. Steps run on the calling
// goroutine; sender hooks update trackers under their own locks.
type run struct {
	idMu       sync.Mutex        // guards identities
	identities map[string]string // identity per "extra key/resource id" (keepIdentity)

	cfg     RunConfig
	sc      *Scenario
	res     *assert.ScenarioResult
	prof    hookdrill.Profile
	seed    uint64
	clk     clock.Clock
	sim     *clock.Sim
	journal *hookdrill.Journal
	// clockStart is the scenario clock's reading at setup: the origin of
	// the report's timeline.
	clockStart time.Time
	snd        *sender.Sender
	extra      []*sender.Sender // burst senders
	x          *expander
	rnd        *rand.Rand
	pcg        *rand.PCG // rnd's source, to replay draws (see buildEvent)
	target     hookdrill.Target
	policy     hookdrill.RetryPolicy
	red        *hookdrill.Redactor // every secret the run holds; all output goes through it
	mock       MockAPI

	events map[string]hookdrill.Event // step id → event built by that step
	held   map[string]*heldEvent
	notify chan struct{} // a tracker changed (cap 1)

	// mu guards what the mock's dispatcher touches from other goroutines.
	mu      sync.Mutex
	byStep  map[int]*stepState // step index → deliveries and pending expectations
	all     []*tracker
	nextDID int
	current *Step // the step running now
}

type heldEvent struct {
	step *Step
	ev   hookdrill.Event
}

// stepState is what a delivery step left to finish later.
type stepState struct {
	step     *Step
	res      *assert.StepResult
	trackers []*tracker
	checked  bool // expectations evaluated
}

// tracker follows one delivery for the waits and the expectations.
type tracker struct {
	id     string
	step   *Step
	handle *sender.Handle
	ev     hookdrill.Event

	mu      sync.Mutex // guards last, nextDue, parked, result
	last    *hookdrill.Attempt
	nextDue time.Time // when the next attempt is due, while parked
	parked  bool      // waiting on a clock timer for its next attempt
	result  *sender.Result
}

// record returns what the delivery left, once it is done.
func (t *tracker) record() assert.DeliveryRecord {
	t.mu.Lock()
	res := t.result
	t.mu.Unlock()
	if res == nil {
		return assert.DeliveryRecord{}
	}
	d := &hookdrill.Delivery{DeliveryID: res.DeliveryID, EventID: res.EventID, EventType: t.ev.Type,
		ResourceID: t.ev.ResourceID, Status: res.Status, Attempts: len(res.Attempts), Outcome: res.Outcome, Reason: res.Reason}
	return assert.DeliveryRecord{Delivery: d, Attempts: res.Attempts}
}

// done reports whether the delivery ended. The result recorded by OnDone
// counts too: OnDone (and its wake-up signal) runs before the handle's Done
// channel closes, so a waiter woken by that signal must not depend on the
// channel alone.
func (t *tracker) done() bool {
	t.mu.Lock()
	ended := t.result != nil
	t.mu.Unlock()
	if ended {
		return true
	}
	select {
	case <-t.handle.Done():
		return true
	default:
		return false
	}
}

func newRun(cfg RunConfig, sc *Scenario) *run {
	r := &run{cfg: cfg, sc: sc, events: map[string]hookdrill.Event{}, held: map[string]*heldEvent{},
		byStep: map[int]*stepState{}, notify: make(chan struct{}, 1)}
	r.seed = cfg.Seed
	if r.seed == 0 {
		r.seed = sc.Seed
	}
	if r.seed == 0 {
		r.seed = rand.Uint64()>>1 | 1
	}
	r.res = &assert.ScenarioResult{Name: sc.Name, File: sc.File, Line: sc.Line, Platform: sc.Platform, Seed: r.seed,
		Tags: sc.Tags, Started: cfg.WallNow()}
	if c := sc.Check; c != nil {
		r.res.Check = &assert.Check{ID: c.ID, Severity: assert.Severity(c.Severity), Summary: c.Summary, Explain: c.Explain, Fix: c.Fix}
		r.res.Severity = assert.Severity(c.Severity)
	}
	r.red = hookdrill.NewRedactor(cfg.Secrets...)
	r.red.AddURL(cfg.Target)
	for _, name := range sortedKeys(cfg.Probes) {
		r.red.AddURL(cfg.Probes[name])
	}
	r.res.Rerun = r.rerun()
	return r
}

// rerun builds the command line that reproduces this scenario.
func (r *run) rerun() string {
	parts := []string{r.cfg.Command}
	for _, a := range r.cfg.RerunArgs {
		parts = append(parts, shellQuote(a))
	}
	parts = append(parts, "--seed", strconv.FormatUint(r.seed, 10), "--run", shellQuote("^"+regexp.QuoteMeta(r.sc.Name)+"$"))
	if r.sc.File != "" {
		parts = append(parts, shellQuote(r.sc.File))
	}
	return strings.Join(parts, " ")
}

var reShellSafe = regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./-]+$`)

func shellQuote(s string) string {
	if reShellSafe.MatchString(s) || s == SecretRef {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// execute runs the scenario and fills r.res.
func (r *run) execute(ctx context.Context) {
	start := r.cfg.WallNow()
	defer func() {
		r.res.Duration = r.cfg.WallNow().Sub(start).Seconds()
		r.res.Finish()
		if r.journal != nil {
			r.res.Timeline = assert.BuildTimeline(r.journal.Snapshot(), r.sim != nil, r.clockStart)
		}
		r.redact()
	}()
	if needs := r.unmet(); len(needs) > 0 {
		r.res.Verdict = assert.Skip
		r.res.Needs = needs
		r.res.Reason = r.skipReason(needs)
		return
	}
	timeout := r.cfg.Timeout
	if r.sc.Timeout != nil {
		timeout = r.sc.Timeout.D
	}
	ctx, cancel := context.WithTimeoutCause(ctx, timeout, fmt.Errorf("scenario timed out after %s", timeout))
	defer cancel()
	if err := r.setup(ctx); err != nil {
		r.res.Verdict = assert.Error
		r.res.Reason = err.Error()
		r.teardown()
		return
	}
	defer r.teardown()
	// Step results are referenced by pointer until the end: no reallocation.
	r.res.Steps = make([]assert.StepResult, 0, len(r.sc.Steps)+1)
	for i := range r.sc.Steps {
		st := &r.sc.Steps[i]
		sr := r.runStep(ctx, st)
		if sr.Verdict == assert.Error {
			break
		}
		if ctx.Err() != nil {
			break
		}
	}
	r.finishPending(ctx)
	r.checkAlways()
	if err := context.Cause(ctx); err != nil && ctx.Err() != nil {
		r.res.Verdict = assert.Error
		r.res.Reason = err.Error()
		if n := len(r.res.Steps); n > 0 {
			r.res.Reason += fmt.Sprintf(" (at step %d)", r.res.Steps[n-1].Index)
		}
	}
	if r.cfg.OnJournal != nil {
		r.cfg.OnJournal(r.sc, r.red.Journal(r.journal))
	}
}

// requirements lists what the scenario needs: its requires list plus the
// probe templates and the mock its steps use.
func (r *run) requirements() []string {
	req := slices.Clone(r.sc.Requires)
	add := func(s string) {
		if !slices.Contains(req, s) {
			req = append(req, s)
		}
	}
	for i := range r.sc.Steps {
		if p := r.sc.Steps[i].Probe; p != nil && p.Use != "" {
			add("probe." + p.Use)
		}
	}
	if r.sc.Mock != nil && r.sc.Mock.Enabled {
		add("mock")
	}
	return req
}

func (r *run) unmet() []string {
	var out []string
	for _, q := range r.requirements() {
		switch {
		case q == "mock":
			if r.cfg.Mock == nil {
				out = append(out, q)
			}
		case q == "clock.sim":
			if r.sc.Clock == ClockReal {
				out = append(out, q)
			}
		case strings.HasPrefix(q, "probe."):
			if strings.TrimSpace(r.cfg.Probes[strings.TrimPrefix(q, "probe.")]) == "" {
				out = append(out, q)
			}
		case strings.HasPrefix(q, "vars."):
			name := strings.TrimPrefix(q, "vars.")
			v, ok := r.cfg.Vars[name]
			if !ok {
				v, _ = r.sc.Vars.Lookup(name)
			}
			if strings.TrimSpace(v) == "" {
				out = append(out, q)
			}
		}
	}
	return out
}

func (r *run) skipReason(needs []string) string {
	parts := make([]string, len(needs))
	for i, q := range needs {
		if h := r.cfg.Hints[q]; h != "" {
			parts[i] = h
			continue
		}
		switch {
		case strings.HasPrefix(q, "probe."):
			parts[i] = fmt.Sprintf("probe template %q (RunConfig.Probes)", strings.TrimPrefix(q, "probe."))
		case strings.HasPrefix(q, "vars."):
			parts[i] = fmt.Sprintf("variable %q (RunConfig.Vars)", strings.TrimPrefix(q, "vars."))
		case q == "mock":
			parts[i] = "the embedded mock (RunConfig.Mock)"
		default:
			parts[i] = q
		}
	}
	return "needs " + strings.Join(parts, ", ")
}

// setup builds the clock, journal, sender and expander.
func (r *run) setup(ctx context.Context) error {
	reg := r.cfg.Platforms
	if reg == nil {
		reg = r.sc.platforms
	}
	if reg == nil {
		return errors.New("no platforms: RunConfig.Platforms is nil and the scenario was not loaded by a scenarios.Loader")
	}
	prof, err := reg.Lookup(r.sc.Platform)
	if err != nil {
		return err
	}
	r.prof = prof
	r.journal = hookdrill.NewJournal()
	if r.sc.Clock == ClockReal {
		r.clk = clock.Real{}
		r.clockStart = r.cfg.WallNow()
	} else {
		start := r.cfg.SimStart
		if start.IsZero() && r.sc.SimStart != "" {
			start, _ = time.Parse(time.RFC3339, r.sc.SimStart) // validated at load
		}
		if start.IsZero() {
			start = r.cfg.WallNow().UTC().Truncate(time.Second)
		}
		r.sim = clock.NewSim(start)
		r.clk = r.sim
		r.clockStart = start
	}
	r.pcg = rand.NewPCG(r.seed, 1)
	r.rnd = rand.New(r.pcg)
	r.x = &expander{
		red: r.red, getenv: r.cfg.Getenv, vars: map[string]string{}, outputs: map[string]map[string]string{},
		pending: map[string]string{}, faker: gofakeit.NewFaker(rand.NewPCG(r.seed, 2), false),
		now: r.clk.Now,
		scenario: map[string]string{"name": r.sc.Name, "platform": r.sc.Platform,
			"seed": strconv.FormatUint(r.seed, 10), "file": r.sc.File},
	}
	for _, v := range r.sc.Vars {
		val := v.Value
		if o, ok := r.cfg.Vars[v.Name]; ok {
			val = o
		} else if val, err = r.x.expand(val); err != nil {
			return fmt.Errorf("vars.%s: %w", v.Name, err)
		}
		r.x.vars[v.Name] = val
		if reCredName.MatchString(v.Name) {
			r.red.Add(val)
		}
		if strings.Contains(val, "://") {
			r.red.AddURL(val) // a URL's password and query tokens
		}
	}
	secret := r.cfg.Secret
	if secret == "" {
		if secret, err = r.x.expandCred(r.sc.Secret); err != nil {
			return fmt.Errorf("secret: %w", err)
		}
	}
	target := r.cfg.Target
	if target == "" {
		if target, err = r.x.expand(r.sc.Target); err != nil {
			return fmt.Errorf("target: %w", err)
		}
	}
	r.red.Add(secret)
	r.red.AddURL(target)
	r.x.scenario["target"], r.x.scenario["secret"] = target, secret
	r.target = hookdrill.Target{URL: target, Secret: hookdrill.Secret(secret)}
	usesMock := r.sc.Mock != nil && r.sc.Mock.Enabled
	if !usesMock {
		if target == "" {
			return errors.New("no target: set target in the scenario or pass one (--target)")
		}
		if err := r.target.Validate(); err != nil {
			return fmt.Errorf("target: %w (set target and secret in the scenario, or pass --target and --secret)", err)
		}
	}
	if r.policy, err = resolvePolicy(prof, r.sc.Retries, nil); err != nil {
		return err
	}
	r.snd, err = sender.New(sender.Config{Profile: prof, Clock: r.clk, Journal: r.journal, Seed: r.seed,
		Policy: &r.policy, TLSConfig: r.cfg.TLSConfig, WallNow: r.cfg.WallNow})
	if err != nil {
		return err
	}
	if usesMock {
		if err := r.startMock(ctx); err != nil {
			return fmt.Errorf("start the embedded mock: %w", err)
		}
	}
	return nil
}

func (r *run) teardown() {
	if r.mock != nil {
		_ = r.mock.Close()
	}
	if r.snd != nil {
		_ = r.snd.Close()
	}
	for _, s := range r.extra {
		_ = s.Close()
	}
}

// signal wakes a goroutine waiting for tracker changes.
func (r *run) signal() {
	select {
	case r.notify <- struct{}{}:
	default:
	}
}

// hooks returns the sender hooks that keep t up to date.
func (r *run) hooks(t *tracker, inner sender.Hooks) sender.Hooks {
	h := inner
	h.OnAttempt = func(a hookdrill.Attempt) {
		t.mu.Lock()
		t.last = &a
		t.parked = !a.Final
		if !a.Final {
			t.nextDue = a.SimStarted.Add(a.NextAttemptIn)
		}
		t.mu.Unlock()
		if inner.OnAttempt != nil {
			inner.OnAttempt(a)
		}
		r.signal()
	}
	h.OnDone = func(res sender.Result) {
		t.mu.Lock()
		t.result = &res
		t.mu.Unlock()
		if inner.OnDone != nil {
			inner.OnDone(res)
		}
		r.signal()
	}
	return h
}

// deliver starts one delivery of ev for step st through snd.
func (r *run) deliver(ctx context.Context, snd *sender.Sender, st *Step, ev hookdrill.Event, f sender.Faults, pol *hookdrill.RetryPolicy) (*tracker, error) {
	r.mu.Lock()
	r.nextDID++
	t := &tracker{id: fmt.Sprintf("s%02d-d%03d", st.Index+1, r.nextDID), step: st, ev: ev}
	r.mu.Unlock()
	tag := st.ID
	if tag == "" {
		tag = fmt.Sprintf("step%d", st.Index+1)
	}
	if f.Delay > 0 && r.sim != nil {
		t.parked, t.nextDue = true, r.clk.Now().Add(f.Delay)
	}
	h, err := snd.Deliver(ctx, sender.Delivery{ID: t.id, Event: ev, Target: r.target, Policy: pol, Faults: f,
		Tags: []string{tag}, Hooks: r.hooks(t, sender.Hooks{})})
	if err != nil {
		return nil, err
	}
	t.handle = h
	r.mu.Lock()
	r.all = append(r.all, t)
	r.mu.Unlock()
	return t, nil
}

// waitAll waits until every tracker is done, driving a simulated clock:
// while some attempt is in flight it waits for it; when every unfinished
// delivery is parked on a retry timer it advances the clock to the earliest
// one, which fires that timer (and any other due before it).
func (r *run) waitAll(ctx context.Context, ts []*tracker) error {
	for {
		allDone := true
		inFlight := false
		var next time.Time
		now := r.clk.Now()
		for _, t := range ts {
			if t.done() {
				continue
			}
			allDone = false
			t.mu.Lock()
			parked, due := t.parked && t.nextDue.After(now), t.nextDue
			t.mu.Unlock()
			if !parked || r.sim == nil {
				inFlight = true
				continue
			}
			if next.IsZero() || due.Before(next) {
				next = due
			}
		}
		if allDone {
			return nil
		}
		if inFlight {
			select {
			case <-r.notify:
			case <-ctx.Done():
				return context.Cause(ctx)
			}
			continue
		}
		if err := r.sim.AdvanceTo(ctx, next); err != nil {
			if ctx.Err() != nil {
				return context.Cause(ctx)
			}
			return err
		}
	}
}

// finishPending waits for every delivery still running (async steps never
// awaited) and evaluates their expectations.
func (r *run) finishPending(ctx context.Context) {
	var ts []*tracker
	r.mu.Lock()
	for _, t := range r.all {
		if !t.done() {
			ts = append(ts, t)
		}
	}
	r.mu.Unlock()
	if len(ts) > 0 {
		if err := r.waitAll(ctx, ts); err != nil {
			r.res.Steps = append(r.res.Steps, assert.StepResult{Index: len(r.sc.Steps) + 1, Kind: "end",
				Summary: "wait for unfinished deliveries", Verdict: assert.Error, Error: err.Error()})
			return
		}
	}
	r.mu.Lock()
	var todo []*stepState
	for i := range r.sc.Steps {
		if ss := r.byStep[i]; ss != nil && !ss.checked && len(ss.trackers) > 0 {
			todo = append(todo, ss)
		}
	}
	r.mu.Unlock()
	for _, ss := range todo {
		r.checkDeliveries(ss)
	}
}

// checkAlways evaluates the scenario's every-delivery expectations.
func (r *run) checkAlways() {
	if r.sc.Always == nil || r.journal == nil {
		return
	}
	exp, err := r.deliveryExpect(r.sc.Always)
	if err != nil {
		r.res.Always = []assert.Result{{Expectation: "always", Verdict: assert.Error, Message: err.Error()}}
		return
	}
	if r.sc.Always.Attempt == nil {
		exp.Attempt = assert.Selector{Kind: assert.SelectAll}
	}
	snap := r.journal.Snapshot()
	var per [][]assert.Result
	for _, d := range snap.Deliveries() {
		per = append(per, exp.Check(assert.RecordFromSnapshot(snap, d.DeliveryID)))
	}
	r.res.Always = assert.Aggregate(per)
}

// redact removes the secrets from everything the report shows: every
// string of the result goes through the run's Redactor.
func (r *run) redact() {
	*r.res = hookdrill.Redacted(r.red, *r.res)
}

func (r *run) redactStr(s string) string { return r.red.String(s) }
