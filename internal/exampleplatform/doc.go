// Package exampleplatform is a test-only third webhook platform, "example":
// a minimal HMAC webhook that exists to prove hookdrill's core packages take
// every platform-specific part as a value (a hookdrill.Profile and the
// per-platform parts beside it), never by name. It is complete at the wire
// level, like platform/prolific and platform/respondent, but describes no
// real service:
//
//   - one event type, "order.updated", with the statuses created, paid,
//     refunded and cancelled;
//   - a JSON.stringify (compact) body of its own envelope:
//     {"id","type","created_at" (Unix seconds),"data":{"order_id",
//     "customer_id","status","amount","currency"}};
//   - one signature header, Example-Signature: t=<unix seconds>,v1=<hex
//     HMAC-SHA256 over "<t>.<body>">, verified within a tolerance window;
//   - retry presets "example" (4 attempts: 1, 5 and 25 minutes apart, no
//     jitter) and "example-fast" (8 attempts, exponential from 10 s with full
//     jitter, 1 h cut-off).
//
// The body's "id" is the event id (a receiver's dedup key) and
// "customer_id" the identity an order keeps across its events
// (platform.Identifier).
//
// A Profile is immutable after New and safe for concurrent use. Everything
// random is drawn from the *rand.Rand passed to NewEvent.
//
// It imports only the root package and internal/wire; being
// internal, only hookdrill's own tests can import it. Nothing outside
// internal/exampleplatform may depend on it in non-test code.
package exampleplatform
