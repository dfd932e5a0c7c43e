package exampleplatform_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/clock"
	"github.com/hookdrill/hookdrill/internal/exampleplatform"
	"github.com/hookdrill/hookdrill/platform"
	"github.com/hookdrill/hookdrill/platform/prolific"
	"github.com/hookdrill/hookdrill/platform/respondent"
	"github.com/hookdrill/hookdrill/sender"
	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// seen is what the verifying receiver observed of one request.
type seen struct {
	header http.Header
	body   []byte
	err    error // Verify's verdict
	event  hookdrill.Event
}

// verifyingReceiver answers 204 to a request the profile's Verify accepts
// at the receiver's wall clock, 401 to any other, and records each.
type verifyingReceiver struct {
	p      *exampleplatform.Profile
	secret string
	status int // answer to a verified request; 0: 204

	mu   sync.Mutex
	seen []seen
}

func (v *verifyingReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s := seen{header: r.Header.Clone(), body: body}
	s.err = v.p.Verify(r.Header, body, v.secret, v.p.VerifyOptions(time.Now()))
	if s.err == nil {
		s.event, s.err = exampleplatform.ParseBody(body)
	}
	v.mu.Lock()
	v.seen = append(v.seen, s)
	v.mu.Unlock()
	switch {
	case s.err != nil:
		w.WriteHeader(http.StatusUnauthorized)
	case v.status != 0:
		w.WriteHeader(v.status)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

func (v *verifyingReceiver) requests() []seen {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]seen(nil), v.seen...)
}

// TestSenderDeliversVerifiably: the sender, given only the profile as a
// value, delivers an event that the profile's own Verify accepts at the
// receiver, byte for byte the body Encode gives.
func TestSenderDeliversVerifiably(t *testing.T) {
	p := exampleplatform.New(exampleplatform.Options{})
	rcv := &verifyingReceiver{p: p, secret: secret}
	srv := httptest.NewServer(rcv)
	defer srv.Close()

	s, err := sender.New(sender.Config{Profile: p})
	require.NoError(t, err)
	defer s.Close()
	ev, err := p.NewEvent(hookdrill.EventSpec{Type: exampleplatform.EventOrderUpdated, Status: "refunded"}, seeded(9), time.Now())
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	hd, err := s.Deliver(ctx, sender.Delivery{Event: ev, Target: hookdrill.Target{URL: srv.URL + "/hooks/example", Secret: secret}})
	require.NoError(t, err)
	res, err := hd.Wait(ctx)
	require.NoError(t, err)
	require.True(t, res.Delivered(), "result %+v", res)
	require.Len(t, res.Attempts, 1)

	got := rcv.requests()
	require.Len(t, got, 1)
	require.NoError(t, got[0].err)
	want, err := p.Encode(ev)
	require.NoError(t, err)
	tassert.Equal(t, string(want), string(got[0].body))
	tassert.Equal(t, "application/json", got[0].header.Get("Content-Type"))
	tassert.Equal(t, ev.ID, got[0].event.ID)
	tassert.Equal(t, ev.ResourceID, got[0].event.ResourceID)
	tassert.Equal(t, "refunded", got[0].event.Status)

	a := res.Attempts[0]
	tassert.Equal(t, exampleplatform.Name, a.Platform)
	tassert.Equal(t, ev.ID, a.EventID)
	tassert.Equal(t, hookdrill.OutcomeSuccess, a.Outcome)
}

// TestSenderTampersClassified: every tamper kind the sender offers works
// on the example platform (header-level ones through ApplyTamper, the
// others in the sender) and the receiver's Verify classifies each with the
// root sentinel a receiver should report.
func TestSenderTampersClassified(t *testing.T) {
	p := exampleplatform.New(exampleplatform.Options{})
	want := map[hookdrill.Tamper]error{
		hookdrill.TamperWrongSecret:   hookdrill.ErrSignatureMismatch,
		hookdrill.TamperFlipSignature: hookdrill.ErrSignatureMismatch,
		hookdrill.TamperBodyChanged:   hookdrill.ErrSignatureMismatch,
		hookdrill.TamperNoSignature:   hookdrill.ErrMissingSignature,
		hookdrill.TamperNoTimestamp:   hookdrill.ErrMissingTimestamp,
		hookdrill.TamperBadBase64:     hookdrill.ErrMalformed,
		hookdrill.TamperUnknownAlg:    hookdrill.ErrUnknownAlgorithm,
		hookdrill.TamperStale:         hookdrill.ErrStaleTimestamp,
		hookdrill.TamperFuture:        hookdrill.ErrStaleTimestamp,
	}
	require.Len(t, want, len(hookdrill.AllTampers))
	one := p.RetryPolicy()
	one.MaxAttempts = 1
	for _, tamper := range hookdrill.AllTampers {
		t.Run(string(tamper), func(t *testing.T) {
			rcv := &verifyingReceiver{p: p, secret: secret}
			srv := httptest.NewServer(rcv)
			defer srv.Close()
			s, err := sender.New(sender.Config{Profile: p})
			require.NoError(t, err)
			defer s.Close()
			ev, err := p.NewEvent(hookdrill.EventSpec{Type: exampleplatform.EventOrderUpdated}, seeded(4), time.Now())
			require.NoError(t, err)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			hd, err := s.Deliver(ctx, sender.Delivery{Event: ev, Target: hookdrill.Target{URL: srv.URL, Secret: secret},
				Policy: &one, Faults: sender.Faults{Tamper: []hookdrill.Tamper{tamper}}})
			require.NoError(t, err)
			res, err := hd.Wait(ctx)
			require.NoError(t, err)
			require.False(t, res.Delivered())
			got := rcv.requests()
			require.Len(t, got, 1)
			require.ErrorIs(t, got[0].err, want[tamper])
			tassert.Equal(t, http.StatusUnauthorized, res.Attempts[0].Response.Status)
		})
	}
}

// TestSenderRetriesOnSimulatedClock: against a failing receiver the
// default preset runs its four attempts 1, 5 and 25 minutes apart on the
// simulated clock, every one verifiable (each signs its own time).
func TestSenderRetriesOnSimulatedClock(t *testing.T) {
	p := exampleplatform.New(exampleplatform.Options{})
	rcv := &verifyingReceiver{p: p, secret: secret, status: http.StatusServiceUnavailable}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	sim := clock.NewSim(start)
	s, err := sender.New(sender.Config{Profile: p, Clock: sim})
	require.NoError(t, err)
	defer s.Close()
	ev, err := p.NewEvent(hookdrill.EventSpec{Type: exampleplatform.EventOrderUpdated}, seeded(5), start)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	hd, err := s.Deliver(ctx, sender.Delivery{Event: ev, Target: hookdrill.Target{URL: srv.URL, Secret: secret}})
	require.NoError(t, err)
	require.NoError(t, sim.RunUntilIdle(ctx))
	res, err := hd.Wait(ctx)
	require.NoError(t, err)
	require.False(t, res.Delivered())
	require.Len(t, res.Attempts, 4)
	offsets := make([]time.Duration, len(res.Attempts))
	for i, a := range res.Attempts {
		offsets[i] = a.SimStarted.Sub(start)
		tassert.Equal(t, hookdrill.OutcomeHTTPError, a.Outcome)
	}
	tassert.Equal(t, []time.Duration{0, time.Minute, 6 * time.Minute, 31 * time.Minute}, offsets)
	for i, r := range rcv.requests() {
		require.NoError(t, r.err, "attempt %d verifies", i+1)
	}
}

// TestRegistryWithThreePlatforms: a registry built from the two real
// platforms and this one answers every question for all three.
func TestRegistryWithThreePlatforms(t *testing.T) {
	ctors := []func() hookdrill.Profile{
		func() hookdrill.Profile { return prolific.New(prolific.Options{}) },
		func() hookdrill.Profile { return respondent.New(respondent.Options{}) },
		func() hookdrill.Profile { return exampleplatform.New(exampleplatform.Options{}) },
	}
	r, err := platform.NewRegistry(ctors...)
	require.NoError(t, err)
	tassert.Equal(t, []string{"example", "prolific", "respondent"}, r.Names())
	tassert.True(t, r.Has(exampleplatform.Name))

	p, err := r.Lookup(exampleplatform.Name)
	require.NoError(t, err)
	tassert.Equal(t, exampleplatform.Name, p.Name())
	_, err = r.Lookup("Example")
	require.ErrorIs(t, err, platform.ErrUnknownPlatform)
	tassert.Contains(t, err.Error(), "example, prolific, respondent")

	for et, want := range map[string]string{
		exampleplatform.EventOrderUpdated:    exampleplatform.Name,
		prolific.EventSubmissionStatusChange: prolific.Name,
		respondent.EventMessagesCreated:      respondent.Name,
		"order.shipped":                      "",
	} {
		got, ok := r.ForEventType(et)
		tassert.Equal(t, want, got, et)
		tassert.Equal(t, want != "", ok, et)
	}

	key, ok := r.IdentityKey(exampleplatform.Name, exampleplatform.EventOrderUpdated)
	tassert.True(t, ok)
	tassert.Equal(t, exampleplatform.ExtraCustomerID, key)
	key, ok = r.IdentityKey(prolific.Name, prolific.EventSubmissionStatusChange)
	tassert.True(t, ok)
	tassert.Equal(t, prolific.ExtraParticipantID, key)

	ev, err := p.NewEvent(hookdrill.EventSpec{Type: exampleplatform.EventOrderUpdated, ResourceID: "ord_7"}, seeded(1), vecTime)
	require.NoError(t, err)
	k, v, ok := r.Identity(ev)
	tassert.True(t, ok)
	tassert.Equal(t, exampleplatform.ExtraCustomerID, k)
	tassert.Equal(t, exampleplatform.Customer("ord_7"), v)

	// A second "example" is a mistake in the list.
	_, err = platform.NewRegistry(append(ctors, ctors[2])...)
	require.Error(t, err)
	tassert.Contains(t, err.Error(), `"example" registered twice`)
}
