package receiver_test

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
	prolificref "github.com/hookdrill/hookdrill/platform/prolific/reference"
	respondentref "github.com/hookdrill/hookdrill/platform/respondent/reference"
	"github.com/hookdrill/hookdrill/receiver"
)

// The core's tests drive it through the real platform parts; each part's
// own tests (verification, parsing, known-answer vectors, fuzzing) live in
// platform/NAME/reference.

// Known-answer vectors from platform-spec.md 2.2.
const (
	pSecret = "cGNqFPb6y0RT3XO9XVSessBDYIbHQ-test"
	pTS     = "1767225600"
	pBody   = `{"resource_id": "6394cee383e14a167638b3a1", "event_type": "submission.status.change", "participant_id": "5f0c1c2d3e4f5a6b7c8d9e0f", "status": "AWAITING REVIEW"}`
	pSig    = "6iTRldQeMNnPzBW9EfKNNkjzA2IYR/gepfWdrA1UKAs="

	rSecret = "74e811b4-a1cc-4fa7-857b-0df0fce9a5a9"
)

var vectorTime = time.Unix(1767225600, 0)

const (
	hdrProlificSignature = prolificref.HeaderSignature
	hdrProlificTimestamp = prolificref.HeaderTimestamp
	hdrEventID           = prolificref.HeaderEventID
	hdrEventTimestamp    = prolificref.HeaderEventTimestamp
)

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

func prolificHeaders(secret, ts, body, eventID, eventTS string) map[string]string {
	return map[string]string{
		hdrProlificSignature: prolific.Signature(secret, ts, []byte(body)),
		hdrProlificTimestamp: ts, hdrEventID: eventID, hdrEventTimestamp: eventTS,
	}
}

func TestIdempotencyAndOrdering(t *testing.T) {
	send := func(r *receiver.Receiver, id, status string, at int64) int {
		body := `{"resource_id": "s1", "event_type": "submission.status.change", "participant_id": "p", "status": "` + status + `"}`
		return post(r, body, prolificHeaders(pSecret, pTS, body, id, strconv.FormatInt(at, 10))).Code
	}
	now := vectorTime.Unix()

	r := newTest(t, receiver.Config{Platform: prolificref.New(), Secret: pSecret})
	require.Equal(t, 200, send(r, "a", "APPROVED", now))
	require.Equal(t, 200, send(r, "a", "APPROVED", now), "a duplicate is acknowledged")
	require.Equal(t, 200, send(r, "b", "AWAITING REVIEW", now-600), "an older status is acknowledged")
	require.Equal(t, 200, send(r, "c", "RETURNED", now), "an equal timestamp applies")
	st := r.State()
	require.Equal(t, map[string]int{"a": 1, "c": 1}, st.Processed)
	require.Equal(t, "RETURNED", st.Status["s1"])
	require.Equal(t, 2, st.Ignored)

	r = newTest(t, receiver.Config{Platform: prolificref.New(), Secret: pSecret, Bugs: []receiver.Bug{receiver.BugNoDedup, receiver.BugNoOrdering}})
	send(r, "a", "APPROVED", now)
	send(r, "a", "APPROVED", now)
	send(r, "b", "AWAITING REVIEW", now-600)
	require.Equal(t, 2, r.State().Processed["a"])
	require.Equal(t, "AWAITING REVIEW", r.State().Status["s1"])

	r = newTest(t, receiver.Config{Platform: prolificref.New(), Secret: pSecret, Bugs: []receiver.Bug{receiver.BugRejectsDuplicates}})
	send(r, "a", "APPROVED", now)
	require.Equal(t, http.StatusConflict, send(r, "a", "APPROVED", now))
}

func TestRoutes(t *testing.T) {
	r := newTest(t, receiver.Config{Platform: prolificref.New(), Secret: pSecret})
	post(r, pBody, map[string]string{hdrProlificSignature: pSig, hdrProlificTimestamp: pTS, hdrEventID: "e1", hdrEventTimestamp: pTS})

	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/_state", nil))
	require.Equal(t, 200, rec.Code)
	var st receiver.State
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

	big := strings.Repeat("x", receiver.DefaultMaxBodyBytes+1)
	require.Equal(t, http.StatusRequestEntityTooLarge, post(r, big, nil).Code)
}

func TestConfigValidate(t *testing.T) {
	for _, cfg := range []receiver.Config{
		{Secret: "s"}, // no platform part
		{Platform: prolificref.New()},
		{Platform: prolificref.New(), Secret: "s", Tolerance: -1},
		{Platform: respondentref.New(), Secret: "s", Bugs: []receiver.Bug{prolificref.BugNoTimestampCheck}},
		{Platform: prolificref.New(), Secret: "s", Bugs: []receiver.Bug{"made-up"}},
	} {
		_, err := receiver.New(cfg)
		require.Error(t, err, "%+v", cfg)
	}
	_, err := receiver.ParseBugs(respondentref.New(), "no-dedup, slow")
	require.NoError(t, err)
	_, err = receiver.ParseBugs(respondentref.New(), "no-timestamp-check")
	require.ErrorContains(t, err, "valid:")
}

func TestStart(t *testing.T) {
	url, stop, err := receiver.Start(receiver.Config{Platform: respondentref.New(), Secret: rSecret})
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

func TestReformatJSON(t *testing.T) {
	in := "{\n  \"a\": \"x, y: z\",\n  \"b\": [1, 2],\n  \"c\": \"q\\\"\"\n}"
	require.Equal(t, `{"a": "x, y: z", "b": [1, 2], "c": "q\""}`, string(receiver.ReformatJSON([]byte(in), true)))
	require.Equal(t, `{"a":"x, y: z","b":[1,2],"c":"q\""}`, string(receiver.ReformatJSON([]byte(in), false)))
}
