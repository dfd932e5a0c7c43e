// Package conform holds hookdrill's built-in conformance suites for
// Prolific and Respondent webhook receivers, and runs them.
//
// Each check is one scenario file in the v1 format (package scenarios),
// embedded in the binary under suites/PLATFORM/ID.yaml, with a stable id
// (prolific.signature.valid), a severity (MUST: a production bug; SHOULD: a
// risk), a one-sentence explanation of the bug a failure reveals and how to
// fix it. Users list them (List), read them (Source) and copy any of them
// into their own scenario directory to adapt.
//
// Checks that need to see the receiver's state use two optional probe
// templates: "applied" (how many times the receiver applied an event id)
// and "status" (the status it holds for a resource). Checks whose probe is
// not given are skipped, naming the flag that enables them.
//
// Checks run concurrently against one receiver. Each gets its own seed,
// derived from the run's seed and its id (CheckSeed), so no two checks share
// event or resource ids; Result.Seed reproduces the whole run.
//
// Run passes when every MUST check passes (with Config.Strict, every
// SHOULD check too). The reference receivers in package receiver, one
// correct and one broken per bug class, are what hookdrill's own tests hold
// these verdicts to: each bug fails exactly the checks its catalogue entry
// names, and the correct receivers fail none.
package conform
