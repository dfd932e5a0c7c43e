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
// Before any check, a preflight delivers one correct event (the preferred
// type, submission.status.change or SCREENER_RESPONSES.UPDATED, then each
// other type of Config.Events). A target that cannot be reached ends Run
// with an *UnreachableError; a receiver that accepts none of them fails the
// preflight once, as the root cause, and every check that needs an
// accepted delivery gets the verdict blocked. Checks that are not about
// coverage send the type the preflight found accepted; coverage checks
// test only Config.Events.
//
// Every check whose verdict rests on a rejection (a step that wants a 4xx)
// runs with a matched control: the same deliveries with fresh ids,
// untampered and signed with the current secret. When the control is not
// accepted the check is inconclusive, never a pass. A failure's explanation
// follows what was observed on the deciding attempt (assert.Observe:
// accepted, refused, crashed, redirected, timed out). The header_case
// check is delivered through a local proxy that lower-cases every header
// name.
//
// Checks run concurrently against one receiver. Each gets its own seed,
// derived from the run's seed and its id (CheckSeed), so no two checks share
// event or resource ids; Result.Seed reproduces every payload and jitter,
// and Config.IDSalt (random per run unless set) makes every generated id
// fresh, so reruns against a stateful receiver give the same verdicts.
//
// Run passes when the preflight and every MUST check pass and no MUST check
// is inconclusive (with Config.Strict, every SHOULD check passes too).
//
// testdata/receivers holds a corpus of receivers written the way people
// write them (Python http.server, Flask, Express, a serverless handler, Go
// net/http, both platforms' published samples), each with the verdict a
// careful reviewer gives every check; the tests assert those tables. The reference receivers in package receiver, one
// correct and one broken per bug class, are what hookdrill's own tests hold
// these verdicts to: each bug fails exactly the checks its catalogue entry
// names, and the correct receivers fail none.
package conform
