// Package respondent is the hookdrill profile of Respondent's (respondent.io
// Partner API) webhooks: the five event types and their payload shapes in
// documented key order, the JSON.stringify body serialisation, the
// Respondent-Webhook-Signature scheme ("<alg>=<base64 HMAC(alg, privateKey,
// body)>"), what a correct receiver verifies, and the retry preset (6
// attempts, 10 minutes apart, 3 s timeout, no jitter).
//
// Facts follow /work/shared/platform-spec.md section 4. What the
// documentation leaves open (spec section 5: R1-R4, R9, R10, and the first
// recruiting transition's oldValue) is a named, documented field of Options
// with the spec's default.
//
// A Profile is immutable after New and safe for concurrent use. Everything
// random is drawn from the *rand.Rand passed to NewEvent, so a seed
// reproduces uuids, ids, names and texts exactly. Respondent signs no
// timestamp and sends no event-id header: the body's uuid is the dedup key.
package respondent
