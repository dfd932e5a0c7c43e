package exampleplatform

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/internal/wire"
)

// HeaderSignature carries "t=<unix seconds>,v1=<hex signature>".
const HeaderSignature = "Example-Signature"

// Signature header elements.
const (
	// ElemTimestamp is the element of the request time, decimal Unix
	// seconds.
	ElemTimestamp = "t"
	// Scheme is the element of the signature and the only scheme there is:
	// lowercase hex of HMAC-SHA256 over "<t>.<body>".
	Scheme = "v1"
)

// MalformedSignature is the value TamperBadBase64 puts after "v1=": not
// hex at all (the example platform's signature is hex, not base64).
const MalformedSignature = "!!not-hex!!"

// UnknownScheme is the scheme TamperUnknownAlg puts in place of "v1": a
// version the receiver cannot know.
const UnknownScheme = "v9"

// maxElements bounds the elements Verify reads from one header.
const maxElements = 16

// HeaderOrder returns the documented delivery headers in the order the
// sender writes them (hookdrill.HeaderOrderer): the signature only. The
// caller owns the slice.
func (p *Profile) HeaderOrder() []string { return []string{HeaderSignature} }

// Signature returns the v1 signature for a timestamp element and exact body
// bytes: lowercase hex of HMAC-SHA256 keyed with the secret string's bytes
// over timestamp, ".", body. Use it to unit-test a receiver's verifier.
func Signature(secret, timestamp string, body []byte) string {
	return hex.EncodeToString(mac(secret, timestamp, body))
}

// SignatureHeader returns the whole Example-Signature value for a request
// sent at sentAt: "t=<unix seconds>,v1=<Signature>".
func SignatureHeader(secret string, sentAt time.Time, body []byte) string {
	ts := strconv.FormatInt(sentAt.Unix(), 10)
	return ElemTimestamp + "=" + ts + "," + Scheme + "=" + Signature(secret, ts, body)
}

func mac(secret, timestamp string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// Encode returns the body bytes: JavaScript JSON.stringify form (compact,
// non-ASCII as UTF-8), keys in the payload's order.
func (p *Profile) Encode(ev hookdrill.Event) ([]byte, error) {
	if ev.Payload == nil {
		return nil, errors.New("example: encode: event has no payload")
	}
	b, err := hookdrill.EncodeCompact(ev.Payload)
	if err != nil {
		return nil, fmt.Errorf("example: encode: %w", err)
	}
	return b, nil
}

// Sign returns the headers of one attempt: Content-Type and
// Example-Signature for in.SentAt. in.Algorithm may only be "" or "v1".
// Every attempt signs its own request time, so a retry carries a new
// signature.
func (p *Profile) Sign(in hookdrill.SignInput) (http.Header, error) {
	if in.Algorithm != "" && in.Algorithm != Scheme {
		return nil, fmt.Errorf("example: sign: %w %q (the example platform signs with %s only)",
			hookdrill.ErrUnknownAlgorithm, wire.Clip(in.Algorithm), Scheme)
	}
	if in.SentAt.IsZero() {
		return nil, errors.New("example: sign: SentAt is zero")
	}
	return http.Header{
		"Content-Type":  {"application/json"},
		HeaderSignature: {SignatureHeader(in.Secret, in.SentAt, in.Body)},
	}, nil
}

// sigHeader is a parsed Example-Signature value.
type sigHeader struct {
	t       string   // the timestamp element as sent ("" when absent)
	v1      []string // every v1 element, in order (several during a key rotation)
	schemes []string // names of other v<n> elements
}

// parseHeader splits "k=v,k=v": every element must have a non-empty key;
// t may appear once. Unknown keys other than v<n> are ignored.
func parseHeader(v string) (sigHeader, error) {
	var s sigHeader
	elems := strings.Split(v, ",")
	if len(elems) > maxElements {
		return s, fmt.Errorf("%d elements, at most %d", len(elems), maxElements)
	}
	seenT := false
	for _, e := range elems {
		k, val, found := strings.Cut(strings.TrimSpace(e), "=")
		if !found || k == "" {
			return s, fmt.Errorf("element %q is not <key>=<value>", wire.Clip(e))
		}
		switch {
		case k == ElemTimestamp:
			if seenT {
				return s, errors.New("t repeated")
			}
			seenT, s.t = true, val
		case k == Scheme:
			s.v1 = append(s.v1, val)
		case isScheme(k):
			s.schemes = append(s.schemes, k)
		}
	}
	return s, nil
}

// isScheme reports whether k names a signature scheme: "v" and digits.
func isScheme(k string) bool {
	if len(k) < 2 || k[0] != 'v' {
		return false
	}
	for i := 1; i < len(k); i++ {
		if k[i] < '0' || k[i] > '9' {
			return false
		}
	}
	return true
}

// parseUnix reads the t element: 1 to 18 decimal digits, nothing else.
func parseUnix(ts string) (time.Time, error) {
	if ts == "" || len(ts) > 18 || strings.Trim(ts, "0123456789") != "" {
		return time.Time{}, fmt.Errorf("t %q is not decimal Unix seconds", wire.Clip(ts))
	}
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("t %q: %w", wire.Clip(ts), err)
	}
	return time.Unix(n, 0), nil
}

// Verify checks a delivery the way a correct receiver does: the
// Example-Signature header present once; its elements well formed; a t
// element of decimal Unix seconds; at least one v1 element (a header with
// only other schemes names an algorithm the receiver cannot know); every v1
// lowercase or upper-case hex of 32 bytes; one of them equal in constant
// time to the MAC over "<t>.<body>"; and, when opt.Now is set and
// opt.Tolerance > 0, t within Tolerance of Now in either direction. Errors
// wrap hookdrill.ErrMissingSignature, ErrMissingTimestamp, ErrMalformed,
// ErrUnknownAlgorithm, ErrSignatureMismatch or ErrStaleTimestamp.
func (p *Profile) Verify(h http.Header, body []byte, secret string, opt hookdrill.VerifyOptions) error {
	v, ok, err := wire.Header(h, HeaderSignature)
	if err != nil {
		return fmt.Errorf("example: verify: %w: %w", hookdrill.ErrMalformed, err)
	}
	if !ok {
		return fmt.Errorf("example: verify: %w: %s", hookdrill.ErrMissingSignature, HeaderSignature)
	}
	s, err := parseHeader(v)
	if err != nil {
		return fmt.Errorf("example: verify: %w: %s: %w", hookdrill.ErrMalformed, HeaderSignature, err)
	}
	if s.t == "" {
		return fmt.Errorf("example: verify: %w: %s has no t element", hookdrill.ErrMissingTimestamp, HeaderSignature)
	}
	if len(s.v1) == 0 {
		if len(s.schemes) > 0 {
			return fmt.Errorf("example: verify: %w %q (valid: %q)", hookdrill.ErrUnknownAlgorithm, wire.Clip(s.schemes[0]), Scheme)
		}
		return fmt.Errorf("example: verify: %w: %s has no %s element", hookdrill.ErrMissingSignature, HeaderSignature, Scheme)
	}
	sent, err := parseUnix(s.t)
	if err != nil {
		return fmt.Errorf("example: verify: %w: %s %w", hookdrill.ErrMalformed, HeaderSignature, err)
	}
	want := mac(secret, s.t, body)
	matched := false
	for _, sig := range s.v1 {
		got, err := hex.DecodeString(sig)
		if err != nil || len(got) != sha256.Size {
			return fmt.Errorf("example: verify: %w: %s %s is not hex of %d bytes", hookdrill.ErrMalformed, HeaderSignature, Scheme, sha256.Size)
		}
		matched = hmac.Equal(got, want) || matched
	}
	if !matched {
		return fmt.Errorf("example: verify: %w", hookdrill.ErrSignatureMismatch)
	}
	if opt.Now.IsZero() || opt.Tolerance <= 0 {
		return nil
	}
	switch skew := opt.Now.Sub(sent); {
	case skew > opt.Tolerance:
		return fmt.Errorf("example: verify: %w: sent %s before now, tolerance %s", hookdrill.ErrStaleTimestamp, skew, opt.Tolerance)
	case skew < -opt.Tolerance:
		return fmt.Errorf("example: verify: %w: sent %s in the future, tolerance %s", hookdrill.ErrStaleTimestamp, -skew, opt.Tolerance)
	}
	return nil
}

// VerifyOptions returns the verification we recommend receivers apply at
// time now: Options.Tolerance (default DefaultTolerance) around now.
func (p *Profile) VerifyOptions(now time.Time) hookdrill.VerifyOptions {
	return hookdrill.VerifyOptions{Now: now, Tolerance: p.opts.Tolerance}
}

// ApplyTamper corrupts the signature header in place. Every header-level
// kind has a wire form: TamperFlipSignature flips the lowest bit of each
// v1 MAC's first byte (still hex of the right length); TamperNoSignature
// removes the header; TamperNoTimestamp removes its t element;
// TamperBadBase64 puts MalformedSignature after "v1="; TamperUnknownAlg
// renames v1 to UnknownScheme and flips a bit of its MAC (valid under no
// scheme). The sender's kinds (wrong_secret, body_changed, stale and future
// timestamps) return an error wrapping hookdrill.ErrTamperUnsupported.
func (p *Profile) ApplyTamper(h http.Header, t hookdrill.Tamper) error {
	switch t {
	case hookdrill.TamperNoSignature:
		h.Del(HeaderSignature)
		return nil
	case hookdrill.TamperFlipSignature, hookdrill.TamperNoTimestamp, hookdrill.TamperBadBase64, hookdrill.TamperUnknownAlg:
	default:
		return fmt.Errorf("example: tamper %s: %w", t, hookdrill.ErrTamperUnsupported)
	}
	v := h.Get(HeaderSignature)
	if v == "" {
		return fmt.Errorf("example: tamper %s: %s missing", t, HeaderSignature)
	}
	elems := strings.Split(v, ",")
	out := elems[:0]
	for _, e := range elems {
		k, val, _ := strings.Cut(e, "=")
		switch {
		case k == ElemTimestamp && t == hookdrill.TamperNoTimestamp:
			continue
		case k == Scheme && t == hookdrill.TamperBadBase64:
			val = MalformedSignature
		case k == Scheme && (t == hookdrill.TamperFlipSignature || t == hookdrill.TamperUnknownAlg):
			b, err := hex.DecodeString(val)
			if err != nil || len(b) == 0 {
				return fmt.Errorf("example: tamper %s: %s %s is not hex", t, HeaderSignature, Scheme)
			}
			b[0] ^= 0x01
			val = hex.EncodeToString(b)
			if t == hookdrill.TamperUnknownAlg {
				k = UnknownScheme
			}
		}
		out = append(out, k+"="+val)
	}
	h.Set(HeaderSignature, strings.Join(out, ","))
	return nil
}

// MutateBody returns the body of ev with a different data.order_id (its
// last hex digit changed), in the same serialisation: what an attacker who
// altered a signed body would send. A body without data gets a changed id.
func (p *Profile) MutateBody(ev hookdrill.Event) ([]byte, error) {
	o := ev.Payload.Clone()
	if data := dataOf(o); data != nil {
		id := data.GetString(KeyOrderID)
		if id == "" {
			id = ev.ResourceID
		}
		o = o.Set(KeyData, data.Set(KeyOrderID, wire.MutateID(id)))
	} else {
		o = o.Set(KeyID, wire.MutateID(or(o.GetString(KeyID), ev.ID)))
	}
	b, err := hookdrill.EncodeCompact(o)
	if err != nil {
		return nil, fmt.Errorf("example: mutate body: %w", err)
	}
	return b, nil
}
