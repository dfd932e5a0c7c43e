package prolific_test

import (
	"bytes"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/platform/prolific"
	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSignHeaders(t *testing.T) {
	ev := hookdrill.Event{ID: "E", CreatedAt: vecTime.Add(-time.Minute)}
	sent := vecTime.Add(1500 * time.Millisecond)
	tests := []struct {
		name string
		opts prolific.Options
		want map[string]string // "" means absent
	}{
		{"defaults", prolific.Options{}, map[string]string{
			"Content-Type": "application/json", "User-Agent": "Prolific-Webhooks/1.0",
			"X-Prolific-Request-Timestamp": "1767225601", "X-Event-ID": "E", "X-Timestamp": "1767225540"}},
		{"custom user agent", prolific.Options{UserAgent: "probe/2"}, map[string]string{"User-Agent": "probe/2"}},
		{"no user agent", prolific.Options{UserAgent: prolific.NoUserAgent}, map[string]string{"User-Agent": ""}},
		{"milliseconds", prolific.Options{TimestampUnit: time.Millisecond}, map[string]string{
			"X-Prolific-Request-Timestamp": "1767225601500", "X-Timestamp": "1767225540000"}},
		{"x-timestamp per attempt", prolific.Options{XTimestampPerAttempt: true}, map[string]string{
			"X-Prolific-Request-Timestamp": "1767225601", "X-Timestamp": "1767225601"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := prolific.New(tt.opts)
			h, err := p.Sign(hookdrill.SignInput{Event: ev, Body: []byte(`{}`), Secret: "s", SentAt: sent})
			require.NoError(t, err)
			for k, v := range tt.want {
				tassert.Equal(t, v, hget(h, k), k)
			}
			tassert.Equal(t, prolific.Signature("s", hget(h, prolific.HeaderRequestTimestamp), []byte(`{}`)), hget(h, prolific.HeaderSignature))
			require.NoError(t, p.Verify(h, []byte(`{}`), "s", p.VerifyOptions(sent)))
		})
	}
}

func TestSignEdgeCases(t *testing.T) {
	p := prolific.New(prolific.Options{})
	// An event without id or time (the sender's probe) gets neither header.
	h, err := p.Sign(hookdrill.SignInput{Body: []byte(`{}`), Secret: "s", SentAt: vecTime})
	require.NoError(t, err)
	tassert.Empty(t, hookdrill.HeaderValues(h, prolific.HeaderEventID))
	tassert.Empty(t, hookdrill.HeaderValues(h, prolific.HeaderTimestamp))

	_, err = p.Sign(hookdrill.SignInput{Body: []byte(`{}`), Secret: "s", SentAt: vecTime, Algorithm: "sha512"})
	require.ErrorIs(t, err, hookdrill.ErrUnknownAlgorithm)
	_, err = p.Sign(hookdrill.SignInput{Body: []byte(`{}`), Secret: "s", SentAt: vecTime, Algorithm: "sha256"})
	require.NoError(t, err)
	_, err = p.Sign(hookdrill.SignInput{Body: []byte(`{}`), Secret: "s"})
	require.Error(t, err)
}

func TestVerify(t *testing.T) {
	p := prolific.New(prolific.Options{})
	body := []byte(vecBody)
	good := func() http.Header {
		return http.Header{
			"X-Prolific-Request-Signature": {vecSignature},
			"X-Prolific-Request-Timestamp": {vecTimestamp},
		}
	}
	with := func(k, v string) http.Header {
		h := good()
		if v == "" {
			h.Del(k)
		} else {
			h.Set(k, v)
		}
		return h
	}
	sig := func(ts string) string { return prolific.Signature(vecSecret, ts, body) }
	noCheck := hookdrill.VerifyOptions{}
	at := func(d time.Duration) hookdrill.VerifyOptions {
		return hookdrill.VerifyOptions{Now: vecTime.Add(d), Tolerance: 5 * time.Minute}
	}
	rawSig, _ := base64.StdEncoding.DecodeString(vecSignature)
	tests := []struct {
		name   string
		h      http.Header
		body   []byte
		secret string
		opt    hookdrill.VerifyOptions
		want   error // nil: valid
	}{
		{"valid", good(), body, vecSecret, noCheck, nil},
		{"valid, fresh", good(), body, vecSecret, at(0), nil},
		{"valid at the stale edge", good(), body, vecSecret, at(5 * time.Minute), nil},
		{"valid at the future edge", good(), body, vecSecret, at(-5 * time.Minute), nil},
		{"stale", good(), body, vecSecret, at(5*time.Minute + time.Second), hookdrill.ErrStaleTimestamp},
		{"future", good(), body, vecSecret, at(-5*time.Minute - time.Second), hookdrill.ErrStaleTimestamp},
		{"stale but no clock", good(), body, vecSecret, hookdrill.VerifyOptions{Tolerance: time.Second}, nil},
		{"stale but no tolerance", good(), body, vecSecret, hookdrill.VerifyOptions{Now: vecTime.Add(time.Hour)}, nil},
		{"missing signature", with(prolific.HeaderSignature, ""), body, vecSecret, noCheck, hookdrill.ErrMissingSignature},
		{"empty signature", http.Header{"X-Prolific-Request-Signature": {""}, "X-Prolific-Request-Timestamp": {vecTimestamp}},
			body, vecSecret, noCheck, hookdrill.ErrMissingSignature},
		{"missing timestamp", with(prolific.HeaderRequestTimestamp, ""), body, vecSecret, noCheck, hookdrill.ErrMissingTimestamp},
		{"not base64", with(prolific.HeaderSignature, "!!not-base64!!"), body, vecSecret, noCheck, hookdrill.ErrMalformed},
		{"url-safe base64", with(prolific.HeaderSignature, base64.URLEncoding.EncodeToString(rawSig)), body, vecSecret, noCheck, hookdrill.ErrMalformed},
		{"unpadded", with(prolific.HeaderSignature, strings.TrimRight(vecSignature, "=")), body, vecSecret, noCheck, hookdrill.ErrMalformed},
		{"non-canonical trailing bits", with(prolific.HeaderSignature, vecSignature[:42]+"t="), body, vecSecret, noCheck, hookdrill.ErrMalformed},
		{"truncated MAC", with(prolific.HeaderSignature, base64.StdEncoding.EncodeToString(rawSig[:16])), body, vecSecret, noCheck, hookdrill.ErrMalformed},
		{"hex MAC", with(prolific.HeaderSignature, "e924d395d41e30d9cfcc15bd11f28d3648f3036218"), body, vecSecret, noCheck, hookdrill.ErrMalformed},
		{"repeated signature", http.Header{"X-Prolific-Request-Signature": {vecSignature, vecSignature},
			"X-Prolific-Request-Timestamp": {vecTimestamp}}, body, vecSecret, noCheck, hookdrill.ErrMalformed},
		{"repeated timestamp", http.Header{"X-Prolific-Request-Signature": {vecSignature},
			"X-Prolific-Request-Timestamp": {vecTimestamp, "1"}}, body, vecSecret, noCheck, hookdrill.ErrMalformed},
		{"wrong secret", good(), body, "cGNqFPb6y0RT3XO9XVSessBDYIbHQ-tesT", noCheck, hookdrill.ErrSignatureMismatch},
		{"body changed", good(), bytes.Replace(body, []byte("a1"), []byte("a2"), 1), vecSecret, noCheck, hookdrill.ErrSignatureMismatch},
		{"body re-serialised compactly", good(), []byte(strings.ReplaceAll(strings.ReplaceAll(vecBody, ", ", ","), ": ", ":")),
			vecSecret, noCheck, hookdrill.ErrSignatureMismatch},
		{"timestamp swapped", with(prolific.HeaderRequestTimestamp, "1767225601"), body, vecSecret, noCheck, hookdrill.ErrSignatureMismatch},
		{"signature for another timestamp", with(prolific.HeaderSignature, sig("1767225601")), body, vecSecret, noCheck, hookdrill.ErrSignatureMismatch},
		{"non-integer timestamp, no tolerance", http.Header{"X-Prolific-Request-Signature": {sig("soon")},
			"X-Prolific-Request-Timestamp": {"soon"}}, body, vecSecret, noCheck, nil},
		{"non-integer timestamp with tolerance", http.Header{"X-Prolific-Request-Signature": {sig("soon")},
			"X-Prolific-Request-Timestamp": {"soon"}}, body, vecSecret, at(0), hookdrill.ErrMalformed},
		{"mismatch is reported before staleness", with(prolific.HeaderSignature, sig("1")), body, vecSecret, at(time.Hour), hookdrill.ErrSignatureMismatch},
	}
	sentinels := []error{hookdrill.ErrMissingSignature, hookdrill.ErrMissingTimestamp, hookdrill.ErrMalformed,
		hookdrill.ErrUnknownAlgorithm, hookdrill.ErrSignatureMismatch, hookdrill.ErrStaleTimestamp}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := p.Verify(tt.h, tt.body, tt.secret, tt.opt)
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.want)
			for _, s := range sentinels {
				if s != tt.want {
					tassert.NotErrorIs(t, err, s, "exactly one sentinel")
				}
			}
			tassert.NotContains(t, err.Error(), tt.secret, "errors never carry the secret")
		})
	}
}

func TestVerifyOptionsRecommendation(t *testing.T) {
	tassert.Equal(t, hookdrill.VerifyOptions{Now: vecTime, Tolerance: 5 * time.Minute},
		prolific.New(prolific.Options{}).VerifyOptions(vecTime))
	tassert.Equal(t, time.Minute, prolific.New(prolific.Options{Tolerance: time.Minute}).VerifyOptions(vecTime).Tolerance)
}

func TestApplyTamper(t *testing.T) {
	p := prolific.New(prolific.Options{})
	spec := hookdrill.EventSpec{Type: prolific.EventSubmissionStatusChange}
	tests := []struct {
		tamper hookdrill.Tamper
		want   error // the Verify error the tampered request gets
	}{
		{hookdrill.TamperFlipSignature, hookdrill.ErrSignatureMismatch},
		{hookdrill.TamperNoSignature, hookdrill.ErrMissingSignature},
		{hookdrill.TamperNoTimestamp, hookdrill.ErrMissingTimestamp},
		{hookdrill.TamperBadBase64, hookdrill.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(string(tt.tamper), func(t *testing.T) {
			_, h, body := signed(t, p, spec, "secret", vecTime)
			orig := h.Clone()
			require.NoError(t, p.ApplyTamper(h, tt.tamper))
			require.ErrorIs(t, p.Verify(h, body, "secret", hookdrill.VerifyOptions{}), tt.want)
			// Only the signature or timestamp header changed.
			for _, k := range []string{"Content-Type", "User-Agent", prolific.HeaderEventID, prolific.HeaderTimestamp} {
				tassert.Equal(t, hookdrill.HeaderValues(orig, k), hookdrill.HeaderValues(h, k), k)
			}
		})
	}
	t.Run("flip keeps valid base64 of the same length", func(t *testing.T) {
		_, h, _ := signed(t, p, spec, "secret", vecTime)
		before := hget(h, prolific.HeaderSignature)
		require.NoError(t, p.ApplyTamper(h, hookdrill.TamperFlipSignature))
		after := hget(h, prolific.HeaderSignature)
		a, err := base64.StdEncoding.Strict().DecodeString(after)
		require.NoError(t, err)
		b, _ := base64.StdEncoding.DecodeString(before)
		require.Len(t, a, 32)
		diff := 0
		for i := range a {
			for x := a[i] ^ b[i]; x != 0; x &= x - 1 {
				diff++
			}
		}
		tassert.Equal(t, 1, diff, "exactly one bit flipped")
	})
	t.Run("flip without a signature", func(t *testing.T) {
		err := p.ApplyTamper(http.Header{}, hookdrill.TamperFlipSignature)
		require.Error(t, err)
		tassert.NotErrorIs(t, err, hookdrill.ErrTamperUnsupported)
	})
	for _, tamper := range []hookdrill.Tamper{hookdrill.TamperUnknownAlg, hookdrill.TamperWrongSecret,
		hookdrill.TamperBodyChanged, hookdrill.TamperStale, hookdrill.TamperFuture, "nonsense"} {
		t.Run("unsupported "+string(tamper), func(t *testing.T) {
			_, h, _ := signed(t, p, spec, "secret", vecTime)
			orig := h.Clone()
			require.ErrorIs(t, p.ApplyTamper(h, tamper), hookdrill.ErrTamperUnsupported)
			tassert.Equal(t, orig, h, "headers untouched")
		})
	}
}

func TestMutateBody(t *testing.T) {
	for _, enc := range []prolific.Encoding{prolific.EncodingPython, prolific.EncodingCompact} {
		t.Run(string(enc), func(t *testing.T) {
			p := prolific.New(prolific.Options{Encoding: enc})
			ev, h, body := signed(t, p, hookdrill.EventSpec{Type: prolific.EventSubmissionStatusChange,
				ResourceID: "6394cee383e14a167638b3af"}, "secret", vecTime)
			mutated, err := p.MutateBody(ev)
			require.NoError(t, err)
			want := bytes.Replace(body, []byte("6394cee383e14a167638b3af"), []byte("6394cee383e14a167638b3a0"), 1)
			tassert.Equal(t, string(want), string(mutated))
			require.ErrorIs(t, p.Verify(h, mutated, "secret", hookdrill.VerifyOptions{}), hookdrill.ErrSignatureMismatch)
			tassert.Equal(t, "6394cee383e14a167638b3af", ev.Payload.GetString("resource_id"), "event untouched")
		})
	}
	p := prolific.New(prolific.Options{})
	for _, payload := range []hookdrill.Object{{}, {{Key: "resource_id", Value: 7}}, nil} {
		ev := hookdrill.Event{ResourceID: "abc", Payload: payload}
		orig, _ := hookdrill.EncodePython(payload)
		got, err := p.MutateBody(ev)
		require.NoError(t, err)
		tassert.NotEqual(t, string(orig), string(got))
	}
}

// TestEndToEnd signs, posts to a real local server, and verifies there the
// way a receiver would, with tampers.
func TestEndToEnd(t *testing.T) {
	p := prolific.New(prolific.Options{})
	type seen struct {
		err error
		ua  string
	}
	results := make(chan seen, 8)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		err := p.Verify(r.Header, body, "workspace-secret", p.VerifyOptions(time.Now()))
		results <- seen{err, r.UserAgent()}
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
		}
	}))
	defer srv.Close()

	for _, tamper := range []hookdrill.Tamper{"", hookdrill.TamperFlipSignature, hookdrill.TamperNoTimestamp} {
		_, h, body := signed(t, p, hookdrill.EventSpec{Type: prolific.EventStudyStatusChange}, "workspace-secret", time.Now())
		if tamper != "" {
			require.NoError(t, p.ApplyTamper(h, tamper))
		}
		req, err := http.NewRequest(http.MethodPost, srv.URL+"/prolific", bytes.NewReader(body))
		require.NoError(t, err)
		req.Header = h
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		got := <-results
		tassert.Equal(t, prolific.DefaultUserAgent, got.ua)
		if tamper == "" {
			require.NoError(t, got.err)
			tassert.Equal(t, http.StatusOK, resp.StatusCode)
		} else {
			require.Error(t, got.err, string(tamper))
			tassert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		}
	}
}

// Verify reads header names in any case: as signed (X-Event-ID), as a Go
// server stores them (canonical), lower-cased by a proxy, or upper-cased.
func TestVerifyReadsHeadersInAnyCase(t *testing.T) {
	p := prolific.New(prolific.Options{})
	_, h, body := signed(t, p, hookdrill.EventSpec{Type: prolific.EventSubmissionStatusChange}, "secret", vecTime)
	for name, conv := range map[string]func(string) string{
		"as signed": func(k string) string { return k }, "canonical": http.CanonicalHeaderKey,
		"lower": strings.ToLower, "upper": strings.ToUpper,
	} {
		h2 := http.Header{}
		for k, v := range h {
			h2[conv(k)] = v
		}
		tassert.NoError(t, p.Verify(h2, body, "secret", hookdrill.VerifyOptions{}), name)
		tassert.Equal(t, hookdrill.HeaderValues(h, prolific.HeaderEventID), hookdrill.HeaderValues(h2, prolific.HeaderEventID), name)
	}
}
