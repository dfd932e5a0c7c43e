package hookdrill

import (
	"errors"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
)

// Sentinel verification errors, for callers that branch on why a delivery
// was rejected. Profiles wrap them with detail.
var (
	ErrMissingSignature  = errors.New("signature header missing")
	ErrMissingTimestamp  = errors.New("timestamp header missing")
	ErrMalformed         = errors.New("signature header malformed")
	ErrUnknownAlgorithm  = errors.New("unknown signature algorithm")
	ErrSignatureMismatch = errors.New("signature mismatch")
	ErrStaleTimestamp    = errors.New("request timestamp outside the tolerance window")
)

// EventType describes one event type of a platform's catalogue.
type EventType struct {
	Name        string   `json:"event_type"`
	Description string   `json:"description"`
	Statuses    []string `json:"statuses,omitempty"` // valid Status values; empty when the event has none
	// Variants are platform-specific sub-kinds (Respondent's
	// screenerResponseUpdatedType values).
	Variants []string `json:"variants,omitempty"`
}

// SignInput is everything that goes into signing one attempt.
type SignInput struct {
	Event  Event
	Body   []byte    // exact bytes that are sent (unless a tamper changes them afterwards)
	Secret string    // signing key
	SentAt time.Time // the request time of this attempt
	// Algorithm overrides the platform's default MAC algorithm where the
	// platform names it on the wire (Respondent: "sha256", "sha512").
	Algorithm string
}

// VerifyOptions tune Verify.
type VerifyOptions struct {
	// Now is the receiver's clock; zero disables the freshness check.
	Now time.Time
	// Tolerance is the freshness window for platforms with a signed
	// timestamp; zero disables the check.
	Tolerance time.Duration
}

// Tamper names one way of corrupting a signed delivery.
type Tamper string

// Tamper kinds. Profiles implement the header-level ones (ApplyTamper); the
// sender implements the rest generically.
const (
	TamperWrongSecret   Tamper = "wrong_secret"      // signed with another key (sender)
	TamperFlipSignature Tamper = "flip_signature"    // one bit of the decoded MAC flipped (profile)
	TamperBodyChanged   Tamper = "body_changed"      // body altered after signing (profile MutateBody)
	TamperNoSignature   Tamper = "missing_signature" // signature header removed (profile)
	TamperNoTimestamp   Tamper = "missing_timestamp" // request timestamp header removed (profile)
	TamperBadBase64     Tamper = "malformed_base64"  // signature not valid base64 (profile)
	TamperUnknownAlg    Tamper = "unknown_algorithm" // algorithm name the receiver cannot know (profile)
	TamperStale         Tamper = "stale_timestamp"   // request timestamp in the past (sender, via SentAt)
	TamperFuture        Tamper = "future_timestamp"  // request timestamp in the future (sender, via SentAt)
)

// AllTampers lists every tamper kind, in a stable order.
var AllTampers = []Tamper{TamperWrongSecret, TamperFlipSignature, TamperBodyChanged,
	TamperNoSignature, TamperNoTimestamp, TamperBadBase64, TamperUnknownAlg, TamperStale, TamperFuture}

// ErrTamperUnsupported is returned by ApplyTamper for a kind the platform
// has no wire form for (e.g. a missing timestamp on Respondent).
var ErrTamperUnsupported = errors.New("tamper not supported by this platform")

// Profile is everything one provider decides. Adding a platform means one
// new package under platform/ implementing it.
type Profile interface {
	// Name is the platform name ("prolific", "respondent").
	Name() string
	// EventTypes is the documented catalogue, in a stable order.
	EventTypes() []EventType
	// NewEvent builds a complete event from spec, filling blanks with values
	// drawn from rnd (ids, participants) and now (event time). Unknown event
	// types and statuses are errors that list the valid values.
	NewEvent(spec EventSpec, rnd *rand.Rand, now time.Time) (Event, error)
	// Encode returns the exact body bytes the platform sends for ev.
	Encode(ev Event) ([]byte, error)
	// Sign returns the headers of one attempt: content type, signature and
	// any event and timestamp headers.
	Sign(in SignInput) (http.Header, error)
	// Verify checks a received request the way a correct receiver would.
	Verify(h http.Header, body []byte, secret string, opt VerifyOptions) error
	// ApplyTamper corrupts signed headers in place for the header-level
	// tamper kinds; ErrTamperUnsupported for kinds without a wire form.
	ApplyTamper(h http.Header, t Tamper) error
	// MutateBody returns a body that differs from the signed one in a value
	// a receiver would act on (the resource id), keeping the serialisation.
	MutateBody(ev Event) ([]byte, error)
	// RetryPolicy is the platform's default retry policy.
	RetryPolicy() RetryPolicy
	// RetryPresets lists the named policies the platform offers.
	RetryPresets() map[string]RetryPolicy
}

// HeaderOrderer is implemented by a Profile whose documentation spells and
// orders its delivery headers. The sender writes those headers with exactly
// these names (e.g. "X-Event-ID", never Go's canonical "X-Event-Id"), in
// this order, after Host, User-Agent, Content-Type and Content-Length and
// before any other header. Sign should store the headers under the same
// spelling, so that journals show the names as sent; read such headers
// case-insensitively (HeaderValues), as receivers must.
type HeaderOrderer interface {
	HeaderOrder() []string
}

// HeaderValues returns the values of every key of h equal to name in any
// case: http.Header.Values only finds the canonical spelling, while the
// headers a Profile signs keep the platform's own (X-Event-ID).
func HeaderValues(h http.Header, name string) []string {
	vs := h.Values(name)
	canon := http.CanonicalHeaderKey(name)
	for k, v := range h {
		if k != canon && strings.EqualFold(k, name) {
			vs = append(vs[:len(vs):len(vs)], v...)
		}
	}
	return vs
}
