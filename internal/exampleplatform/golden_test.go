package exampleplatform_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/internal/exampleplatform"
	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSignatureVectors checks Signature against testdata/signature_vectors.tsv,
// computed once with openssl (its header says how), and against an
// independent crypto/hmac computation of the same message.
func TestSignatureVectors(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "signature_vectors.tsv"))
	require.NoError(t, err)
	n := 0
	for _, line := range strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		require.Len(t, f, 4, "line %q", line)
		secret, ts, body, want := f[0], f[1], []byte(f[2]), f[3]
		tassert.Equal(t, want, exampleplatform.Signature(secret, ts, body), "vector %d", n)
		tassert.Equal(t, want, independentSig(secret, ts, body), "vector %d (crypto/hmac)", n)
		n++
	}
	require.Equal(t, 5, n)
	// The timestamp and the secret are part of the MAC; the dot matters.
	base := exampleplatform.Signature(vecSecret, vecTS, []byte(vecBody))
	tassert.NotEqual(t, base, exampleplatform.Signature(vecSecret, "1767225601", []byte(vecBody)))
	tassert.NotEqual(t, base, exampleplatform.Signature(vecSecret+"x", vecTS, []byte(vecBody)))
	tassert.NotEqual(t, independentSig(vecSecret, vecTS+vecBody, nil), base)
}

// TestWireVector builds testdata/vector.http through NewEvent, Encode and
// Sign and compares it byte for byte.
func TestWireVector(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "vector.http"))
	require.NoError(t, err)
	file := readHTTPFile(t, "vector.http")
	p := exampleplatform.New(exampleplatform.Options{})
	ev := vectorEvent(t, p)
	body, err := p.Encode(ev)
	require.NoError(t, err)
	require.Equal(t, vecBody, string(body))
	require.Equal(t, string(file.body), string(body))

	h, err := p.Sign(hookdrill.SignInput{Event: ev, Body: body, Secret: vecSecret, SentAt: vecTime})
	require.NoError(t, err)
	tassert.Len(t, h, 2, "no other headers: %v", h)
	var b strings.Builder
	fmt.Fprintf(&b, "POST /example HTTP/1.1\nHost: hooks.example.org\n")
	for _, name := range append([]string{"Content-Type"}, p.HeaderOrder()...) {
		fmt.Fprintf(&b, "%s: %s\n", name, h.Get(name))
	}
	b.WriteString("\n")
	b.Write(body)
	require.Equal(t, string(raw), b.String()) // hand-checked vector: no -update
	require.Equal(t, "t="+vecTS+",v1="+independentSig(vecSecret, vecTS, body), h.Get(exampleplatform.HeaderSignature))
	require.NoError(t, p.Verify(h, body, vecSecret, p.VerifyOptions(vecTime)))

	// A retry signs its own request time.
	retry, err := p.Sign(hookdrill.SignInput{Event: ev, Body: body, Secret: vecSecret, SentAt: vecTime.Add(60e9)})
	require.NoError(t, err)
	tassert.Equal(t, "t=1767225660,v1="+independentSig(vecSecret, "1767225660", body), retry.Get(exampleplatform.HeaderSignature))
}

// TestSeededCatalogueGolden pins every status's body for one seed, so a
// change in generation (ids, order, draws) shows up in review.
func TestSeededCatalogueGolden(t *testing.T) {
	p := exampleplatform.New(exampleplatform.Options{})
	rnd := seeded(42)
	var b strings.Builder
	for _, st := range exampleplatform.Statuses() {
		ev, err := p.NewEvent(hookdrill.EventSpec{Type: exampleplatform.EventOrderUpdated, Status: st}, rnd, vecTime)
		require.NoError(t, err)
		body, err := p.Encode(ev)
		require.NoError(t, err)
		fmt.Fprintf(&b, "%s %s %s %s\n%s\n\n", ev.ID, ev.CreatedAt.Format("2006-01-02T15:04:05Z"), ev.Type, ev.Status, body)
	}
	golden(t, "catalogue_seed42.golden", []byte(b.String()))
}
