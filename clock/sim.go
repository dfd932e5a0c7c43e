package clock

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"
)

// ErrDriverBusy is wrapped in the error Advance, AdvanceTo, RunUntilIdle and
// Run return (test with errors.Is) when another goroutine is already driving
// the Sim, including a call made from a timer callback while the driver that
// fired it is still running. A Sim has one driver at a time; the second
// caller gets this error instead of racing.
var ErrDriverBusy = errors.New("another goroutine is driving the simulated clock")

// Sim is a discrete-event virtual clock. Time stands still until a driver
// (Advance, AdvanceTo, RunUntilIdle or Run) moves it, and then it jumps
// straight from one due timer to the next: a 48-hour retry schedule runs in
// as long as its callbacks take.
//
// # In-flight work
//
// Before every jump, and before firing each instant's timers, the driver
// waits until no hold is outstanding. A hold is work in flight that the clock
// must not skip past, typically a real HTTP request that takes real
// milliseconds. Holds come from three places:
//
//   - Hold, taken and released explicitly;
//   - every fired AfterFunc callback, which runs in its own goroutine under
//     an automatic hold released when it returns, so anything the callback
//     does synchronously, or any Hold it takes before returning, keeps the
//     clock still;
//   - HoldUntil(t), a weaker hold that promises the work schedules nothing
//     before t: the driver may keep firing timers due strictly before t, but
//     does not reach t until the hold is released. It lets concurrent work
//     (many deliveries, each with its own next retry instant) overlap.
//
// # Order
//
// Timers fire in order of their due instant; timers due at the same instant
// fire in the order they were created. All timers of one instant are started
// together, each in its own goroutine, so their callbacks run concurrently;
// the driver then waits for the holds to clear before it looks at the next
// instant. A callback that creates a timer with d <= 0 gets it fired at the
// current instant, within the same drive, after the timers created before it.
// Creation order is the order of AfterFunc calls: timers created by one
// goroutine (or by callbacks of different instants) have a fixed order, while
// timers created concurrently by callbacks of the same instant are ordered by
// whichever call took the Sim's lock first. Schedules whose timers are
// created by a single goroutine or fall on distinct instants replay exactly.
//
// # Sleep
//
// Sleep(ctx, sim, d) works: the sleeping goroutine holds nothing, so the wait
// is what lets the driver jump. When Sleep returns, the driver may already
// have moved on; work that must happen at the wake-up instant belongs inside
// an AfterFunc callback.
//
// # Modes
//
// A Sim is paused while nobody drives it. Tests drive it step by step with
// Advance and AdvanceTo or to completion with RunUntilIdle; a long-running
// server calls Run in a goroutine, which fast-forwards to each timer as soon
// as nothing is in flight and sleeps (without polling) while nothing is
// pending. Only one of these runs at a time; see ErrDriverBusy.
//
// A Sim is safe for concurrent use. Each pending timer costs one small
// allocation plus a slot in a binary heap; a jump is O(log n) in the number of
// pending timers.
type Sim struct {
	epoch time.Time // the start instant; times are kept as nanoseconds after it

	// wake carries at most one token meaning "state changed, look again":
	// a hold was released (the last plain one, or any HoldUntil) or a timer
	// was added while no plain hold was outstanding. The driver re-checks the
	// state under mu after every token, so stale tokens are harmless.
	wake chan struct{}

	mu       sync.Mutex  // guards every field below, and the fields of every simTimer, plainHold and horizonHold of this Sim
	now      int64       // current time, nanoseconds after epoch; never decreases
	seq      uint64      // sequence number of the last timer created
	timers   timerHeap   // pending timers, earliest (at, seq) first
	holds    int         // outstanding plain holds: Hold, running callbacks
	horizons horizonHeap // outstanding HoldUntil holds, earliest horizon first
	driving  bool        // a driver (Advance, AdvanceTo, RunUntilIdle, Run) is running

	// onFire, when set (by tests in this package), is called under mu for
	// each timer as the driver fires it, in firing order.
	onFire func(seq uint64, at time.Duration)
}

// NewSim returns a paused simulated clock whose Now is start.
func NewSim(start time.Time) *Sim {
	return &Sim{epoch: start, wake: make(chan struct{}, 1)}
}

var _ Clock = (*Sim)(nil)

// Now returns the simulated time.
func (s *Sim) Now() time.Time {
	s.mu.Lock()
	now := s.now
	s.mu.Unlock()
	return s.epoch.Add(time.Duration(now))
}

// AfterFunc schedules f to run, in its own goroutine and under an automatic
// hold, once the clock reaches Now()+d. With d <= 0 the timer is due at the
// current instant and fires on the next drive (or the current one, if
// created by a callback). f must not be nil.
func (s *Sim) AfterFunc(d time.Duration, f func()) Timer {
	if f == nil {
		panic("clock: Sim.AfterFunc called with a nil func")
	}
	t := &simTimer{s: s, f: f}
	s.mu.Lock()
	t.at = addSat(s.now, d)
	s.seq++
	t.seq = s.seq
	heap.Push(&s.timers, t)
	if s.holds == 0 {
		s.notify()
	}
	s.mu.Unlock()
	return t
}

// Hold marks the start of in-flight work: no driver fires a timer or moves
// the clock until release is called. release is idempotent.
func (s *Sim) Hold() (release func()) {
	h := &plainHold{s: s}
	s.mu.Lock()
	s.holds++
	s.mu.Unlock()
	return h.release
}

// HoldUntil marks the start of in-flight work that promises to schedule
// nothing before t: a driver keeps firing timers due strictly before t, but
// does not fire timers due at or after t, nor move the clock to t or beyond,
// until release is called, so Now may move forward while the work runs but
// stays before t. With t at or before Now it acts like Hold. release is
// idempotent.
func (s *Sim) HoldUntil(t time.Time) (release func()) {
	h := &horizonHold{s: s, at: s.offset(t)}
	s.mu.Lock()
	heap.Push(&s.horizons, h)
	s.mu.Unlock()
	return h.release
}

// Pending reports how many timers are scheduled and not yet fired or stopped.
func (s *Sim) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.timers)
}

// Holds reports how many holds are outstanding: Hold and HoldUntil holds not
// yet released, plus callbacks still running.
func (s *Sim) Holds() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.holds + len(s.horizons)
}

// NextDue returns when the earliest pending timer is due; ok is false when
// no timer is pending.
func (s *Sim) NextDue() (due time.Time, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.timers) == 0 {
		return time.Time{}, false
	}
	return s.epoch.Add(time.Duration(s.timers[0].at)), true
}

// Advance fires, in order, every timer due up to Now()+d (inclusive, and
// including timers that callbacks create within that horizon), waiting for
// holds before each instant, then waits for holds once more and sets the
// clock to Now()+d. A negative d is an error. When another driver is running
// it returns at once with an error wrapping ErrDriverBusy; when ctx ends first,
// with one wrapping ctx.Err(), and the clock stays at the last instant
// reached (a callback already started keeps running).
func (s *Sim) Advance(ctx context.Context, d time.Duration) error {
	const op = "advance"
	if d < 0 {
		return fmt.Errorf("clock: sim %s: negative duration %v", op, d)
	}
	now, err := s.acquire(op)
	if err != nil {
		return err
	}
	defer s.releaseDriver()
	return s.drive(ctx, op, modeAdvance, addSat(now, d))
}

// AdvanceTo is Advance to the instant t. A t before Now() is an error: the
// clock never goes back.
func (s *Sim) AdvanceTo(ctx context.Context, t time.Time) error {
	const op = "advance to"
	target := s.offset(t)
	now, err := s.acquire(op)
	if err != nil {
		return err
	}
	defer s.releaseDriver()
	if target < now {
		return fmt.Errorf("clock: sim %s %s: before the current time %s", op,
			t.Format(time.RFC3339Nano), s.epoch.Add(time.Duration(now)).Format(time.RFC3339Nano))
	}
	return s.drive(ctx, op, modeAdvance, target)
}

// RunUntilIdle repeatedly waits for holds, jumps to the earliest pending
// timer and fires it (with everything else due at that instant), until no
// timer is pending and no hold is outstanding. The clock ends at the last
// instant fired. A callback chain that keeps rescheduling itself never goes
// idle; bound it with ctx. Errors are as for Advance.
func (s *Sim) RunUntilIdle(ctx context.Context) error {
	const op = "run until idle"
	if _, err := s.acquire(op); err != nil {
		return err
	}
	defer s.releaseDriver()
	return s.drive(ctx, op, modeIdle, 0)
}

// Run drives the clock until ctx ends: whenever no hold is outstanding and a
// timer is pending it jumps to that timer and fires it; while nothing is
// pending it blocks until a timer is added or a hold released. It always
// returns a non-nil error, wrapping ErrDriverBusy or ctx.Err(). Calling
// Run in a goroutine gives a server a clock that fast-forwards through idle
// time; not calling it leaves the clock paused.
func (s *Sim) Run(ctx context.Context) error {
	const op = "run"
	if _, err := s.acquire(op); err != nil {
		return err
	}
	defer s.releaseDriver()
	return s.drive(ctx, op, modeForever, 0)
}

// driveMode selects when drive returns.
type driveMode int

const (
	modeAdvance driveMode = iota // fire up to a target, set now = target, return
	modeIdle                     // fire until nothing is pending and nothing is held
	modeForever                  // fire until ctx ends
)

// acquire makes the caller the Sim's only driver and returns the current time.
func (s *Sim) acquire(op string) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.driving {
		return 0, fmt.Errorf("clock: sim %s: %w", op, ErrDriverBusy)
	}
	s.driving = true
	return s.now, nil
}

func (s *Sim) releaseDriver() {
	s.mu.Lock()
	s.driving = false
	s.mu.Unlock()
}

// drive is the driver loop shared by Advance, AdvanceTo, RunUntilIdle and
// Run. The caller holds the driver role. target is used by modeAdvance only.
func (s *Sim) drive(ctx context.Context, op string, mode driveMode, target int64) error {
	done := ctx.Done()
	var batch []func() // callbacks of one instant, reused across instants
	for {
		select {
		case <-done:
			return fmt.Errorf("clock: sim %s: %w", op, ctx.Err())
		default:
		}
		s.mu.Lock()
		fire := len(s.timers) > 0 && (mode != modeAdvance || s.timers[0].at <= target)
		switch {
		case fire:
			if at := s.timers[0].at; s.canReachLocked(at) {
				batch = s.popInstantLocked(at, batch[:0])
				s.holds += len(batch)
				s.mu.Unlock()
				for i, f := range batch {
					go s.runTimer(f)
					batch[i] = nil // do not keep the closure alive
				}
				continue
			}
		case mode == modeAdvance:
			if s.canReachLocked(target) {
				s.now = max(s.now, target)
				s.mu.Unlock()
				return nil
			}
		case mode == modeIdle:
			if s.holds == 0 && len(s.horizons) == 0 {
				s.mu.Unlock()
				return nil
			}
		}
		s.mu.Unlock()
		select {
		case <-s.wake:
		case <-done:
			return fmt.Errorf("clock: sim %s: %w", op, ctx.Err())
		}
	}
}

// canReachLocked reports whether the driver may fire timers at, or move the
// clock to, the instant at: no plain hold is outstanding and every HoldUntil
// horizon lies after at.
func (s *Sim) canReachLocked(at int64) bool {
	return s.holds == 0 && (len(s.horizons) == 0 || at < s.horizons[0].at)
}

// popInstantLocked removes every timer due at the instant at (the earliest
// pending one), sets the clock to at and appends their callbacks to batch in
// creation order.
func (s *Sim) popInstantLocked(at int64, batch []func()) []func() {
	s.now = max(s.now, at)
	for len(s.timers) > 0 && s.timers[0].at == at {
		t := heap.Pop(&s.timers).(*simTimer)
		if s.onFire != nil {
			s.onFire(t.seq, time.Duration(t.at))
		}
		batch = append(batch, t.f)
		t.f = nil
	}
	return batch
}

// runTimer runs one fired callback under the automatic hold the driver took
// for it.
func (s *Sim) runTimer(f func()) {
	defer s.releasePlain()
	f()
}

// releasePlain releases one plain hold; the count never goes below zero.
func (s *Sim) releasePlain() {
	s.mu.Lock()
	if s.holds > 0 {
		s.holds--
	}
	if s.holds == 0 {
		s.notify()
	}
	s.mu.Unlock()
}

// notify leaves a token for the driver without blocking.
func (s *Sim) notify() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// offset converts t into nanoseconds after the epoch, saturating.
func (s *Sim) offset(t time.Time) int64 { return int64(t.Sub(s.epoch)) }

// addSat returns now+d, with d <= 0 meaning now and saturating at the
// largest representable instant.
func addSat(now int64, d time.Duration) int64 {
	if d <= 0 {
		return now
	}
	if int64(d) > math.MaxInt64-now {
		return math.MaxInt64
	}
	return now + int64(d)
}

// simTimer is one AfterFunc on a Sim. Its fields other than s are guarded by
// s.mu.
type simTimer struct {
	s     *Sim
	f     func() // nil once fired or stopped
	at    int64  // due instant, nanoseconds after the epoch
	seq   uint64 // creation order, for ties at one instant
	index int    // position in s.timers; -1 once fired or stopped
}

// Stop removes the timer if it is still pending and reports whether it was.
// A timer already fired (including one fired together with the caller's own
// callback at the same instant) or already stopped returns false.
func (t *simTimer) Stop() bool {
	s := t.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.index < 0 {
		return false
	}
	heap.Remove(&s.timers, t.index)
	t.f = nil
	return true
}

// timerHeap orders pending timers by due instant, then creation order.
type timerHeap []*simTimer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if h[i].at != h[j].at {
		return h[i].at < h[j].at
	}
	return h[i].seq < h[j].seq
}
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
func (h *timerHeap) Push(x any) {
	t := x.(*simTimer)
	t.index = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	n := len(old) - 1
	t := old[n]
	old[n] = nil
	t.index = -1
	*h = old[:n]
	return t
}

// plainHold is one Hold; released is guarded by s.mu.
type plainHold struct {
	s        *Sim
	released bool
}

func (h *plainHold) release() {
	s := h.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if h.released {
		return
	}
	h.released = true
	if s.holds > 0 {
		s.holds--
	}
	if s.holds == 0 {
		s.notify()
	}
}

// horizonHold is one HoldUntil; its fields other than s are guarded by s.mu.
type horizonHold struct {
	s     *Sim
	at    int64 // horizon, nanoseconds after the epoch
	index int   // position in s.horizons; -1 once released
}

func (h *horizonHold) release() {
	s := h.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if h.index < 0 {
		return
	}
	heap.Remove(&s.horizons, h.index)
	s.notify()
}

// horizonHeap orders HoldUntil holds by horizon, earliest first.
type horizonHeap []*horizonHold

func (h horizonHeap) Len() int           { return len(h) }
func (h horizonHeap) Less(i, j int) bool { return h[i].at < h[j].at }
func (h horizonHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
func (h *horizonHeap) Push(x any) {
	hh := x.(*horizonHold)
	hh.index = len(*h)
	*h = append(*h, hh)
}
func (h *horizonHeap) Pop() any {
	old := *h
	n := len(old) - 1
	hh := old[n]
	old[n] = nil
	hh.index = -1
	*h = old[:n]
	return hh
}
