package respondent_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/platform/respondent"
	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSignatureVector is the spec 4.2 known-answer vector.
func TestSignatureVector(t *testing.T) {
	got, err := respondent.Signature("sha256", vecKey, []byte(vecBody))
	require.NoError(t, err)
	tassert.Equal(t, vecSignature, got)
	sha512, err := respondent.Signature("sha512", vecKey, []byte(vecBody))
	require.NoError(t, err)
	tassert.True(t, strings.HasPrefix(sha512, "sha512="))
	tassert.Len(t, sha512, len("sha512=")+88)
	_, err = respondent.Signature("md5", vecKey, []byte(vecBody))
	require.ErrorIs(t, err, hookdrill.ErrUnknownAlgorithm)
}

// TestWireVector74 builds the spec 7.4 delivery through NewEvent, Encode
// and Sign and compares it byte for byte with testdata/vector_7_4.http.
func TestWireVector74(t *testing.T) {
	file := readHTTPFile(t, "vector_7_4.http")
	p := respondent.New(respondent.Options{})
	ev := vectorEvent(t, p)
	body, err := p.Encode(ev)
	require.NoError(t, err)
	require.Equal(t, vecBody, string(body))
	require.Equal(t, string(file.body), string(body))

	h, err := p.Sign(hookdrill.SignInput{Event: ev, Body: body, Secret: vecKey, SentAt: vecTime})
	require.NoError(t, err)
	var b strings.Builder
	fmt.Fprintf(&b, "POST /respondent HTTP/1.1\nHost: hooks.example.org\n")
	for _, name := range []string{"Content-Type", respondent.HeaderSignature} {
		fmt.Fprintf(&b, "%s: %s\n", name, h.Get(name))
	}
	b.WriteString("\n")
	b.Write(body)
	raw, err := os.ReadFile(filepath.Join("testdata", "vector_7_4.http")) // spec text: no -update
	require.NoError(t, err)
	require.Equal(t, string(raw), b.String())
	tassert.Len(t, h, 2, "no other headers: %v", h)
	for _, kv := range file.header[1:] {
		tassert.Equal(t, kv[1], h.Get(kv[0]), kv[0])
	}
	require.NoError(t, p.Verify(h, body, vecKey, hookdrill.VerifyOptions{}))

	// Nothing time-dependent is signed: a retry is byte-identical.
	again, err := p.Sign(hookdrill.SignInput{Event: ev, Body: body, Secret: vecKey, SentAt: vecTime.Add(10 * 60e9)})
	require.NoError(t, err)
	tassert.Equal(t, h, again)
}

// TestSeededCatalogueGolden pins every event type and variant's body for
// one seed.
func TestSeededCatalogueGolden(t *testing.T) {
	p := respondent.New(respondent.Options{})
	rnd := seeded(42)
	specs := []hookdrill.EventSpec{
		{Type: respondent.EventProjectsUpdated, Status: "RECRUITING"},
		{Type: respondent.EventProjectsUpdated, Status: "RECRUITED"},
		{Type: respondent.EventProjectsUpdated, Status: "PAUSED"},
		{Type: respondent.EventProjectsUpdated, Status: "RECRUITING", Extra: map[string]string{"oldValue": "PAUSED"}},
		{Type: respondent.EventScreenerResponsesCreated},
	}
	for _, v := range respondent.ScreenerResponseUpdatedTypes() {
		specs = append(specs, hookdrill.EventSpec{Type: respondent.EventScreenerResponsesUpdated,
			Extra: map[string]string{"screenerResponseUpdatedType": v}})
	}
	specs = append(specs,
		hookdrill.EventSpec{Type: respondent.EventMessagesCreated},
		hookdrill.EventSpec{Type: respondent.EventMessagesCreated},
		hookdrill.EventSpec{Type: respondent.EventMessagesCreated},
		hookdrill.EventSpec{Type: respondent.EventConversationsCreated},
	)
	var b strings.Builder
	for _, s := range specs {
		ev, err := p.NewEvent(s, rnd, vecTime)
		require.NoError(t, err)
		body, err := p.Encode(ev)
		require.NoError(t, err)
		fmt.Fprintf(&b, "%s %s %q\n%s\n\n", ev.Type, ev.ResourceID, ev.Status, body)
	}
	golden(t, "catalogue_seed42.golden", []byte(b.String()))
}
