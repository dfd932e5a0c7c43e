// Package conform runs hookdrill's conformance suites against webhook
// receivers. It is the platform-neutral engine: each platform's suite (a
// Suite: its check files and its control event) lives in
// platform/NAME/conformance, and Config takes the suites (Config.Suites,
// platform/all's Suites) and the platforms' wire profiles
// (Config.Registry) instead of naming any platform.
//
// Each check is one scenario file in the v1 format (package scenarios),
// embedded in the binary by its platform's package as ID.yaml (its File
// reads PLATFORM/ID.yaml), with a stable id
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
// Before any check, a preflight delivers one correct event (the suite's
// Control type, then each other type of Config.Events). A target that cannot be reached ends Run
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
// Each platform's conformance package holds, in testdata/receivers, a
// corpus of receivers written the way people write them (Python
// http.server, Flask, Express, a serverless handler, Go net/http, the
// platforms' published samples), each with the verdict a careful reviewer
// gives every check; their tests assert those tables. The reference
// receivers (package receiver with each platform's part), one correct and
// one broken per bug class, are what this package's tests hold these
// verdicts to: each bug fails exactly the checks its catalogue entry names,
// and the correct receivers fail none.
//
// A Run that names a check the suite does not have (Config.Only) returns
// an error wrapping ErrUnknownCheck; one whose Config.Events names a type
// the platform does not document, ErrUnknownEventType.
//
// # Imports
//
// conform imports the root package, assert, scenarios and platform (for
// the Registry type). It must not import platform/all, any platform's
// package (wire profile, reference, conformance) or receiver, and it names
// no platform; its tests import platform/all.
package conform
