// Package sender is hookdrill's delivery engine: given a platform Profile, a
// Target and an Event, it serialises, signs and POSTs the event exactly as
// the platform does, classifies every answer (or failure to answer) into a
// hookdrill.Outcome, schedules retries on a clock.Clock with the platform's
// retry policy, applies faults (tampering, lost acks, alternative body
// layouts), and appends every attempt and the final result to a Journal.
//
// On a simulated clock (clock.Sim) the waits between attempts take no real
// time: a 13-attempt, 48-hour Prolific schedule completes in milliseconds,
// and a seed reproduces every jittered wait. HTTP requests themselves are
// real and use wall time for timeouts, latency and signature timestamps
// (receivers check freshness against their own wall clock).
//
// At most Config.Concurrency exchanges are in flight at once. Further
// attempts wait their turn in FIFO order without holding a goroutine, so
// a burst of many thousand deliveries costs memory, not goroutines; a
// context cancelled meanwhile, or Close, ends them as cancelled.
//
// Requests carry every header name byte for byte as the platform's
// documentation spells it (X-Event-ID), in a fixed order: Host, User-Agent,
// Content-Type, Content-Length, the profile's documented headers
// (hookdrill.HeaderOrderer), then the rest sorted by name.
//
// A receiver that hangs, resets, redirects, answers garbage, an enormous
// header or body produces a recorded Outcome, never a panic or a stuck
// sender: at most Config.MaxHeaderBytes of header and MaxResponseBytes of
// body are read, and Attempt.Truncated records every limit hit. A
// connection whose answer left bytes beyond its framing is never reused.
package sender
