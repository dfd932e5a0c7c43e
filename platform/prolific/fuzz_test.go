package prolific_test

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/platform/prolific"
	"github.com/stretchr/testify/require"
)

// FuzzVerify: Verify never panics on any header values; a signature made by
// Sign always verifies; changing any one byte of the body makes it fail.
func FuzzVerify(f *testing.F) {
	f.Add(vecSecret, vecTimestamp, vecSignature, []byte(vecBody), uint(5), byte(1))
	f.Add("", "", "", []byte{}, uint(0), byte(0xff))
	f.Add("k", "-1", "!!not-base64!!", []byte(`{"é": "\u00e9"}`), uint(3), byte(0x80))
	f.Add("k", "99999999999999999999", "AAAA", []byte{0xff, 0xfe}, uint(1), byte(2))
	p := prolific.New(prolific.Options{})
	f.Fuzz(func(t *testing.T, secret, ts, sig string, body []byte, pos uint, delta byte) {
		h := http.Header{}
		h.Set(prolific.HeaderRequestTimestamp, ts)
		h.Set(prolific.HeaderSignature, sig)
		_ = p.Verify(h, body, secret, hookdrill.VerifyOptions{Now: vecTime, Tolerance: time.Minute})
		_ = p.Verify(h, body, secret, hookdrill.VerifyOptions{})

		sentAt := vecTime
		signedH, err := p.Sign(hookdrill.SignInput{Body: body, Secret: secret, SentAt: sentAt})
		require.NoError(t, err)
		require.NoError(t, p.Verify(signedH, body, secret, p.VerifyOptions(sentAt)))
		if len(body) == 0 || delta == 0 {
			return
		}
		changed := bytes.Clone(body)
		changed[pos%uint(len(changed))] ^= delta
		require.ErrorIs(t, p.Verify(signedH, changed, secret, hookdrill.VerifyOptions{}), hookdrill.ErrSignatureMismatch)
	})
}

// FuzzRawPayload: any JSON object decoded with ParseObject goes through the
// raw-payload path of NewEvent and comes out as the same object, and the
// Python-form body parses back to it.
func FuzzRawPayload(f *testing.F) {
	f.Add([]byte(vecBody))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"resource_id": 5, "event_type": null, "status": ["x"], "a": {"b": [1.0e3, -0, "\ud83d\ude00"]}}`))
	f.Add([]byte(`{"k": "\u0000\u001f\u007f\"\\/", "k": 2}`))
	p := prolific.New(prolific.Options{AllowUnknownTypes: true})
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
