package wire

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/hookdrill/hookdrill/internal/suggest"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/brianvoe/gofakeit/v7"
	"github.com/hookdrill/hookdrill"
)

// Catalogue errors, re-exported by every profile package.
var (
	ErrUnknownEventType = errors.New("unknown event type")
	ErrUnknownStatus    = errors.New("unknown status")
	ErrUnknownExtra     = errors.New("unknown extra field")
	ErrNilRand          = errors.New("rnd is nil")
)

// Faker returns a gofakeit faker seeded from exactly two draws of rnd, so
// that everything built from it depends on rnd alone and every NewEvent
// consumes the same amount of rnd whatever it builds.
func Faker(rnd *rand.Rand) *gofakeit.Faker {
	return gofakeit.NewFaker(rand.NewPCG(rnd.Uint64(), rnd.Uint64()), false)
}

// ObjectID returns 24 lowercase hex characters (a Mongo ObjectId's form)
// drawn from f.
func ObjectID(f *gofakeit.Faker) string {
	return fmt.Sprintf("%016x%08x", f.Uint64(), f.Uint32())
}

// DerivedID returns a 24-hex id (an ObjectId's form) determined by kind and
// from alone: the identity that belongs to a resource, e.g. the participant
// of a submission (kind "prolific/participant", from the submission id).
// Every event about the same resource then carries the same identity, in
// every run and from every path that builds events, without a registry.
func DerivedID(kind, from string) string {
	sum := sha256.Sum256([]byte("hookdrill derived id\x00" + kind + "\x00" + from))
	return hex.EncodeToString(sum[:12])
}

const hexLower, hexUpper = "0123456789abcdef", "0123456789ABCDEF"

// MutateID returns s with its last character changed: a hex digit becomes
// the next hex digit of the same case (so an ObjectId or UUID keeps its
// form); any other last rune becomes '0'. The empty string becomes "0". The
// result always differs from s.
func MutateID(s string) string {
	if s == "" {
		return "0"
	}
	last := s[len(s)-1]
	for _, digits := range []string{hexLower, hexUpper} {
		if i := strings.IndexByte(digits, last); i >= 0 {
			return s[:len(s)-1] + string(digits[(i+1)%16])
		}
	}
	// The last byte may end a multi-byte rune; replacing only it would
	// leave invalid UTF-8, so replace the whole last rune.
	_, size := utf8.DecodeLastRuneInString(s)
	return s[:len(s)-size] + "0"
}

// DecodeMAC decodes a padded standard base64 MAC in its canonical spelling
// only (non-zero trailing bits are rejected) and checks its length.
func DecodeMAC(s string, size int) ([]byte, error) {
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("not standard base64: %w", err)
	}
	if len(b) != size {
		return nil, fmt.Errorf("decodes to %d bytes, want %d", len(b), size)
	}
	return b, nil
}

// FlipBit decodes a standard base64 value, flips the lowest bit of its
// first byte and re-encodes it: still valid base64 of the same length, but
// no longer the right MAC.
func FlipBit(s string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return "", fmt.Errorf("not standard base64: %w", err)
	}
	if len(b) == 0 {
		return "", errors.New("empty signature")
	}
	b[0] ^= 0x01
	return base64.StdEncoding.EncodeToString(b), nil
}

// ErrRepeated reports a header that appears more than once.
var ErrRepeated = errors.New("header repeated")

// Header returns the single value of header name. A repeated header is an
// error: an attacker could add their own value beside the real one and hope
// the wrong one is checked. ok is false when the header is absent or empty.
func Header(h http.Header, name string) (v string, ok bool, err error) {
	vs := hookdrill.HeaderValues(h, name) // any case: X-Event-ID as signed, X-Event-Id as a server stores it
	switch {
	case len(vs) > 1:
		return "", true, fmt.Errorf("%s: %w (%d values)", name, ErrRepeated, len(vs))
	case len(vs) == 0 || vs[0] == "":
		return "", false, nil
	}
	return vs[0], true, nil
}

// CheckExtra rejects keys of extra that are not in allowed, listing the
// allowed ones.
func CheckExtra(eventType string, extra map[string]string, allowed ...string) error {
	var bad []string
	for k := range extra {
		if !slices.Contains(allowed, k) {
			bad = append(bad, k)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	slices.Sort(bad)
	valid := "none"
	if len(allowed) > 0 {
		valid = strings.Join(allowed, ", ")
	}
	return fmt.Errorf("%w %s for %s (valid: %s)", ErrUnknownExtra, strings.Join(bad, ", "), eventType, valid)
}

// OneOf returns an error wrapping sentinel when v is not in valid.
func OneOf(sentinel error, what, v string, valid []string) error {
	if slices.Contains(valid, v) {
		return nil
	}
	return fmt.Errorf("%w %q for %s%s (valid: %s)", sentinel, v, what, suggest.Phrase(v, valid), Quoted(valid))
}

// Quoted joins values as a quoted, comma-separated list, because several
// platform values contain spaces.
func Quoted(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, ", ")
}

// Clip shortens an attacker-controlled value before it goes into an error
// message.
func Clip(s string) string {
	const limit = 40
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
