package clock

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var simStart = time.Date(2026, time.March, 1, 9, 0, 0, 0, time.UTC)

// bound is how long a test waits for something that should happen at once;
// it only turns a hang into a failure and is never a performance assertion.
const bound = 10 * time.Second

// fired is one timer as the driver fired it.
type fired struct {
	seq uint64
	at  time.Duration
}

// newTestSim returns a Sim whose firing order is recorded by the driver
// itself (under the Sim's lock, so it is exact even when the callbacks of one
// instant run concurrently), and a function returning that record.
func newTestSim(t testing.TB) (*Sim, func() []fired) {
	t.Helper()
	s := NewSim(simStart)
	var mu sync.Mutex
	var log []fired
	s.onFire = func(seq uint64, at time.Duration) {
		mu.Lock()
		log = append(log, fired{seq, at})
		mu.Unlock()
	}
	return s, func() []fired {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(log)
	}
}

// testCtx is a context that ends when the test does, or after bound.
func testCtx(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), bound)
	t.Cleanup(cancel)
	return ctx
}

// recorder collects labelled events from any goroutine.
type recorder struct {
	mu     sync.Mutex
	events []string
	nows   map[string]time.Time
}

func newRecorder() *recorder { return &recorder{nows: map[string]time.Time{}} }

// add records label and the time c showed when it happened.
func (r *recorder) add(label string, c Clock) {
	now := c.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, label)
	r.nows[label] = now
}

func (r *recorder) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.events)
}

func (r *recorder) now(t testing.TB, label string) time.Time {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	n, ok := r.nows[label]
	require.Truef(t, ok, "event %q was not recorded (have %v)", label, r.events)
	return n
}

// receive waits (bounded) for one value from ch.
func receive[T any](t testing.TB, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(bound):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

func isDriving(s *Sim) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.driving
}

// waitDriving waits (bounded) until some driver holds s.
func waitDriving(t testing.TB, s *Sim) {
	t.Helper()
	require.Eventually(t, func() bool { return isDriving(s) }, bound, time.Millisecond, "no driver started")
}

func at(d time.Duration) time.Time { return simStart.Add(d) }

func TestSimOrder(t *testing.T) {
	tests := []struct {
		name string
		ds   []time.Duration // timer i is created i-th, with AfterFunc(ds[i])
		want []int           // indexes in firing order
	}{
		{"distinct instants created out of order", []time.Duration{3 * time.Second, time.Second, 2 * time.Second}, []int{1, 2, 0}},
		{"one instant keeps creation order", []time.Duration{time.Second, time.Second, time.Second, time.Second}, []int{0, 1, 2, 3}},
		{"zero and negative are due now", []time.Duration{time.Second, 0, -time.Hour, 0}, []int{1, 2, 3, 0}},
		{"interleaved instants", []time.Duration{2 * time.Second, time.Second, 2 * time.Second, 0, time.Second, -1}, []int{3, 5, 1, 4, 0, 2}},
		{"nanosecond apart", []time.Duration{time.Nanosecond + 1, time.Nanosecond, time.Nanosecond + 1}, []int{1, 0, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, log := newTestSim(t)
			rec := newRecorder()
			for i, d := range tt.ds {
				s.AfterFunc(d, func() { rec.add(fmt.Sprint(i), s) })
			}
			require.NoError(t, s.RunUntilIdle(testCtx(t)))

			var got []int
			for _, f := range log() {
				i := int(f.seq) - 1 // seq counts creations from 1
				got = append(got, i)
				tassert.Equal(t, max(tt.ds[i], 0), f.at, "timer %d fired at the wrong instant", i)
			}
			tassert.Equal(t, tt.want, got, "firing order")
			tassert.ElementsMatch(t, tt.want, toInts(t, rec.list()), "every callback ran once")
			for i, d := range tt.ds {
				tassert.Equal(t, at(max(d, 0)), rec.now(t, fmt.Sprint(i)), "Now() inside callback %d", i)
			}
			tassert.Equal(t, at(slices.Max(tt.ds)), s.Now(), "clock ends at the last instant")
			tassert.Zero(t, s.Pending())
			tassert.Zero(t, s.Holds())
		})
	}
}

func toInts(t testing.TB, labels []string) []int {
	t.Helper()
	out := make([]int, len(labels))
	for i, l := range labels {
		_, err := fmt.Sscan(l, &out[i])
		require.NoError(t, err)
	}
	return out
}

// TestSimInstantChildren checks that timers a callback creates with d <= 0
// fire at the same instant in the same drive, after the timers created
// before them, and before the next instant.
func TestSimInstantChildren(t *testing.T) {
	drivers := []struct {
		name  string
		drive func(ctx context.Context, s *Sim) error
	}{
		{"RunUntilIdle", func(ctx context.Context, s *Sim) error { return s.RunUntilIdle(ctx) }},
		{"Advance to the parent instant", func(ctx context.Context, s *Sim) error { return s.Advance(ctx, time.Second) }},
		{"AdvanceTo the next instant", func(ctx context.Context, s *Sim) error { return s.AdvanceTo(ctx, at(2*time.Second)) }},
	}
	for _, dr := range drivers {
		t.Run(dr.name, func(t *testing.T) {
			s, log := newTestSim(t)
			rec := newRecorder()
			s.AfterFunc(time.Second, func() { // seq 1
				rec.add("parent", s)
				s.AfterFunc(0, func() { // seq 4
					rec.add("child0", s)
					s.AfterFunc(-time.Minute, func() { rec.add("grandchild", s) }) // seq 6
				})
				s.AfterFunc(-time.Second, func() { rec.add("child-neg", s) }) // seq 5
			})
			s.AfterFunc(time.Second, func() { rec.add("sibling", s) }) // seq 2
			s.AfterFunc(2*time.Second, func() { rec.add("later", s) }) // seq 3
			require.NoError(t, dr.drive(testCtx(t), s))

			seqs := make([]uint64, 0, 6)
			for _, f := range log() {
				seqs = append(seqs, f.seq)
			}
			wantSeqs := []uint64{1, 2, 4, 5, 6, 3}
			if dr.name == "Advance to the parent instant" {
				wantSeqs = []uint64{1, 2, 4, 5, 6} // "later" is beyond the horizon
				tassert.Equal(t, 1, s.Pending())
			}
			tassert.Equal(t, wantSeqs, seqs, "firing order by creation sequence")
			for _, l := range []string{"parent", "sibling", "child0", "child-neg", "grandchild"} {
				tassert.Equal(t, at(time.Second), rec.now(t, l), "Now() inside %s", l)
			}
			ev := rec.list()
			if slices.Contains(ev, "later") {
				tassert.Equal(t, "later", ev[len(ev)-1], "the next instant comes after every child")
			}
		})
	}
}

func TestSimAdvance(t *testing.T) {
	type step struct {
		d         time.Duration
		wantFired []string // labels, in order, fired by this step
		wantNow   time.Duration
		wantNext  time.Duration // -1: nothing pending
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"partial then boundary then past the end", []step{
			{3 * time.Second, []string{"1s", "2s"}, 3 * time.Second, 5 * time.Second},
			{2 * time.Second, []string{"5s"}, 5 * time.Second, 10 * time.Second}, // due exactly at the horizon: fired
			{0, nil, 5 * time.Second, 10 * time.Second},
			{time.Hour, []string{"10s"}, 5*time.Second + time.Hour, -1},
		}},
		{"nothing due yet", []step{
			{999 * time.Millisecond, nil, 999 * time.Millisecond, time.Second},
		}},
		{"one step through everything", []step{
			{48 * time.Hour, []string{"1s", "2s", "5s", "10s"}, 48 * time.Hour, -1},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSim(simStart)
			rec := newRecorder()
			for _, d := range []time.Duration{10 * time.Second, time.Second, 5 * time.Second, 2 * time.Second} {
				s.AfterFunc(d, func() { rec.add(d.String(), s) })
			}
			seen := 0
			for i, st := range tt.steps {
				require.NoError(t, s.Advance(testCtx(t), st.d), "step %d", i)
				ev := rec.list()
				tassert.Equal(t, st.wantFired, nilIfEmpty(ev[seen:]), "step %d fired", i)
				seen = len(ev)
				tassert.Equal(t, at(st.wantNow), s.Now(), "step %d: Now", i)
				next, ok := s.NextDue()
				if st.wantNext < 0 {
					tassert.False(t, ok, "step %d: nothing should be pending", i)
					tassert.Zero(t, s.Pending())
				} else {
					tassert.True(t, ok, "step %d: a timer should be pending", i)
					tassert.Equal(t, at(st.wantNext), next, "step %d: NextDue", i)
				}
			}
		})
	}
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

func TestSimAdvanceErrors(t *testing.T) {
	s := NewSim(simStart)
	require.NoError(t, s.Advance(testCtx(t), time.Minute))

	err := s.Advance(testCtx(t), -time.Nanosecond)
	require.Error(t, err)
	tassert.Contains(t, err.Error(), "negative duration")

	err = s.AdvanceTo(testCtx(t), at(time.Second))
	require.Error(t, err)
	tassert.Contains(t, err.Error(), "before the current time")
	tassert.Equal(t, at(time.Minute), s.Now(), "a refused call leaves the clock alone")
	tassert.False(t, isDriving(s), "a refused call releases the driver role")

	require.NoError(t, s.AdvanceTo(testCtx(t), at(time.Minute)), "AdvanceTo(Now()) is allowed")
	require.NoError(t, s.AdvanceTo(testCtx(t), at(time.Hour)))
	tassert.Equal(t, at(time.Hour), s.Now())
}

// TestSimChain48h: a callback schedules the next wait, 13 doubling waits
// summing to (almost exactly) 48 hours, all through one RunUntilIdle.
func TestSimChain48h(t *testing.T) {
	const waits = 13
	base := 48 * time.Hour / (1<<waits - 1) // 1+2+...+4096 = 8191 bases
	s := NewSim(simStart)
	var mu sync.Mutex
	var nows []time.Time
	var sum time.Duration
	wait := base
	var step func()
	step = func() {
		mu.Lock()
		nows = append(nows, s.Now())
		done := len(nows)
		mu.Unlock()
		if done < waits {
			wait *= 2
			sum += wait
			s.AfterFunc(wait, step)
		}
	}
	sum = wait
	s.AfterFunc(wait, step)

	began := time.Now()
	require.NoError(t, s.RunUntilIdle(testCtx(t)))
	t.Logf("13 waits, %v simulated, %v real", sum, time.Since(began))

	require.Len(t, nows, waits)
	tassert.Equal(t, at(sum), s.Now(), "the clock ends at the exact sum of the waits")
	tassert.InDelta(t, float64(48*time.Hour), float64(sum), float64(time.Millisecond))
	var cum time.Duration
	for i := range waits {
		cum += base << i
		tassert.Equal(t, at(cum), nows[i], "wait %d ended at the cumulative sum", i+1)
	}
	tassert.Zero(t, s.Pending())
}

func TestSimHoldsBlockAdvancing(t *testing.T) {
	const work = 20 * time.Millisecond // real time the in-flight work takes

	t.Run("external hold", func(t *testing.T) {
		s := NewSim(simStart)
		rec := newRecorder()
		s.AfterFunc(time.Second, func() { rec.add("timer", s) })
		release := s.Hold()
		go func() {
			time.Sleep(work)
			rec.add("work done", s)
			release()
		}()
		require.NoError(t, s.Advance(testCtx(t), time.Hour))
		tassert.Equal(t, []string{"work done", "timer"}, rec.list())
		tassert.Equal(t, simStart, rec.now(t, "work done"), "the clock moved while work was in flight")
		tassert.Equal(t, at(time.Second), rec.now(t, "timer"))
		tassert.Equal(t, at(time.Hour), s.Now())
	})

	t.Run("callback makes a real HTTP request", func(t *testing.T) {
		s := NewSim(simStart)
		rec := newRecorder()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			rec.add("server saw request", s)
			time.Sleep(work)
			w.WriteHeader(http.StatusNoContent)
		}))
		defer srv.Close()
		statuses := make(chan int, 1)
		s.AfterFunc(time.Second, func() {
			resp, err := srv.Client().Get(srv.URL)
			if err != nil {
				statuses <- -1
				return
			}
			_ = resp.Body.Close()
			rec.add("response", s)
			statuses <- resp.StatusCode
		})
		s.AfterFunc(1500*time.Millisecond, func() { rec.add("next timer", s) })
		require.NoError(t, s.RunUntilIdle(testCtx(t)))
		tassert.Equal(t, http.StatusNoContent, receive(t, statuses, "the response"))
		tassert.Equal(t, []string{"server saw request", "response", "next timer"}, rec.list())
		tassert.Equal(t, at(time.Second), rec.now(t, "server saw request"))
		tassert.Equal(t, at(time.Second), rec.now(t, "response"), "the clock moved during the request")
		tassert.Equal(t, at(1500*time.Millisecond), s.Now())
	})

	t.Run("hold taken by a callback before it returns", func(t *testing.T) {
		s := NewSim(simStart)
		rec := newRecorder()
		s.AfterFunc(time.Second, func() {
			release := s.Hold()
			go func() {
				defer release()
				time.Sleep(work)
				rec.add("async work", s)
			}()
		})
		s.AfterFunc(time.Second+time.Nanosecond, func() { rec.add("next timer", s) })
		require.NoError(t, s.RunUntilIdle(testCtx(t)))
		tassert.Equal(t, []string{"async work", "next timer"}, rec.list())
		tassert.Equal(t, at(time.Second), rec.now(t, "async work"))
	})

	t.Run("HoldUntil lets earlier instants fire", func(t *testing.T) {
		s, log := newTestSim(t)
		firedCh := make(chan time.Duration, 4)
		for _, d := range []time.Duration{time.Second, 5 * time.Second, 10 * time.Second, 11 * time.Second} {
			s.AfterFunc(d, func() { firedCh <- d })
		}
		release := s.HoldUntil(at(10 * time.Second))
		errCh := make(chan error, 1)
		go func() { errCh <- s.Advance(testCtx(t), 20*time.Second) }()

		tassert.Equal(t, time.Second, receive(t, firedCh, "the 1s timer"))
		tassert.Equal(t, 5*time.Second, receive(t, firedCh, "the 5s timer"))
		time.Sleep(work) // give a faulty driver the chance to pass the horizon
		tassert.Equal(t, 2, s.Pending(), "timers at or after the horizon fired while held")
		tassert.Equal(t, at(5*time.Second), s.Now())
		tassert.Equal(t, 1, s.Holds())
		release()
		require.NoError(t, receive(t, errCh, "Advance"))
		tassert.Len(t, log(), 4)
		tassert.Equal(t, at(20*time.Second), s.Now())
	})

	t.Run("HoldUntil at or before Now acts like Hold", func(t *testing.T) {
		s := NewSim(simStart)
		rec := newRecorder()
		s.AfterFunc(0, func() { rec.add("due now", s) })
		release := s.HoldUntil(simStart)
		var pendingWhileHeld int
		go func() {
			time.Sleep(work)
			pendingWhileHeld = s.Pending()
			rec.add("work done", s)
			release()
		}()
		require.NoError(t, s.RunUntilIdle(testCtx(t)))
		tassert.Equal(t, []string{"work done", "due now"}, rec.list())
		tassert.Equal(t, 1, pendingWhileHeld)
	})
}

func TestSimHoldRelease(t *testing.T) {
	tests := []struct {
		name string
		run  func(s *Sim)
		want int // Holds() afterwards
	}{
		{"release twice counts once", func(s *Sim) {
			r := s.Hold()
			r()
			r()
		}, 0},
		{"double release does not eat another hold", func(s *Sim) {
			r1, r2 := s.Hold(), s.Hold()
			r1()
			r1()
			r1()
			_ = r2
		}, 1},
		{"HoldUntil release twice", func(s *Sim) {
			a, b := s.HoldUntil(at(time.Hour)), s.HoldUntil(at(time.Minute))
			a()
			a()
			_ = b
		}, 1},
		{"mixed, all released repeatedly", func(s *Sim) {
			rs := []func(){s.Hold(), s.HoldUntil(at(time.Second)), s.Hold(), s.HoldUntil(at(0))}
			for range 3 {
				for _, r := range rs {
					r()
				}
			}
		}, 0},
		{"concurrent releases", func(s *Sim) {
			r := s.Hold()
			keep := s.Hold()
			_ = keep
			var wg sync.WaitGroup
			for range 8 {
				wg.Go(r)
			}
			wg.Wait()
		}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSim(simStart)
			tt.run(s)
			tassert.Equal(t, tt.want, s.Holds())
			if tt.want == 0 {
				require.NoError(t, s.RunUntilIdle(testCtx(t)), "idle once everything is released")
			}
		})
	}
}

func TestSimStop(t *testing.T) {
	tests := []struct {
		name      string
		run       func(t *testing.T, s *Sim, rec *recorder) (stops []bool)
		wantStops []bool
		wantFired []string // as a set: callbacks of one instant run concurrently
		wantNow   time.Duration
	}{
		{"pending timer", func(_ *testing.T, s *Sim, rec *recorder) []bool {
			tm := s.AfterFunc(time.Second, func() { rec.add("a", s) })
			ok := tm.Stop()
			return []bool{ok, s.Pending() == 0}
		}, []bool{true, true}, nil, 0},
		{"twice", func(_ *testing.T, s *Sim, rec *recorder) []bool {
			tm := s.AfterFunc(time.Second, func() { rec.add("a", s) })
			return []bool{tm.Stop(), tm.Stop()}
		}, []bool{true, false}, nil, 0},
		{"after it fired", func(t *testing.T, s *Sim, rec *recorder) []bool {
			tm := s.AfterFunc(time.Second, func() { rec.add("a", s) })
			require.NoError(t, s.RunUntilIdle(testCtx(t)))
			return []bool{tm.Stop()}
		}, []bool{false}, []string{"a"}, time.Second},
		{"one of many at an instant", func(_ *testing.T, s *Sim, rec *recorder) []bool {
			var tms []Timer
			for i := range 5 {
				tms = append(tms, s.AfterFunc(time.Second, func() { rec.add(fmt.Sprint(i), s) }))
			}
			return []bool{tms[2].Stop()}
		}, []bool{true}, []string{"0", "1", "3", "4"}, time.Second},
		{"the last one does not move the clock", func(_ *testing.T, s *Sim, rec *recorder) []bool {
			s.AfterFunc(time.Second, func() { rec.add("a", s) })
			return []bool{s.AfterFunc(time.Hour, func() { rec.add("b", s) }).Stop()}
		}, []bool{true}, []string{"a"}, time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSim(simStart)
			rec := newRecorder()
			stops := tt.run(t, s, rec)
			require.NoError(t, s.RunUntilIdle(testCtx(t)))
			tassert.Equal(t, tt.wantStops, stops)
			tassert.ElementsMatch(t, tt.wantFired, rec.list())
			tassert.Equal(t, at(tt.wantNow), s.Now())
			tassert.Zero(t, s.Pending())
		})
	}

	t.Run("from callbacks", func(t *testing.T) {
		s, log := newTestSim(t)
		rec := newRecorder()
		results := make(chan [3]bool, 1)
		var self, sibling, later Timer
		self = s.AfterFunc(time.Second, func() { // seq 1
			rec.add("self", s)
			results <- [3]bool{self.Stop(), sibling.Stop(), later.Stop()}
		})
		sibling = s.AfterFunc(time.Second, func() { rec.add("sibling", s) }) // seq 2
		later = s.AfterFunc(time.Hour, func() { rec.add("later", s) })       // seq 3
		require.NoError(t, s.RunUntilIdle(testCtx(t)))
		got := receive(t, results, "the stop results")
		tassert.False(t, got[0], "a firing timer is no longer pending")
		tassert.False(t, got[1], "a sibling at the same instant has fired with it")
		tassert.True(t, got[2], "a later timer is still pending")
		tassert.ElementsMatch(t, []string{"self", "sibling"}, rec.list())
		tassert.Equal(t, []fired{{1, time.Second}, {2, time.Second}}, log())
		tassert.Equal(t, at(time.Second), s.Now(), "a stopped timer does not move the clock")
	})
}

func TestSimSleep(t *testing.T) {
	t.Run("wakes at the due instant", func(t *testing.T) {
		s := NewSim(simStart)
		errCh := make(chan error, 1)
		woke := make(chan time.Time, 1)
		go func() {
			err := Sleep(testCtx(t), s, 5*time.Second)
			woke <- s.Now()
			errCh <- err
		}()
		require.Eventually(t, func() bool { return s.Pending() == 1 }, bound, time.Millisecond)
		require.NoError(t, s.Advance(testCtx(t), 4*time.Second))
		select {
		case <-errCh:
			t.Fatal("Sleep returned before its time")
		default:
		}
		require.NoError(t, s.Advance(testCtx(t), time.Second))
		require.NoError(t, receive(t, errCh, "Sleep"))
		tassert.Equal(t, at(5*time.Second), <-woke)
		tassert.Zero(t, s.Holds(), "the sleeper holds nothing")
	})

	t.Run("under Run", func(t *testing.T) {
		s := NewSim(simStart)
		ctx, cancel := context.WithCancel(testCtx(t))
		runErr := make(chan error, 1)
		go func() { runErr <- s.Run(ctx) }()
		require.NoError(t, Sleep(testCtx(t), s, 48*time.Hour))
		tassert.Equal(t, at(48*time.Hour), s.Now())
		cancel()
		require.ErrorIs(t, receive(t, runErr, "Run"), context.Canceled)
	})

	t.Run("ctx ends first", func(t *testing.T) {
		s := NewSim(simStart)
		ctx, cancel := context.WithCancel(testCtx(t))
		errCh := make(chan error, 1)
		go func() { errCh <- Sleep(ctx, s, time.Hour) }()
		require.Eventually(t, func() bool { return s.Pending() == 1 }, bound, time.Millisecond)
		cancel()
		require.ErrorIs(t, receive(t, errCh, "Sleep"), context.Canceled)
		tassert.Zero(t, s.Pending(), "Sleep stops its timer")
		tassert.Equal(t, simStart, s.Now())
	})

	t.Run("zero duration", func(t *testing.T) {
		s := NewSim(simStart)
		require.NoError(t, Sleep(testCtx(t), s, 0))
		tassert.Zero(t, s.Pending())
	})
}

// driver is one way to drive a Sim.
type driver struct {
	name  string
	drive func(ctx context.Context, s *Sim) error
}

// allDrivers lists every way to drive a Sim, for tests that apply to all.
func allDrivers() []driver {
	return []driver{
		{"Advance", func(ctx context.Context, s *Sim) error { return s.Advance(ctx, time.Hour) }},
		{"AdvanceTo", func(ctx context.Context, s *Sim) error { return s.AdvanceTo(ctx, at(time.Hour)) }},
		{"RunUntilIdle", func(ctx context.Context, s *Sim) error { return s.RunUntilIdle(ctx) }},
		{"Run", func(ctx context.Context, s *Sim) error { return s.Run(ctx) }},
	}
}

func TestSimContextWhileWaitingForHolds(t *testing.T) {
	drivers := allDrivers()
	for _, dr := range drivers {
		t.Run(dr.name, func(t *testing.T) {
			s := NewSim(simStart)
			rec := newRecorder()
			s.AfterFunc(time.Second, func() { rec.add("timer", s) })
			release := s.Hold()
			ctx, cancel := context.WithCancel(testCtx(t))
			errCh := make(chan error, 1)
			go func() { errCh <- dr.drive(ctx, s) }()
			waitDriving(t, s)
			cancel()
			err := receive(t, errCh, dr.name)
			require.ErrorIs(t, err, context.Canceled)
			tassert.Contains(t, err.Error(), "clock: sim ", "the error names the operation")
			tassert.Equal(t, simStart, s.Now())
			tassert.Equal(t, 1, s.Pending())
			tassert.Empty(t, rec.list())
			tassert.False(t, isDriving(s), "the driver role is released")

			release()
			require.NoError(t, s.Advance(testCtx(t), time.Second))
			tassert.Equal(t, []string{"timer"}, rec.list())
		})
	}

	t.Run("already cancelled", func(t *testing.T) {
		for _, dr := range drivers {
			s := NewSim(simStart)
			s.AfterFunc(0, func() {})
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			require.ErrorIs(t, dr.drive(ctx, s), context.Canceled, dr.name)
			tassert.Equal(t, 1, s.Pending(), "%s fired a timer with a dead context", dr.name)
		}
	})
}

func TestSimDriverBusy(t *testing.T) {
	drivers := allDrivers()
	t.Run("from a callback", func(t *testing.T) {
		s := NewSim(simStart)
		errs := make(chan []error, 1)
		s.AfterFunc(time.Second, func() {
			ctx, cancel := context.WithTimeout(context.Background(), bound)
			defer cancel()
			var got []error
			for _, dr := range drivers {
				got = append(got, dr.drive(ctx, s))
			}
			errs <- got
		})
		require.NoError(t, s.RunUntilIdle(testCtx(t)))
		got := receive(t, errs, "the nested drivers' errors")
		require.Len(t, got, len(drivers))
		for i, err := range got {
			tassert.ErrorIs(t, err, ErrDriverBusy, drivers[i].name)
		}
	})

	t.Run("concurrent", func(t *testing.T) {
		for _, first := range drivers {
			t.Run(first.name, func(t *testing.T) {
				s := NewSim(simStart)
				release := s.Hold()
				ctx, cancel := context.WithCancel(testCtx(t))
				defer cancel()
				errCh := make(chan error, 1)
				go func() { errCh <- first.drive(ctx, s) }()
				waitDriving(t, s)
				for _, second := range drivers {
					tassert.ErrorIs(t, second.drive(testCtx(t), s), ErrDriverBusy, "second driver %s", second.name)
				}
				release()
				if first.name == "Run" {
					cancel()
					require.ErrorIs(t, receive(t, errCh, "Run"), context.Canceled)
				} else {
					require.NoError(t, receive(t, errCh, first.name))
				}
				require.NoError(t, s.Advance(testCtx(t), time.Second), "the role is free again")
			})
		}
	})
}

func TestSimRun(t *testing.T) {
	baseline := runtime.NumGoroutine()
	s, log := newTestSim(t)
	ctx, cancel := context.WithCancel(testCtx(t))
	defer cancel()
	runErr := make(chan error, 1)
	go func() { runErr <- s.Run(ctx) }()
	waitDriving(t, s)

	firedCh := make(chan string, 8)
	s.AfterFunc(time.Hour, func() { firedCh <- "from test goroutine" })
	tassert.Equal(t, "from test goroutine", receive(t, firedCh, "the first timer"))
	tassert.Equal(t, at(time.Hour), s.Now(), "Run jumps to the timer")

	go s.AfterFunc(30*time.Minute, func() { firedCh <- "from another goroutine" })
	tassert.Equal(t, "from another goroutine", receive(t, firedCh, "the second timer"))
	tassert.Equal(t, at(90*time.Minute), s.Now())

	select {
	case err := <-runErr:
		t.Fatalf("Run returned while idle: %v", err)
	default:
	}

	// Run respects holds like the other drivers.
	release := s.Hold()
	s.AfterFunc(time.Minute, func() { firedCh <- "after the hold" })
	time.Sleep(20 * time.Millisecond) // give a faulty driver the chance to fire
	tassert.Equal(t, 1, s.Pending(), "Run fired a timer while work was held")
	tassert.Equal(t, at(90*time.Minute), s.Now())
	release()
	tassert.Equal(t, "after the hold", receive(t, firedCh, "the held timer"))
	tassert.Equal(t, at(91*time.Minute), s.Now())
	tassert.Len(t, log(), 3)

	cancel()
	err := receive(t, runErr, "Run to stop")
	require.ErrorIs(t, err, context.Canceled)
	tassert.False(t, isDriving(s))
	// Polled here rather than with Eventually, whose own goroutines would count.
	deadline := time.Now().Add(bound)
	for runtime.NumGoroutine() > baseline && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > baseline {
		buf := make([]byte, 1<<16)
		t.Fatalf("goroutines leaked: %d now, %d before:\n%s", n, baseline, buf[:runtime.Stack(buf, true)])
	}
}

// TestSimDeterminism runs one seeded random schedule twice and compares
// the firing order. The schedule has many timers per instant, timers
// stopped before and during the run, callbacks that take holds and yield,
// and callbacks that schedule children at distinct instants.
func TestSimDeterminism(t *testing.T) {
	for _, seed := range []uint64{1, 42, 20261122} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			t.Logf("seed %d", seed)
			first := runRandomSchedule(t, seed)
			second := runRandomSchedule(t, seed)
			require.Equal(t, first, second, "same seed, different firing order")

			groups := map[time.Duration]int{}
			for i, f := range first {
				groups[f.at]++
				if i > 0 {
					prev := first[i-1]
					tassert.Truef(t, prev.at < f.at || prev.at == f.at && prev.label < f.label,
						"fired out of order: %+v then %+v", prev, f)
				}
			}
			shared := 0
			for _, n := range groups {
				if n > 1 {
					shared++
				}
			}
			tassert.Greater(t, shared, 3, "the schedule should exercise same-instant ties")
		})
	}
}

// labelled is one fired timer, named by the schedule rather than by its
// sequence number. Labels sort like creation order for timers of the same
// instant: top-level timers are created in label order, and each child has
// an instant of its own.
type labelled struct {
	at    time.Duration
	label string
}

func runRandomSchedule(t *testing.T, seed uint64) []labelled {
	t.Helper()
	const n = 300
	rnd := rand.New(rand.NewPCG(seed, 0))
	s, log := newTestSim(t)
	var mu sync.Mutex
	labels := map[uint64]string{}
	name := func(tm Timer, label string) {
		mu.Lock()
		labels[tm.(*simTimer).seq] = label
		mu.Unlock()
	}
	timers := make([]Timer, n)
	for i := range n {
		d := time.Duration(rnd.IntN(40)-2) * time.Second // many ties, a few d <= 0
		hold := rnd.IntN(4) == 0
		victim := rnd.IntN(n)
		hasChild := rnd.IntN(3) == 0
		childAt := time.Hour + time.Duration(i)*time.Millisecond // distinct per parent
		timers[i] = s.AfterFunc(d, func() {
			if hold {
				release := s.Hold()
				go func() {
					runtime.Gosched()
					release()
				}()
			}
			timers[victim].Stop() // fired, pending or stopped: all deterministic
			if hasChild {
				child := s.AfterFunc(childAt-s.Now().Sub(simStart), func() {})
				name(child, fmt.Sprintf("child %03d", i))
			}
		})
		name(timers[i], fmt.Sprintf("top %03d", i))
	}
	for range n / 10 {
		timers[rnd.IntN(n)].Stop()
	}
	require.NoError(t, s.RunUntilIdle(testCtx(t)))

	var out []labelled
	mu.Lock()
	defer mu.Unlock()
	for _, f := range log() {
		out = append(out, labelled{f.at, labels[f.seq]})
	}
	return out
}

func TestSimSaturation(t *testing.T) {
	s := NewSim(simStart)
	require.NoError(t, s.Advance(testCtx(t), time.Hour))
	s.AfterFunc(math.MaxInt64, func() {})
	next, ok := s.NextDue()
	require.True(t, ok)
	tassert.Equal(t, simStart.Add(math.MaxInt64), next, "a huge wait saturates instead of wrapping into the past")
	tassert.True(t, next.After(s.Now()))
}

func TestSimAfterFuncNil(t *testing.T) {
	s := NewSim(simStart)
	tassert.PanicsWithValue(t, "clock: Sim.AfterFunc called with a nil func", func() { s.AfterFunc(time.Second, nil) })
	tassert.Zero(t, s.Pending())
}

// FuzzSimSchedule checks the Sim against a reference model: a sorted list of
// pending timers. Each pair of input bytes is one operation: add a timer,
// stop one, or advance.
func FuzzSimSchedule(f *testing.F) {
	f.Add([]byte{0, 3, 0, 3, 0, 1, 2, 4, 1, 0, 2, 9})
	f.Add([]byte{0, 0, 0, 255, 3, 0, 1, 1, 2, 0})
	f.Add([]byte{0, 7, 0, 7, 0, 7, 1, 1, 2, 7, 0, 0, 3, 0})
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 400 {
			ops = ops[:400]
		}
		type model struct {
			at  time.Duration
			seq uint64
		}
		s, log := newTestSim(t)
		var pending []model // the reference: every pending timer
		var timers []Timer
		var want []fired
		var now time.Duration
		var seq uint64
		ctx := context.Background()
		for i := 0; i+1 < len(ops); i += 2 {
			op, arg := ops[i]%4, ops[i+1]
			switch op {
			case 0: // add a timer due in arg%16 - 2 seconds (some due now)
				d := time.Duration(int(arg%16)-2) * time.Second
				timers = append(timers, s.AfterFunc(d, func() {}))
				seq++
				pending = append(pending, model{now + max(d, 0), seq})
			case 1: // stop timer arg
				if len(timers) == 0 {
					continue
				}
				k := int(arg) % len(timers)
				got := timers[k].Stop()
				j := slices.IndexFunc(pending, func(m model) bool { return m.seq == uint64(k+1) })
				if got != (j >= 0) {
					t.Fatalf("Stop(timer %d) = %v, model says pending=%v", k, got, j >= 0)
				}
				if j >= 0 {
					pending = slices.Delete(pending, j, j+1)
				}
			case 2, 3: // advance by arg%8 seconds
				d := time.Duration(arg%8) * time.Second
				if err := s.Advance(ctx, d); err != nil {
					t.Fatalf("Advance: %v", err)
				}
				now += d
				slices.SortFunc(pending, func(a, b model) int {
					if a.at != b.at {
						return int(a.at - b.at)
					}
					return int(a.seq) - int(b.seq)
				})
				k := 0
				for k < len(pending) && pending[k].at <= now {
					want = append(want, fired{pending[k].seq, pending[k].at})
					k++
				}
				pending = pending[k:]
			}
			if s.Pending() != len(pending) {
				t.Fatalf("Pending() = %d, model %d", s.Pending(), len(pending))
			}
			if !s.Now().Equal(at(now)) {
				t.Fatalf("Now() = %v, model %v", s.Now(), at(now))
			}
		}
		if got := log(); !slices.Equal(got, want) {
			t.Fatalf("fired %v, model %v", got, want)
		}
	})
}

// BenchmarkSimChain runs deliveries × 13 attempts through RunUntilIdle: each
// callback schedules the next attempt after a doubling wait, as the sender's
// retries do. "jittered" gives every delivery its own instants, "lockstep"
// makes all deliveries share them. It reports ns, bytes and allocations per
// timer (each timer's allocation, the callback goroutine, heap growth).
func BenchmarkSimChain(b *testing.B) {
	for _, bc := range []struct {
		name       string
		deliveries int
		jitter     bool
	}{
		{"jittered/deliveries=1000", 1000, true},
		{"lockstep/deliveries=1000", 1000, false},
		{"jittered/deliveries=10000", 10000, true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			const attempts = 13
			var ms0, ms1 runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&ms0)
			iters := 0
			for b.Loop() {
				s := NewSim(simStart)
				for i := range bc.deliveries {
					var jitter time.Duration
					if bc.jitter {
						jitter = time.Duration(i) * time.Microsecond
					}
					n := 1
					wait := time.Minute + jitter
					var step func()
					step = func() {
						if n++; n <= attempts {
							wait *= 2
							s.AfterFunc(wait, step)
						}
					}
					s.AfterFunc(jitter, step)
				}
				if err := s.RunUntilIdle(context.Background()); err != nil {
					b.Fatal(err)
				}
				iters++
			}
			runtime.ReadMemStats(&ms1)
			timers := float64(iters * bc.deliveries * attempts)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/timers, "ns/timer")
			b.ReportMetric(float64(ms1.TotalAlloc-ms0.TotalAlloc)/timers, "B/timer")
			b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/timers, "allocs/timer")
		})
	}
}

// BenchmarkSimPending measures what a pending timer costs: allocated bytes
// per AfterFunc, and heap bytes still in use per timer while 13,000 are
// pending (the timer itself and its heap slot; the callback here captures
// nothing, so it is not counted).
func BenchmarkSimPending(b *testing.B) {
	const n = 13000
	f := func() {}
	var retained, allocated float64
	iters := 0
	for b.Loop() {
		var ms0, ms1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms0)
		s := NewSim(simStart)
		for i := range n {
			s.AfterFunc(time.Duration(i)*time.Second, f)
		}
		runtime.ReadMemStats(&ms1)
		allocated += float64(ms1.TotalAlloc - ms0.TotalAlloc)
		runtime.GC()
		runtime.ReadMemStats(&ms1)
		retained += float64(int64(ms1.HeapAlloc) - int64(ms0.HeapAlloc))
		runtime.KeepAlive(s)
		iters++
	}
	b.ReportMetric(allocated/float64(iters*n), "B-alloc/timer")
	b.ReportMetric(retained/float64(iters*n), "B-retained/timer")
}
