// Package reference is the example platform's part of hookdrill's
// reference receiver (receiver.Platform): how an example delivery is
// verified and read, the event type the receiver handles, and its bug
// catalogue with the conformance checks (internal/exampleplatform/
// conformance) each bug must fail.
//
// Example-Signature is "t=<unix seconds>,v1=<hex HMAC-SHA256 of
// "<t>.<body>">"; t must lie within the tolerance of now, either way.
// Everything else is in the body: the idempotency key is "id", the
// ordering time "created_at", the resource data.order_id and its status
// data.status. Its own bug, no-timestamp-check, never checks t's age.
//
// # Imports
//
// It imports the standard library and receiver only. It must not import the
// example wire profile (internal/exampleplatform), so that
// verification written from the wire contract cross-checks the sender's
// signing (its tests do import the wire profile, to sign), nor
// platform/all, conform or scenarios.
package reference
