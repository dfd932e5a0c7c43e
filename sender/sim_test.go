package sender_test

import (
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/clock"
	"github.com/hookdrill/hookdrill/platform/prolific"
	"github.com/hookdrill/hookdrill/sender"
)

func failingReceiver() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusServiceUnavailable)
	})
}

// runSchedule delivers n events to an always-failing receiver on a fresh
// simulated clock with Prolific's current policy and returns the journal.
func runSchedule(t testing.TB, url string, n int, seed uint64) hookdrill.Snapshot {
	t.Helper()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	sim := clock.NewSim(start)
	prof := prolific.New(prolific.Options{})
	s, err := sender.New(sender.Config{Profile: prof, Clock: sim, Seed: seed})
	require.NoError(t, err)
	defer s.Close()
	ctx := context.Background()
	for i := 0; i < n; i++ {
		ev, err := prof.NewEvent(hookdrill.EventSpec{Type: "study.status.change", Status: "PAUSED"}, randFor(uint64(i)), start)
		require.NoError(t, err)
		_, err = s.Deliver(ctx, sender.Delivery{Event: ev, Target: hookdrill.Target{URL: url, Secret: secret}})
		require.NoError(t, err)
	}
	require.NoError(t, sim.RunUntilIdle(ctx))
	require.NoError(t, s.Wait(ctx))
	return s.Journal().Snapshot()
}

// The 48-hour schedule runs on the simulated clock: every delivery makes
// its 13 attempts (or stops at the cut-off), waits never exceed the
// doubling maximum, and the same seed reproduces every simulated instant.
func TestProlificScheduleOnSimulatedClock(t *testing.T) {
	srv := httptest.NewServer(failingReceiver())
	defer srv.Close()
	a := runSchedule(t, srv.URL, 50, 42)
	b := runSchedule(t, srv.URL, 50, 42)
	c := runSchedule(t, srv.URL, 50, 43)

	pol := prolific.CurrentRetryPolicy()
	ds := a.Deliveries()
	require.Len(t, ds, 50)
	for _, d := range ds {
		tassert.Equal(t, hookdrill.StatusFailed, d.Status)
		tassert.LessOrEqual(t, d.Attempts, 13)
		tassert.GreaterOrEqual(t, d.Attempts, 11, "a 48h cut-off with full jitter leaves at least 11 attempts")
		atts := a.Attempts(d.DeliveryID)
		first := atts[0].SimStarted
		for i, at := range atts {
			tassert.LessOrEqual(t, at.SimStarted.Sub(first), pol.Cutoff, "no attempt after the cut-off")
			if i > 0 {
				gap := at.SimStarted.Sub(atts[i-1].SimStarted)
				tassert.LessOrEqual(t, gap, pol.MaxDelayBefore(i))
				tassert.Equal(t, atts[i-1].NextAttemptIn, gap)
			}
		}
	}
	instants := func(s hookdrill.Snapshot) map[string][]time.Time {
		m := map[string][]time.Time{}
		for _, at := range s.Attempts("") {
			m[at.DeliveryID] = append(m[at.DeliveryID], at.SimStarted)
		}
		return m
	}
	tassert.Equal(t, instants(a), instants(b), "same seed, same schedule")
	tassert.NotEqual(t, instants(a), instants(c), "another seed, another jitter")
}

// BenchmarkSimulatedSchedule: 1,000 events against an always-failing local
// receiver, each running the full Prolific schedule on the simulated clock
// (b.N runs of 1,000 deliveries). Compare with BenchmarkUnscheduled, the
// same number of requests sent with no scheduling at all.
func BenchmarkSimulatedSchedule(b *testing.B) {
	srv := httptest.NewServer(failingReceiver())
	defer srv.Close()
	var attempts int
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		snap := runSchedule(b, srv.URL, 1000, uint64(i+1))
		attempts += len(snap.Attempts(""))
	}
	b.ReportMetric(float64(attempts)/float64(b.N), "attempts/op")
	b.ReportMetric(b.Elapsed().Seconds()/float64(attempts)*1e6, "µs/attempt")
}

// BenchmarkUnscheduled sends 13,000 signed requests per op (1,000 events x
// 13 attempts, each attempt its own one-shot delivery) with no waits.
func BenchmarkUnscheduled(b *testing.B) {
	srv := httptest.NewServer(failingReceiver())
	defer srv.Close()
	prof := prolific.New(prolific.Options{})
	one := fastPolicy(1)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		s, err := sender.New(sender.Config{Profile: prof, Policy: &one})
		require.NoError(b, err)
		ctx := context.Background()
		for j := 0; j < 13000; j++ {
			ev, err := prof.NewEvent(hookdrill.EventSpec{Type: "study.status.change", Status: "PAUSED"}, randFor(uint64(j)), time.Now())
			require.NoError(b, err)
			_, err = s.Deliver(ctx, sender.Delivery{Event: ev, Target: hookdrill.Target{URL: srv.URL, Secret: secret}})
			require.NoError(b, err)
		}
		require.NoError(b, s.Wait(ctx))
		s.Close()
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(13000*b.N)*1e6, "µs/attempt")
}

// BenchmarkPendingRetryMemory measures the heap held per delivery waiting
// for its next retry (delivery state, timer, closure), the journal excluded.
func BenchmarkPendingRetryMemory(b *testing.B) {
	srv := httptest.NewServer(failingReceiver())
	defer srv.Close()
	prof := prolific.New(prolific.Options{})
	const n = 2000
	for i := 0; i < b.N; i++ {
		sim := clock.NewSim(time.Unix(1767225600, 0))
		j := hookdrill.NewJournal()
		s, err := sender.New(sender.Config{Profile: prof, Clock: sim, Journal: j})
		require.NoError(b, err)
		ctx := context.Background()
		evs := make([]hookdrill.Event, n)
		for k := range evs {
			evs[k], err = prof.NewEvent(hookdrill.EventSpec{Type: "study.status.change", Status: "PAUSED"}, randFor(uint64(k)), sim.Now())
			require.NoError(b, err)
		}
		// Warm the connection pool first: its buffers belong to connections,
		// not to pending retries.
		warm := make([]*sender.Handle, 0, 128)
		for k := 0; k < 128; k++ {
			one := fastPolicy(1)
			h, err := s.Deliver(ctx, sender.Delivery{Event: evs[k], Target: hookdrill.Target{URL: srv.URL, Secret: secret}, Policy: &one})
			require.NoError(b, err)
			warm = append(warm, h)
		}
		require.NoError(b, sim.RunUntilIdle(ctx))
		for _, h := range warm {
			_, err := h.Wait(ctx)
			require.NoError(b, err)
		}
		j.Reset()
		// Then the measured deliveries, advanced past their first attempts
		// only: every one is then waiting on a retry timer.
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for k := range evs {
			_, err := s.Deliver(ctx, sender.Delivery{Event: evs[k], Target: hookdrill.Target{URL: srv.URL, Secret: secret}})
			require.NoError(b, err)
		}
		require.NoError(b, sim.Advance(ctx, 0))
		require.Eventually(b, func() bool { return len(j.Snapshot().Attempts("")) == n && sim.Holds() == 0 }, 10*time.Second, time.Millisecond)
		runtime.GC()
		runtime.ReadMemStats(&after)
		// What the journal retains for those attempts, measured the same way
		// on deep copies of the records, is subtracted: it is recorded data,
		// not retry state.
		snap := j.Snapshot()
		runtime.GC()
		var mid, end runtime.MemStats
		runtime.ReadMemStats(&mid)
		copies := make([]hookdrill.Entry, len(snap))
		shared := map[uintptr]http.Header{}
		for k, e := range snap {
			copies[k] = deepCopy(e, shared)
		}
		runtime.GC()
		runtime.ReadMemStats(&end)
		journalPer := float64(end.HeapAlloc-mid.HeapAlloc) / n
		perPending := (float64(after.HeapAlloc)-float64(before.HeapAlloc))/n - journalPer
		runtime.KeepAlive(copies)
		b.ReportMetric(perPending, "B/pending-retry")
		b.ReportMetric(journalPer, "B/journaled-attempt")
		require.Equal(b, n, sim.Pending())
		s.Close()
	}
}

func randFor(i uint64) *rand.Rand { return rand.New(rand.NewPCG(i, 99)) }

// deepCopy copies an attempt entry with fresh strings and header maps, to
// measure what the journal retains per entry. A response header map the
// sender shares between attempts is copied once (shared maps, by identity).
func deepCopy(e hookdrill.Entry, shared map[uintptr]http.Header) hookdrill.Entry {
	if e.Attempt == nil {
		return e
	}
	a := *e.Attempt
	a.Request.Header = a.Request.Header.Clone()
	a.Request.Body = strings.Clone(a.Request.Body)
	a.EventID, a.DeliveryID, a.ResourceID = strings.Clone(a.EventID), strings.Clone(a.DeliveryID), strings.Clone(a.ResourceID)
	if a.Response != nil {
		r := *a.Response
		id := reflect.ValueOf(r.Header).Pointer()
		if _, ok := shared[id]; !ok {
			shared[id] = r.Header.Clone()
		}
		r.Header = shared[id]
		r.Body = strings.Clone(r.Body)
		a.Response = &r
	}
	e.Attempt = &a
	return e
}
