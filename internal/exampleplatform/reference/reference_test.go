package reference_test

import (
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/clock"
	"github.com/hookdrill/hookdrill/internal/exampleplatform"
	"github.com/hookdrill/hookdrill/internal/exampleplatform/reference"
	"github.com/hookdrill/hookdrill/receiver"
)

// The values of the wire profile's testdata/vector.http (its signature
// computed with openssl).
const (
	vSecret = "whsec_example_test_secret"
	vBody   = `{"id":"evt_6394cee483e14a167638b36c","type":"order.updated","created_at":1767225600,"data":{"order_id":"ord_6394cee383e14a167638b3a1","customer_id":"cus_5f0c1c2d3e4f5a6b7c8d9e0f","status":"paid","amount":4250,"currency":"EUR"}}`
	vSig    = "t=1767225600,v1=9810970880e62425f2190a6bd31f66fe2ebdf6df8027a18fa4abc137277ef9de"
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

func sig(secret string, at time.Time, body string) map[string]string {
	return map[string]string{reference.HeaderSignature: exampleplatform.SignatureHeader(secret, at, []byte(body))}
}

func TestKnownAnswer(t *testing.T) {
	r := newTest(t, receiver.Config{Platform: reference.New(), Secret: vSecret})
	rec := post(r, vBody, map[string]string{reference.HeaderSignature: vSig})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	st := r.State()
	require.Equal(t, 1, st.Processed["evt_6394cee483e14a167638b36c"])
	require.Equal(t, "paid", st.Status["ord_6394cee383e14a167638b3a1"])
	require.Equal(t, vSig, exampleplatform.SignatureHeader(vSecret, vectorTime, []byte(vBody)), "the wire profile signs the same")
}

func TestRejections(t *testing.T) {
	mac := strings.TrimPrefix(vSig, "t=1767225600,v1=")
	tests := []struct {
		name string
		body string
		hdr  map[string]string
		bugs []receiver.Bug
		want int
	}{
		{"valid", vBody, map[string]string{reference.HeaderSignature: vSig}, nil, 200},
		{"valid, rotated key beside", vBody, map[string]string{reference.HeaderSignature: vSig + ",v1=" + strings.Repeat("00", 32)}, nil, 200},
		{"missing", vBody, nil, nil, 401},
		{"no v1", vBody, map[string]string{reference.HeaderSignature: "t=1767225600"}, nil, 401},
		{"no t", vBody, map[string]string{reference.HeaderSignature: "v1=" + mac}, nil, 401},
		{"t twice", vBody, map[string]string{reference.HeaderSignature: "t=1767225600,t=1767225600,v1=" + mac}, nil, 401},
		{"t signed", vBody, map[string]string{reference.HeaderSignature: "t=+1767225600,v1=" + mac}, nil, 401},
		{"not hex", vBody, map[string]string{reference.HeaderSignature: "t=1767225600,v1=zz"}, nil, 401},
		{"element without =", vBody, map[string]string{reference.HeaderSignature: "t=1767225600,v1"}, nil, 401},
		{"unknown scheme only", vBody, map[string]string{reference.HeaderSignature: "t=1767225600,v9=" + mac}, nil, 401},
		{"wrong secret", vBody, sig("other", vectorTime, vBody), nil, 401},
		{"stale", vBody, sig(vSecret, vectorTime.Add(-10*time.Minute), vBody), nil, 401},
		{"future", vBody, sig(vSecret, vectorTime.Add(10*time.Minute), vBody), nil, 401},
		{"reindented body", strings.ReplaceAll(vBody, ",", ", "), map[string]string{reference.HeaderSignature: vSig}, nil, 401},
		{"authentic, no id", `{"type":"order.updated"}`, sig(vSecret, vectorTime, `{"type":"order.updated"}`), nil, 400},
		{"authentic, bad created_at", `{"id":"e","type":"order.updated","created_at":"now"}`,
			sig(vSecret, vectorTime, `{"id":"e","type":"order.updated","created_at":"now"}`), nil, 400},
		{"authentic, unknown type", `{"id":"e","type":"order.shipped"}`, sig(vSecret, vectorTime, `{"id":"e","type":"order.shipped"}`), nil, 200},
		{"bug no-timestamp-check", vBody, sig(vSecret, vectorTime.Add(-time.Hour), vBody), []receiver.Bug{reference.BugNoTimestampCheck}, 200},
		{"bug 5xx-on-bad-signature", vBody, sig("other", vectorTime, vBody), []receiver.Bug{receiver.Bug5xxOnBadSignature}, 500},
		{"bug 5xx-on-malformed-signature", vBody, map[string]string{reference.HeaderSignature: "t=1767225600,v1=zz"}, []receiver.Bug{receiver.Bug5xxOnMalformedSignature}, 500},
		{"bug ignores-missing-signature", vBody, nil, []receiver.Bug{receiver.BugIgnoresMissingSignature}, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newTest(t, receiver.Config{Platform: reference.New(), Secret: vSecret, Bugs: tt.bugs})
			rec := post(r, tt.body, tt.hdr)
			require.Equal(t, tt.want, rec.Code, rec.Body.String())
		})
	}
}

// TestDuplicates: a redelivery is acknowledged and not applied again; the
// dedup bugs break exactly that.
func TestDuplicates(t *testing.T) {
	hdr := map[string]string{reference.HeaderSignature: vSig}
	for _, tt := range []struct {
		bug      receiver.Bug
		second   int
		appliedN int
	}{{"", 200, 1}, {receiver.BugNoDedup, 200, 2}, {receiver.BugRejectsDuplicates, 409, 1}} {
		var bugs []receiver.Bug
		if tt.bug != "" {
			bugs = []receiver.Bug{tt.bug}
		}
		r := newTest(t, receiver.Config{Platform: reference.New(), Secret: vSecret, Bugs: bugs})
		require.Equal(t, 200, post(r, vBody, hdr).Code)
		require.Equal(t, tt.second, post(r, vBody, hdr).Code, tt.bug)
		require.Equal(t, tt.appliedN, r.State().Processed["evt_6394cee483e14a167638b36c"], tt.bug)
	}
}

// TestCatalogue: the catalogue names only bugs that exist and checks of
// the example suite.
func TestCatalogue(t *testing.T) {
	p := reference.New()
	require.Equal(t, "example", p.Name())
	require.Equal(t, []string{"order.updated"}, p.EventTypes())
	for _, b := range receiver.Bugs(p) {
		require.NotEmpty(t, b.Summary, b.Name)
		require.NotEmpty(t, b.Fails, b.Name)
	}
	_, err := receiver.ParseBugs(p, "no-timestamp-check, no-dedup")
	require.NoError(t, err)
	_, err = receiver.ParseBugs(p, "rejects-spaced-status")
	require.Error(t, err, "a bug the example suite cannot catch is not offered")
}

// FuzzDeliver: no input makes the correct receiver panic or answer 5xx.
func FuzzDeliver(f *testing.F) {
	f.Add(vBody, vSig)
	f.Add(vBody, "t=,v1=")
	f.Add(`{"id":1}`, "=")
	f.Add(`{"id":"e","type":"order.updated","created_at":1e99,"data":{"status":5}}`, "v1=00,t=1")
	f.Fuzz(func(t *testing.T, body, s string) {
		r := newTest(t, receiver.Config{Platform: reference.New(), Secret: vSecret})
		hdr := map[string]string{reference.HeaderSignature: s}
		if strings.ContainsAny(s, "\r\n\x00") {
			delete(hdr, reference.HeaderSignature)
		}
		if code := post(r, body, hdr).Code; code >= 500 {
			t.Fatalf("answered %d", code)
		}
		// An authentic delivery of any body is never a 5xx either.
		if code := post(r, body, sig(vSecret, vectorTime, body)).Code; code >= 500 {
			t.Fatalf("authentic delivery answered %d", code)
		}
	})
}

// TestWireProfileCrossCheck: what the wire profile signs, the reference
// receiver accepts; every tamper of the wire profile it rejects with 401.
func TestWireProfileCrossCheck(t *testing.T) {
	p := exampleplatform.New(exampleplatform.Options{})
	for i, tamper := range append([]hookdrill.Tamper{""}, hookdrill.AllTampers...) {
		t.Run(string(tamper), func(t *testing.T) {
			ev, err := p.NewEvent(hookdrill.EventSpec{Type: exampleplatform.EventOrderUpdated}, rand.New(rand.NewPCG(uint64(i), 1)), vectorTime)
			require.NoError(t, err)
			body, err := p.Encode(ev)
			require.NoError(t, err)
			in := hookdrill.SignInput{Event: ev, Body: body, Secret: vSecret, SentAt: vectorTime}
			switch tamper {
			case hookdrill.TamperWrongSecret:
				in.Secret = "another"
			case hookdrill.TamperStale:
				in.SentAt = vectorTime.Add(-10 * time.Minute)
			case hookdrill.TamperFuture:
				in.SentAt = vectorTime.Add(10 * time.Minute)
			}
			h, err := p.Sign(in)
			require.NoError(t, err)
			want := http.StatusUnauthorized
			switch tamper {
			case "":
				want = http.StatusOK
			case hookdrill.TamperBodyChanged:
				body, err = p.MutateBody(ev)
				require.NoError(t, err)
			case hookdrill.TamperWrongSecret, hookdrill.TamperStale, hookdrill.TamperFuture:
			default:
				require.NoError(t, p.ApplyTamper(h, tamper))
			}
			hdr := map[string]string{}
			for k := range h {
				hdr[k] = h.Get(k)
			}
			r := newTest(t, receiver.Config{Platform: reference.New(), Secret: vSecret})
			rec := post(r, string(body), hdr)
			require.Equal(t, want, rec.Code, rec.Body.String())
		})
	}
}
