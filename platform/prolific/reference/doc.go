// Package reference is Prolific's part of hookdrill's reference receiver
// (receiver.Platform): how a Prolific delivery is verified and read, the
// event types the receiver handles, and its bug catalogue with the
// conformance checks each bug must fail.
//
// X-Prolific-Request-Signature is base64(HMAC-SHA256(secret,
// X-Prolific-Request-Timestamp + body)). Both headers are required, the
// signature must be canonical standard base64, and the request timestamp
// must be integer seconds within the tolerance of now in either direction
// (its own bug, no-timestamp-check, skips that). The idempotency key is
// X-Event-ID, the ordering time X-Timestamp; resource_id, event_type and
// status come from the body.
//
// # Imports
//
// It imports the standard library and receiver only. It must not import
// prolific's wire profile (platform/prolific), so that verification written from the
// wire contract cross-checks the sender's signing (its tests do import the
// wire profile, to sign), nor platform/all, conform or scenarios.
package reference
