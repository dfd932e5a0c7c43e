package scenarios

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Step kinds: the action keys.
const (
	kindSend      = "send"
	kindDuplicate = "duplicate"
	kindRelease   = "release"
	kindAwait     = "await"
	kindBurst     = "burst"
	kindAdvance   = "advance"
	kindWait      = "wait"
	kindProbe     = "probe"
	kindSubscribe = "subscribe"
	kindEnable    = "enable"
	kindDisable   = "disable"
	kindRotate    = "rotate_secret"
	kindTrigger   = "trigger"
	kindInspect   = "inspect"
)

// stepKind is one row of the table of step kinds: everything the loader,
// the reports and the runner know about one action key. A new kind is a
// Step field, a row here and its functions.
type stepKind struct {
	name string
	// set reports whether the step has this action.
	set func(st *Step) bool
	// delivers: the step makes deliveries and takes tamper, fault and
	// retries.
	delivers bool
	// async: the step may be async (it waits for deliveries).
	async bool
	// hold: the step may be held for a release step.
	hold bool
	// single: the step makes one delivery, whose outputs are the step's
	// (others output count and delivered).
	single bool
	// mock: the step acts on the embedded mock ("mock: true").
	mock bool
	// expect lists the expect fields the kind takes besides calls and
	// notices; nil takes those only. st may be nil (no step at hand).
	expect func(st *Step) []string
	// outputs are the ${ID.NAME} outputs the step sets.
	outputs []string
	// validate checks the action's own fields; p is the step's path
	// ("steps[2]").
	validate func(v *validator, p string, st *Step)
	// summary is the step's one line in reports; mods describes its
	// modifiers (tamper, fault, held, async) for the kinds that show them.
	summary func(st *Step, mods string) string
	// run runs the step.
	run func(r *run, ctx context.Context, st *Step, ss *stepState) error
}

// deliveryExpect are the expect fields of a step that makes deliveries.
var deliveryExpect = []string{"status", "not", "within", "attempt", "attempts", "delivered", "outcome"}

// eventOutputs are the outputs that describe the event a step built.
var eventOutputs = []string{OutEventID, OutResourceID, OutEventType, OutEventStatus, OutXTimestamp, OutCreated}

// stepKinds is the table, in documentation order. It is filled once by
// init (its functions refer back to it through Step.Kind) and never
// changed.
var stepKinds []*stepKind

func init() {
	stepKinds = []*stepKind{
		{
			name: kindSend, set: func(st *Step) bool { return st.Send != nil },
			delivers: true, async: true, hold: true, single: true,
			expect: func(*Step) []string { return deliveryExpect },
			outputs: append(append([]string(nil), eventOutputs...),
				OutDeliveryID, OutStatus, OutAttempts, OutOutcome, OutDelivered, OutBody),
			validate: func(v *validator, p string, st *Step) { v.send(p+".send", st.Send, false) },
			summary:  func(st *Step, mods string) string { return "send " + sendSummary(st.Send) + mods },
			run:      func(r *run, ctx context.Context, st *Step, ss *stepState) error { return r.stepSend(ctx, st, ss) },
		},
		{
			name: kindDuplicate, set: func(st *Step) bool { return st.Duplicate != nil },
			delivers: true, async: true, hold: true, single: true,
			expect: func(*Step) []string { return deliveryExpect },
			outputs: append(append([]string(nil), eventOutputs...),
				OutDeliveryID, OutStatus, OutAttempts, OutOutcome, OutDelivered, OutBody),
			validate: func(v *validator, p string, st *Step) {
				v.ref(p+".duplicate", string(*st.Duplicate), "duplicate", kindSend, kindDuplicate)
			},
			summary: func(st *Step, mods string) string { return "duplicate " + string(*st.Duplicate) + mods },
			run:     func(r *run, ctx context.Context, st *Step, ss *stepState) error { return r.stepDuplicate(ctx, st, ss) },
		},
		{
			name: kindRelease, set: func(st *Step) bool { return st.Release != nil },
			async:    true,
			validate: (*validator).release,
			summary:  func(st *Step, mods string) string { return "release " + strings.Join(*st.Release, ", ") + mods },
			run:      func(r *run, ctx context.Context, st *Step, ss *stepState) error { return r.stepRelease(ctx, st, ss) },
		},
		{
			name: kindAwait, set: func(st *Step) bool { return st.Await != nil },
			validate: (*validator).await,
			summary:  func(st *Step, _ string) string { return "await " + strings.Join(*st.Await, ", ") },
			run:      func(r *run, ctx context.Context, st *Step, _ *stepState) error { return r.stepAwait(ctx, st) },
		},
		{
			name: kindBurst, set: func(st *Step) bool { return st.Burst != nil },
			delivers: true, async: true,
			expect:   func(*Step) []string { return append(append([]string(nil), deliveryExpect...), "count") },
			outputs:  []string{OutCount, OutDelivered},
			validate: (*validator).burst,
			summary: func(st *Step, mods string) string {
				return fmt.Sprintf("burst %d× %s", st.Burst.Count, sendSummary(&st.Burst.Send)) + mods
			},
			run: func(r *run, ctx context.Context, st *Step, ss *stepState) error { return r.stepBurst(ctx, st, ss) },
		},
		{
			name: kindAdvance, set: func(st *Step) bool { return st.Advance != nil },
			validate: (*validator).advance,
			summary:  func(st *Step, _ string) string { return "advance " + st.Advance.Raw },
			run: func(r *run, ctx context.Context, st *Step, _ *stepState) error {
				if r.sim == nil {
					return errors.New("advance needs the simulated clock")
				}
				return r.sim.Advance(ctx, st.Advance.D)
			},
		},
		{
			name: kindWait, set: func(st *Step) bool { return st.Wait != nil },
			validate: func(v *validator, p string, st *Step) {
				if st.Wait.D <= 0 || st.Wait.D > MaxWait {
					v.errorf(p+".wait", "want a real-time wait from 1ms to %s, got %s", MaxWait, st.Wait.Raw)
				}
			},
			summary: func(st *Step, _ string) string { return "wait " + st.Wait.Raw },
			run: func(_ *run, ctx context.Context, st *Step, _ *stepState) error {
				t := time.NewTimer(st.Wait.D)
				defer t.Stop()
				select {
				case <-t.C:
					return nil
				case <-ctx.Done():
					return context.Cause(ctx)
				}
			},
		},
		{
			name: kindProbe, set: func(st *Step) bool { return st.Probe != nil },
			expect:   probeExpect,
			outputs:  []string{OutValue, OutStatus, OutExit, OutStdout},
			validate: func(v *validator, p string, st *Step) { v.probe(p+".probe", st.Probe) },
			summary:  func(st *Step, _ string) string { return probeSummary(st.Probe) },
			run:      func(r *run, ctx context.Context, st *Step, ss *stepState) error { return r.stepProbe(ctx, st, ss) },
		},
		{
			name: kindSubscribe, set: func(st *Step) bool { return st.Subscribe != nil },
			mock:    true,
			outputs: []string{OutSubID},
			validate: func(v *validator, p string, st *Step) {
				if e := st.Subscribe.Event; e != "" && !strings.Contains(e, "${") && v.prof != nil {
					v.eventType(p+".subscribe.event", e)
				}
				v.urlField(p+".subscribe.target", st.Subscribe.Target)
			},
			summary: func(st *Step, _ string) string { return "subscribe " + st.Subscribe.Event },
			run:     func(r *run, ctx context.Context, st *Step, _ *stepState) error { return r.stepSubscribe(ctx, st) },
		},
		{
			name: kindEnable, set: func(st *Step) bool { return st.Enable != nil },
			mock: true,
			validate: func(v *validator, p string, st *Step) {
				v.ref(p+"."+kindEnable, string(*st.Enable), kindEnable, kindSubscribe)
			},
			summary: func(st *Step, _ string) string { return "enable " + string(*st.Enable) },
			run:     func(r *run, ctx context.Context, st *Step, _ *stepState) error { return r.stepSetEnabled(ctx, st) },
		},
		{
			name: kindDisable, set: func(st *Step) bool { return st.Disable != nil },
			mock: true,
			validate: func(v *validator, p string, st *Step) {
				v.ref(p+"."+kindDisable, string(*st.Disable), kindDisable, kindSubscribe)
			},
			summary: func(st *Step, _ string) string { return "disable " + string(*st.Disable) },
			run:     func(r *run, ctx context.Context, st *Step, _ *stepState) error { return r.stepSetEnabled(ctx, st) },
		},
		{
			name: kindRotate, set: func(st *Step) bool { return st.RotateSecret != nil },
			mock:     true,
			validate: func(*validator, string, *Step) {},
			summary:  func(*Step, string) string { return "rotate secret" },
			run:      func(r *run, ctx context.Context, _ *Step, _ *stepState) error { return r.stepRotate(ctx) },
		},
		{
			name: kindTrigger, set: func(st *Step) bool { return st.Trigger != nil },
			mock:     true,
			expect:   func(*Step) []string { return append(append([]string(nil), deliveryExpect...), "count") },
			outputs:  append(append([]string(nil), eventOutputs...), OutCount, OutDelivered),
			validate: func(v *validator, p string, st *Step) { v.send(p+".trigger", st.Trigger, false) },
			summary:  func(st *Step, _ string) string { return "trigger " + sendSummary(st.Trigger) },
			run:      func(r *run, ctx context.Context, st *Step, ss *stepState) error { return r.stepTrigger(ctx, st, ss) },
		},
		{
			name: kindInspect, set: func(st *Step) bool { return st.Inspect != nil },
			mock:   true,
			expect: func(*Step) []string { return []string{"enabled", "events"} },
			validate: func(v *validator, p string, st *Step) {
				if st.Inspect.Subscription == "" {
					v.errorf(p+".inspect", "name the subscription: inspect: {subscription: STEP_ID}")
				} else {
					v.ref(p+".inspect.subscription", st.Inspect.Subscription, "inspect", kindSubscribe)
				}
			},
			summary: func(st *Step, _ string) string { return "inspect " + st.Inspect.Subscription },
			run:     func(r *run, ctx context.Context, st *Step, ss *stepState) error { return r.stepInspect(ctx, st, ss) },
		},
	}
}

// StepKinds lists the action keys of a step, in documentation order.
func StepKinds() []string {
	out := make([]string, len(stepKinds))
	for i, k := range stepKinds {
		out[i] = k.name
	}
	return out
}

// kindNamed returns the row of a kind, or nil.
func kindNamed(name string) *stepKind {
	for _, k := range stepKinds {
		if k.name == name {
			return k
		}
	}
	return nil
}

// kind returns the row of the step's (first) action, or nil.
func (st *Step) kind() *stepKind {
	for _, k := range stepKinds {
		if k.set(st) {
			return k
		}
	}
	return nil
}

// Kind returns the step's action key ("send", "probe", ...), or "" when it
// has none.
func (st *Step) Kind() string {
	if k := st.kind(); k != nil {
		return k.name
	}
	return ""
}

// actions lists every action key the step sets (one, when it is valid).
func (st *Step) actions() []string {
	var out []string
	for _, k := range stepKinds {
		if k.set(st) {
			out = append(out, k.name)
		}
	}
	return out
}

// kindsWhere lists the kinds a predicate holds for, for error messages.
func kindsWhere(ok func(*stepKind) bool) []string {
	var out []string
	for _, k := range stepKinds {
		if ok(k) {
			out = append(out, k.name)
		}
	}
	return out
}

// asyncKinds lists the kinds a step may be async for: those that deliver,
// then the others.
func asyncKinds() []string {
	return append(kindsWhere(func(k *stepKind) bool { return k.delivers }),
		kindsWhere(func(k *stepKind) bool { return k.async && !k.delivers })...)
}

// outputsOf lists the outputs of a kind.
func outputsOf(kind string) []string {
	if k := kindNamed(kind); k != nil {
		return k.outputs
	}
	return nil
}

// probeExpect lists the expect fields of a probe step.
func probeExpect(st *Step) []string {
	out := []string{"value", "json", "stdout"}
	if st != nil && st.Probe != nil && st.Probe.HTTP != nil {
		out = append(out, "status")
	}
	if st != nil && st.Probe != nil && (st.Probe.Exec != nil || st.Probe.Use != "") {
		out = append(out, "exit")
	}
	if st != nil && st.Probe != nil && st.Probe.Use != "" && !slices.Contains(out, "status") {
		out = append(out, "status")
	}
	return out
}

// joinAnd joins names as "a", "a and b", "a, b and c".
func joinAnd(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
