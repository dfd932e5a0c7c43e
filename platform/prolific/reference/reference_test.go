package reference_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/clock"
	"github.com/hookdrill/hookdrill/platform/prolific"
	"github.com/hookdrill/hookdrill/platform/prolific/reference"
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

// Known-answer vectors from platform-spec.md 2.2.
const (
	pSecret = "cGNqFPb6y0RT3XO9XVSessBDYIbHQ-test"
	pTS     = "1767225600"
	pBody   = `{"resource_id": "6394cee383e14a167638b3a1", "event_type": "submission.status.change", "participant_id": "5f0c1c2d3e4f5a6b7c8d9e0f", "status": "AWAITING REVIEW"}`
	pSig    = "6iTRldQeMNnPzBW9EfKNNkjzA2IYR/gepfWdrA1UKAs="
)

const (
	hdrProlificSignature = reference.HeaderSignature
	hdrProlificTimestamp = reference.HeaderTimestamp
	hdrEventID           = reference.HeaderEventID
	hdrEventTimestamp    = reference.HeaderEventTimestamp
)

func prolificHeaders(secret, ts, body, eventID, eventTS string) map[string]string {
	return map[string]string{
		hdrProlificSignature: prolific.Signature(secret, ts, []byte(body)),
		hdrProlificTimestamp: ts, hdrEventID: eventID, hdrEventTimestamp: eventTS,
	}
}

func TestProlificKnownAnswer(t *testing.T) {
	r := newTest(t, receiver.Config{Platform: reference.New(), Secret: pSecret})
	rec := post(r, pBody, map[string]string{hdrProlificSignature: pSig, hdrProlificTimestamp: pTS,
		hdrEventID: "e1", hdrEventTimestamp: pTS})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	st := r.State()
	require.Equal(t, 1, st.Processed["e1"])
	require.Equal(t, "AWAITING REVIEW", st.Status["6394cee383e14a167638b3a1"])
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
		bugs []receiver.Bug
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

		{"bug no-signature-check", pBody, with(hdrProlificSignature, ""), []receiver.Bug{receiver.BugNoSignatureCheck}, 200},
		{"bug ignores-missing-signature", pBody, with(hdrProlificSignature, ""), []receiver.Bug{receiver.BugIgnoresMissingSignature}, 200},
		{"bug ignores-missing-signature still checks", pBody, with(hdrProlificSignature, "7"+pSig[1:]), []receiver.Bug{receiver.BugIgnoresMissingSignature}, 401},
		{"bug 5xx-on-bad-signature", pBody, with(hdrProlificSignature, "7"+pSig[1:]), []receiver.Bug{receiver.Bug5xxOnBadSignature}, 500},
		{"bug 5xx-on-malformed-signature", pBody, with(hdrProlificSignature, "%%%"), []receiver.Bug{receiver.Bug5xxOnMalformedSignature}, 500},
		{"bug no-timestamp-check", pBody, prolificHeaders(pSecret, stale, pBody, "e1", pTS), []receiver.Bug{reference.BugNoTimestampCheck}, 200},
		{"bug accepts-old-secret", pBody, prolificHeaders("old", pTS, pBody, "e1", pTS), []receiver.Bug{receiver.BugAcceptsOldSecret}, 200},
		{"bug 5xx-on-unknown-event", `{"event_type": "x.y"}`, prolificHeaders(pSecret, pTS, `{"event_type": "x.y"}`, "e2", pTS), []receiver.Bug{receiver.Bug5xxOnUnknownEvent}, 500},
		{"bug rejects-spaced-status", pBody, valid, []receiver.Bug{receiver.BugRejectsSpacedStatus}, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newTest(t, receiver.Config{Platform: reference.New(), Secret: pSecret, OldSecrets: []string{"old"}, Bugs: tt.bugs})
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

// FuzzDeliver: no input makes the correct receiver panic or answer 5xx.
func FuzzDeliver(f *testing.F) {
	f.Add(pBody, pSig, pTS, "e1")
	f.Add("{", "", "", "")
	f.Fuzz(func(t *testing.T, body, sig, ts, id string) {
		r := newTest(t, receiver.Config{Platform: reference.New(), Secret: pSecret})
		hdr := map[string]string{hdrProlificSignature: sig, hdrProlificTimestamp: ts, hdrEventID: id, hdrEventTimestamp: ts}
		for k, v := range hdr {
			if strings.ContainsAny(v, "\r\n\x00") {
				delete(hdr, k)
			}
		}
		if code := post(r, body, hdr).Code; code >= 500 {
			t.Fatalf("answered %d", code)
		}
		// An authentic delivery of any body is never a 5xx either.
		hdr = prolificHeaders(pSecret, pTS, body, id, ts)
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
