package sender_test

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/clock"
	"github.com/hookdrill/hookdrill/internal/testkit"
	"github.com/hookdrill/hookdrill/sender"
)

const secret = "s3cret-value-that-must-never-leak"

// recorder is a receiver that verifies with the fake profile and answers
// with the status its script gives for the n-th request.
type recorder struct {
	mu       sync.Mutex
	requests []recorded
	script   func(n int) int
}

type recorded struct {
	header   http.Header
	body     []byte
	verified error
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	r.requests = append(r.requests, recorded{req.Header.Clone(), body, fakeProfile{}.Verify(req.Header, body, secret, hookdrill.VerifyOptions{Now: time.Now(), Tolerance: time.Minute})})
	n := len(r.requests)
	r.mu.Unlock()
	code := 200
	if r.script != nil {
		code = r.script(n)
	}
	w.WriteHeader(code)
	io.WriteString(w, `{"ok":true}`)
}

func (r *recorder) got() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.requests...)
}

func newSender(t testing.TB, cfg sender.Config) *sender.Sender {
	t.Helper()
	if cfg.Profile == nil {
		cfg.Profile = fakeProfile{policy: fastPolicy(3)}
	}
	s, err := sender.New(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

func event(t testing.TB) hookdrill.Event {
	t.Helper()
	ev, err := fakeProfile{}.NewEvent(hookdrill.EventSpec{Type: "thing.happened", Status: "AWAITING REVIEW", ID: "ev1"}, nil, time.Unix(1767225600, 0))
	require.NoError(t, err)
	return ev
}

func deliver(t testing.TB, s *sender.Sender, d sender.Delivery) sender.Result {
	t.Helper()
	h, err := s.Deliver(context.Background(), d)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := h.Wait(ctx)
	require.NoError(t, err)
	return res
}

func TestDeliverRetriesUntilSuccess(t *testing.T) {
	tests := []struct {
		name       string
		script     func(int) int
		attempts   int
		status     hookdrill.DeliveryStatus
		lastOut    hookdrill.Outcome
		wantReason string
	}{
		{"first try", nil, 1, hookdrill.StatusSucceeded, hookdrill.OutcomeSuccess, ""},
		{"recovers on third", func(n int) int { return map[bool]int{true: 503, false: 204}[n < 3] }, 3, hookdrill.StatusSucceeded, hookdrill.OutcomeSuccess, ""},
		{"always 500", func(int) int { return 500 }, 3, hookdrill.StatusFailed, hookdrill.OutcomeHTTPError, "all 3 attempts failed"},
		{"4xx is retried too", func(int) int { return 401 }, 3, hookdrill.StatusFailed, hookdrill.OutcomeHTTPError, "all 3 attempts failed"},
		{"redirect is a failure", func(int) int { return 302 }, 3, hookdrill.StatusFailed, hookdrill.OutcomeRedirect, "all 3 attempts failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{script: tt.script}
			srv := httptest.NewServer(rec)
			defer srv.Close()
			j := hookdrill.NewJournal()
			s := newSender(t, sender.Config{Journal: j})
			res := deliver(t, s, sender.Delivery{Event: event(t), Target: hookdrill.Target{URL: srv.URL + "/hook", Secret: secret}})

			tassert.Equal(t, tt.status, res.Status)
			tassert.Equal(t, tt.lastOut, res.Outcome)
			tassert.Len(t, res.Attempts, tt.attempts)
			tassert.Contains(t, res.Reason, tt.wantReason)
			got := rec.got()
			require.Len(t, got, tt.attempts, "the receiver sees every attempt; redirects are not followed")
			for i, r := range got {
				tassert.NoError(t, r.verified, "attempt %d must verify", i+1)
				tassert.Equal(t, "ev1", r.header.Get("X-Event-Id"), "event id is stable across retries")
				tassert.Equal(t, string(got[0].body), string(r.body), "body is stable across retries")
				tassert.Empty(t, r.header.Get("Accept-Encoding"), "no header the platform does not send")
			}
			for i, a := range res.Attempts {
				tassert.Equal(t, i+1, a.Number)
				tassert.Equal(t, i == len(res.Attempts)-1, a.Final)
				if !a.Final {
					tassert.Equal(t, time.Duration(1<<i)*time.Millisecond, a.NextAttemptIn, "doubling from 1ms, no jitter")
				}
			}
			snap := j.Snapshot()
			tassert.Len(t, snap.Attempts(""), tt.attempts)
			require.Len(t, snap.Deliveries(), 1)
			tassert.Equal(t, tt.status, snap.Deliveries()[0].Status)
		})
	}
}

func readRequest(c net.Conn) {
	req, err := http.ReadRequest(bufio.NewReader(c))
	if err == nil {
		io.Copy(io.Discard, req.Body)
	}
}

func TestBrokenReceiversAreRecordedOutcomes(t *testing.T) {
	refusedLn, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	refusedURL := "http://" + refusedLn.Addr().String() + "/hook"
	refusedLn.Close()

	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer tlsSrv.Close()

	hang := make(chan struct{})
	defer close(hang)

	tests := []struct {
		name string
		url  func(t *testing.T) string
		want hookdrill.Outcome
		body func(t *testing.T, a hookdrill.Attempt)
	}{
		{"connection refused", func(*testing.T) string { return refusedURL }, hookdrill.OutcomeRefused, nil},
		{"hangs past the timeout", func(t *testing.T) string {
			return testkit.RawServer(t, func(c net.Conn) {
				readRequest(c)
				select {
				case <-hang:
				case <-time.After(5 * time.Second):
				}
			})
		}, hookdrill.OutcomeTimeout, nil},
		// Every other case ends by itself; the hang case alone needs the
		// short timeout, so a loaded machine (CI with -race and parallel
		// packages) cannot turn a slow TLS handshake or a 10 MiB read into
		// a timeout.
		{"resets the connection", func(t *testing.T) string {
			return testkit.RawServer(t, func(c net.Conn) {
				readRequest(c)
				c.(*net.TCPConn).SetLinger(0)
			})
		}, hookdrill.OutcomeReset, nil},
		{"answers garbage", func(t *testing.T) string {
			return testkit.RawServer(t, func(c net.Conn) {
				readRequest(c)
				io.WriteString(c, "this is not HTTP at all\r\n\r\n")
			})
		}, hookdrill.OutcomeProtocol, nil},
		{"self-signed TLS", func(*testing.T) string { return tlsSrv.URL }, hookdrill.OutcomeTLS, nil},
		{"huge body is truncated, not a failure", func(t *testing.T) string {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				chunk := bytes.Repeat([]byte("x"), 64<<10)
				for i := 0; i < 160; i++ { // 10 MiB
					if _, err := w.Write(chunk); err != nil {
						return
					}
				}
			}))
			t.Cleanup(srv.Close)
			return srv.URL
		}, hookdrill.OutcomeSuccess, func(t *testing.T, a hookdrill.Attempt) {
			require.NotNil(t, a.Response)
			tassert.Len(t, a.Response.Body, sender.DefaultRecordBodyBytes)
			tassert.True(t, a.Response.BodyTruncated)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pol := fastPolicy(1)
			pol.Timeout = 10 * time.Second
			if tt.want == hookdrill.OutcomeTimeout {
				pol.Timeout = 300 * time.Millisecond
			}
			s := newSender(t, sender.Config{Profile: fakeProfile{policy: pol}})
			res := deliver(t, s, sender.Delivery{Event: event(t), Target: hookdrill.Target{URL: tt.url(t), Secret: secret}})
			require.Len(t, res.Attempts, 1)
			a := res.Attempts[0]
			tassert.Equal(t, tt.want, a.Outcome, "error: %s", a.Error)
			if tt.want != hookdrill.OutcomeSuccess {
				tassert.NotEmpty(t, a.Error)
				tassert.True(t, tt.want.Retryable(), "transport failures are retried")
			}
			if tt.body != nil {
				tt.body(t, a)
			}
		})
	}
}

func TestLostAckRedeliversTheSameEvent(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	s := newSender(t, sender.Config{Profile: fakeProfile{policy: fastPolicy(5)}})
	res := deliver(t, s, sender.Delivery{Event: event(t), Target: hookdrill.Target{URL: srv.URL, Secret: secret}, Faults: sender.Faults{LostAck: 2}})
	tassert.True(t, res.Delivered())
	require.Len(t, res.Attempts, 3)
	tassert.Equal(t, hookdrill.OutcomeLostAck, res.Attempts[0].Outcome)
	tassert.Equal(t, hookdrill.OutcomeLostAck, res.Attempts[1].Outcome)
	tassert.Equal(t, 200, res.Attempts[0].Response.Status, "the real answer is still recorded")
	tassert.Len(t, rec.got(), 3, "the receiver saw the event three times")
}

func TestTampersBreakVerification(t *testing.T) {
	tests := []struct {
		tamper hookdrill.Tamper
		want   error
	}{
		{hookdrill.TamperWrongSecret, hookdrill.ErrSignatureMismatch},
		{hookdrill.TamperFlipSignature, hookdrill.ErrSignatureMismatch},
		{hookdrill.TamperBodyChanged, hookdrill.ErrSignatureMismatch},
		{hookdrill.TamperNoSignature, hookdrill.ErrMissingSignature},
		{hookdrill.TamperBadBase64, hookdrill.ErrSignatureMismatch},
		{hookdrill.TamperStale, hookdrill.ErrStaleTimestamp},
		{hookdrill.TamperFuture, hookdrill.ErrStaleTimestamp},
	}
	for _, tt := range tests {
		t.Run(string(tt.tamper), func(t *testing.T) {
			rec := &recorder{}
			srv := httptest.NewServer(rec)
			defer srv.Close()
			s := newSender(t, sender.Config{Profile: fakeProfile{policy: fastPolicy(2)}})
			res := deliver(t, s, sender.Delivery{Event: event(t), Target: hookdrill.Target{URL: srv.URL, Secret: secret},
				Faults: sender.Faults{Tamper: []hookdrill.Tamper{tt.tamper}, TamperAttempts: 1}})
			got := rec.got()
			require.Len(t, got, 1, "the receiver answered 200, so only one attempt")
			tassert.ErrorIs(t, got[0].verified, tt.want)
			tassert.Equal(t, []string{string(tt.tamper)}, res.Attempts[0].Faults)
		})
	}
}

func TestTamperOnlyFirstAttemptThenValidRetry(t *testing.T) {
	rec := &recorder{}
	rec.script = func(n int) int {
		if rec.requests[n-1].verified != nil {
			return 401
		}
		return 200
	}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	s := newSender(t, sender.Config{Profile: fakeProfile{policy: fastPolicy(3)}})
	res := deliver(t, s, sender.Delivery{Event: event(t), Target: hookdrill.Target{URL: srv.URL, Secret: secret},
		Faults: sender.Faults{Tamper: []hookdrill.Tamper{hookdrill.TamperWrongSecret}, TamperAttempts: 1}})
	tassert.True(t, res.Delivered())
	require.Len(t, res.Attempts, 2)
	tassert.Equal(t, 401, res.Attempts[0].Response.Status)
}

func TestUnsupportedTamperIsRejectedUpFront(t *testing.T) {
	s := newSender(t, sender.Config{})
	_, err := s.Deliver(context.Background(), sender.Delivery{Event: event(t), Target: hookdrill.Target{URL: "http://127.0.0.1:1", Secret: secret},
		Faults: sender.Faults{Tamper: []hookdrill.Tamper{hookdrill.TamperUnknownAlg}}})
	tassert.ErrorIs(t, err, hookdrill.ErrTamperUnsupported)
	_, err = s.Deliver(context.Background(), sender.Delivery{Event: event(t), Target: hookdrill.Target{URL: "http://127.0.0.1:1", Secret: secret},
		Faults: sender.Faults{Tamper: []hookdrill.Tamper{"sideways"}}})
	tassert.ErrorContains(t, err, `unknown tamper "sideways"`)
}

func TestBadDeliveriesAreErrors(t *testing.T) {
	s := newSender(t, sender.Config{})
	tests := []struct {
		name   string
		target hookdrill.Target
		faults sender.Faults
		want   string
	}{
		{"empty url", hookdrill.Target{Secret: secret}, sender.Faults{}, "target URL is empty"},
		{"bad scheme", hookdrill.Target{URL: "ftp://x/", Secret: secret}, sender.Faults{}, "scheme must be http or https"},
		{"no host", hookdrill.Target{URL: "http:///x", Secret: secret}, sender.Faults{}, "no host"},
		{"empty secret", hookdrill.Target{URL: "http://127.0.0.1:1/"}, sender.Faults{}, "secret is empty"},
		{"bad body style", hookdrill.Target{URL: "http://127.0.0.1:1/", Secret: secret}, sender.Faults{BodyStyle: "wavy"}, "unknown body style"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Deliver(context.Background(), sender.Delivery{Event: event(t), Target: tt.target, Faults: tt.faults})
			tassert.ErrorContains(t, err, tt.want)
		})
	}
}

func TestSecretRotationSignsLaterAttemptsWithTheNewSecret(t *testing.T) {
	var current atomic.Value
	current.Store("old-secret-value-xyz")
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		for _, k := range []string{"old-secret-value-xyz", "new-secret-value-xyz"} {
			if (fakeProfile{}).Verify(r.Header, body, k, hookdrill.VerifyOptions{}) == nil {
				seen = append(seen, k)
			}
		}
		current.Store("new-secret-value-xyz")
		w.WriteHeader(500)
	}))
	defer srv.Close()
	s := newSender(t, sender.Config{Profile: fakeProfile{policy: fastPolicy(2)}})
	deliver(t, s, sender.Delivery{Event: event(t), Target: hookdrill.Target{URL: srv.URL, Secret: "old-secret-value-xyz"},
		Hooks: sender.Hooks{Secret: func() (string, bool) { return current.Load().(string), true }}})
	mu.Lock()
	defer mu.Unlock()
	tassert.Equal(t, []string{"old-secret-value-xyz", "new-secret-value-xyz"}, seen)
}

func TestInactiveSubscriptionStopsRetries(t *testing.T) {
	rec := &recorder{script: func(int) int { return 500 }}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	var active atomic.Bool
	active.Store(true)
	var dones atomic.Int32
	s := newSender(t, sender.Config{Profile: fakeProfile{policy: fastPolicy(5)}})
	res := deliver(t, s, sender.Delivery{Event: event(t), Target: hookdrill.Target{URL: srv.URL, Secret: secret},
		Hooks: sender.Hooks{
			Active:    active.Load,
			OnAttempt: func(a hookdrill.Attempt) { active.Store(a.Number < 2) },
			OnDone:    func(sender.Result) { dones.Add(1) },
		}})
	tassert.Equal(t, hookdrill.StatusFailed, res.Status)
	tassert.Equal(t, hookdrill.OutcomeUndelivered, res.Outcome)
	tassert.Len(t, rec.got(), 2)
	tassert.Equal(t, int32(1), dones.Load())
}

func TestCloseCancelsPendingRetriesAndWaits(t *testing.T) {
	srv, _ := testkit.Answering(t, 500)
	pol := fastPolicy(3)
	pol.BaseDelay = time.Hour
	s, err := sender.New(sender.Config{Profile: fakeProfile{policy: pol}})
	require.NoError(t, err)
	h, err := s.Deliver(context.Background(), sender.Delivery{Event: event(t), Target: hookdrill.Target{URL: srv.URL, Secret: secret}})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return s.Journal().Len() >= 1 }, 5*time.Second, time.Millisecond)
	require.NoError(t, s.Close())
	require.NoError(t, s.Close(), "Close is idempotent")
	select {
	case <-h.Done():
	default:
		t.Fatal("Close returned before the delivery ended")
	}
	res := h.Result()
	tassert.Equal(t, hookdrill.OutcomeCancelled, res.Outcome)
	tassert.Len(t, res.Attempts, 1)
	_, err = s.Deliver(context.Background(), sender.Delivery{Event: event(t), Target: hookdrill.Target{URL: srv.URL, Secret: secret}})
	tassert.ErrorIs(t, err, sender.ErrClosed)
}

func TestContextCancelEndsAPendingDelivery(t *testing.T) {
	srv, _ := testkit.Answering(t, 500)
	pol := fastPolicy(3)
	pol.BaseDelay = time.Hour
	s := newSender(t, sender.Config{Profile: fakeProfile{policy: pol}})
	ctx, cancel := context.WithCancel(context.Background())
	h, err := s.Deliver(ctx, sender.Delivery{Event: event(t), Target: hookdrill.Target{URL: srv.URL, Secret: secret}})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return s.Journal().Len() >= 1 }, 5*time.Second, time.Millisecond)
	cancel()
	wctx, wcancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer wcancel()
	res, err := h.Wait(wctx)
	require.NoError(t, err)
	tassert.Equal(t, hookdrill.OutcomeCancelled, res.Outcome)
}

func TestConcurrencyIsBounded(t *testing.T) {
	var inflight, peak atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inflight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(5 * time.Millisecond)
		inflight.Add(-1)
	}))
	defer srv.Close()
	s := newSender(t, sender.Config{Concurrency: 4})
	var hs []*sender.Handle
	for i := 0; i < 40; i++ {
		h, err := s.Deliver(context.Background(), sender.Delivery{Event: event(t), Target: hookdrill.Target{URL: srv.URL, Secret: secret}})
		require.NoError(t, err)
		hs = append(hs, h)
	}
	for _, h := range hs {
		res, err := h.Wait(context.Background())
		require.NoError(t, err)
		tassert.True(t, res.Delivered())
	}
	tassert.LessOrEqual(t, peak.Load(), int32(4))
	tassert.Greater(t, peak.Load(), int32(1), "deliveries do run concurrently")
}

func TestIndentedBodyIsSignedAsSent(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	s := newSender(t, sender.Config{})
	res := deliver(t, s, sender.Delivery{Event: event(t), Target: hookdrill.Target{URL: srv.URL, Secret: secret}, Faults: sender.Faults{BodyStyle: sender.BodyIndented}})
	tassert.True(t, res.Delivered())
	got := rec.got()
	require.Len(t, got, 1)
	tassert.NoError(t, got[0].verified)
	tassert.Contains(t, string(got[0].body), "\n  \"resource_id\": ")
}

func TestSecretsNeverReachTheJournal(t *testing.T) {
	srv, _ := testkit.Answering(t, 500)
	j := hookdrill.NewJournal()
	s := newSender(t, sender.Config{Journal: j})
	deliver(t, s, sender.Delivery{Event: event(t), Target: hookdrill.Target{URL: srv.URL + "/hook?token=abc123secret", Secret: secret},
		Faults: sender.Faults{Tamper: []hookdrill.Tamper{hookdrill.TamperWrongSecret}}})
	var b strings.Builder
	require.NoError(t, j.WriteJSONL(&b))
	tassert.NotContains(t, b.String(), secret)
	tassert.NotContains(t, b.String(), "abc123secret", "query tokens are redacted")
	back, err := hookdrill.ReadJSONL(strings.NewReader(b.String()))
	require.NoError(t, err)
	var again strings.Builder
	require.NoError(t, back.WriteJSONL(&again))
	tassert.Equal(t, b.String(), again.String(), "the journal round-trips through JSONL")
}

// fixedClock is a wall clock stuck at one instant, for SignWith tests.
type fixedClock struct{ at time.Time }

func (c fixedClock) Now() time.Time                                { return c.at }
func (fixedClock) AfterFunc(d time.Duration, f func()) clock.Timer { return time.AfterFunc(d, f) }
func (fixedClock) Hold() func()                                    { return func() {} }

func TestSignWith(t *testing.T) {
	at := time.Unix(1767225600, 0)
	tests := []struct {
		name string
		with sender.SignTime
		want string
	}{
		{"wall by default", "", "1900000000"},
		{"scheduling clock", sender.SignClock, "1767225600"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			srv := httptest.NewServer(rec)
			defer srv.Close()
			s := newSender(t, sender.Config{Clock: fixedClock{at}, SignWith: tt.with, WallNow: func() time.Time { return time.Unix(1900000000, 0) }})
			deliver(t, s, sender.Delivery{Event: event(t), Target: hookdrill.Target{URL: srv.URL, Secret: secret}})
			got := rec.got()
			require.Len(t, got, 1)
			tassert.Equal(t, tt.want, got[0].header.Get("X-Ts"))
		})
	}
	_, err := sender.New(sender.Config{SignWith: "sundial"})
	tassert.ErrorContains(t, err, `sign_with must be "wall" or "clock"`)
}

// A Close or a cancelled context that lands after an attempt ended but
// before its retry timer is armed still ends the delivery: the timer armed
// afterwards is cancelled at once instead of holding Close (or the
// delivery) for the whole wait. The OnAttempt hook runs in exactly that
// window.
func TestCancelBetweenAttemptAndRetryTimer(t *testing.T) {
	for _, how := range []string{"close", "context"} {
		t.Run(how, func(t *testing.T) {
			srv, _ := testkit.Answering(t, 500)
			pol := fastPolicy(3)
			pol.BaseDelay = time.Hour
			s, err := sender.New(sender.Config{Profile: fakeProfile{policy: pol}})
			require.NoError(t, err)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			closed := make(chan error, 1)
			h, err := s.Deliver(ctx, sender.Delivery{Event: event(t), Target: hookdrill.Target{URL: srv.URL, Secret: secret},
				Hooks: sender.Hooks{OnAttempt: func(hookdrill.Attempt) {
					if how == "close" {
						go func() { closed <- s.Close() }()
					} else {
						cancel()
					}
					time.Sleep(100 * time.Millisecond) // Close (or the context's AfterFunc) finds no timer yet
				}}})
			require.NoError(t, err)
			wctx, wcancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer wcancel()
			res, err := h.Wait(wctx)
			require.NoError(t, err, "the delivery waits for its one-hour retry")
			tassert.Equal(t, hookdrill.OutcomeCancelled, res.Outcome)
			tassert.Len(t, res.Attempts, 1)
			if how == "close" {
				select {
				case err := <-closed:
					require.NoError(t, err)
				case <-time.After(5 * time.Second):
					t.Fatal("Close waits for the retry timer")
				}
			} else {
				require.NoError(t, s.Close())
			}
		})
	}
}
