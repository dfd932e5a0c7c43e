// Package receiver is the platform-neutral core of hookdrill's reference
// webhook receivers: one correct receiver per platform, and deliberately
// broken variants, one per bug class, that hookdrill's own tests and
// `hookdrill conform --demo` run the conformance suites against.
//
// The core owns what every platform's receiver does the same way: the
// routes, the body limit, idempotency, ordering, the State, the generic bug
// switches (Bug constants) and the catalogue plumbing (Bugs, ParseBugs). What
// one platform does differently (how a delivery is signed and verified, how
// its event id, type, resource, status and ordering time are read, which
// event types it has, which bugs it offers and which conformance checks
// each must fail) is that platform's part, a Platform, in
// platform/NAME/reference; Config.Platform takes it. The list of parts
// lives in platform/all (References).
//
// The receivers are also meant to be read. The correct path is what a careful
// team would put in production; every deliberate deviation is switched on by
// a Bug in Config.Bugs and marked in the source with a comment of the form
// "Deliberate bug (name)" at the exact line where a real team would have
// written the broken code (here for the generic bugs, in the platform part
// for its own).
//
// # What the correct receiver does
//
//   - Reads the raw body, at most MaxBodyBytes (1 MiB, otherwise 413), and
//     has the platform part verify the signature over those raw bytes with a
//     constant-time comparison (MatchHMAC). Verification is written from the
//     wire contract alone and uses only the standard library; the parts do
//     not share code with hookdrill's wire profiles, so each cross-checks the
//     other.
//   - Every authentication failure is 401, every malformed but authentic
//     delivery is 400; no input makes it answer 5xx.
//   - Idempotency: the key is the event id the part reads (Event.Key). A
//     repeated key is answered 200 and not applied again. The key is
//     recorded in the same critical section that applies the event, never
//     before, so a rejected attempt cannot poison its valid retry.
//   - Ordering: per resource, the receiver keeps the ordering timestamp of the
//     newest status it applied (Event.At) and acknowledges but discards a
//     status older than that. Equal timestamps apply (the later arrival
//     wins).
//   - Unknown (future) event types are acknowledged and counted.
//   - It answers at once with a small JSON body.
//
// # Routes
//
//	POST <any path>   a webhook delivery
//	GET  /_state      the State as JSON, for probes such as
//	                  http://127.0.0.1:PORT/_state#/processed/{event_id}
//	POST /_reset      forget everything
//
// Any other method answers 405 with an Allow header.
//
// Bugs lists a platform's bug catalogue; Start serves a receiver on
// 127.0.0.1 for demos.
//
// # Imports
//
// receiver imports the standard library, clock and internal/suggest only.
// It must not import platform/all, any platform package (wire profiles or
// parts), conform or scenarios, and it names no platform: its tests reach
// real platforms through their parts (an external test package).
package receiver
