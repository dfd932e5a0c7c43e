package receiver

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/clock"
	"github.com/hookdrill/hookdrill/platform/prolific"
	"github.com/hookdrill/hookdrill/platform/respondent"
)

// Known-answer vectors from platform-spec.md 2.2 and 4.2.
const (
	pSecret = "cGNqFPb6y0RT3XO9XVSessBDYIbHQ-test"
	pTS     = "1767225600"
	pBody   = `{"resource_id": "6394cee383e14a167638b3a1", "event_type": "submission.status.change", "participant_id": "5f0c1c2d3e4f5a6b7c8d9e0f", "status": "AWAITING REVIEW"}`
	pSig    = "6iTRldQeMNnPzBW9EfKNNkjzA2IYR/gepfWdrA1UKAs="

	rSecret = "74e811b4-a1cc-4fa7-857b-0df0fce9a5a9"
	rBody   = `{"event":"SCREENER_RESPONSES.CREATED","uuid":"006a4577-43d6-448a-a3d6-1a63581ca217","created":"2026-01-08T23:09:08.239Z","payload":{"resource":{"id":"69603913cd7d6158385a1ff7","projectId":"69603913cd7d6158385a1ff6","parentId":"69603913cd7d6158385a1ff6","type":"screener-responses"}}}`
	rSig    = "sha256=yx31laetJdW1Oq01v8lFc/ov6EDbQBqF41Tgr/ex8JE="
)

var vectorTime = time.Unix(1767225600, 0)

func newTest(t testing.TB, cfg Config) *Receiver {
	t.Helper()
	if cfg.Clock == nil {
		cfg.Clock = clock.NewSim(vectorTime)
	}
	r, err := New(cfg)
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

func prolificHeaders(secret, ts, body, eventID, eventTS string) map[string]string {
	return map[string]string{
		hdrProlificSignature: prolific.Signature(secret, ts, []byte(body)),
		hdrProlificTimestamp: ts, hdrEventID: eventID, hdrEventTimestamp: eventTS,
	}
}

func TestProlificKnownAnswer(t *testing.T) {
	r := newTest(t, Config{Platform: Prolific, Secret: pSecret})
	rec := post(r, pBody, map[string]string{hdrProlificSignature: pSig, hdrProlificTimestamp: pTS,
		hdrEventID: "e1", hdrEventTimestamp: pTS})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	st := r.State()
	require.Equal(t, 1, st.Processed["e1"])
	require.Equal(t, "AWAITING REVIEW", st.Status["6394cee383e14a167638b3a1"])
}

func TestRespondentKnownAnswer(t *testing.T) {
	r := newTest(t, Config{Platform: Respondent, Secret: rSecret})
	rec := post(r, rBody, map[string]string{hdrRespondentSig: rSig})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, 1, r.State().Processed["006a4577-43d6-448a-a3d6-1a63581ca217"])

	sig512, err := respondent.Signature("sha512", rSecret, []byte(rBody))
	require.NoError(t, err)
	rec = post(newTest(t, Config{Platform: Respondent, Secret: rSecret}), rBody, map[string]string{hdrRespondentSig: sig512})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
}

func TestProlificRejections(t *testing.T) {
	valid := prolificHeaders(pSecret, pTS, pBody, "e1", pTS)
	with := func(k, v string) map[string]string {
		h := map[string]string{}
		for a, b := range valid {
			h[a] = b
		}
		if v == "" {
			delete(h, k)
		} else {
			h[k] = v
		}
		return h
	}
	stale := strconv.FormatInt(vectorTime.Add(-6*time.Minute).Unix(), 10)
	future := strconv.FormatInt(vectorTime.Add(6*time.Minute).Unix(), 10)
	edge := strconv.FormatInt(vectorTime.Add(-5*time.Minute).Unix(), 10)
	tests := []struct {
		name string
		body string
		hdr  map[string]string
		bugs []Bug
		want int
	}{
		{"valid", pBody, valid, nil, 200},
		{"edge of tolerance", pBody, prolificHeaders(pSecret, edge, pBody, "e1", pTS), nil, 200},
		{"missing signature", pBody, with(hdrProlificSignature, ""), nil, 401},
		{"missing timestamp", pBody, with(hdrProlificTimestamp, ""), nil, 401},
		{"timestamp not integer", pBody, with(hdrProlificTimestamp, pTS+".5"), nil, 401},
		{"not base64", pBody, with(hdrProlificSignature, "%%%"), nil, 401},
		{"non-canonical base64", pBody, with(hdrProlificSignature, strings.TrimSuffix(pSig, "=")), nil, 401},
		{"flipped", pBody, with(hdrProlificSignature, "7"+pSig[1:]), nil, 401},
		{"body changed", strings.Replace(pBody, "AWAITING", "APPROVED", 1), valid, nil, 401},
		{"wrong secret", pBody, prolificHeaders("other", pTS, pBody, "e1", pTS), nil, 401},
		{"stale", pBody, prolificHeaders(pSecret, stale, pBody, "e1", pTS), nil, 401},
		{"future", pBody, prolificHeaders(pSecret, future, pBody, "e1", pTS), nil, 401},
		{"authentic but not JSON", "nope", prolificHeaders(pSecret, pTS, "nope", "e1", pTS), nil, 400},
		{"authentic without event id", pBody, with(hdrEventID, ""), nil, 400},
		{"unknown event type acknowledged", `{"event_type": "x.y"}`, prolificHeaders(pSecret, pTS, `{"event_type": "x.y"}`, "e2", pTS), nil, 200},

		{"bug no-signature-check", pBody, with(hdrProlificSignature, ""), []Bug{BugNoSignatureCheck}, 200},
		{"bug ignores-missing-signature", pBody, with(hdrProlificSignature, ""), []Bug{BugIgnoresMissingSignature}, 200},
		{"bug ignores-missing-signature still checks", pBody, with(hdrProlificSignature, "7"+pSig[1:]), []Bug{BugIgnoresMissingSignature}, 401},
		{"bug 5xx-on-bad-signature", pBody, with(hdrProlificSignature, "7"+pSig[1:]), []Bug{Bug5xxOnBadSignature}, 500},
		{"bug 5xx-on-malformed-signature", pBody, with(hdrProlificSignature, "%%%"), []Bug{Bug5xxOnMalformedSignature}, 500},
		{"bug no-timestamp-check", pBody, prolificHeaders(pSecret, stale, pBody, "e1", pTS), []Bug{BugNoTimestampCheck}, 200},
		{"bug accepts-old-secret", pBody, prolificHeaders("old", pTS, pBody, "e1", pTS), []Bug{BugAcceptsOldSecret}, 200},
		{"bug 5xx-on-unknown-event", `{"event_type": "x.y"}`, prolificHeaders(pSecret, pTS, `{"event_type": "x.y"}`, "e2", pTS), []Bug{Bug5xxOnUnknownEvent}, 500},
		{"bug rejects-spaced-status", pBody, valid, []Bug{BugRejectsSpacedStatus}, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newTest(t, Config{Platform: Prolific, Secret: pSecret, OldSecrets: []string{"old"}, Bugs: tt.bugs})
			rec := post(r, tt.body, tt.hdr)
			require.Equal(t, tt.want, rec.Code, rec.Body.String())
			st := r.State()
			require.Equal(t, 1, st.Received)
			if tt.want >= 400 {
				require.Equal(t, 1, st.Rejected)
				require.Empty(t, st.Processed)
			}
		})
	}
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
		bugs []Bug
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
		{"bug reserializes-body", strings.ReplaceAll(rBody, ",", ", "), sig("sha256", rSecret, strings.ReplaceAll(rBody, ",", ", ")), []Bug{BugReserializesBody}, 401},
		{"bug reserializes-body canonical", rBody, map[string]string{hdrRespondentSig: rSig}, []Bug{BugReserializesBody}, 200},
		{"bug missing-event-type", `{"event":"CONVERSATIONS.CREATED","uuid":"u"}`, sig("sha256", rSecret, `{"event":"CONVERSATIONS.CREATED","uuid":"u"}`), []Bug{BugMissingEventType}, 400},
		{"bug redirects", `{"event":"MESSAGES.CREATED","uuid":"u"}`, sig("sha256", rSecret, `{"event":"MESSAGES.CREATED","uuid":"u"}`), []Bug{BugRedirects}, 308},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newTest(t, Config{Platform: Respondent, Secret: rSecret, Bugs: tt.bugs})
			rec := post(r, tt.body, tt.hdr)
			require.Equal(t, tt.want, rec.Code, rec.Body.String())
		})
	}
}

func TestIdempotencyAndOrdering(t *testing.T) {
	send := func(r *Receiver, id, status string, at int64) int {
		body := `{"resource_id": "s1", "event_type": "submission.status.change", "participant_id": "p", "status": "` + status + `"}`
		return post(r, body, prolificHeaders(pSecret, pTS, body, id, strconv.FormatInt(at, 10))).Code
	}
	now := vectorTime.Unix()

	r := newTest(t, Config{Platform: Prolific, Secret: pSecret})
	require.Equal(t, 200, send(r, "a", "APPROVED", now))
	require.Equal(t, 200, send(r, "a", "APPROVED", now), "a duplicate is acknowledged")
	require.Equal(t, 200, send(r, "b", "AWAITING REVIEW", now-600), "an older status is acknowledged")
	require.Equal(t, 200, send(r, "c", "RETURNED", now), "an equal timestamp applies")
	st := r.State()
	require.Equal(t, map[string]int{"a": 1, "c": 1}, st.Processed)
	require.Equal(t, "RETURNED", st.Status["s1"])
	require.Equal(t, 2, st.Ignored)

	r = newTest(t, Config{Platform: Prolific, Secret: pSecret, Bugs: []Bug{BugNoDedup, BugNoOrdering}})
	send(r, "a", "APPROVED", now)
	send(r, "a", "APPROVED", now)
	send(r, "b", "AWAITING REVIEW", now-600)
	require.Equal(t, 2, r.State().Processed["a"])
	require.Equal(t, "AWAITING REVIEW", r.State().Status["s1"])

	r = newTest(t, Config{Platform: Prolific, Secret: pSecret, Bugs: []Bug{BugRejectsDuplicates}})
	send(r, "a", "APPROVED", now)
	require.Equal(t, http.StatusConflict, send(r, "a", "APPROVED", now))
}

func TestRoutes(t *testing.T) {
	r := newTest(t, Config{Platform: Prolific, Secret: pSecret})
	post(r, pBody, map[string]string{hdrProlificSignature: pSig, hdrProlificTimestamp: pTS, hdrEventID: "e1", hdrEventTimestamp: pTS})

	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/_state", nil))
	require.Equal(t, 200, rec.Code)
	var st State
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &st))
	require.Equal(t, 1, st.Processed["e1"])

	for _, tt := range []struct{ method, path, allow string }{
		{http.MethodGet, "/webhook", "POST"}, {http.MethodPost, "/_state", "GET"}, {http.MethodGet, "/_reset", "POST"},
	} {
		rec = httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
		require.Equal(t, http.StatusMethodNotAllowed, rec.Code, tt.path)
		require.Equal(t, tt.allow, rec.Header().Get("Allow"))
	}

	rec = httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/_reset", nil))
	require.Equal(t, 200, rec.Code)
	require.Empty(t, r.State().Processed)

	big := strings.Repeat("x", DefaultMaxBodyBytes+1)
	require.Equal(t, http.StatusRequestEntityTooLarge, post(r, big, nil).Code)
}

func TestConfigValidate(t *testing.T) {
	for _, cfg := range []Config{
		{Platform: "stripe", Secret: "s"},
		{Platform: Prolific},
		{Platform: Prolific, Secret: "s", Tolerance: -1},
		{Platform: Respondent, Secret: "s", Bugs: []Bug{BugNoTimestampCheck}},
		{Platform: Prolific, Secret: "s", Bugs: []Bug{"made-up"}},
	} {
		_, err := New(cfg)
		require.Error(t, err, "%+v", cfg)
	}
	_, err := ParseBugs(Respondent, "no-dedup, slow")
	require.NoError(t, err)
	_, err = ParseBugs(Respondent, "no-timestamp-check")
	require.ErrorContains(t, err, "valid:")
}

func TestStart(t *testing.T) {
	url, stop, err := Start(Config{Platform: Respondent, Secret: rSecret})
	require.NoError(t, err)
	defer stop()
	require.True(t, strings.HasPrefix(url, "http://127.0.0.1:"))
	resp, err := http.Get(url + "/_state")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	stop()
	stop() // idempotent
}

func TestReserialize(t *testing.T) {
	in := "{\n  \"a\": \"x, y: z\",\n  \"b\": [1, 2],\n  \"c\": \"q\\\"\"\n}"
	require.Equal(t, `{"a": "x, y: z", "b": [1, 2], "c": "q\""}`, string(reserialize([]byte(in), true)))
	require.Equal(t, `{"a":"x, y: z","b":[1,2],"c":"q\""}`, string(reserialize([]byte(in), false)))
}

// FuzzDeliver: no input makes the correct receiver panic or answer 5xx.
func FuzzDeliver(f *testing.F) {
	f.Add(Prolific, pBody, pSig, pTS, "e1")
	f.Add(Prolific, "{", "", "", "")
	f.Add(Respondent, rBody, rSig, "", "")
	f.Add(Respondent, rBody, "sha256=", "", "")
	f.Add(Respondent, `{"event":1}`, "=", "", "")
	f.Fuzz(func(t *testing.T, platform, body, sig, ts, id string) {
		if platform != Prolific {
			platform = Respondent
		}
		secret := pSecret
		if platform == Respondent {
			secret = rSecret
		}
		r := newTest(t, Config{Platform: platform, Secret: secret})
		hdr := map[string]string{hdrProlificSignature: sig, hdrProlificTimestamp: ts, hdrEventID: id, hdrEventTimestamp: ts, hdrRespondentSig: sig}
		for k, v := range hdr {
			if strings.ContainsAny(v, "\r\n\x00") {
				delete(hdr, k)
			}
		}
		if code := post(r, body, hdr).Code; code >= 500 {
			t.Fatalf("answered %d", code)
		}
		// An authentic delivery of any body is never a 5xx either.
		if platform == Prolific {
			hdr = prolificHeaders(secret, pTS, body, id, ts)
		} else {
			s, _ := respondent.Signature("sha256", secret, []byte(body))
			hdr = map[string]string{hdrRespondentSig: s}
		}
		for k, v := range hdr {
			if strings.ContainsAny(v, "\r\n\x00") {
				delete(hdr, k)
			}
		}
		if code := post(r, body, hdr).Code; code >= 500 {
			t.Fatalf("authentic delivery answered %d", code)
		}
	})
}
