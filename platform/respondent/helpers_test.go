package respondent_test

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
	"github.com/hookdrill/hookdrill/platform/respondent"
	"github.com/stretchr/testify/require"
)

// Spec 7.4 / 4.2 values.
const (
	vecKey       = "74e811b4-a1cc-4fa7-857b-0df0fce9a5a9"
	vecUUID      = "006a4577-43d6-448a-a3d6-1a63581ca217"
	vecResponse  = "69603913cd7d6158385a1ff7"
	vecProject   = "69603913cd7d6158385a1ff6"
	vecBody      = `{"event":"SCREENER_RESPONSES.CREATED","uuid":"006a4577-43d6-448a-a3d6-1a63581ca217","created":"2026-01-08T23:09:08.239Z","payload":{"resource":{"id":"69603913cd7d6158385a1ff7","projectId":"69603913cd7d6158385a1ff6","parentId":"69603913cd7d6158385a1ff6","type":"screener-responses"}}}`
	vecSignature = "sha256=yx31laetJdW1Oq01v8lFc/ov6EDbQBqF41Tgr/ex8JE="
)

var vecTime = time.Date(2026, 1, 8, 23, 9, 8, 239e6, time.UTC)

func seeded(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }

func vectorEvent(t testing.TB, p *respondent.Profile) hookdrill.Event {
	t.Helper()
	ev, err := p.NewEvent(hookdrill.EventSpec{
		Type: respondent.EventScreenerResponsesCreated, ID: vecUUID, ResourceID: vecResponse, CreatedAt: vecTime,
		Extra: map[string]string{respondent.ExtraProjectID: vecProject},
	}, seeded(1), vecTime.Add(time.Hour))
	require.NoError(t, err)
	return ev
}

func signed(t testing.TB, p *respondent.Profile, spec hookdrill.EventSpec, key string) (hookdrill.Event, http.Header, []byte) {
	t.Helper()
	ev, err := p.NewEvent(spec, seeded(7), vecTime)
	require.NoError(t, err)
	body, err := p.Encode(ev)
	require.NoError(t, err)
	h, err := p.Sign(hookdrill.SignInput{Event: ev, Body: body, Secret: key, SentAt: vecTime})
	require.NoError(t, err)
	return ev, h, body
}

type httpFile struct {
	requestLine string
	header      [][2]string
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

// golden compares got with testdata/name (go test -update rewrites it).
func golden(t testing.TB, name string, got []byte) {
	t.Helper()
	if !testkit.Golden(t, filepath.Join("testdata", name), got) {
		t.FailNow()
	}
}
