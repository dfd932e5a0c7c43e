package prolific_test

import (
	"bytes"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/internal/testkit"
	"github.com/hookdrill/hookdrill/platform/prolific"
	"github.com/stretchr/testify/require"
)

// Spec 7.2 / 2.2 values.
const (
	vecSecret      = "cGNqFPb6y0RT3XO9XVSessBDYIbHQ-test"
	vecTimestamp   = "1767225600"
	vecEventID     = "6394cee483e14a167638b36c"
	vecResourceID  = "6394cee383e14a167638b3a1"
	vecParticipant = "5f0c1c2d3e4f5a6b7c8d9e0f"
	vecBody        = `{"resource_id": "6394cee383e14a167638b3a1", "event_type": "submission.status.change", "participant_id": "5f0c1c2d3e4f5a6b7c8d9e0f", "status": "AWAITING REVIEW"}`
	vecSignature   = "6iTRldQeMNnPzBW9EfKNNkjzA2IYR/gepfWdrA1UKAs="
)

var vecTime = time.Unix(1767225600, 0).UTC()

func seeded(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }

// vectorEvent builds the spec 7.2 event through NewEvent.
func vectorEvent(t testing.TB, p *prolific.Profile) hookdrill.Event {
	t.Helper()
	ev, err := p.NewEvent(hookdrill.EventSpec{
		Type: prolific.EventSubmissionStatusChange, ID: vecEventID, ResourceID: vecResourceID,
		Status: prolific.StatusAwaitingReview, CreatedAt: vecTime,
		Extra: map[string]string{prolific.ExtraParticipantID: vecParticipant},
	}, seeded(1), vecTime.Add(time.Hour))
	require.NoError(t, err)
	return ev
}

// signed builds, encodes and signs the event spec asks for.
func signed(t testing.TB, p *prolific.Profile, spec hookdrill.EventSpec, secret string, sentAt time.Time) (hookdrill.Event, http.Header, []byte) {
	t.Helper()
	ev, err := p.NewEvent(spec, seeded(7), sentAt)
	require.NoError(t, err)
	body, err := p.Encode(ev)
	require.NoError(t, err)
	h, err := p.Sign(hookdrill.SignInput{Event: ev, Body: body, Secret: secret, SentAt: sentAt})
	require.NoError(t, err)
	return ev, h, body
}

// httpFile is a request written as in the spec's section 7: request line,
// headers, blank line, body (no trailing newline).
type httpFile struct {
	requestLine string
	header      [][2]string // in file order
	body        []byte
}

func readHTTPFile(t testing.TB, name string) httpFile {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	head, body, ok := bytes.Cut(raw, []byte("\n\n"))
	require.True(t, ok, "%s: no blank line between headers and body", name)
	lines := strings.Split(string(head), "\n")
	f := httpFile{requestLine: lines[0], body: body}
	for _, l := range lines[1:] {
		k, v, ok := strings.Cut(l, ": ")
		require.True(t, ok, "%s: bad header line %q", name, l)
		f.header = append(f.header, [2]string{k, v})
	}
	return f
}

// render writes a request in the httpFile layout, headers in the order of
// names (spelled as given), failing if h has any header not in names.
func render(t testing.TB, requestLine, host string, h http.Header, names []string, body []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	b.WriteString(requestLine + "\nHost: " + host + "\n")
	seen := map[string]bool{}
	for _, n := range names {
		if v := hookdrill.HeaderValues(h, n); len(v) > 0 {
			require.Len(t, v, 1, "header %s", n)
			b.WriteString(n + ": " + v[0] + "\n")
			seen[strings.ToLower(n)] = true
		}
	}
	for k := range h {
		require.True(t, seen[strings.ToLower(k)], "unexpected header %s", k)
	}
	b.WriteString("\n")
	b.Write(body)
	return b.Bytes()
}

// golden compares got with testdata/name (go test -update rewrites it).
func golden(t testing.TB, name string, got []byte) {
	t.Helper()
	if !testkit.Golden(t, filepath.Join("testdata", name), got) {
		t.FailNow()
	}
}

// hget returns the first value of header name in h in any case: signed
// headers keep the documented spelling (X-Event-ID), which http.Header.Get
// does not find.
func hget(h http.Header, name string) string {
	if v := hookdrill.HeaderValues(h, name); len(v) > 0 {
		return v[0]
	}
	return ""
}
