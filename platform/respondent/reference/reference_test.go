package reference_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/clock"
	"github.com/hookdrill/hookdrill/platform/respondent"
	"github.com/hookdrill/hookdrill/platform/respondent/reference"
	"github.com/hookdrill/hookdrill/receiver"
)

var vectorTime = time.Unix(1767225600, 0)

func newTest(t testing.TB, cfg receiver.Config) *receiver.Receiver {
	t.Helper()
	if cfg.Clock == nil {
		cfg.Clock = clock.NewSim(vectorTime)
	}
	r, err := receiver.New(cfg)
	require.NoError(t, err)
	return r
}

func post(r http.Handler, body string, hdr map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/webhook", strings.NewReader(body))
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, req)
	return rec
}

// Known-answer vectors from platform-spec.md 4.2.
const (
	rSecret = "74e811b4-a1cc-4fa7-857b-0df0fce9a5a9"
	rBody   = `{"event":"SCREENER_RESPONSES.CREATED","uuid":"006a4577-43d6-448a-a3d6-1a63581ca217","created":"2026-01-08T23:09:08.239Z","payload":{"resource":{"id":"69603913cd7d6158385a1ff7","projectId":"69603913cd7d6158385a1ff6","parentId":"69603913cd7d6158385a1ff6","type":"screener-responses"}}}`
	rSig    = "sha256=yx31laetJdW1Oq01v8lFc/ov6EDbQBqF41Tgr/ex8JE="
)

const hdrRespondentSig = reference.HeaderSignature

func TestRespondentKnownAnswer(t *testing.T) {
	r := newTest(t, receiver.Config{Platform: reference.New(), Secret: rSecret})
	rec := post(r, rBody, map[string]string{hdrRespondentSig: rSig})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, 1, r.State().Processed["006a4577-43d6-448a-a3d6-1a63581ca217"])

	sig512, err := respondent.Signature("sha512", rSecret, []byte(rBody))
	require.NoError(t, err)
	rec = post(newTest(t, receiver.Config{Platform: reference.New(), Secret: rSecret}), rBody, map[string]string{hdrRespondentSig: sig512})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
}

func TestRespondentRejections(t *testing.T) {
	sig := func(alg, key, body string) map[string]string {
		s, err := respondent.Signature(alg, key, []byte(body))
		require.NoError(t, err)
		return map[string]string{hdrRespondentSig: s}
	}
	tests := []struct {
		name string
		body string
		hdr  map[string]string
		bugs []receiver.Bug
		want int
	}{
		{"valid", rBody, map[string]string{hdrRespondentSig: rSig}, nil, 200},
		{"missing", rBody, nil, nil, 401},
		{"no algorithm", rBody, map[string]string{hdrRespondentSig: strings.TrimPrefix(rSig, "sha256=")}, nil, 401},
		{"unknown algorithm", rBody, map[string]string{hdrRespondentSig: "md5=" + strings.TrimPrefix(rSig, "sha256=")}, nil, 401},
		{"algorithm case", rBody, map[string]string{hdrRespondentSig: "SHA256=" + strings.TrimPrefix(rSig, "sha256=")}, nil, 401},
		{"not base64", rBody, map[string]string{hdrRespondentSig: "sha256=???"}, nil, 401},
		{"wrong secret", rBody, sig("sha256", "other", rBody), nil, 401},
		{"reindented body", strings.ReplaceAll(rBody, ",", ", "), map[string]string{hdrRespondentSig: rSig}, nil, 401},
		{"authentic, no uuid", `{"event":"PROJECTS.UPDATED"}`, sig("sha256", rSecret, `{"event":"PROJECTS.UPDATED"}`), nil, 400},
		{"authentic, bad created", `{"event":"PROJECTS.UPDATED","uuid":"u","created":"yesterday"}`,
			sig("sha256", rSecret, `{"event":"PROJECTS.UPDATED","uuid":"u","created":"yesterday"}`), nil, 400},
		{"bug reserializes-body", strings.ReplaceAll(rBody, ",", ", "), sig("sha256", rSecret, strings.ReplaceAll(rBody, ",", ", ")), []receiver.Bug{receiver.BugReserializesBody}, 401},
		{"bug reserializes-body canonical", rBody, map[string]string{hdrRespondentSig: rSig}, []receiver.Bug{receiver.BugReserializesBody}, 200},
		{"bug missing-event-type", `{"event":"CONVERSATIONS.CREATED","uuid":"u"}`, sig("sha256", rSecret, `{"event":"CONVERSATIONS.CREATED","uuid":"u"}`), []receiver.Bug{receiver.BugMissingEventType}, 400},
		{"bug redirects", `{"event":"MESSAGES.CREATED","uuid":"u"}`, sig("sha256", rSecret, `{"event":"MESSAGES.CREATED","uuid":"u"}`), []receiver.Bug{receiver.BugRedirects}, 308},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newTest(t, receiver.Config{Platform: reference.New(), Secret: rSecret, Bugs: tt.bugs})
			rec := post(r, tt.body, tt.hdr)
			require.Equal(t, tt.want, rec.Code, rec.Body.String())
		})
	}
}

// FuzzDeliver: no input makes the correct receiver panic or answer 5xx.
func FuzzDeliver(f *testing.F) {
	f.Add(rBody, rSig)
	f.Add(rBody, "sha256=")
	f.Add(`{"event":1}`, "=")
	f.Fuzz(func(t *testing.T, body, sig string) {
		r := newTest(t, receiver.Config{Platform: reference.New(), Secret: rSecret})
		hdr := map[string]string{hdrRespondentSig: sig}
		if strings.ContainsAny(sig, "\r\n\x00") {
			delete(hdr, hdrRespondentSig)
		}
		if code := post(r, body, hdr).Code; code >= 500 {
			t.Fatalf("answered %d", code)
		}
		// An authentic delivery of any body is never a 5xx either.
		s, _ := respondent.Signature("sha256", rSecret, []byte(body))
		if code := post(r, body, map[string]string{hdrRespondentSig: s}).Code; code >= 500 {
			t.Fatalf("authentic delivery answered %d", code)
		}
	})
}
