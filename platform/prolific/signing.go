package prolific

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/internal/wire"
)

// Header names of a delivery (spec 2.1), in the spelling the docs use. Sign
// stores them under exactly these keys and the sender writes them so on the
// wire (HeaderOrder); net/http's Get canonicalises a name (X-Event-ID to
// X-Event-Id) and so misses X-Event-ID in a signed header map: read them
// with hookdrill.HeaderValues, case-insensitively, as receivers must.
const (
	HeaderSignature        = "X-Prolific-Request-Signature"
	HeaderRequestTimestamp = "X-Prolific-Request-Timestamp"
	HeaderEventID          = "X-Event-ID"
	HeaderTimestamp        = "X-Timestamp"
)

// Algorithm is the only MAC algorithm Prolific uses.
const Algorithm = "sha256"

// MalformedSignature is the value TamperBadBase64 puts in the signature
// header: not base64 at all.
const MalformedSignature = "!!not-base64!!"

// Signature returns the X-Prolific-Request-Signature value for a request
// timestamp header value and exact body bytes: standard base64 of
// HMAC-SHA256 keyed with the secret string's bytes (not base64-decoded) over
// timestamp immediately followed by body (spec 2.2). Use it to unit-test a
// receiver's verifier.
func Signature(secret, timestamp string, body []byte) string {
	return base64.StdEncoding.EncodeToString(mac(secret, timestamp, body))
}

// headerOrder is the order the documentation's wire example (a request
// line, Host, Content-Type, then these) lists the delivery headers in.
var headerOrder = []string{HeaderRequestTimestamp, HeaderSignature, HeaderEventID, HeaderTimestamp}

// HeaderOrder returns the documented delivery headers in the order the
// sender writes them, spelled as the documentation spells them
// (hookdrill.HeaderOrderer).
func (p *Profile) HeaderOrder() []string { return slices.Clip(headerOrder) }

// maxCachedSecrets bounds how many secrets a Profile keeps HMAC states for.
const maxCachedSecrets = 64

// macCache reuses HMAC-SHA256 states per secret across attempts: a fresh
// hmac.New per attempt costs two SHA-256 states and the key pads, a large
// share of what signing allocates. Beyond maxCachedSecrets distinct
// secrets it signs without caching.
type macCache struct {
	mu    sync.Mutex // guards pools
	pools map[string]*sync.Pool
}

// macState is an HMAC state for one secret, with scratch room for the
// bytes of the headers Sign writes (timestamps and signature).
type macState struct {
	h    hash.Hash
	pool *sync.Pool // where it goes back to; nil when not cached
	buf  [96]byte
}

// base64Len is the length of a SHA-256 MAC in standard base64.
var base64Len = base64.StdEncoding.EncodedLen(sha256.Size)

// get returns a reset HMAC state for secret; release it when done.
func (c *macCache) get(secret string) *macState {
	c.mu.Lock()
	pool := c.pools[secret]
	if pool == nil && len(c.pools) < maxCachedSecrets {
		if c.pools == nil {
			c.pools = make(map[string]*sync.Pool)
		}
		key := []byte(secret)
		pool = &sync.Pool{}
		pool.New = func() any { return &macState{h: hmac.New(sha256.New, key), pool: pool} }
		c.pools[secret] = pool
	}
	c.mu.Unlock()
	if pool == nil {
		return &macState{h: hmac.New(sha256.New, []byte(secret))}
	}
	st := pool.Get().(*macState)
	st.h.Reset()
	return st
}

// release returns st to its pool; st must not be used afterwards.
func (st *macState) release() {
	if st.pool != nil {
		st.pool.Put(st)
	}
}

// appendSignature appends Signature(secret, timestamp, body) to dst. It
// needs sha256.Size bytes of spare capacity in dst beyond what it appends
// to avoid allocating.
func (st *macState) appendSignature(dst, timestamp, body []byte) []byte {
	st.h.Write(timestamp)
	st.h.Write(body)
	// The MAC goes after the base64 room, then is encoded into that room.
	n := len(dst)
	dst = st.h.Sum(slices.Grow(dst, base64Len+sha256.Size)[:n+base64Len])
	base64.StdEncoding.Encode(dst[n:n+base64Len], dst[n+base64Len:])
	return dst[:n+base64Len]
}

func mac(secret, timestamp string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp))
	m.Write(body)
	return m.Sum(nil)
}

// FormatTimestamp renders t as the timestamp headers carry it: decimal
// integer in Options.TimestampUnit since the Unix epoch.
func (p *Profile) FormatTimestamp(t time.Time) string {
	var buf [20]byte
	return string(p.appendTimestamp(buf[:0], t))
}

func (p *Profile) appendTimestamp(b []byte, t time.Time) []byte {
	if p.opts.TimestampUnit == time.Millisecond {
		return strconv.AppendInt(b, t.UnixMilli(), 10)
	}
	return strconv.AppendInt(b, t.Unix(), 10)
}

func (p *Profile) parseTimestamp(s string) (time.Time, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, err
	}
	if p.opts.TimestampUnit == time.Millisecond {
		return time.UnixMilli(n), nil
	}
	return time.Unix(n, 0), nil
}

// Encode returns the body bytes: Python json.dumps form by default
// (Options.Encoding).
func (p *Profile) Encode(ev hookdrill.Event) ([]byte, error) {
	if ev.Payload == nil {
		return nil, errors.New("prolific: encode: event has no payload")
	}
	b, err := p.encode(ev.Payload)
	if err != nil {
		return nil, fmt.Errorf("prolific: encode: %w", err)
	}
	return b, nil
}

func (p *Profile) encode(o hookdrill.Object) ([]byte, error) {
	if p.opts.Encoding == EncodingCompact {
		return hookdrill.EncodeCompact(o)
	}
	return hookdrill.EncodePython(o)
}

// Sign returns the headers of one attempt: Content-Type, User-Agent (unless
// NoUserAgent), X-Prolific-Request-Timestamp (in.SentAt),
// X-Prolific-Request-Signature, X-Event-ID (in.Event.ID, when set) and
// X-Timestamp (in.Event.CreatedAt, when set; in.SentAt with
// XTimestampPerAttempt). in.Algorithm may only be "" or "sha256".
func (p *Profile) Sign(in hookdrill.SignInput) (http.Header, error) {
	if in.Algorithm != "" && in.Algorithm != Algorithm {
		return nil, fmt.Errorf("prolific: sign: %w %q (Prolific signs with %s only)",
			hookdrill.ErrUnknownAlgorithm, in.Algorithm, Algorithm)
	}
	if in.SentAt.IsZero() {
		return nil, errors.New("prolific: sign: SentAt is zero")
	}
	// The timestamps and the signature share one string, and the headers
	// one map and one array of values: this runs for every attempt.
	st := p.macs.get(in.Secret)
	b := p.appendTimestamp(st.buf[:0], in.SentAt)
	nts := len(b)
	b = st.appendSignature(b, b, in.Body)
	nsig := len(b)
	if !p.opts.XTimestampPerAttempt && !in.Event.CreatedAt.IsZero() {
		b = p.appendTimestamp(b, in.Event.CreatedAt)
	}
	str := string(b)
	st.release()
	ts, sig, xts := str[:nts], str[nts:nsig], str[nsig:]
	if p.opts.XTimestampPerAttempt {
		xts = ts
	}
	// Keys are the documented spellings (X-Event-ID, not X-Event-Id).
	h := make(http.Header, 6)
	vals := make([]string, 0, 6)
	set := func(k, v string) {
		vals = append(vals, v)
		h[k] = vals[len(vals)-1 : len(vals) : len(vals)]
	}
	set("Content-Type", "application/json")
	if p.opts.UserAgent != NoUserAgent {
		set("User-Agent", p.opts.UserAgent)
	}
	set(HeaderRequestTimestamp, ts)
	set(HeaderSignature, sig)
	if in.Event.ID != "" {
		set(HeaderEventID, in.Event.ID)
	}
	if xts != "" {
		set(HeaderTimestamp, xts)
	}
	return h, nil
}

// Verify checks a delivery the way a correct receiver does: both the
// signature and the request timestamp header present (once each), the
// signature canonical standard base64 of 32 bytes, the MAC equal in
// constant time, and, when opt.Now is set and opt.Tolerance > 0, the
// request timestamp within Tolerance of Now in either direction. Errors
// wrap hookdrill.ErrMissingSignature, ErrMissingTimestamp, ErrMalformed,
// ErrSignatureMismatch or ErrStaleTimestamp.
func (p *Profile) Verify(h http.Header, body []byte, secret string, opt hookdrill.VerifyOptions) error {
	sig, ok, err := wire.Header(h, HeaderSignature)
	if err != nil {
		return fmt.Errorf("prolific: verify: %w: %w", hookdrill.ErrMalformed, err)
	}
	if !ok {
		return fmt.Errorf("prolific: verify: %w: %s", hookdrill.ErrMissingSignature, HeaderSignature)
	}
	ts, ok, err := wire.Header(h, HeaderRequestTimestamp)
	if err != nil {
		return fmt.Errorf("prolific: verify: %w: %w", hookdrill.ErrMalformed, err)
	}
	if !ok {
		return fmt.Errorf("prolific: verify: %w: %s", hookdrill.ErrMissingTimestamp, HeaderRequestTimestamp)
	}
	got, err := wire.DecodeMAC(sig, sha256.Size)
	if err != nil {
		return fmt.Errorf("prolific: verify: %w: %s %w", hookdrill.ErrMalformed, HeaderSignature, err)
	}
	if !hmac.Equal(got, mac(secret, ts, body)) {
		return fmt.Errorf("prolific: verify: %w", hookdrill.ErrSignatureMismatch)
	}
	if opt.Now.IsZero() || opt.Tolerance <= 0 {
		return nil
	}
	sent, err := p.parseTimestamp(ts)
	if err != nil {
		return fmt.Errorf("prolific: verify: %w: %s %q is not an integer", hookdrill.ErrMalformed, HeaderRequestTimestamp, wire.Clip(ts))
	}
	switch skew := opt.Now.Sub(sent); {
	case skew > opt.Tolerance:
		return fmt.Errorf("prolific: verify: %w: sent %s before now, tolerance %s", hookdrill.ErrStaleTimestamp, skew, opt.Tolerance)
	case skew < -opt.Tolerance:
		return fmt.Errorf("prolific: verify: %w: sent %s in the future, tolerance %s", hookdrill.ErrStaleTimestamp, -skew, opt.Tolerance)
	}
	return nil
}

// VerifyOptions returns the verification we recommend receivers apply at
// time now: Options.Tolerance (default DefaultTolerance) around now.
func (p *Profile) VerifyOptions(now time.Time) hookdrill.VerifyOptions {
	return hookdrill.VerifyOptions{Now: now, Tolerance: p.opts.Tolerance}
}

// ApplyTamper corrupts signed headers in place: TamperFlipSignature flips
// one bit of the decoded MAC (still valid base64), TamperNoSignature and
// TamperNoTimestamp remove a header, TamperBadBase64 sets
// MalformedSignature. Every other kind (the sender's wrong_secret,
// body_changed, stale and future timestamps; unknown_algorithm, which has no
// wire form on Prolific) returns an error wrapping
// hookdrill.ErrTamperUnsupported.
func (p *Profile) ApplyTamper(h http.Header, t hookdrill.Tamper) error {
	switch t {
	case hookdrill.TamperFlipSignature:
		flipped, err := wire.FlipBit(h.Get(HeaderSignature))
		if err != nil {
			return fmt.Errorf("prolific: tamper %s: %s: %w", t, HeaderSignature, err)
		}
		h.Set(HeaderSignature, flipped)
	case hookdrill.TamperNoSignature:
		h.Del(HeaderSignature)
	case hookdrill.TamperNoTimestamp:
		h.Del(HeaderRequestTimestamp)
	case hookdrill.TamperBadBase64:
		h.Set(HeaderSignature, MalformedSignature)
	default:
		return fmt.Errorf("prolific: tamper %s: %w", t, hookdrill.ErrTamperUnsupported)
	}
	return nil
}

// MutateBody returns the body of ev with a different resource_id (its last
// hex digit changed), in the same serialisation: what an attacker who
// altered a signed body would send. A payload without a string resource_id
// gets one.
func (p *Profile) MutateBody(ev hookdrill.Event) ([]byte, error) {
	o := ev.Payload.Clone()
	id, ok := o.Get(KeyResourceID)
	s, isString := id.(string)
	if !ok || !isString {
		s = ev.ResourceID
	}
	b, err := p.encode(o.Set(KeyResourceID, wire.MutateID(s)))
	if err != nil {
		return nil, fmt.Errorf("prolific: mutate body: %w", err)
	}
	return b, nil
}
