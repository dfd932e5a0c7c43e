// Package prolific is the hookdrill profile of Prolific's webhooks: the
// event catalogue and status vocabularies, payload shapes in their
// documented key order, the Python-json.dumps body serialisation, the
// X-Prolific-Request-Signature scheme (HMAC-SHA256 over timestamp+body,
// standard base64), what a correct receiver verifies, the retry presets
// (current 13 attempts / 48 h and legacy 12 / 24 h, exponential backoff
// with full jitter) and the persistent-failure disabling policy.
//
// Facts follow /work/shared/platform-spec.md sections 2 and 3. Everything
// the documentation leaves open (spec section 5: P1, P2, P5-P9, P14, P15) is
// a named, documented field of Options or DisablePolicy with the spec's
// default, never a hidden constant.
//
// A Profile is immutable after New and safe for concurrent use. Everything
// random is drawn from the *rand.Rand passed to NewEvent, so a seed
// reproduces ids and payloads exactly.
package prolific
