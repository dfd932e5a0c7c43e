// Package receiver holds reference webhook receivers for Prolific and
// Respondent: one correct receiver per platform, and deliberately broken
// variants, one per bug class, that hookdrill's own tests and
// `hookdrill conform --demo` run the conformance suite against.
//
// The receivers are also meant to be read. The correct path is what a careful
// team would put in production; every deliberate deviation is switched on by
// a Bug in Config.Bugs and marked in the source with a comment of the form
// "Deliberate bug (name)" at the exact line where a real team would have
// written the broken code.
//
// # What the correct receiver does
//
//   - Reads the raw body, at most MaxBodyBytes (1 MiB, otherwise 413), and
//     verifies the signature over those raw bytes with a constant-time
//     comparison (hmac.Equal). Verification is written from the wire
//     contract alone and uses only the standard library; it does not share
//     code with hookdrill's platform packages, so each cross-checks the other.
//   - Prolific: X-Prolific-Request-Signature is base64(HMAC-SHA256(secret,
//     X-Prolific-Request-Timestamp + body)). Both headers are required, the
//     signature must be canonical standard base64, and the request timestamp
//     must be integer seconds within Config.Tolerance of Config.Now in either
//     direction.
//   - Respondent: Respondent-Webhook-Signature is "<algorithm>=<base64 HMAC>"
//     split at the first "="; only sha256 and sha512 are accepted.
//   - Every authentication failure is 401, every malformed but authentic
//     delivery is 400; no input makes it answer 5xx.
//   - Idempotency: the key is X-Event-ID (Prolific) or the body's "uuid"
//     (Respondent). A repeated key is answered 200 and not applied again. The
//     key is recorded in the same critical section that applies the event,
//     never before, so a rejected attempt cannot poison its valid retry.
//   - Ordering: per resource, the receiver keeps the ordering timestamp of the
//     newest status it applied (Prolific X-Timestamp, Respondent "created")
//     and acknowledges but discards a status older than that. Equal
//     timestamps apply (the later arrival wins).
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
// Bugs lists the bug catalogue; Start serves a receiver on 127.0.0.1 for
// demos.
package receiver
