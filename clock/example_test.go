package clock_test

import (
	"context"
	"fmt"
	"time"

	"github.com/hookdrill/hookdrill/clock"
)

// A Prolific-style retry chain: the first retry after 1 minute, each wait
// doubling, no attempt later than 48 hours after the first. Every attempt
// runs inside the timer callback, where the clock waits for it; the 48
// simulated hours take no real time.
func ExampleSim() {
	start := time.Date(2026, time.March, 1, 9, 0, 0, 0, time.UTC)
	sim := clock.NewSim(start)

	const cutoff = 48 * time.Hour
	wait := time.Minute
	attempt := 0
	var try func()
	try = func() {
		attempt++
		elapsed := sim.Now().Sub(start)
		fmt.Printf("attempt %2d at t+%v\n", attempt, elapsed)
		// ... POST the webhook here; the receiver keeps failing ...
		if elapsed+wait > cutoff {
			fmt.Printf("gave up: the next attempt would be at t+%v, past the cut-off\n", elapsed+wait)
			return
		}
		sim.AfterFunc(wait, try)
		wait *= 2
	}
	sim.AfterFunc(0, try)

	if err := sim.RunUntilIdle(context.Background()); err != nil {
		fmt.Println(err)
	}
	fmt.Println("clock at t+" + sim.Now().Sub(start).String())
	// Output:
	// attempt  1 at t+0s
	// attempt  2 at t+1m0s
	// attempt  3 at t+3m0s
	// attempt  4 at t+7m0s
	// attempt  5 at t+15m0s
	// attempt  6 at t+31m0s
	// attempt  7 at t+1h3m0s
	// attempt  8 at t+2h7m0s
	// attempt  9 at t+4h15m0s
	// attempt 10 at t+8h31m0s
	// attempt 11 at t+17h3m0s
	// attempt 12 at t+34h7m0s
	// gave up: the next attempt would be at t+68h15m0s, past the cut-off
	// clock at t+34h7m0s
}

// Hold keeps the clock still while work that takes real time is in flight;
// Advance waits for it before moving.
func ExampleSim_Hold() {
	start := time.Date(2026, time.March, 1, 9, 0, 0, 0, time.UTC)
	sim := clock.NewSim(start)
	sim.AfterFunc(time.Hour, func() { fmt.Println("timer at t+" + sim.Now().Sub(start).String()) })

	release := sim.Hold()
	done := make(chan struct{})
	go func() {
		defer close(done)
		time.Sleep(10 * time.Millisecond) // e.g. a real HTTP request
		fmt.Println("work finished at t+" + sim.Now().Sub(start).String())
		release()
	}()
	if err := sim.Advance(context.Background(), 2*time.Hour); err != nil {
		fmt.Println(err)
	}
	<-done
	fmt.Println("clock at t+" + sim.Now().Sub(start).String())
	// Output:
	// work finished at t+0s
	// timer at t+1h0m0s
	// clock at t+2h0m0s
}
