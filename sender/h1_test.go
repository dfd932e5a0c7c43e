package sender_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/internal/testkit"
	"github.com/hookdrill/hookdrill/sender"
)

// A receiver that closes idle keep-alive connections must never produce a
// failed attempt: the sender retries once on a fresh connection.
func TestIdleConnectionClosedByReceiverIsNotAFailure(t *testing.T) {
	var conns atomic.Int32
	addr := testkit.RawServer(t, func(c net.Conn) {
		conns.Add(1)
		readRequest(c)
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		// keep-alive answer, then close the idle connection
	})
	s := newSender(t, sender.Config{Profile: fakeProfile{policy: fastPolicy(1)}})
	for i := 0; i < 5; i++ {
		res := deliver(t, s, sender.Delivery{Event: event(t), Target: hookdrill.Target{URL: addr, Secret: secret}})
		require.True(t, res.Delivered(), "delivery %d: %+v", i, res.Attempts)
		time.Sleep(5 * time.Millisecond) // let the close arrive
	}
	tassert.Equal(t, int32(5), conns.Load())
}

func TestResponseFraming(t *testing.T) {
	tests := []struct {
		name   string
		answer string
		status int
		body   string
	}{
		{"content-length", "HTTP/1.1 201 Created\r\nContent-Length: 5\r\n\r\nhello", 201, "hello"},
		{"chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", 200, "hello world"},
		{"close-delimited", "HTTP/1.1 202 Accepted\r\nConnection: close\r\n\r\nbye", 202, "bye"},
		{"interim 100 then final", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n", 204, ""},
		{"HTTP/1.0", "HTTP/1.0 200 OK\r\n\r\nold", 200, "old"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := testkit.RawServer(t, testkit.KeepAlive(func(c net.Conn) bool {
				io.WriteString(c, tt.answer)
				return tt.name != "close-delimited" && tt.name != "HTTP/1.0"
			}))
			s := newSender(t, sender.Config{Profile: fakeProfile{policy: fastPolicy(1)}})
			for i := 0; i < 3; i++ { // reuse (or not) the connection
				res := deliver(t, s, sender.Delivery{Event: event(t), Target: hookdrill.Target{URL: addr, Secret: secret}})
				require.Len(t, res.Attempts, 1)
				a := res.Attempts[0]
				require.NotNil(t, a.Response, "outcome %s: %s", a.Outcome, a.Error)
				tassert.Equal(t, tt.status, a.Response.Status)
				tassert.Equal(t, tt.body, a.Response.Body)
				tassert.Equal(t, hookdrill.OutcomeSuccess, a.Outcome)
			}
		})
	}
}

// The request on the wire carries the profile's headers, a Host, a
// Content-Length and nothing a platform would not send.
func TestWireRequest(t *testing.T) {
	got := make(chan *http.Request, 1)
	addr := testkit.RawServer(t, func(c net.Conn) {
		req, err := http.ReadRequest(bufio.NewReader(c))
		if err != nil {
			return
		}
		body, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(nil)
		req.ContentLength = int64(len(body))
		got <- req
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
	})
	s := newSender(t, sender.Config{})
	res := deliver(t, s, sender.Delivery{Event: event(t), Target: hookdrill.Target{URL: addr + "?a=b", Secret: secret}})
	require.True(t, res.Delivered())
	req := <-got
	tassert.Equal(t, "POST", req.Method)
	tassert.Equal(t, "/hook?a=b", req.RequestURI)
	tassert.Equal(t, "application/json", req.Header.Get("Content-Type"))
	tassert.NotEmpty(t, req.Header.Get("X-Sig"))
	tassert.Empty(t, req.Header.Get("User-Agent"))
	tassert.Empty(t, req.Header.Get("Accept-Encoding"))
	tassert.Equal(t, int64(len(res.Attempts[0].Request.Body)), req.ContentLength)
}

// A user-supplied net/http client is used as is.
func TestCustomHTTPClient(t *testing.T) {
	rec := &recorder{script: func(n int) int { return map[bool]int{true: 500, false: 200}[n == 1] }}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	var used atomic.Int32
	client := sender.NewClient(4, nil)
	base := client.Transport
	client.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) { used.Add(1); return base.RoundTrip(r) })
	s := newSender(t, sender.Config{Client: client})
	res := deliver(t, s, sender.Delivery{Event: event(t), Target: hookdrill.Target{URL: srv.URL, Secret: secret}})
	tassert.True(t, res.Delivered())
	tassert.Equal(t, int32(2), used.Load())
	for _, r := range rec.got() {
		tassert.NoError(t, r.verified)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// A receiver that never answers is cut off at the timeout, the connection
// is not reused, and the next delivery works.
func TestTimeoutDoesNotPoisonTheNextDelivery(t *testing.T) {
	var n atomic.Int32
	addr := testkit.RawServer(t, testkit.KeepAlive(func(c net.Conn) bool {
		if n.Add(1) == 1 {
			time.Sleep(400 * time.Millisecond)
		}
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
		return true
	}))
	pol := fastPolicy(1)
	pol.Timeout = 100 * time.Millisecond
	s := newSender(t, sender.Config{Profile: fakeProfile{policy: pol}})
	ctx := context.Background()
	h1, err := s.Deliver(ctx, sender.Delivery{Event: event(t), Target: hookdrill.Target{URL: addr, Secret: secret}})
	require.NoError(t, err)
	r1, _ := h1.Wait(ctx)
	tassert.Equal(t, hookdrill.OutcomeTimeout, r1.Outcome)
	r2 := deliver(t, s, sender.Delivery{Event: event(t), Target: hookdrill.Target{URL: addr, Secret: secret}})
	tassert.True(t, r2.Delivered(), "%+v", r2.Attempts)
}
