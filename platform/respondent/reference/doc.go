// Package reference is Respondent's part of hookdrill's reference receiver
// (receiver.Platform): how a Respondent delivery is verified and read, the
// event types the receiver handles, and its bug catalogue with the
// conformance checks each bug must fail.
//
// Respondent-Webhook-Signature is "<algorithm>=<base64 HMAC of the body>",
// split at the first "="; only sha256 and sha512 are accepted. Everything
// else is in the body: the idempotency key is "uuid", the ordering time
// "created", the status the new value of a "status" or "recruitingStatus"
// updated field. Its own bug, string-values-only, crashes on a non-string
// updated field.
//
// # Imports
//
// It imports the standard library and receiver only. It must not import
// respondent's wire profile (platform/respondent), so that verification written from the
// wire contract cross-checks the sender's signing (its tests do import the
// wire profile, to sign), nor platform/all, conform or scenarios.
package reference
