package exampleplatform_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/internal/exampleplatform"
	"github.com/hookdrill/hookdrill/internal/testkit"
	"github.com/stretchr/testify/require"
)

// The values of testdata/vector.http.
const (
	vecSecret   = "whsec_example_test_secret"
	vecTS       = "1767225600"
	vecEventID  = "evt_6394cee483e14a167638b36c"
	vecOrderID  = "ord_6394cee383e14a167638b3a1"
	vecCustomer = "cus_5f0c1c2d3e4f5a6b7c8d9e0f"
	vecBody     = `{"id":"evt_6394cee483e14a167638b36c","type":"order.updated","created_at":1767225600,"data":{"order_id":"ord_6394cee383e14a167638b3a1","customer_id":"cus_5f0c1c2d3e4f5a6b7c8d9e0f","status":"paid","amount":4250,"currency":"EUR"}}`
)

var vecTime = time.Unix(1767225600, 0).UTC()

func seeded(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }

// independentSig computes the v1 signature with crypto/hmac directly,
// without the package under test.
func independentSig(secret, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "." + string(body)))
	return hex.EncodeToString(m.Sum(nil))
}

// vectorEvent builds the testdata/vector.http event through NewEvent.
func vectorEvent(t testing.TB, p *exampleplatform.Profile) hookdrill.Event {
	t.Helper()
	ev, err := p.NewEvent(hookdrill.EventSpec{
		Type: exampleplatform.EventOrderUpdated, ID: vecEventID, ResourceID: vecOrderID,
		Status: exampleplatform.StatusPaid, CreatedAt: vecTime,
		Extra: map[string]string{
			exampleplatform.ExtraCustomerID: vecCustomer,
			exampleplatform.ExtraAmount:     "4250",
			exampleplatform.ExtraCurrency:   "EUR",
		},
	}, seeded(1), vecTime.Add(time.Hour))
	require.NoError(t, err)
	return ev
}

// signed builds, encodes and signs an order.updated event sent at sentAt.
func signed(t testing.TB, p *exampleplatform.Profile, secret string, sentAt time.Time) (hookdrill.Event, http.Header, []byte) {
	t.Helper()
	ev, err := p.NewEvent(hookdrill.EventSpec{Type: exampleplatform.EventOrderUpdated}, seeded(7), sentAt)
	require.NoError(t, err)
	body, err := p.Encode(ev)
	require.NoError(t, err)
	h, err := p.Sign(hookdrill.SignInput{Event: ev, Body: body, Secret: secret, SentAt: sentAt})
	require.NoError(t, err)
	return ev, h, body
}

// httpFile is a request as testdata/*.http writes it: request line,
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

// golden compares got with testdata/name and stops the test when they
// differ (go test ./internal/exampleplatform -update rewrites it).
func golden(t testing.TB, name string, got []byte) {
	t.Helper()
	if !testkit.Golden(t, filepath.Join("testdata", name), got) {
		t.FailNow()
	}
}
