package mocktest

import (
	"context"
	"sync"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/clock"
	"github.com/hookdrill/hookdrill/sender"
)

// Dispatcher is a mockserver.Dispatcher that completes every delivery at
// once with one successful attempt of Latency, at Clock's time, without
// any network: for golden exchanges and fuzzing. Set Clock before the
// first delivery.
type Dispatcher struct {
	Clock   clock.Clock
	Latency time.Duration

	mu  sync.Mutex // guards got
	got []sender.Delivery
}

// Deliver records d and completes it, calling its hooks.
func (f *Dispatcher) Deliver(_ context.Context, d sender.Delivery) (*sender.Handle, error) {
	f.mu.Lock()
	f.got = append(f.got, d)
	f.mu.Unlock()
	a := hookdrill.Attempt{DeliveryID: "fake", EventID: d.Event.ID, Number: 1, Outcome: hookdrill.OutcomeSuccess,
		SimStarted: f.Clock.Now(), Latency: f.Latency, Final: true}
	if d.Hooks.OnAttempt != nil {
		d.Hooks.OnAttempt(a)
	}
	if d.Hooks.OnDone != nil {
		d.Hooks.OnDone(sender.Result{EventID: d.Event.ID, Status: hookdrill.StatusSucceeded, Outcome: a.Outcome,
			Attempts: []hookdrill.Attempt{a}})
	}
	return &sender.Handle{}, nil
}

// Got returns the deliveries made so far, in order.
func (f *Dispatcher) Got() []sender.Delivery {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]sender.Delivery(nil), f.got...)
}
