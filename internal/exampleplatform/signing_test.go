package exampleplatform_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/internal/exampleplatform"
	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const secret = "s3cr3t-example"

func TestVerifyRoundTrip(t *testing.T) {
	p := exampleplatform.New(exampleplatform.Options{})
	_, h, body := signed(t, p, secret, vecTime)
	require.NoError(t, p.Verify(h, body, secret, hookdrill.VerifyOptions{}))
	require.NoError(t, p.Verify(h, body, secret, p.VerifyOptions(vecTime)))
	require.NoError(t, p.Verify(h, body, secret, p.VerifyOptions(vecTime.Add(exampleplatform.DefaultTolerance))))
	require.NoError(t, p.Verify(h, body, secret, p.VerifyOptions(vecTime.Add(-exampleplatform.DefaultTolerance))))
	// Header names are case-insensitive, as receivers must read them.
	lower := http.Header{"example-signature": h.Values(exampleplatform.HeaderSignature)}
	require.NoError(t, p.Verify(lower, body, secret, hookdrill.VerifyOptions{}))
}

// TestVerifyFailureClasses: every way a delivery can be wrong maps to one
// root sentinel, so scenarios and conform classify it as for the other
// platforms.
func TestVerifyFailureClasses(t *testing.T) {
	p := exampleplatform.New(exampleplatform.Options{})
	_, h, body := signed(t, p, secret, vecTime)
	good := h.Get(exampleplatform.HeaderSignature)
	sig := strings.TrimPrefix(good, "t="+vecTS+",v1=")
	other := exampleplatform.Signature("another secret", vecTS, body)
	tests := []struct {
		name   string
		header []string // Example-Signature values; nil: absent
		body   string   // "" keeps the signed body
		secret string   // "" keeps secret
		now    time.Time
		want   error
	}{
		{name: "valid", header: []string{good}},
		{name: "valid, spaces after commas", header: []string{"t=" + vecTS + ", v1=" + sig}},
		{name: "valid, upper-case hex", header: []string{"t=" + vecTS + ",v1=" + strings.ToUpper(sig)}},
		{name: "valid, rotated key first", header: []string{"t=" + vecTS + ",v1=" + other + ",v1=" + sig}},
		{name: "valid, unknown extra scheme beside v1", header: []string{"t=" + vecTS + ",v0=abc,v1=" + sig}},
		{name: "valid, elements reordered", header: []string{"v1=" + sig + ",t=" + vecTS}},
		{name: "absent", header: nil, want: hookdrill.ErrMissingSignature},
		{name: "empty", header: []string{""}, want: hookdrill.ErrMissingSignature},
		{name: "no v1", header: []string{"t=" + vecTS}, want: hookdrill.ErrMissingSignature},
		{name: "repeated header", header: []string{good, good}, want: hookdrill.ErrMalformed},
		{name: "no t", header: []string{"v1=" + sig}, want: hookdrill.ErrMissingTimestamp},
		{name: "t repeated", header: []string{"t=" + vecTS + ",t=" + vecTS + ",v1=" + sig}, want: hookdrill.ErrMalformed},
		{name: "t not a number", header: []string{"t=soon,v1=" + sig}, want: hookdrill.ErrMalformed},
		{name: "t signed", header: []string{"t=+" + vecTS + ",v1=" + sig}, want: hookdrill.ErrMalformed},
		{name: "t too long", header: []string{"t=" + strings.Repeat("9", 19) + ",v1=" + sig}, want: hookdrill.ErrMalformed},
		{name: "element without =", header: []string{"t=" + vecTS + ",v1"}, want: hookdrill.ErrMalformed},
		{name: "empty key", header: []string{"=1,t=" + vecTS + ",v1=" + sig}, want: hookdrill.ErrMalformed},
		{name: "too many elements", header: []string{"t=" + vecTS + ",v1=" + sig + strings.Repeat(",x=1", 20)}, want: hookdrill.ErrMalformed},
		{name: "not hex", header: []string{"t=" + vecTS + ",v1=" + exampleplatform.MalformedSignature}, want: hookdrill.ErrMalformed},
		{name: "short hex", header: []string{"t=" + vecTS + ",v1=" + sig[:62]}, want: hookdrill.ErrMalformed},
		{name: "base64 instead of hex", header: []string{"t=" + vecTS + ",v1=6iTRldQeMNnPzBW9EfKNNkjzA2IYR/gepfWdrA1UKAs="}, want: hookdrill.ErrMalformed},
		{name: "only an unknown scheme", header: []string{"t=" + vecTS + ",v9=" + sig}, want: hookdrill.ErrUnknownAlgorithm},
		{name: "wrong secret", header: []string{good}, secret: "wrong", want: hookdrill.ErrSignatureMismatch},
		{name: "other key's signature", header: []string{"t=" + vecTS + ",v1=" + other}, want: hookdrill.ErrSignatureMismatch},
		{name: "body changed", header: []string{good}, body: strings.Replace(string(body), "order.updated", "order.updatee", 1), want: hookdrill.ErrSignatureMismatch},
		{name: "timestamp changed", header: []string{"t=1767225601,v1=" + sig}, want: hookdrill.ErrSignatureMismatch},
		{name: "stale", header: []string{good}, now: vecTime.Add(exampleplatform.DefaultTolerance + time.Second), want: hookdrill.ErrStaleTimestamp},
		{name: "future", header: []string{good}, now: vecTime.Add(-exampleplatform.DefaultTolerance - time.Second), want: hookdrill.ErrStaleTimestamp},
		{name: "stale but forged: mismatch first", header: []string{good}, secret: "wrong", now: vecTime.Add(time.Hour), want: hookdrill.ErrSignatureMismatch},
	}
	all := []error{hookdrill.ErrMissingSignature, hookdrill.ErrMissingTimestamp, hookdrill.ErrMalformed,
		hookdrill.ErrUnknownAlgorithm, hookdrill.ErrSignatureMismatch, hookdrill.ErrStaleTimestamp}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hh := http.Header{}
			for _, v := range tt.header {
				hh.Add(exampleplatform.HeaderSignature, v)
			}
			b := body
			if tt.body != "" {
				b = []byte(tt.body)
			}
			s := secret
			if tt.secret != "" {
				s = tt.secret
			}
			now := tt.now
			if now.IsZero() {
				now = vecTime
			}
			err := p.Verify(hh, b, s, p.VerifyOptions(now))
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.want)
			for _, other := range all {
				if other != tt.want {
					tassert.False(t, errors.Is(err, other), "also %v: %v", other, err)
				}
			}
			tassert.NotContains(t, err.Error(), s, "the secret never appears in an error")
		})
	}
}

// TestToleranceOptions: zero Now or Tolerance skips the freshness check.
func TestToleranceOptions(t *testing.T) {
	p := exampleplatform.New(exampleplatform.Options{Tolerance: time.Minute})
	_, h, body := signed(t, p, secret, vecTime)
	later := vecTime.Add(2 * time.Minute)
	require.ErrorIs(t, p.Verify(h, body, secret, p.VerifyOptions(later)), hookdrill.ErrStaleTimestamp)
	require.NoError(t, p.Verify(h, body, secret, hookdrill.VerifyOptions{Now: later}))
	require.NoError(t, p.Verify(h, body, secret, hookdrill.VerifyOptions{Tolerance: time.Minute}))
	tassert.Equal(t, hookdrill.VerifyOptions{Now: later, Tolerance: time.Minute}, p.VerifyOptions(later))
}

func TestSignRejects(t *testing.T) {
	p := exampleplatform.New(exampleplatform.Options{})
	_, err := p.Sign(hookdrill.SignInput{Body: []byte("{}"), Secret: secret, SentAt: vecTime, Algorithm: "sha512"})
	require.ErrorIs(t, err, hookdrill.ErrUnknownAlgorithm)
	_, err = p.Sign(hookdrill.SignInput{Body: []byte("{}"), Secret: secret})
	require.Error(t, err)
	h, err := p.Sign(hookdrill.SignInput{Body: []byte("{}"), Secret: secret, SentAt: vecTime, Algorithm: exampleplatform.Scheme})
	require.NoError(t, err)
	require.NoError(t, p.Verify(h, []byte("{}"), secret, hookdrill.VerifyOptions{}))
}

// TestApplyTamper: every header-level kind has a wire form, and each is
// rejected by Verify with the class a receiver should report; the sender's
// kinds are unsupported here.
func TestApplyTamper(t *testing.T) {
	p := exampleplatform.New(exampleplatform.Options{})
	tests := []struct {
		tamper hookdrill.Tamper
		want   error // Verify's class after the tamper; nil: ApplyTamper unsupported
		check  func(t *testing.T, v string)
	}{
		{hookdrill.TamperFlipSignature, hookdrill.ErrSignatureMismatch, func(t *testing.T, v string) {
			tassert.Regexp(t, `^t=1767225600,v1=[0-9a-f]{64}$`, v)
		}},
		{hookdrill.TamperNoSignature, hookdrill.ErrMissingSignature, func(t *testing.T, v string) { tassert.Empty(t, v) }},
		{hookdrill.TamperNoTimestamp, hookdrill.ErrMissingTimestamp, func(t *testing.T, v string) {
			tassert.Regexp(t, `^v1=[0-9a-f]{64}$`, v)
		}},
		{hookdrill.TamperBadBase64, hookdrill.ErrMalformed, func(t *testing.T, v string) {
			tassert.Equal(t, "t=1767225600,v1="+exampleplatform.MalformedSignature, v)
		}},
		{hookdrill.TamperUnknownAlg, hookdrill.ErrUnknownAlgorithm, func(t *testing.T, v string) {
			tassert.Regexp(t, `^t=1767225600,v9=[0-9a-f]{64}$`, v)
		}},
		{tamper: hookdrill.TamperWrongSecret},
		{tamper: hookdrill.TamperBodyChanged},
		{tamper: hookdrill.TamperStale},
		{tamper: hookdrill.TamperFuture},
		{tamper: "no_such_tamper"},
	}
	covered := map[hookdrill.Tamper]bool{}
	for _, tt := range tests {
		covered[tt.tamper] = true
		t.Run(string(tt.tamper), func(t *testing.T) {
			_, h, body := signed(t, p, secret, vecTime)
			orig := h.Get(exampleplatform.HeaderSignature)
			err := p.ApplyTamper(h, tt.tamper)
			if tt.want == nil {
				require.ErrorIs(t, err, hookdrill.ErrTamperUnsupported)
				tassert.Equal(t, orig, h.Get(exampleplatform.HeaderSignature), "unchanged")
				return
			}
			require.NoError(t, err)
			tt.check(t, h.Get(exampleplatform.HeaderSignature))
			require.ErrorIs(t, p.Verify(h, body, secret, hookdrill.VerifyOptions{}), tt.want)
		})
	}
	for _, k := range hookdrill.AllTampers {
		tassert.True(t, covered[k], "tamper %s not tested", k)
	}
	// A tamper on a header that is not there is an error, not a panic.
	require.Error(t, p.ApplyTamper(http.Header{}, hookdrill.TamperFlipSignature))
	require.Error(t, p.ApplyTamper(http.Header{exampleplatform.HeaderSignature: {"t=1,v1=zz"}}, hookdrill.TamperFlipSignature))
}

func TestMutateBody(t *testing.T) {
	p := exampleplatform.New(exampleplatform.Options{})
	ev := vectorEvent(t, p)
	got, err := p.MutateBody(ev)
	require.NoError(t, err)
	tassert.Equal(t, strings.Replace(vecBody, "ord_6394cee383e14a167638b3a1", "ord_6394cee383e14a167638b3a2", 1), string(got))
	require.Equal(t, vecBody[:40], string(got[:40]), "same serialisation")
	tassert.Equal(t, exampleplatform.Customer(vecOrderID), exampleplatform.Customer(vecOrderID))
	// The event itself is untouched.
	body, err := p.Encode(ev)
	require.NoError(t, err)
	tassert.Equal(t, vecBody, string(body))
	// A body without data gets a changed id.
	raw, err := p.MutateBody(hookdrill.Event{ID: "evt_a", Payload: hookdrill.Object{{Key: "id", Value: "evt_a"}}})
	require.NoError(t, err)
	tassert.Equal(t, `{"id":"evt_b"}`, string(raw))
}

func TestHeaderOrder(t *testing.T) {
	p := exampleplatform.New(exampleplatform.Options{})
	var _ hookdrill.HeaderOrderer = p
	tassert.Equal(t, []string{exampleplatform.HeaderSignature}, p.HeaderOrder())
	o := p.HeaderOrder()
	o[0] = "X"
	tassert.Equal(t, exampleplatform.HeaderSignature, p.HeaderOrder()[0], "caller cannot change it")
}
