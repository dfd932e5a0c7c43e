// Package clock provides the time sources hookdrill runs on: Real, the wall
// clock, and Sim, a discrete-event virtual clock that jumps straight to the
// next due timer once no work is in flight, so that a 48-hour retry schedule
// runs in milliseconds and deterministically.
//
// Code that waits takes a Clock; code that does work a simulated clock must
// not skip past (an HTTP request, a probe) brackets it with Hold.
//
// A Sim stands still until one driver moves it: Advance and AdvanceTo step
// it, RunUntilIdle runs every pending timer to completion, and Run, for a
// long-running server, fast-forwards to each timer as soon as no work is in
// flight. A timer callback runs as in-flight work, so work done inside it
// (rather than after a Sleep returns) happens at the instant it was due.
package clock
