package receiver

import (
	"crypto/hmac"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"net/http"
	"time"
)

// Platform is one platform's part of the reference receiver: how its
// deliveries are signed and what they carry. The core (Receiver) does the
// rest: routes, body limit, idempotency, ordering, state and the generic
// bugs. Each platform has one in platform/NAME/reference; a Platform must
// be safe for concurrent use.
type Platform interface {
	// Name is the platform's name, as its wire profile has it.
	Name() string
	// EventTypes lists the event types the receiver has a handler for; the
	// others are acknowledged and ignored (unknown, future types).
	EventTypes() []string
	// Verify checks a delivery's authenticity over its raw body with the
	// keys. It returns nil for an authentic delivery, else an error
	// wrapping ErrMissingSignature (no signature header),
	// ErrMalformedSignature (a header it cannot decode) or
	// ErrSignatureMismatch (no key makes the signature), or any other error
	// (e.g. a stale timestamp), all answered 401 with the error's text.
	Verify(d Delivery, k Keys) error
	// Key reads a delivery's idempotency key without verifying anything
	// ("" when it has none). Only the dedup-before-verify bug uses it.
	Key(d Delivery) string
	// Parse reads the event of an authentic delivery. An error is answered
	// 400 with its text, unless it is an *Answer (a deliberate bug of the
	// platform choosing its own answer).
	Parse(d Delivery) (Event, error)
	// Reserialize rewrites a JSON body the way the platform's own
	// serialiser writes it (see ReformatJSON); only the reserializes-body
	// bug uses it.
	Reserialize(body []byte) []byte
	// Bugs lists the platform's bug catalogue, in order: the generic bugs
	// of this package it has (Summary may be left empty: the generic one
	// applies) and its own, each with the conformance check ids (without
	// the platform prefix) that must fail when it is switched on.
	Bugs() []BugInfo
	// BugEventType names the documented event type that a bug breaking
	// one handler (BugMissingEventType, BugRedirects) affects ("" none).
	BugEventType(b Bug) string
}

// Delivery is one POSTed delivery as a Platform sees it.
type Delivery struct {
	Header http.Header
	// Body is the raw body (under the reserializes-body bug, its
	// re-serialisation, for Verify).
	Body []byte
	// Bug reports whether a bug is switched on (never nil): a platform's
	// own bugs live in its Verify and Parse.
	Bug func(Bug) bool
}

// Keys are what Verify checks a signature with.
type Keys struct {
	// Secrets are the keys a signature may be made with: the current one
	// first (under BugAcceptsOldSecret, the rotated ones too).
	Secrets []string
	// Now and Tolerance bound a signed request timestamp, either way.
	Now       time.Time
	Tolerance time.Duration
}

// Event is what the receiver reads from an authentic delivery.
type Event struct {
	// Key is the idempotency key (the event id).
	Key string
	// Type is the event type.
	Type string
	// Resource is the id of the resource the event is about ("" none).
	Resource string
	// Status is the resource's new status, if the event carries one.
	Status string
	// At is the ordering time (zero: unknown, always applies).
	At time.Time
}

// Answer is an error a Platform returns to answer a delivery with a status
// code of its choosing (a deliberate bug's 500, say).
type Answer struct {
	Code    int
	Message string
}

func (a *Answer) Error() string { return fmt.Sprintf("%d %s", a.Code, a.Message) }

// Verification failures a Platform's Verify wraps.
var (
	ErrMissingSignature   = errors.New("signature header missing")
	ErrMalformedSignature = errors.New("signature header malformed")
	ErrSignatureMismatch  = errors.New("signature mismatch")
)

// DecodeBase64 decodes canonical standard base64 (padding, no stray bits);
// an error wraps ErrMalformedSignature.
func DecodeBase64(s string) ([]byte, error) {
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: not standard base64", ErrMalformedSignature)
	}
	return b, nil
}

// MatchHMAC reports whether got is the HMAC (hash h) of msg under any of
// the secrets, comparing in constant time.
func MatchHMAC(h func() hash.Hash, secrets []string, msg, got []byte) bool {
	for _, s := range secrets {
		m := hmac.New(h, []byte(s))
		m.Write(msg)
		if hmac.Equal(got, m.Sum(nil)) {
			return true
		}
	}
	return false
}

// ReformatJSON rewrites a JSON document's whitespace the way a platform's
// own serialiser would: compact, or (spaced) with Python's ", " and ": "
// separators. Strings are copied as they are.
func ReformatJSON(body []byte, spaced bool) []byte {
	out := make([]byte, 0, len(body))
	inStr, esc := false, false
	for _, c := range body {
		switch {
		case inStr:
			out = append(out, c)
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
		case c == '"':
			inStr = true
			out = append(out, c)
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		case spaced && (c == ',' || c == ':'):
			out = append(out, c, ' ')
		default:
			out = append(out, c)
		}
	}
	return out
}
