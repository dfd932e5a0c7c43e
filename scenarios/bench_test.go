package scenarios

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/assert"
	"github.com/hookdrill/hookdrill/clock"
	"github.com/hookdrill/hookdrill/internal/testkit"
	"github.com/hookdrill/hookdrill/sender"
)

// steps200 is a 200-step scenario: send steps with expectations, every
// tenth a duplicate.
func steps200() string {
	var b strings.Builder
	b.WriteString("version: 1\nname: bench/200-steps\nplatform: prolific\nsteps:\n")
	for i := 0; i < 200; i++ {
		if i%10 == 9 {
			fmt.Fprintf(&b, "  - duplicate: s%d\n    expect: {status: 2xx}\n", i-1)
			continue
		}
		fmt.Fprintf(&b, "  - id: s%d\n    send: {event: submission.status.change, status: APPROVED}\n    expect: {status: 2xx, within: 5s}\n", i)
	}
	return b.String()
}

// BenchmarkScenario200Steps runs a 200-step scenario against a local
// receiver and reports the runner's overhead per step beyond the delivery
// itself: "µs/step" is the whole step, "sender-µs/delivery" the same
// delivery made directly with the sender on a simulated clock (the HTTP
// round trip plus signing and journaling), "overhead-µs/step" the
// difference. Goal: overhead under 50 µs.
func BenchmarkScenario200Steps(b *testing.B) {
	srv, _ := testkit.Answering(b, http.StatusOK)
	sc, err := testLoader.Parse("bench.yaml", []byte(steps200()))
	if err != nil {
		b.Fatal(err)
	}
	cfg := RunConfig{Target: srv.URL + "/hook", Secret: testSecret, Seed: 1}.withDefaults()
	prof, _ := testPlatforms.Lookup("prolific")

	// Baseline: the same number of deliveries through the sender alone.
	baseline := func() time.Duration {
		sim := clock.NewSim(time.Now())
		snd, err := sender.New(sender.Config{Profile: prof, Clock: sim, Journal: hookdrill.NewJournal(), Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		defer snd.Close()
		rnd := newBenchRand()
		tgt := hookdrill.Target{URL: srv.URL + "/hook", Secret: testSecret}
		start := time.Now()
		for i := 0; i < 200; i++ {
			ev, err := prof.NewEvent(hookdrill.EventSpec{Type: "submission.status.change", Status: "APPROVED"}, rnd, sim.Now())
			if err != nil {
				b.Fatal(err)
			}
			h, err := snd.Deliver(context.Background(), sender.Delivery{Event: ev, Target: tgt})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := h.Wait(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
		return time.Since(start)
	}
	var base, full time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		base += baseline()
		b.StartTimer()
		start := time.Now()
		r := RunScenario(context.Background(), cfg, sc)
		full += time.Since(start)
		if r.Verdict != assert.Pass {
			b.Fatalf("verdict %s: %s", r.Verdict, r.Reason)
		}
	}
	perStep := float64(full.Microseconds()) / float64(b.N*200)
	perDelivery := float64(base.Microseconds()) / float64(b.N*200)
	b.ReportMetric(perStep, "µs/step")
	b.ReportMetric(perDelivery, "sender-µs/delivery")
	b.ReportMetric(perStep-perDelivery, "overhead-µs/step")
}

// BenchmarkLoad measures loading (parse + validate) of the 200-step file.
func BenchmarkLoad(b *testing.B) {
	data := []byte(steps200())
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		if _, err := testLoader.Parse("bench.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}

func newBenchRand() *rand.Rand { return rand.New(rand.NewPCG(1, 2)) }
