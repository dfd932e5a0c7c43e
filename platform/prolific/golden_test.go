package prolific_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/platform/prolific"
	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSignatureVector is the spec 2.2 known-answer vector.
func TestSignatureVector(t *testing.T) {
	tassert.Equal(t, vecSignature, prolific.Signature(vecSecret, vecTimestamp, []byte(vecBody)))
	// The key is the secret string's bytes, not its base64 decoding, and
	// the timestamp is part of the message.
	tassert.NotEqual(t, vecSignature, prolific.Signature(vecSecret, "1767225601", []byte(vecBody)))
	tassert.NotEqual(t, vecSignature, prolific.Signature(vecSecret+"x", vecTimestamp, []byte(vecBody)))
}

// TestWireVector72 builds the spec 7.2 delivery through NewEvent, Encode
// and Sign and compares it byte for byte with testdata/vector_7_2.http.
func TestWireVector72(t *testing.T) {
	file := readHTTPFile(t, "vector_7_2.http")
	p := prolific.New(prolific.Options{UserAgent: prolific.NoUserAgent}) // the spec's example shows none
	ev := vectorEvent(t, p)
	body, err := p.Encode(ev)
	require.NoError(t, err)
	require.Equal(t, vecBody, string(body))
	require.Equal(t, string(file.body), string(body))

	h, err := p.Sign(hookdrill.SignInput{Event: ev, Body: body, Secret: vecSecret, SentAt: vecTime})
	require.NoError(t, err)
	names := []string{"Content-Type", prolific.HeaderRequestTimestamp, prolific.HeaderSignature,
		prolific.HeaderEventID, prolific.HeaderTimestamp}
	got := render(t, "POST /prolific HTTP/1.1", "hooks.example.org", h, names, body)
	want := render(t, file.requestLine, "hooks.example.org", headerOf(file), names, file.body)
	require.Equal(t, string(want), string(got))
	for _, kv := range file.header[1:] { // [0] is Host
		tassert.Equal(t, kv[1], hget(h, kv[0]), kv[0])
	}
	require.NoError(t, p.Verify(h, body, vecSecret, hookdrill.VerifyOptions{}))
	// Signed headers keep the documented spelling: the journal shows them as sent.
	for _, kv := range file.header[1:] {
		tassert.Contains(t, h, kv[0], "header key spelled as the documentation spells it")
	}

	// With the default options the only addition is the User-Agent.
	def := prolific.New(prolific.Options{})
	h2, err := def.Sign(hookdrill.SignInput{Event: ev, Body: body, Secret: vecSecret, SentAt: vecTime})
	require.NoError(t, err)
	tassert.Equal(t, prolific.DefaultUserAgent, hget(h2, "User-Agent"))
	h2.Del("User-Agent")
	tassert.Equal(t, h, h2)
}

// TestRetryKeepsEventHeaders: a retry keeps X-Event-ID, X-Timestamp and the
// body, and gets a new request timestamp and signature (spec 7.2).
func TestRetryKeepsEventHeaders(t *testing.T) {
	p := prolific.New(prolific.Options{})
	ev := vectorEvent(t, p)
	body, err := p.Encode(ev)
	require.NoError(t, err)
	first, err := p.Sign(hookdrill.SignInput{Event: ev, Body: body, Secret: vecSecret, SentAt: vecTime})
	require.NoError(t, err)
	retry, err := p.Sign(hookdrill.SignInput{Event: ev, Body: body, Secret: vecSecret, SentAt: vecTime.Add(90e9)})
	require.NoError(t, err)
	tassert.Equal(t, hget(first, prolific.HeaderEventID), hget(retry, prolific.HeaderEventID))
	tassert.Equal(t, hget(first, prolific.HeaderTimestamp), hget(retry, prolific.HeaderTimestamp))
	tassert.Equal(t, "1767225690", hget(retry, prolific.HeaderRequestTimestamp))
	tassert.NotEqual(t, hget(first, prolific.HeaderSignature), hget(retry, prolific.HeaderSignature))
}

// TestSeededCatalogueGolden pins every event type's body for one seed, so a
// change in generation (ids, order, draws) shows up in review.
func TestSeededCatalogueGolden(t *testing.T) {
	p := prolific.New(prolific.Options{})
	rnd := seeded(42)
	var b strings.Builder
	for _, et := range prolific.EventTypes() {
		statuses := et.Statuses
		if len(statuses) == 0 {
			statuses = []string{""}
		}
		for _, st := range statuses {
			ev, err := p.NewEvent(hookdrill.EventSpec{Type: et.Name, Status: st}, rnd, vecTime)
			require.NoError(t, err)
			body, err := p.Encode(ev)
			require.NoError(t, err)
			fmt.Fprintf(&b, "%s %s %s\n%s\n\n", ev.ID, ev.CreatedAt.Format("2006-01-02T15:04:05Z"), et.Name, body)
		}
	}
	golden(t, "catalogue_seed42.golden", []byte(b.String()))
}

func headerOf(f httpFile) map[string][]string {
	h := map[string][]string{}
	for _, kv := range f.header {
		if kv[0] != "Host" {
			h[http.CanonicalHeaderKey(kv[0])] = []string{kv[1]}
		}
	}
	return h
}
