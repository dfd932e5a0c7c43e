package sender_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/hookdrill/hookdrill"
)

// fakeProfile is a minimal platform for testing the engine on its own:
// HMAC-SHA256 over timestamp+body in X-Sig, X-Ts request timestamp.
type fakeProfile struct{ policy hookdrill.RetryPolicy }

func (fakeProfile) Name() string { return "fake" }
func (fakeProfile) EventTypes() []hookdrill.EventType {
	return []hookdrill.EventType{{Name: "thing.happened"}}
}
func (fakeProfile) NewEvent(spec hookdrill.EventSpec, rnd *rand.Rand, now time.Time) (hookdrill.Event, error) {
	id := spec.ID
	if id == "" {
		id = fmt.Sprintf("%024x", rnd.Uint64())
	}
	res := spec.ResourceID
	if res == "" {
		res = "r1"
	}
	return hookdrill.Event{Platform: "fake", ID: id, Type: spec.Type, ResourceID: res, Status: spec.Status, CreatedAt: now,
		Payload: hookdrill.Object{{Key: "resource_id", Value: res}, {Key: "event_type", Value: spec.Type}, {Key: "status", Value: spec.Status}}}, nil
}
func (fakeProfile) Encode(ev hookdrill.Event) ([]byte, error) {
	return hookdrill.EncodePython(ev.Payload)
}
func (fakeProfile) Sign(in hookdrill.SignInput) (http.Header, error) {
	ts := strconv.FormatInt(in.SentAt.Unix(), 10)
	return http.Header{
		"Content-Type": {"application/json"},
		"X-Ts":         {ts},
		"X-Sig":        {fakeSig(in.Secret, ts, in.Body)},
		"X-Event-Id":   {in.Event.ID},
	}, nil
}
func fakeSig(secret, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}
func (fakeProfile) Verify(h http.Header, body []byte, secret string, opt hookdrill.VerifyOptions) error {
	sig := h.Get("X-Sig")
	if sig == "" {
		return hookdrill.ErrMissingSignature
	}
	if !hmac.Equal([]byte(sig), []byte(fakeSig(secret, h.Get("X-Ts"), body))) {
		return hookdrill.ErrSignatureMismatch
	}
	if opt.Tolerance > 0 {
		ts, _ := strconv.ParseInt(h.Get("X-Ts"), 10, 64)
		if d := opt.Now.Sub(time.Unix(ts, 0)); d > opt.Tolerance || d < -opt.Tolerance {
			return hookdrill.ErrStaleTimestamp
		}
	}
	return nil
}
func (fakeProfile) ApplyTamper(h http.Header, t hookdrill.Tamper) error {
	switch t {
	case hookdrill.TamperNoSignature:
		h.Del("X-Sig")
	case hookdrill.TamperFlipSignature:
		b, _ := base64.StdEncoding.DecodeString(h.Get("X-Sig"))
		b[0] ^= 1
		h.Set("X-Sig", base64.StdEncoding.EncodeToString(b))
	case hookdrill.TamperNoTimestamp:
		h.Del("X-Ts")
	case hookdrill.TamperBadBase64:
		h.Set("X-Sig", "!!not-base64!!")
	default:
		return hookdrill.ErrTamperUnsupported
	}
	return nil
}
func (fakeProfile) MutateBody(ev hookdrill.Event) ([]byte, error) {
	p := ev.Payload.Clone().Set("resource_id", ev.ResourceID+"x")
	return hookdrill.EncodePython(p)
}
func (f fakeProfile) RetryPolicy() hookdrill.RetryPolicy { return f.policy }
func (f fakeProfile) RetryPresets() map[string]hookdrill.RetryPolicy {
	return map[string]hookdrill.RetryPolicy{"fake": f.policy}
}

// fastPolicy retries quickly on the real clock.
func fastPolicy(attempts int) hookdrill.RetryPolicy {
	return hookdrill.RetryPolicy{Name: "fast", MaxAttempts: attempts, BaseDelay: time.Millisecond, Multiplier: 2,
		Jitter: hookdrill.JitterNone, Timeout: 2 * time.Second}
}
