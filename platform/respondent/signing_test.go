package respondent_test

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
	"github.com/hookdrill/hookdrill/platform/respondent"
	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSign(t *testing.T) {
	body := []byte(vecBody)
	tests := []struct {
		name       string
		opts       respondent.Options
		inAlg      string
		wantPrefix string
		wantErr    error
	}{
		{"default sha256", respondent.Options{}, "", "sha256=", nil},
		{"option sha512", respondent.Options{Algorithm: "sha512"}, "", "sha512=", nil},
		{"per-attempt override", respondent.Options{}, "sha512", "sha512=", nil},
		{"unsupported", respondent.Options{}, "sha1", "", hookdrill.ErrUnknownAlgorithm},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := respondent.New(tt.opts)
			h, err := p.Sign(hookdrill.SignInput{Body: body, Secret: vecKey, SentAt: vecTime, Algorithm: tt.inAlg})
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			tassert.Equal(t, "application/json", h.Get("Content-Type"))
			tassert.True(t, strings.HasPrefix(h.Get(respondent.HeaderSignature), tt.wantPrefix))
			require.NoError(t, p.Verify(h, body, vecKey, hookdrill.VerifyOptions{}))
			// The other profile configuration verifies it too: the header names the algorithm.
			require.NoError(t, respondent.New(respondent.Options{}).Verify(h, body, vecKey, hookdrill.VerifyOptions{}))
		})
	}
}

func TestVerify(t *testing.T) {
	p := respondent.New(respondent.Options{})
	body := []byte(vecBody)
	hdr := func(v ...string) http.Header { return http.Header{"Respondent-Webhook-Signature": v} }
	b64 := strings.TrimPrefix(vecSignature, "sha256=")
	raw, _ := base64.StdEncoding.DecodeString(b64)
	sha512, _ := respondent.Signature("sha512", vecKey, body)
	tests := []struct {
		name string
		h    http.Header
		body []byte
		key  string
		want error
	}{
		{"valid", hdr(vecSignature), body, vecKey, nil},
		{"valid sha512", hdr(sha512), body, vecKey, nil},
		{"valid, stale options ignored", hdr(vecSignature), body, vecKey, nil},
		{"missing", http.Header{}, body, vecKey, hookdrill.ErrMissingSignature},
		{"empty", hdr(""), body, vecKey, hookdrill.ErrMissingSignature},
		{"repeated", hdr(vecSignature, vecSignature), body, vecKey, hookdrill.ErrMalformed},
		{"no equals sign", hdr("sha256:" + strings.TrimRight(b64, "=")), body, vecKey, hookdrill.ErrMalformed},
		{"equals only in the padding", hdr("sha256" + b64), body, vecKey, hookdrill.ErrUnknownAlgorithm},
		{"no algorithm", hdr("=" + b64), body, vecKey, hookdrill.ErrMalformed},
		{"bare base64 (split at first =)", hdr(b64), body, vecKey, hookdrill.ErrUnknownAlgorithm},
		{"md5", hdr("md5=" + b64), body, vecKey, hookdrill.ErrUnknownAlgorithm},
		{"upper case algorithm", hdr("SHA256=" + b64), body, vecKey, hookdrill.ErrUnknownAlgorithm},
		{"sha512 name on a sha256 MAC", hdr("sha512=" + b64), body, vecKey, hookdrill.ErrMalformed},
		{"not base64", hdr("sha256=!!not-base64!!"), body, vecKey, hookdrill.ErrMalformed},
		{"trailing garbage", hdr(vecSignature + "garbage"), body, vecKey, hookdrill.ErrMalformed},
		{"url-safe alphabet", hdr("sha256=" + base64.URLEncoding.EncodeToString(raw)), body, vecKey, hookdrill.ErrMalformed},
		{"empty signature", hdr("sha256="), body, vecKey, hookdrill.ErrMalformed},
		{"wrong key", hdr(vecSignature), body, "74e811b4-a1cc-4fa7-857b-0df0fce9a5a8", hookdrill.ErrSignatureMismatch},
		{"body changed", hdr(vecSignature), bytes.Replace(body, []byte("ff7"), []byte("ff8"), 1), vecKey, hookdrill.ErrSignatureMismatch},
		{"body re-indented", hdr(vecSignature), []byte(strings.ReplaceAll(vecBody, `","`, `", "`)), vecKey, hookdrill.ErrSignatureMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := p.Verify(tt.h, tt.body, tt.key, hookdrill.VerifyOptions{Now: vecTime.Add(24 * time.Hour), Tolerance: time.Second})
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.want)
			tassert.NotContains(t, err.Error(), tt.key)
		})
	}
}

func TestApplyTamper(t *testing.T) {
	p := respondent.New(respondent.Options{})
	spec := hookdrill.EventSpec{Type: respondent.EventScreenerResponsesCreated}
	tests := []struct {
		tamper     hookdrill.Tamper
		wantHeader string // pattern of the tampered header; "" absent
		want       error
	}{
		{hookdrill.TamperFlipSignature, `^sha256=[A-Za-z0-9+/]{43}=$`, hookdrill.ErrSignatureMismatch},
		{hookdrill.TamperNoSignature, "", hookdrill.ErrMissingSignature},
		{hookdrill.TamperBadBase64, `^sha256=!!not-base64!!$`, hookdrill.ErrMalformed},
		{hookdrill.TamperUnknownAlg, `^sha257=[A-Za-z0-9+/]{43}=$`, hookdrill.ErrUnknownAlgorithm},
	}
	for _, tt := range tests {
		t.Run(string(tt.tamper), func(t *testing.T) {
			_, h, body := signed(t, p, spec, vecKey)
			before := h.Get(respondent.HeaderSignature)
			require.NoError(t, p.ApplyTamper(h, tt.tamper))
			after := h.Get(respondent.HeaderSignature)
			if tt.wantHeader == "" {
				tassert.Empty(t, h.Values(respondent.HeaderSignature))
			} else {
				tassert.Regexp(t, tt.wantHeader, after)
			}
			if tt.tamper == hookdrill.TamperUnknownAlg {
				// A label no HMAC library knows, and a value that verifies under
				// no algorithm: not the sha256 MAC, not a sha512 one (length).
				tassert.True(t, strings.HasPrefix(after, respondent.UnknownAlgorithm+"="), after)
				mac := strings.TrimPrefix(after, respondent.UnknownAlgorithm+"=")
				tassert.NotEqual(t, strings.TrimPrefix(before, "sha256="), mac, "not the valid sha256 MAC")
				for _, alg := range []string{"sha256", "sha512"} {
					h2 := http.Header{}
					h2.Set(respondent.HeaderSignature, alg+"="+mac)
					require.Error(t, p.Verify(h2, body, vecKey, hookdrill.VerifyOptions{}), "valid under %s", alg)
				}
			}
			require.ErrorIs(t, p.Verify(h, body, vecKey, hookdrill.VerifyOptions{}), tt.want)
			tassert.Equal(t, "application/json", h.Get("Content-Type"))
		})
	}
	t.Run("flip on sha512", func(t *testing.T) {
		q := respondent.New(respondent.Options{Algorithm: "sha512"})
		_, h, body := signed(t, q, spec, vecKey)
		require.NoError(t, q.ApplyTamper(h, hookdrill.TamperFlipSignature))
		tassert.True(t, strings.HasPrefix(h.Get(respondent.HeaderSignature), "sha512="))
		require.ErrorIs(t, q.Verify(h, body, vecKey, hookdrill.VerifyOptions{}), hookdrill.ErrSignatureMismatch)
	})
	t.Run("on a missing header", func(t *testing.T) {
		for _, tamper := range []hookdrill.Tamper{hookdrill.TamperFlipSignature, hookdrill.TamperBadBase64, hookdrill.TamperUnknownAlg} {
			err := p.ApplyTamper(http.Header{}, tamper)
			require.Error(t, err)
			tassert.NotErrorIs(t, err, hookdrill.ErrTamperUnsupported)
		}
	})
	for _, tamper := range []hookdrill.Tamper{hookdrill.TamperNoTimestamp, hookdrill.TamperWrongSecret,
		hookdrill.TamperBodyChanged, hookdrill.TamperStale, hookdrill.TamperFuture, "nonsense"} {
		t.Run("unsupported "+string(tamper), func(t *testing.T) {
			_, h, _ := signed(t, p, spec, vecKey)
			orig := h.Clone()
			require.ErrorIs(t, p.ApplyTamper(h, tamper), hookdrill.ErrTamperUnsupported)
			tassert.Equal(t, orig, h)
		})
	}
}

func TestMutateBody(t *testing.T) {
	p := respondent.New(respondent.Options{})
	for _, name := range respondent.EventTypeNames() {
		t.Run(name, func(t *testing.T) {
			ev, h, body := signed(t, p, hookdrill.EventSpec{Type: name, ResourceID: "69603913cd7d6158385a1ff7"}, vecKey)
			mutated, err := p.MutateBody(ev)
			require.NoError(t, err)
			want := bytes.Replace(body, []byte(`"69603913cd7d6158385a1ff7"`), []byte(`"69603913cd7d6158385a1ff8"`), 1)
			tassert.Equal(t, string(want), string(mutated))
			require.ErrorIs(t, p.Verify(h, mutated, vecKey, hookdrill.VerifyOptions{}), hookdrill.ErrSignatureMismatch)
			again, err := p.Encode(ev)
			require.NoError(t, err)
			tassert.Equal(t, string(body), string(again), "event untouched")
		})
	}
	t.Run("no resource id: the uuid changes", func(t *testing.T) {
		ev := hookdrill.Event{ID: "abc", Payload: hookdrill.Object{{Key: "event", Value: "X"}, {Key: "uuid", Value: "abc"}}}
		got, err := p.MutateBody(ev)
		require.NoError(t, err)
		tassert.Equal(t, `{"event":"X","uuid":"abd"}`, string(got))
		got, err = p.MutateBody(hookdrill.Event{ID: "abc", Payload: hookdrill.Object{}})
		require.NoError(t, err)
		tassert.Equal(t, `{"uuid":"abd"}`, string(got))
	})
	t.Run("python encoding kept", func(t *testing.T) {
		q := respondent.New(respondent.Options{Encoding: respondent.EncodingPython})
		ev, _, body := signed(t, q, hookdrill.EventSpec{Type: respondent.EventScreenerResponsesCreated, ResourceID: "a"}, vecKey)
		tassert.Contains(t, string(body), `"event": "SCREENER_RESPONSES.CREATED", `)
		got, err := q.MutateBody(ev)
		require.NoError(t, err)
		tassert.Equal(t, strings.Replace(string(body), `"id": "a"`, `"id": "b"`, 1), string(got))
	})
}

func TestEndToEnd(t *testing.T) {
	p := respondent.New(respondent.Options{})
	errs := make(chan error, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		err := p.Verify(r.Header, body, vecKey, hookdrill.VerifyOptions{})
		errs <- err
		if err != nil {
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	defer srv.Close()
	for _, tamper := range []hookdrill.Tamper{"", hookdrill.TamperUnknownAlg} {
		_, h, body := signed(t, p, hookdrill.EventSpec{Type: respondent.EventMessagesCreated}, vecKey)
		if tamper != "" {
			require.NoError(t, p.ApplyTamper(h, tamper))
		}
		req, err := http.NewRequest(http.MethodPost, srv.URL+"/respondent", bytes.NewReader(body))
		require.NoError(t, err)
		req.Header = h
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		got := <-errs
		if tamper == "" {
			require.NoError(t, got)
			tassert.Equal(t, http.StatusOK, resp.StatusCode)
		} else {
			require.ErrorIs(t, got, hookdrill.ErrUnknownAlgorithm)
			tassert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		}
	}
}

// Verify reads the signature header in any case (a proxy may lower-case it).
func TestVerifyReadsHeadersInAnyCase(t *testing.T) {
	p := respondent.New(respondent.Options{})
	_, h, body := signed(t, p, hookdrill.EventSpec{Type: respondent.EventScreenerResponsesCreated}, "key")
	for _, conv := range []func(string) string{strings.ToLower, strings.ToUpper} {
		h2 := http.Header{}
		for k, v := range h {
			h2[conv(k)] = v
		}
		tassert.NoError(t, p.Verify(h2, body, "key", hookdrill.VerifyOptions{}))
	}
}
