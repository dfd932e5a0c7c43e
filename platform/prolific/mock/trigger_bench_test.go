package mock

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/hookdrill/hookdrill/clock"
	"github.com/hookdrill/hookdrill/internal/testkit"
	"github.com/hookdrill/hookdrill/platform/prolific"
)

// triggerFixture returns a server with n confirmed subscriptions of one
// event type, all targeting one loopback receiver, with state kept in a
// file when withState.
func triggerFixture(b *testing.B, n int, withState bool) *Server {
	b.Helper()
	rcv, _ := testkit.Answering(b, http.StatusOK)
	cfg := Config{Seed: 1, Clock: clock.Real{}}
	if withState {
		cfg.StatePath = filepath.Join(b.TempDir(), "state.json")
	}
	srv, err := newServer(cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = srv.Close() })
	if _, err := srv.CreateSecret("aaaaaaaaaaaaaaaaaaaaaaaa", ""); err != nil {
		b.Fatal(err)
	}
	for i := range n {
		sub, tok, err := srv.CreateSubscription("aaaaaaaaaaaaaaaaaaaaaaaa", prolific.EventStudyStatusChange, fmt.Sprintf("%s/h/%d", rcv.URL, i))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := srv.ConfirmSubscription(sub.ID, tok); err != nil {
			b.Fatal(err)
		}
	}
	return srv
}

// benchmarkTrigger measures one trigger to 1,000 subscriptions until every
// delivery has ended.
func benchmarkTrigger(b *testing.B, withState bool) {
	srv := triggerFixture(b, 1000, withState)
	ctx := context.Background()
	for b.Loop() {
		res, err := srv.Trigger(ctx, TriggerRequest{EventType: prolific.EventStudyStatusChange, Status: prolific.StatusActive})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Deliveries) != 1000 {
			b.Fatalf("%d deliveries", len(res.Deliveries))
		}
		wctx, cancel := context.WithTimeout(ctx, time.Minute)
		if err := srv.Wait(wctx); err != nil {
			b.Fatal(err)
		}
		cancel()
	}
}

// BenchmarkTrigger1000 is a trigger to 1,000 subscriptions without a state
// file; BenchmarkTrigger1000State the same with --state. The goal is a
// ratio under 2.
func BenchmarkTrigger1000(b *testing.B)      { benchmarkTrigger(b, false) }
func BenchmarkTrigger1000State(b *testing.B) { benchmarkTrigger(b, true) }

// benchmarkSubscribe measures one create and confirm of a subscription
// on a server that already holds 1,000.
func benchmarkSubscribe(b *testing.B, withState bool) {
	srv := triggerFixture(b, 1000, withState)
	for b.Loop() {
		sub, tok, err := srv.CreateSubscription("aaaaaaaaaaaaaaaaaaaaaaaa", prolific.EventStudyStatusChange, "https://x.example/h")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := srv.ConfirmSubscription(sub.ID, tok); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSubscribe1000 and BenchmarkSubscribe1000State: create+confirm
// with 1,000 subscriptions held, without and with a state file.
func BenchmarkSubscribe1000(b *testing.B)      { benchmarkSubscribe(b, false) }
func BenchmarkSubscribe1000State(b *testing.B) { benchmarkSubscribe(b, true) }

// benchmarkTriggerFailing measures a trigger to 1,000 subscriptions whose
// receiver answers 500, on a simulated clock run until every retry is
// done: 13 attempts each, every one observed by the disabling policy.
func benchmarkTriggerFailing(b *testing.B, withState bool) {
	rcv, _ := testkit.Answering(b, http.StatusInternalServerError)
	sim := clock.NewSim(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	cfg := Config{Seed: 1, Clock: sim}
	if withState {
		cfg.StatePath = filepath.Join(b.TempDir(), "state.json")
	}
	srv, err := newServer(cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = srv.Close() })
	if _, err := srv.CreateSecret("aaaaaaaaaaaaaaaaaaaaaaaa", ""); err != nil {
		b.Fatal(err)
	}
	for i := range 1000 {
		sub, tok, err := srv.CreateSubscription("aaaaaaaaaaaaaaaaaaaaaaaa", prolific.EventStudyStatusChange, fmt.Sprintf("%s/h/%d", rcv.URL, i))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := srv.ConfirmSubscription(sub.ID, tok); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	for b.Loop() {
		if _, err := srv.Trigger(ctx, TriggerRequest{EventType: prolific.EventStudyStatusChange}); err != nil {
			b.Fatal(err)
		}
		wctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		if err := sim.RunUntilIdle(wctx); err != nil {
			b.Fatal(err)
		}
		if err := srv.Wait(wctx); err != nil {
			b.Fatal(err)
		}
		cancel()
	}
}

// BenchmarkTrigger1000Failing and BenchmarkTrigger1000FailingState: the
// same with every attempt failing, without and with a state file.
func BenchmarkTrigger1000Failing(b *testing.B)      { benchmarkTriggerFailing(b, false) }
func BenchmarkTrigger1000FailingState(b *testing.B) { benchmarkTriggerFailing(b, true) }
