package scenarios

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/assert"
	"github.com/hookdrill/hookdrill/platform"
	"github.com/hookdrill/hookdrill/sender"
)

// runStep runs one step and appends its result.
func (r *run) runStep(ctx context.Context, st *Step) *assert.StepResult {
	start := r.cfg.WallNow()
	r.res.Steps = append(r.res.Steps, assert.StepResult{Index: st.Index + 1, ID: st.ID, Name: st.Name, Kind: st.Kind(),
		Line: st.Line, Summary: r.summary(st)})
	sr := &r.res.Steps[len(r.res.Steps)-1]
	ss := &stepState{step: st, res: sr}
	r.mu.Lock()
	r.byStep[st.Index] = ss
	r.current = st
	r.mu.Unlock()
	err := r.dispatch(ctx, st, ss)
	if err != nil {
		sr.Error = r.redactStr(err.Error())
	} else if st.Expect != nil && ctx.Err() == nil {
		sr.Results = append(sr.Results, r.journalChecks(st.Expect)...)
	}
	sr.Duration = r.cfg.WallNow().Sub(start).Seconds()
	if outs := r.x.outputs[st.ID]; st.ID != "" && outs != nil {
		sr.Outputs = reportOutputs(outs)
	}
	sr.Finish()
	return sr
}

func reportOutputs(outs map[string]string) map[string]string {
	m := make(map[string]string, len(outs))
	for k, v := range outs {
		if k == OutBody || k == OutStdout {
			continue
		}
		m[k] = v
	}
	return m
}

// summary is the one-line description of a step in reports.
func (r *run) summary(st *Step) string {
	k := st.kind()
	if k == nil {
		return ""
	}
	mods := ""
	if st.Tamper != nil {
		mods += " tamper=" + strings.Join(st.Tamper.Kinds, ",")
		if st.Tamper.Attempts > 0 {
			mods += fmt.Sprintf("(first %d)", st.Tamper.Attempts)
		}
	}
	if f := st.Fault; f != nil {
		if f.LostAck > 0 {
			mods += fmt.Sprintf(" lost_ack=%d", f.LostAck)
		}
		if f.Delay != nil {
			mods += " delay=" + f.Delay.Raw
		}
		if f.BodyStyle != "" {
			mods += " body=" + f.BodyStyle
		}
	}
	if st.Hold {
		mods += " (held)"
	}
	if st.Async {
		mods += " (async)"
	}
	if s := k.summary(st, mods); s != "" {
		return s
	}
	return k.name
}

// sendSummary describes the event of a send, trigger or burst.
func sendSummary(s *Send) string {
	if s == nil {
		return ""
	}
	parts := []string{}
	if s.Event != "" {
		parts = append(parts, s.Event)
	} else if s.Payload != nil {
		parts = append(parts, "raw payload")
	}
	if s.Status != "" {
		parts = append(parts, s.Status)
	}
	if s.Occurred != nil {
		parts = append(parts, "occurred "+s.Occurred.Raw)
	}
	return strings.Join(parts, " ")
}

// probeSummary describes a probe step ("" for one without a form).
func probeSummary(p *Probe) string {
	switch {
	case p.Use != "":
		return "probe " + p.Use
	case p.HTTP != nil:
		return "probe http " + strings.TrimSpace(p.HTTP.Method+" "+p.HTTP.URL)
	case p.Exec != nil:
		if p.Exec.Sh != "" {
			return "probe exec sh -c " + shellQuote(p.Exec.Sh)
		}
		return "probe exec " + quoteArgv(p.Exec.Argv)
	}
	return ""
}

func (r *run) dispatch(ctx context.Context, st *Step, ss *stepState) error {
	if k := st.kind(); k != nil {
		return k.run(r, ctx, st, ss)
	}
	return fmt.Errorf("step has no action")
}

// buildEvent expands a Send and asks the profile for the event.
func (r *run) buildEvent(s *Send) (hookdrill.Event, error) {
	spec, err := r.eventSpec(s)
	if err != nil {
		return hookdrill.Event{}, err
	}
	spec = r.keepIdentity(spec)
	before := *r.pcg
	now := r.clk.Now()
	ev, err := r.prof.NewEvent(spec, r.rnd, now)
	if err != nil {
		return ev, fmt.Errorf("build event: %w", err)
	}
	if r.cfg.IDSalt != 0 && (spec.ID == "" || spec.ResourceID == "") {
		// Same draws, salted ids: rebuild from the same generator state
		// with the ids set, then continue from where the first build left
		// the generator, so everything else stays reproducible.
		after := *r.pcg
		if spec.ID == "" {
			spec.ID = saltID(ev.ID, r.cfg.IDSalt)
		}
		if spec.ResourceID == "" {
			spec.ResourceID = saltID(ev.ResourceID, r.cfg.IDSalt^0x9e3779b97f4a7c15)
		}
		*r.pcg = before
		ev, err = r.prof.NewEvent(spec, r.rnd, now)
		*r.pcg = after
		if err != nil {
			return ev, fmt.Errorf("build event: %w", err)
		}
	}
	if key, v, ok := r.identity(ev); ok {
		r.idMu.Lock()
		if r.identities == nil {
			r.identities = map[string]string{}
		}
		r.identities[key+"/"+ev.ResourceID] = v
		r.idMu.Unlock()
	}
	return ev, nil
}

// identity returns the identity ev names for its resource and its Extra
// key, when the run's profile is a platform.Identifier.
func (r *run) identity(ev hookdrill.Event) (key, value string, ok bool) {
	id, isID := r.prof.(platform.Identifier)
	if !isID || ev.ResourceID == "" {
		return "", "", false
	}
	if key, ok = id.IdentityKey(ev.Type); !ok {
		return "", "", false
	}
	if value, ok = id.Identity(ev); !ok {
		return "", "", false
	}
	return key, value, true
}

// keepIdentity gives an event about a resource an earlier step named the
// identity that step's event carried (a submission's participant, a
// screener response's project), unless the step sets it itself: one
// scenario step may set participant_id explicitly and the next ones
// follow up on the same submission.
func (r *run) keepIdentity(spec hookdrill.EventSpec) hookdrill.EventSpec {
	id, isID := r.prof.(platform.Identifier)
	if !isID {
		return spec
	}
	key, ok := id.IdentityKey(spec.Type)
	if !ok || spec.Payload != nil || spec.ResourceID == "" || spec.Extra[key] != "" {
		return spec
	}
	r.idMu.Lock()
	v, known := r.identities[key+"/"+spec.ResourceID]
	r.idMu.Unlock()
	if !known {
		return spec
	}
	extra := make(map[string]string, len(spec.Extra)+1)
	for k, x := range spec.Extra {
		extra[k] = x
	}
	extra[key] = v
	spec.Extra = extra
	return spec
}

// saltID mixes salt into the hex digits of id, keeping its length, its
// case and every other character (dashes, a UUID's version and variant
// digits), so the id keeps the platform's format.
func saltID(id string, salt uint64) string {
	b := []byte(id)
	x := salt
	for i, c := range b {
		if len(id) == 36 && (i == 14 || i == 19) { // UUID version and variant
			continue
		}
		var v byte
		switch {
		case c >= '0' && c <= '9':
			v = c - '0'
		case c >= 'a' && c <= 'f':
			v = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			v = c - 'A' + 10
		default:
			continue
		}
		x = x*6364136223846793005 + 1442695040888963407
		v = (v + byte(x>>60)) & 15
		digits := "0123456789abcdef"
		if c >= 'A' && c <= 'F' {
			digits = "0123456789ABCDEF"
		}
		b[i] = digits[v]
	}
	return string(b)
}

// eventSpec expands a Send into an EventSpec; Occurred is applied to the
// clock's now.
func (r *run) eventSpec(s *Send) (hookdrill.EventSpec, error) {
	var errs []error
	exp := func(v string) string {
		out, err := r.x.expand(v)
		if err != nil {
			errs = append(errs, err)
		}
		return out
	}
	spec := hookdrill.EventSpec{Type: exp(s.Event), Status: exp(s.Status), ResourceID: exp(s.Resource), ID: exp(s.EventID)}
	if len(s.Extra) > 0 {
		spec.Extra = make(map[string]string, len(s.Extra))
		for _, k := range sortedKeys(s.Extra) {
			spec.Extra[exp(k)] = exp(s.Extra[k])
		}
	}
	if s.Payload != nil {
		o, err := r.expandValue(s.Payload.Object)
		if err != nil {
			errs = append(errs, err)
		}
		spec.Payload, _ = o.(hookdrill.Object)
	}
	if s.Occurred != nil {
		spec.CreatedAt = r.clk.Now().Add(s.Occurred.D)
	}
	return spec, errors.Join(errs...)
}

// expandValue expands strings (and object keys) inside a decoded value.
func (r *run) expandValue(v any) (any, error) {
	switch t := v.(type) {
	case string:
		return r.x.expand(t)
	case hookdrill.Object:
		out := make(hookdrill.Object, 0, len(t))
		for _, f := range t {
			k, err := r.x.expand(f.Key)
			if err != nil {
				return nil, err
			}
			val, err := r.expandValue(f.Value)
			if err != nil {
				return nil, err
			}
			out = append(out, hookdrill.Field{Key: k, Value: val})
		}
		return out, nil
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			val, err := r.expandValue(e)
			if err != nil {
				return nil, err
			}
			out[i] = val
		}
		return out, nil
	}
	return v, nil
}

// eventOutputs are the outputs every event-building step has.
func (r *run) eventOutputs(ev hookdrill.Event) map[string]string {
	return map[string]string{
		OutEventID: ev.ID, OutResourceID: ev.ResourceID, OutEventType: ev.Type, OutEventStatus: ev.Status,
		OutXTimestamp: strconv.FormatInt(ev.CreatedAt.Unix(), 10),
		OutCreated:    ev.CreatedAt.UTC().Format("2006-01-02T15:04:05.000Z"),
	}
}

func (r *run) setOutputs(st *Step, outs map[string]string) {
	if st.ID == "" {
		return
	}
	cur := r.x.outputs[st.ID]
	if cur == nil {
		cur = map[string]string{}
		r.x.outputs[st.ID] = cur
	}
	for k, v := range outs {
		cur[k] = v
	}
}

// faults builds the sender faults and retry policy of a delivery step.
func (r *run) faults(st *Step) (sender.Faults, *hookdrill.RetryPolicy, error) {
	var f sender.Faults
	if t := st.Tamper; t != nil {
		for _, k := range t.Kinds {
			f.Tamper = append(f.Tamper, hookdrill.Tamper(k))
		}
		f.TamperAttempts = t.Attempts
		if t.Skew != nil {
			f.Skew = t.Skew.D
		}
	}
	var pol *hookdrill.RetryPolicy
	if st.Retries != nil {
		p, err := resolvePolicy(r.prof, st.Retries, &r.policy)
		if err != nil {
			return f, nil, err
		}
		pol = &p
	}
	if ft := st.Fault; ft != nil {
		f.LostAck = ft.LostAck
		if ft.Delay != nil {
			f.Delay = ft.Delay.D
		}
		f.BodyStyle = sender.BodyStyle(ft.BodyStyle)
		f.Algorithm = ft.Algorithm
		if ft.Timeout != nil {
			p := r.policy
			if pol != nil {
				p = *pol
			}
			p.Timeout = ft.Timeout.D
			pol = &p
		}
	}
	return f, pol, nil
}

func (r *run) stepSend(ctx context.Context, st *Step, ss *stepState) error {
	ev, err := r.buildEvent(st.Send)
	if err != nil {
		return err
	}
	if st.ID != "" {
		r.events[st.ID] = ev
	}
	r.setOutputs(st, r.eventOutputs(ev))
	if st.Hold {
		r.held[st.ID] = &heldEvent{step: st, ev: ev}
		r.x.pending[st.ID] = "is held: its delivery outputs exist after its release step"
		return nil
	}
	return r.deliverStep(ctx, st, ss, ev)
}

func (r *run) stepDuplicate(ctx context.Context, st *Step, ss *stepState) error {
	id := string(*st.Duplicate)
	ev, ok := r.events[id]
	if !ok {
		return fmt.Errorf("duplicate: step %q built no event", id)
	}
	if st.ID != "" {
		r.events[st.ID] = ev
	}
	r.setOutputs(st, r.eventOutputs(ev))
	if st.Hold {
		r.held[st.ID] = &heldEvent{step: st, ev: ev}
		return nil
	}
	return r.deliverStep(ctx, st, ss, ev)
}

// deliverStep delivers ev for st and, unless async, waits and checks.
func (r *run) deliverStep(ctx context.Context, st *Step, ss *stepState, ev hookdrill.Event) error {
	f, pol, err := r.faults(st)
	if err != nil {
		return err
	}
	t, err := r.deliver(ctx, r.snd, st, ev, f, pol)
	if err != nil {
		return err
	}
	r.addTracker(ss, t)
	if st.Async {
		if st.ID != "" {
			r.x.pending[st.ID] = "is async: its delivery outputs exist after an await step names it"
		}
		return nil
	}
	if err := r.waitAll(ctx, r.trackersOf(ss)); err != nil {
		return fmt.Errorf("wait for the delivery: %w", err)
	}
	r.checkDeliveries(ss)
	return nil
}

func (r *run) addTracker(ss *stepState, t *tracker) {
	r.mu.Lock()
	ss.trackers = append(ss.trackers, t)
	r.mu.Unlock()
}

func (r *run) trackersOf(ss *stepState) []*tracker {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*tracker(nil), ss.trackers...)
}

// checkDeliveries sets a delivery step's outputs and evaluates its
// delivery expectations once its deliveries ended.
func (r *run) checkDeliveries(ss *stepState) {
	if ss.checked {
		return
	}
	ss.checked = true
	st := ss.step
	trackers := r.trackersOf(ss)
	recs := make([]assert.DeliveryRecord, len(trackers))
	delivered := 0
	for i, t := range trackers {
		recs[i] = t.record()
		if recs[i].Delivery != nil && recs[i].Delivery.Status == hookdrill.StatusSucceeded {
			delivered++
		}
	}
	delete(r.x.pending, st.ID)
	single := st.kind() != nil && st.kind().single
	if single {
		if len(recs) == 1 {
			r.setOutputs(st, deliveryOutputs(recs[0]))
		}
	} else {
		r.setOutputs(st, map[string]string{OutCount: strconv.Itoa(len(recs)), OutDelivered: strconv.Itoa(delivered)})
	}
	if ss.res != nil && st.ID != "" {
		ss.res.Outputs = reportOutputs(r.x.outputs[st.ID])
	}
	if st.Expect == nil {
		return
	}
	exp, err := r.deliveryExpect(st.Expect)
	if err != nil {
		ss.res.Error = r.redactStr(err.Error())
		ss.res.Finish()
		return
	}
	var results []assert.Result
	if len(recs) == 1 && single {
		results = exp.Check(recs[0])
	} else if !exp.IsZero() {
		per := make([][]assert.Result, len(recs))
		for i, rec := range recs {
			per[i] = exp.Check(rec)
		}
		results = assert.Aggregate(per)
	}
	if st.Expect.Count != nil {
		m, err := r.matcher(st.Expect.Count)
		if err != nil {
			ss.res.Error = r.redactStr(err.Error())
		} else {
			ok, _ := m.Match(len(recs), true)
			res := assert.Result{Expectation: "count", Want: m.String(), Got: strconv.Itoa(len(recs)), Verdict: assert.Pass}
			if !ok {
				res.Verdict = assert.Fail
				res.Message = fmt.Sprintf("The step made %d deliveries, want %s.", len(recs), m)
			}
			results = append(results, res)
		}
	}
	ss.res.Results = append(ss.res.Results, results...)
	ss.res.Finish()
}

func deliveryOutputs(rec assert.DeliveryRecord) map[string]string {
	out := map[string]string{OutAttempts: strconv.Itoa(len(rec.Attempts))}
	if rec.Delivery != nil {
		out[OutDeliveryID] = rec.Delivery.DeliveryID
		out[OutDelivered] = strconv.FormatBool(rec.Delivery.Status == hookdrill.StatusSucceeded)
		out[OutOutcome] = string(rec.Delivery.Outcome)
	}
	if n := len(rec.Attempts); n > 0 {
		a := rec.Attempts[n-1]
		out[OutOutcome] = string(a.Outcome)
		out[OutBody] = a.Request.Body
		out[OutStatus] = "0"
		if a.Response != nil {
			out[OutStatus] = strconv.Itoa(a.Response.Status)
		}
	}
	return out
}

// deliveryExpect converts the delivery fields of an Expect.
func (r *run) deliveryExpect(e *Expect) (assert.DeliveryExpect, error) {
	var d assert.DeliveryExpect
	if e.Status != nil {
		d.Status = e.Status.Set
	}
	if e.Not != nil {
		d.Not = e.Not.Set
	}
	if e.Within != nil {
		d.Within = e.Within.D
	}
	if e.Attempt != nil {
		d.Attempt = e.Attempt.Selector
	}
	if e.Outcome != nil {
		for _, o := range *e.Outcome {
			d.Outcome = append(d.Outcome, hookdrill.Outcome(o))
		}
	}
	d.Delivered = e.Delivered
	if e.Attempts != nil {
		m, err := r.matcher(e.Attempts)
		if err != nil {
			return d, err
		}
		d.Attempts = m
	}
	return d, nil
}

// matcher expands and builds a comparison.
func (r *run) matcher(m *Matcher) (assert.Matcher, error) {
	conds := make([]assert.Cond, 0, len(m.Conds))
	for _, c := range m.Conds {
		v, err := r.expandValue(c.Value)
		if err != nil {
			return nil, err
		}
		conds = append(conds, assert.Cond{Op: c.Op, Want: jsonLike(v)})
	}
	return assert.NewMatcher(conds...)
}

// journalChecks evaluates calls and notices over the journal.
func (r *run) journalChecks(e *Expect) []assert.Result {
	if len(e.Calls) == 0 && len(e.Notices) == 0 {
		return nil
	}
	snap := r.journal.Snapshot()
	var out []assert.Result
	for _, c := range e.Calls {
		ce := assert.CallsExpect{}
		var err error
		if ce.Method, err = r.x.expand(c.Method); err == nil {
			if ce.Route, err = r.x.expand(c.Route); err == nil {
				ce.ResourceID, err = r.x.expand(c.Resource)
			}
		}
		if err == nil && c.Count != nil {
			ce.Count, err = r.matcher(c.Count)
		}
		if c.Status != nil {
			ce.Status = c.Status.Set
		}
		if err != nil {
			out = append(out, assert.Result{Expectation: "calls", Verdict: assert.Error, Message: r.redactStr(err.Error())})
			continue
		}
		out = append(out, ce.Check(snap))
	}
	for _, n := range e.Notices {
		ne := assert.NoticesExpect{Type: n.Type, EventType: n.Event}
		if n.Count != nil {
			m, err := r.matcher(n.Count)
			if err != nil {
				out = append(out, assert.Result{Expectation: "notices", Verdict: assert.Error, Message: err.Error()})
				continue
			}
			ne.Count = m
		}
		out = append(out, ne.Check(snap))
	}
	return out
}

func (r *run) stepRelease(ctx context.Context, st *Step, ss *stepState) error {
	var waits []*stepState
	for _, id := range *st.Release {
		h, ok := r.held[id]
		if !ok {
			return fmt.Errorf("release: step %q is not held", id)
		}
		delete(r.held, id)
		r.mu.Lock()
		hs := r.byStep[h.step.Index]
		r.mu.Unlock()
		f, pol, err := r.faults(h.step)
		if err != nil {
			return err
		}
		t, err := r.deliver(ctx, r.snd, h.step, h.ev, f, pol)
		if err != nil {
			return fmt.Errorf("release %s: %w", id, err)
		}
		r.addTracker(hs, t)
		r.addTracker(ss, t)
		waits = append(waits, hs)
		if !st.Async {
			// Deliver in the order named: the next starts once this one ended.
			if err := r.waitAll(ctx, []*tracker{t}); err != nil {
				return fmt.Errorf("wait for the released delivery %s: %w", id, err)
			}
		}
	}
	ss.checked = true // the held steps own the expectations
	if st.Async {
		for _, w := range waits {
			r.x.pending[w.step.ID] = "was released asynchronously: its delivery outputs exist after an await step"
		}
		return nil
	}
	if err := r.waitAll(ctx, r.trackersOf(ss)); err != nil {
		return fmt.Errorf("wait for the released deliveries: %w", err)
	}
	for _, w := range waits {
		r.checkDeliveries(w)
	}
	return nil
}

func (r *run) stepAwait(ctx context.Context, st *Step) error {
	var states []*stepState
	var ts []*tracker
	r.mu.Lock()
	for _, id := range *st.Await {
		for i := range r.sc.Steps {
			ss := r.byStep[i]
			if ss == nil || ss.step.ID != id {
				continue
			}
			if ss.step.Kind() == kindRelease {
				// a release step's deliveries belong to the held steps
				for _, t := range ss.trackers {
					states = append(states, r.byStep[t.step.Index])
				}
			} else {
				states = append(states, ss)
			}
			ts = append(ts, ss.trackers...)
		}
	}
	r.mu.Unlock()
	if err := r.waitAll(ctx, ts); err != nil {
		return fmt.Errorf("await: %w", err)
	}
	for _, ss := range states {
		r.checkDeliveries(ss)
	}
	return nil
}

func (r *run) stepBurst(ctx context.Context, st *Step, ss *stepState) error {
	b := st.Burst
	conc := b.Concurrency
	if conc == 0 {
		conc = min(b.Count, 10)
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%d/%d", r.seed, st.Index)
	snd, err := sender.New(sender.Config{Profile: r.prof, Clock: r.clk, Journal: r.journal, Seed: h.Sum64() | 1,
		Policy: &r.policy, Concurrency: conc, TLSConfig: r.cfg.TLSConfig, WallNow: r.cfg.WallNow})
	if err != nil {
		return err
	}
	r.extra = append(r.extra, snd)
	f, pol, err := r.faults(st)
	if err != nil {
		return err
	}
	for i := 0; i < b.Count; i++ {
		ev, err := r.buildEvent(&b.Send)
		if err != nil {
			return err
		}
		t, err := r.deliver(ctx, snd, st, ev, f, pol)
		if err != nil {
			return err
		}
		r.addTracker(ss, t)
	}
	if st.Async {
		if st.ID != "" {
			r.x.pending[st.ID] = "is async: its outputs exist after an await step names it"
		}
		return nil
	}
	if err := r.waitAll(ctx, r.trackersOf(ss)); err != nil {
		return fmt.Errorf("wait for the burst: %w", err)
	}
	r.checkDeliveries(ss)
	return nil
}
