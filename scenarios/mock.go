package scenarios

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/assert"
	"github.com/hookdrill/hookdrill/clock"
	"github.com/hookdrill/hookdrill/sender"
)

// Dispatcher starts deliveries; the runner hands the mock one that sends
// through the scenario's sender and follows every delivery.
type Dispatcher interface {
	Deliver(ctx context.Context, d sender.Delivery) (*sender.Handle, error)
}

// MockEnv is what a mock for one scenario shares with the runner.
type MockEnv struct {
	Platform   string
	Profile    hookdrill.Profile
	Clock      clock.Clock
	Journal    *hookdrill.Journal
	Dispatcher Dispatcher
	Seed       uint64
	// Secret is the scenario secret: the mock's initial signing secret.
	Secret string
	// Target is the scenario target (default subscription URL).
	Target    string
	Workspace string
	Token     string
}

// MockAPI is the embedded mock as scenario steps drive it.
type MockAPI interface {
	// URL is the mock's base URL, for receivers that call back into it.
	URL() string
	// Subscribe creates a subscription (Prolific) or the webhook
	// (Respondent) for targetURL, confirming it when confirm is set.
	Subscribe(ctx context.Context, eventType, targetURL string, confirm bool) (id string, err error)
	// SetEnabled enables or disables a subscription.
	SetEnabled(ctx context.Context, id string, enabled bool) error
	// RotateSecret replaces the signing secret and returns the new one.
	RotateSecret(ctx context.Context) (string, error)
	// Trigger makes the platform emit an event to every active
	// subscription, through the Dispatcher.
	Trigger(ctx context.Context, spec hookdrill.EventSpec) (hookdrill.Event, error)
	// Enabled reports whether a subscription is enabled.
	Enabled(ctx context.Context, id string) (bool, error)
	// EventLog counts a subscription's event-log records with the given
	// status and resource (empty: any).
	EventLog(ctx context.Context, id, status, resource string) (int, error)
	// Close stops the mock.
	Close() error
}

// MockFactory starts the embedded mock for one scenario.
type MockFactory func(ctx context.Context, env MockEnv) (MockAPI, error)

// ErrNoMock is returned by mock steps when the run has no mock.
var ErrNoMock = errors.New("no embedded mock")

// trackingDispatcher delivers through the scenario sender and registers a
// tracker, owned by the step running at the time, for every delivery.
type trackingDispatcher struct {
	r *run
}

func (d trackingDispatcher) Deliver(ctx context.Context, del sender.Delivery) (*sender.Handle, error) {
	r := d.r
	r.mu.Lock()
	st := r.current
	r.nextDID++
	t := &tracker{id: fmt.Sprintf("m%02d-d%03d", st.Index+1, r.nextDID), step: st, ev: del.Event}
	if del.ID == "" {
		del.ID = t.id
	}
	t.id = del.ID
	r.mu.Unlock()
	if del.Target.URL == "" {
		del.Target = r.target
	}
	del.Hooks = r.hooks(t, del.Hooks)
	h, err := r.snd.Deliver(ctx, del)
	if err != nil {
		return nil, err
	}
	t.handle = h
	r.mu.Lock()
	r.all = append(r.all, t)
	if ss := r.byStep[st.Index]; ss != nil {
		ss.trackers = append(ss.trackers, t)
	}
	r.mu.Unlock()
	r.signal()
	return h, nil
}

func (r *run) startMock(ctx context.Context) error {
	if r.cfg.Mock == nil {
		return ErrNoMock
	}
	m := r.sc.Mock
	ws, tok := m.Workspace, m.Token
	var err error
	if ws, err = r.x.expand(ws); err != nil {
		return err
	}
	if tok, err = r.x.expandCred(tok); err != nil {
		return err
	}
	r.red.Add(tok)
	r.mock, err = r.cfg.Mock(ctx, MockEnv{Platform: r.sc.Platform, Profile: r.prof, Clock: r.clk, Journal: r.journal,
		Dispatcher: trackingDispatcher{r}, Seed: r.seed, Secret: string(r.target.Secret), Target: r.target.URL,
		Workspace: ws, Token: tok})
	if err != nil {
		return err
	}
	r.x.scenario["mock_url"] = r.mock.URL()
	return nil
}

// The mock steps: each needs the embedded mock (ErrNoMock without it).

func (r *run) stepSubscribe(ctx context.Context, st *Step) error {
	if r.mock == nil {
		return ErrNoMock
	}
	s := st.Subscribe
	ev, err := r.x.expand(s.Event)
	if err != nil {
		return err
	}
	target, err := r.x.expand(s.Target)
	if err != nil {
		return err
	}
	r.red.AddURL(target)
	if target == "" {
		target = r.target.URL
	}
	id, err := r.mock.Subscribe(ctx, ev, target, s.Confirm == nil || *s.Confirm)
	if err != nil {
		return fmt.Errorf("subscribe: %w", err)
	}
	r.setOutputs(st, map[string]string{OutSubID: id})
	return nil
}

func (r *run) stepSetEnabled(ctx context.Context, st *Step) error {
	if r.mock == nil {
		return ErrNoMock
	}
	ref := st.Enable
	if st.Disable != nil {
		ref = st.Disable
	}
	id := r.x.outputs[string(*ref)][OutSubID]
	if err := r.mock.SetEnabled(ctx, id, st.Enable != nil); err != nil {
		return fmt.Errorf("%s %s: %w", st.Kind(), *ref, err)
	}
	return nil
}

func (r *run) stepRotate(ctx context.Context) error {
	if r.mock == nil {
		return ErrNoMock
	}
	sec, err := r.mock.RotateSecret(ctx)
	if err != nil {
		return fmt.Errorf("rotate secret: %w", err)
	}
	r.red.Add(sec)
	return nil
}

func (r *run) stepTrigger(ctx context.Context, st *Step, ss *stepState) error {
	if r.mock == nil {
		return ErrNoMock
	}
	s := st.Trigger
	spec, err := r.eventSpec(s)
	if err != nil {
		return err
	}
	ev, err := r.mock.Trigger(ctx, spec)
	if err != nil {
		return fmt.Errorf("trigger: %w", err)
	}
	if st.ID != "" {
		r.events[st.ID] = ev
	}
	r.setOutputs(st, r.eventOutputs(ev))
	if err := r.waitAll(ctx, r.trackersOf(ss)); err != nil {
		return fmt.Errorf("wait for the triggered deliveries: %w", err)
	}
	r.checkDeliveries(ss)
	return nil
}

func (r *run) stepInspect(ctx context.Context, st *Step, ss *stepState) error {
	if r.mock == nil {
		return ErrNoMock
	}
	id := r.x.outputs[st.Inspect.Subscription][OutSubID]
	e := st.Expect
	if e == nil {
		return nil
	}
	if e.Enabled != nil {
		got, err := r.mock.Enabled(ctx, id)
		if err != nil {
			return fmt.Errorf("inspect %s: %w", st.Inspect.Subscription, err)
		}
		res := assert.Result{Expectation: "enabled", Want: strconv.FormatBool(*e.Enabled), Got: strconv.FormatBool(got), Verdict: assert.Pass}
		if got != *e.Enabled {
			res.Verdict = assert.Fail
			res.Message = fmt.Sprintf("Subscription %s is enabled=%t on the mock, want %t.", st.Inspect.Subscription, got, *e.Enabled)
		}
		ss.res.Results = append(ss.res.Results, res)
	}
	if ev := e.Events; ev != nil {
		res, err := r.mock.EventLog(ctx, id, ev.Status, r.mustExpand(ev.Resource))
		if err != nil {
			return fmt.Errorf("inspect %s events: %w", st.Inspect.Subscription, err)
		}
		m := assert.Matcher{{Op: assert.OpGte, Want: 1}}
		if ev.Count != nil {
			if m, err = r.matcher(ev.Count); err != nil {
				return err
			}
		}
		ok, _ := m.Match(res, true)
		what := "events"
		if ev.Status != "" {
			what += " " + ev.Status
		}
		out := assert.Result{Expectation: what, Want: m.String(), Got: strconv.Itoa(res), Verdict: assert.Pass}
		if !ok {
			out.Verdict = assert.Fail
			out.Message = fmt.Sprintf("The mock's event log holds %d matching record(s), want %s.", res, m)
		}
		ss.res.Results = append(ss.res.Results, out)
	}
	return nil
}

func (r *run) mustExpand(s string) string {
	v, err := r.x.expand(s)
	if err != nil {
		return s
	}
	return v
}
