package sender_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/sender"
)

// gate is a receiver that holds every request until released, recording
// the order in which event ids arrive.
type gate struct {
	mu      sync.Mutex
	order   []string
	arrived chan struct{}
	release chan struct{}
	once    sync.Once
}

func newGate() *gate {
	return &gate{arrived: make(chan struct{}, 100), release: make(chan struct{})}
}

// open lets every held request and every later one through.
func (g *gate) open() { g.once.Do(func() { close(g.release) }) }

// gated starts a gate receiver and a sender for it. Cleanup opens the
// gate first, so that closing the sender does not wait on held requests.
func gated(t *testing.T, cfg sender.Config) (*gate, *sender.Sender, hookdrill.Target) {
	t.Helper()
	g := newGate()
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	if cfg.Profile == nil {
		cfg.Profile = fakeProfile{policy: fastPolicy(3)}
	}
	s, err := sender.New(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	t.Cleanup(g.open)
	return g, s, hookdrill.Target{URL: srv.URL, Secret: secret}
}

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	g.mu.Lock()
	g.order = append(g.order, r.Header.Get("X-Event-Id"))
	g.mu.Unlock()
	g.arrived <- struct{}{}
	select {
	case <-g.release:
	case <-r.Context().Done():
	}
}

func eventWithID(t *testing.T, id string) hookdrill.Event {
	t.Helper()
	ev, err := fakeProfile{}.NewEvent(hookdrill.EventSpec{Type: "thing.happened", Status: "DONE", ID: id}, nil, time.Unix(1767225600, 0))
	require.NoError(t, err)
	return ev
}

func waitResult(t *testing.T, h *sender.Handle) sender.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := h.Wait(ctx)
	require.NoError(t, err)
	return res
}

// Attempts that find every connection slot taken wait their turn in the
// order they came, and each one runs once a slot frees.
func TestQueuedAttemptsRunInOrder(t *testing.T) {
	g, s, target := gated(t, sender.Config{Concurrency: 1})
	ids := []string{"e0", "e1", "e2", "e3", "e4"}
	var hs []*sender.Handle
	for i, id := range ids {
		h, err := s.Deliver(context.Background(), sender.Delivery{Event: eventWithID(t, id), Target: target})
		require.NoError(t, err)
		hs = append(hs, h)
		if i == 0 {
			<-g.arrived // e0 holds the only slot; the rest queue behind it
		}
	}
	for range ids[1:] {
		g.release <- struct{}{}
		<-g.arrived
	}
	g.release <- struct{}{}
	for _, h := range hs {
		tassert.True(t, waitResult(t, h).Delivered())
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	tassert.Equal(t, ids, g.order)
}

// A delivery whose context ends while it waits for a slot ends at once as
// cancelled, without an attempt, and the queue behind it moves on.
func TestCancelWhileWaitingForASlot(t *testing.T) {
	g, s, target := gated(t, sender.Config{Concurrency: 1})
	first, err := s.Deliver(context.Background(), sender.Delivery{Event: eventWithID(t, "held"), Target: target})
	require.NoError(t, err)
	<-g.arrived
	ctx, cancel := context.WithCancel(context.Background())
	queued, err := s.Deliver(ctx, sender.Delivery{Event: eventWithID(t, "queued"), Target: target})
	require.NoError(t, err)
	last, err := s.Deliver(context.Background(), sender.Delivery{Event: eventWithID(t, "last"), Target: target})
	require.NoError(t, err)
	cancel()
	res := waitResult(t, queued) // while "held" still holds the slot
	tassert.Equal(t, hookdrill.OutcomeCancelled, res.Outcome)
	tassert.Equal(t, "cancelled while waiting for a free connection slot", res.Reason)
	tassert.Empty(t, res.Attempts)
	g.open()
	tassert.True(t, waitResult(t, first).Delivered())
	tassert.True(t, waitResult(t, last).Delivered())
	g.mu.Lock()
	defer g.mu.Unlock()
	tassert.Equal(t, []string{"held", "last"}, g.order)
}

// Close cancels the attempts still waiting for a slot and waits for the
// one in flight.
func TestCloseCancelsQueuedAttempts(t *testing.T) {
	g, s, target := gated(t, sender.Config{Profile: fakeProfile{policy: fastPolicy(1)}, Concurrency: 1})
	first, err := s.Deliver(context.Background(), sender.Delivery{Event: eventWithID(t, "held"), Target: target})
	require.NoError(t, err)
	<-g.arrived
	var queued []*sender.Handle
	for _, id := range []string{"q1", "q2", "q3"} {
		h, err := s.Deliver(context.Background(), sender.Delivery{Event: eventWithID(t, id), Target: target})
		require.NoError(t, err)
		queued = append(queued, h)
	}
	go func() { time.Sleep(50 * time.Millisecond); g.open() }()
	require.NoError(t, s.Close())
	tassert.True(t, first.Result().Delivered(), "the attempt in flight finishes")
	for _, h := range queued {
		res := h.Result()
		tassert.Equal(t, hookdrill.OutcomeCancelled, res.Outcome)
		tassert.Equal(t, "sender closed before attempt 1", res.Reason)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	tassert.Equal(t, []string{"held"}, g.order)
}

// A request larger than the socket takes at once is still sent whole and
// signed as sent, to a receiver that is slow to start reading.
func TestLargeRequestBodyIsSentWhole(t *testing.T) {
	big := strings.Repeat("0123456789abcdef", 1<<18) // 4 MiB
	var mu sync.Mutex                                // a loaded machine may see more than one request
	var got []byte
	var verified bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(100 * time.Millisecond)
		body, _ := io.ReadAll(r.Body)
		m := hmac.New(sha256.New, []byte(secret))
		m.Write([]byte(r.Header.Get("X-Ts")))
		m.Write(body)
		mu.Lock()
		defer mu.Unlock()
		got = body
		verified = r.Header.Get("X-Sig") == base64.StdEncoding.EncodeToString(m.Sum(nil))
	}))
	defer srv.Close()
	// One attempt with a generous timeout: the test is about the body, not
	// about how fast a loaded CI machine moves 4 MiB under -race.
	pol := fastPolicy(1)
	pol.Timeout = 30 * time.Second
	s := newSender(t, sender.Config{Profile: fakeProfile{policy: pol}})
	ev := eventWithID(t, "big")
	ev.Payload = append(ev.Payload, hookdrill.Field{Key: "blob", Value: big})
	res := deliver(t, s, sender.Delivery{Event: ev, Target: hookdrill.Target{URL: srv.URL, Secret: secret}})
	require.True(t, res.Delivered(), "%+v", res)
	mu.Lock()
	defer mu.Unlock()
	tassert.Greater(t, len(got), len(big))
	tassert.Equal(t, res.Attempts[0].Request.Body, string(got))
	tassert.True(t, verified, "the receiver verified the signature")
}

// Cancelling a delivery while its request waits for an answer ends the
// attempt at once as cancelled, and the connection slot is free again.
func TestCancelWhileWaitingForTheAnswer(t *testing.T) {
	// The attempt timeout (60 s) is far beyond waitResult's 10 s: an
	// attempt that waited for its timeout instead of ending on cancel
	// fails the wait, however loaded the machine is.
	pol := fastPolicy(3)
	pol.Timeout = time.Minute
	g, s, target := gated(t, sender.Config{Concurrency: 1, Profile: fakeProfile{policy: pol}})
	ctx, cancel := context.WithCancel(context.Background())
	h, err := s.Deliver(ctx, sender.Delivery{Event: eventWithID(t, "hung"), Target: target})
	require.NoError(t, err)
	<-g.arrived
	cancel()
	res := waitResult(t, h)
	tassert.Equal(t, hookdrill.OutcomeCancelled, res.Outcome)
	require.Len(t, res.Attempts, 1)
	tassert.Equal(t, hookdrill.OutcomeCancelled, res.Attempts[0].Outcome)

	next, err := s.Deliver(context.Background(), sender.Delivery{Event: eventWithID(t, "next"), Target: target})
	require.NoError(t, err)
	<-g.arrived
	// Open the gate rather than release one request: the cancelled
	// request's handler may not have seen its connection close yet and
	// would take a single release meant for this one.
	g.open()
	tassert.True(t, waitResult(t, next).Delivered(), "the slot was given back")
}

// A delivery whose context is already done when it would have to queue
// ends at once, not when a slot frees.
func TestDeliverWithADoneContextDoesNotQueue(t *testing.T) {
	g, s, target := gated(t, sender.Config{Concurrency: 1})
	_, err := s.Deliver(context.Background(), sender.Delivery{Event: eventWithID(t, "held"), Target: target})
	require.NoError(t, err)
	<-g.arrived
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	h, err := s.Deliver(ctx, sender.Delivery{Event: eventWithID(t, "late"), Target: target})
	require.NoError(t, err)
	res := waitResult(t, h) // while "held" still holds the slot
	tassert.Equal(t, hookdrill.OutcomeCancelled, res.Outcome)
	tassert.Empty(t, res.Attempts)
}
