package clock

import (
	"context"
	"time"
)

// Clock is a source of time and timers.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// AfterFunc calls f in its own goroutine once d has passed. On a
	// simulated clock, f runs as in-flight work: the clock does not move on
	// until f returns.
	AfterFunc(d time.Duration, f func()) Timer
	// Hold marks the start of in-flight work; a simulated clock does not
	// advance until every hold is released. release is idempotent.
	Hold() (release func())
}

// Timer is a pending AfterFunc.
type Timer interface {
	// Stop cancels the call; it reports whether it was still pending.
	Stop() bool
}

// Sleep waits d on c, or until ctx ends. It takes no hold: on a simulated
// clock the wait is what lets time advance.
func Sleep(ctx context.Context, c Clock, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	ch := make(chan struct{})
	t := c.AfterFunc(d, func() { close(ch) })
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		t.Stop()
		return ctx.Err()
	}
}

// Real is the wall clock.
type Real struct{}

// Now returns time.Now().
func (Real) Now() time.Time { return time.Now() }

// AfterFunc wraps time.AfterFunc.
func (Real) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

// Hold is a no-op on the wall clock.
func (Real) Hold() func() { return func() {} }
