package respondent_test

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/platform/respondent"
	"github.com/stretchr/testify/require"
)

// FuzzVerify: Verify never panics on any header value; a signature made by
// Sign always verifies (both algorithms); changing any one byte of the body
// makes it fail.
func FuzzVerify(f *testing.F) {
	f.Add(vecKey, vecSignature, []byte(vecBody), false, uint(5), byte(1))
	f.Add("", "", []byte{}, true, uint(0), byte(0xff))
	f.Add("k", "sha512==", []byte(`{"é":"😀"}`), true, uint(3), byte(0x80))
	f.Add("k", "=", []byte{0xff}, false, uint(1), byte(2))
	f.Add("k", "md5=AAAA", []byte("x"), false, uint(1), byte(2))
	f.Fuzz(func(t *testing.T, key, header string, body []byte, sha512 bool, pos uint, delta byte) {
		p := respondent.New(respondent.Options{})
		h := http.Header{}
		h.Set(respondent.HeaderSignature, header)
		_ = p.Verify(h, body, key, hookdrill.VerifyOptions{})

		alg := respondent.AlgorithmSHA256
		if sha512 {
			alg = respondent.AlgorithmSHA512
		}
		signedH, err := p.Sign(hookdrill.SignInput{Body: body, Secret: key, SentAt: vecTime, Algorithm: alg})
		require.NoError(t, err)
		require.NoError(t, p.Verify(signedH, body, key, hookdrill.VerifyOptions{}))
		if len(body) == 0 || delta == 0 {
			return
		}
		changed := bytes.Clone(body)
		changed[pos%uint(len(changed))] ^= delta
		require.ErrorIs(t, p.Verify(signedH, changed, key, hookdrill.VerifyOptions{}), hookdrill.ErrSignatureMismatch)
	})
}

// FuzzRawPayload: any JSON object decoded with ParseObject goes through the
// raw-payload path of NewEvent unchanged, its compact body parses back to
// the same object, and MutateBody always changes it.
func FuzzRawPayload(f *testing.F) {
	f.Add([]byte(vecBody))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"event":1,"uuid":null,"created":"2026-01-08T23:09:08.239+01:00","payload":{"resource":{"conversation":{"uid":"é"}}}}`))
	f.Add([]byte(`{"payload":{"resource":{"id":5,"messageId":"m","updatedFields":[{"name":"status","newValue":"PAID"},3]}}}`))
	p := respondent.New(respondent.Options{})
	f.Fuzz(func(t *testing.T, raw []byte) {
		obj, err := hookdrill.ParseObject(raw)
		if err != nil {
			return
		}
		ev, err := p.NewEvent(hookdrill.EventSpec{Payload: obj}, seeded(1), vecTime)
		require.NoError(t, err)
		require.Equal(t, obj, ev.Payload)
		body, err := p.Encode(ev)
		require.NoError(t, err)
		back, err := hookdrill.ParseObject(body)
		require.NoError(t, err)
		require.Equal(t, obj, back)
		mutated, err := p.MutateBody(ev)
		require.NoError(t, err)
		require.NotEqual(t, string(body), string(mutated))
	})
}
