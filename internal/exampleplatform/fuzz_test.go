package exampleplatform_test

import (
	"bytes"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/internal/exampleplatform"
	"github.com/stretchr/testify/require"
)

// FuzzVerify: Verify never panics on any header value and always answers
// with one of the root sentinels; a header made by Sign always verifies;
// changing any one byte of the body makes it fail.
func FuzzVerify(f *testing.F) {
	f.Add(vecSecret, "t="+vecTS+",v1=9810970880e62425f2190a6bd31f66fe2ebdf6df8027a18fa4abc137277ef9de", []byte(vecBody), uint(5), byte(1))
	f.Add("", "", []byte{}, uint(0), byte(0xff))
	f.Add("k", "t=-1,v1=!!not-hex!!", []byte(`{"é":"\u00e9"}`), uint(3), byte(0x80))
	f.Add("k", "t=99999999999999999999,v9=00,v1=", []byte{0xff, 0xfe}, uint(1), byte(2))
	f.Add("k", ",,=,t,v1=,t=1,t=2", []byte("{}"), uint(1), byte(2))
	p := exampleplatform.New(exampleplatform.Options{})
	sentinels := []error{hookdrill.ErrMissingSignature, hookdrill.ErrMissingTimestamp, hookdrill.ErrMalformed,
		hookdrill.ErrUnknownAlgorithm, hookdrill.ErrSignatureMismatch, hookdrill.ErrStaleTimestamp}
	f.Fuzz(func(t *testing.T, secret, header string, body []byte, pos uint, delta byte) {
		h := http.Header{}
		h.Set(exampleplatform.HeaderSignature, header)
		for _, opt := range []hookdrill.VerifyOptions{{}, p.VerifyOptions(vecTime)} {
			if err := p.Verify(h, body, secret, opt); err != nil {
				classified := false
				for _, s := range sentinels {
					classified = classified || errors.Is(err, s)
				}
				require.True(t, classified, "unclassified error %v", err)
			}
		}

		signedH, err := p.Sign(hookdrill.SignInput{Body: body, Secret: secret, SentAt: vecTime})
		require.NoError(t, err)
		require.NoError(t, p.Verify(signedH, body, secret, p.VerifyOptions(vecTime.Add(time.Minute))))
		if len(body) == 0 || delta == 0 {
			return
		}
		changed := bytes.Clone(body)
		changed[pos%uint(len(changed))] ^= delta
		require.ErrorIs(t, p.Verify(signedH, changed, secret, hookdrill.VerifyOptions{}), hookdrill.ErrSignatureMismatch)
	})
}

// FuzzParseBody: ParseBody never panics; a body it accepts goes through
// the raw-payload path of NewEvent, encodes back to a body ParseBody reads
// as the same event, and MutateBody changes it.
func FuzzParseBody(f *testing.F) {
	f.Add([]byte(vecBody))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"id":"e","type":"t","created_at":0,"data":{"order_id":5,"status":null}}`))
	f.Add([]byte(`{"id":"e","type":"t","created_at":1e3,"data":{}}`))
	f.Add([]byte(`{"k": "\u0000\u001f\u007f\"\\/", "k": 2}`))
	p := exampleplatform.New(exampleplatform.Options{})
	f.Fuzz(func(t *testing.T, raw []byte) {
		ev, err := exampleplatform.ParseBody(raw)
		if err != nil {
			require.ErrorIs(t, err, exampleplatform.ErrBadBody)
			return
		}
		built, err := p.NewEvent(hookdrill.EventSpec{Payload: ev.Payload}, seeded(1), ev.CreatedAt)
		require.NoError(t, err)
		require.Equal(t, ev, built)
		body, err := p.Encode(built)
		require.NoError(t, err)
		back, err := exampleplatform.ParseBody(body)
		require.NoError(t, err)
		require.Equal(t, ev, back)
		mutated, err := p.MutateBody(built)
		require.NoError(t, err)
		require.NotEqual(t, string(body), string(mutated))
	})
}
