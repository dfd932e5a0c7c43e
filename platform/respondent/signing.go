package respondent

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"net/http"
	"strings"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/internal/wire"
)

// HeaderSignature carries "<algorithm>=<base64 signature>" (spec 4.2).
const HeaderSignature = "Respondent-Webhook-Signature"

// HeaderOrder returns the documented delivery headers in the order the
// sender writes them (hookdrill.HeaderOrderer): the signature only.
func (p *Profile) HeaderOrder() []string { return headerOrder }

var headerOrder = []string{HeaderSignature}

// MalformedSignature is what TamperBadBase64 puts after "<algorithm>=": not
// base64 at all.
const MalformedSignature = "!!not-base64!!"

// UnknownAlgorithm is the algorithm name TamperUnknownAlg puts in the
// header: a label no HMAC library knows (not md5 or sha1, which Node's
// createHmac and Python's hmac accept), so a receiver that trusts the label
// must handle the name it cannot resolve, and one that pins sha256 and
// ignores the label is not punished (the value is no valid MAC either).
const UnknownAlgorithm = "sha257"

func newHash(alg string) (func() hash.Hash, error) {
	switch alg {
	case AlgorithmSHA256:
		return sha256.New, nil
	case AlgorithmSHA512:
		return sha512.New, nil
	}
	return nil, fmt.Errorf("%w %q (valid: %s)", hookdrill.ErrUnknownAlgorithm, wire.Clip(alg), wire.Quoted(Algorithms()))
}

func mac(h func() hash.Hash, key string, body []byte) []byte {
	m := hmac.New(h, []byte(key))
	m.Write(body)
	return m.Sum(nil)
}

// Signature returns the full Respondent-Webhook-Signature header value for
// exact body bytes: alg, "=", then standard base64 of HMAC(alg) keyed with
// the privateKey string's bytes over body (spec 4.2). alg is "sha256" or
// "sha512". Use it to unit-test a receiver's verifier.
func Signature(alg, key string, body []byte) (string, error) {
	h, err := newHash(alg)
	if err != nil {
		return "", fmt.Errorf("respondent: signature: %w", err)
	}
	return alg + "=" + base64.StdEncoding.EncodeToString(mac(h, key, body)), nil
}

// Encode returns the body bytes: JSON.stringify form by default
// (Options.Encoding).
func (p *Profile) Encode(ev hookdrill.Event) ([]byte, error) {
	if ev.Payload == nil {
		return nil, errors.New("respondent: encode: event has no payload")
	}
	b, err := p.encode(ev.Payload)
	if err != nil {
		return nil, fmt.Errorf("respondent: encode: %w", err)
	}
	return b, nil
}

func (p *Profile) encode(o hookdrill.Object) ([]byte, error) {
	if p.opts.Encoding == EncodingPython {
		return hookdrill.EncodePython(o)
	}
	return hookdrill.EncodeCompact(o)
}

// Sign returns the headers of one attempt: Content-Type and
// Respondent-Webhook-Signature, with in.Algorithm or else
// Options.Algorithm. Nothing time-dependent is signed, so every retry
// carries the same signature.
func (p *Profile) Sign(in hookdrill.SignInput) (http.Header, error) {
	alg := in.Algorithm
	if alg == "" {
		alg = p.opts.Algorithm
	}
	sig, err := Signature(alg, in.Secret, in.Body)
	if err != nil {
		return nil, fmt.Errorf("respondent: sign: %w", err)
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set(HeaderSignature, sig)
	return h, nil
}

// Verify checks a delivery the way a correct receiver does: the signature
// header present once, split at its first "=", the algorithm on the
// allow-list (sha256, sha512), the rest canonical standard base64 of the
// digest's length, and the MAC over the raw body equal in constant time.
// Respondent signs no timestamp, so opt is not used. Errors wrap
// hookdrill.ErrMissingSignature, ErrMalformed, ErrUnknownAlgorithm or
// ErrSignatureMismatch.
func (p *Profile) Verify(h http.Header, body []byte, secret string, _ hookdrill.VerifyOptions) error {
	v, ok, err := wire.Header(h, HeaderSignature)
	if err != nil {
		return fmt.Errorf("respondent: verify: %w: %w", hookdrill.ErrMalformed, err)
	}
	if !ok {
		return fmt.Errorf("respondent: verify: %w: %s", hookdrill.ErrMissingSignature, HeaderSignature)
	}
	alg, sig, found := strings.Cut(v, "=")
	if !found || alg == "" {
		return fmt.Errorf("respondent: verify: %w: %s is not <algorithm>=<signature>", hookdrill.ErrMalformed, HeaderSignature)
	}
	hf, err := newHash(alg)
	if err != nil {
		return fmt.Errorf("respondent: verify: %w", err)
	}
	want := mac(hf, secret, body)
	got, err := wire.DecodeMAC(sig, len(want))
	if err != nil {
		return fmt.Errorf("respondent: verify: %w: %s %w", hookdrill.ErrMalformed, HeaderSignature, err)
	}
	if !hmac.Equal(got, want) {
		return fmt.Errorf("respondent: verify: %w", hookdrill.ErrSignatureMismatch)
	}
	return nil
}

// VerifyOptions returns the verification we recommend receivers apply:
// none beyond the signature, since Respondent signs no timestamp.
func (p *Profile) VerifyOptions(time.Time) hookdrill.VerifyOptions { return hookdrill.VerifyOptions{} }

// ApplyTamper corrupts the signature header in place:
// TamperFlipSignature flips one bit of the decoded MAC (still valid
// base64), TamperNoSignature removes the header, TamperBadBase64 keeps the
// algorithm and puts MalformedSignature after "=", TamperUnknownAlg
// replaces the algorithm by UnknownAlgorithm and flips one bit of the MAC
// (a value no algorithm verifies). Every
// other kind (missing_timestamp: Respondent has no timestamp header; the
// sender's wrong_secret, body_changed, stale and future timestamps) returns
// an error wrapping hookdrill.ErrTamperUnsupported.
func (p *Profile) ApplyTamper(h http.Header, t hookdrill.Tamper) error {
	if t == hookdrill.TamperNoSignature {
		h.Del(HeaderSignature)
		return nil
	}
	switch t {
	case hookdrill.TamperFlipSignature, hookdrill.TamperBadBase64, hookdrill.TamperUnknownAlg:
	default:
		return fmt.Errorf("respondent: tamper %s: %w", t, hookdrill.ErrTamperUnsupported)
	}
	alg, sig, found := strings.Cut(h.Get(HeaderSignature), "=")
	if !found {
		return fmt.Errorf("respondent: tamper %s: %s is not <algorithm>=<signature>", t, HeaderSignature)
	}
	switch t {
	case hookdrill.TamperFlipSignature:
		flipped, err := wire.FlipBit(sig)
		if err != nil {
			return fmt.Errorf("respondent: tamper %s: %s: %w", t, HeaderSignature, err)
		}
		sig = flipped
	case hookdrill.TamperBadBase64:
		sig = MalformedSignature
	case hookdrill.TamperUnknownAlg:
		// A value that is a valid signature under no algorithm: the MAC
		// with one bit flipped (still base64, still the right length).
		flipped, err := wire.FlipBit(sig)
		if err != nil {
			return fmt.Errorf("respondent: tamper %s: %s: %w", t, HeaderSignature, err)
		}
		alg, sig = UnknownAlgorithm, flipped
	}
	h.Set(HeaderSignature, alg+"="+sig)
	return nil
}

// MutateBody returns the body of ev with a different resource id
// (payload.resource id, messageId or conversation.uid, its last character
// changed), in the same serialisation: what an attacker who altered a
// signed body would send. A body without a resource id gets a changed uuid.
func (p *Profile) MutateBody(ev hookdrill.Event) ([]byte, error) {
	o := ev.Payload.Clone()
	res := resourceOf(o)
	if id, path, ok := resourceID(res); ok {
		holder := res
		for _, k := range path[:len(path)-1] {
			holder, _ = valueAt(holder, k).(hookdrill.Object)
		}
		holder.Set(path[len(path)-1], wire.MutateID(id)) // in place: the key exists
	} else {
		o = o.Set(KeyUUID, wire.MutateID(or(o.GetString(KeyUUID), ev.ID)))
	}
	b, err := p.encode(o)
	if err != nil {
		return nil, fmt.Errorf("respondent: mutate body: %w", err)
	}
	return b, nil
}
