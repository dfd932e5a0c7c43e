package h1_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/internal/h1"
)

// conns counts the connections a test server accepted.
func countingServer(t *testing.T, h http.HandlerFunc) (*url.URL, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			n.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL + "/hook?x=1")
	require.NoError(t, err)
	return u, &n
}

func post(t *testing.T, c *h1.Client, u *url.URL, h http.Header, maxBody int64) (h1.Response, error) {
	t.Helper()
	ep := h1.NewEndpoint(u)
	return c.Post(context.Background(), time.Now().Add(5*time.Second), &ep, h, []string{"X-Event-ID"}, []byte(`{"a":1}`), maxBody)
}

// An answer framed by Content-Length keeps the connection for the next
// request; Connection: close and a truncated body do not.
func TestKeepAliveRules(t *testing.T) {
	for _, tc := range []struct {
		name    string
		answer  func(w http.ResponseWriter)
		maxBody int64
		conns   int32
	}{
		{"content-length", func(w http.ResponseWriter) { io.WriteString(w, "ok") }, 1024, 1},
		{"no body", func(w http.ResponseWriter) { w.WriteHeader(204) }, 1024, 1},
		{"connection close", func(w http.ResponseWriter) { w.Header().Set("Connection", "close"); io.WriteString(w, "ok") }, 1024, 3},
		{"truncated", func(w http.ResponseWriter) { io.WriteString(w, strings.Repeat("x", 100)) }, 10, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, n := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				tc.answer(w)
			})
			c := h1.NewClient(4, nil, 1<<20)
			defer c.Close()
			for range 3 {
				resp, err := post(t, c, u, http.Header{}, tc.maxBody)
				require.NoError(t, err)
				tassert.True(t, resp.Got)
				tassert.Equal(t, tc.maxBody < 100, resp.Truncated)
			}
			tassert.Equal(t, tc.conns, n.Load())
		})
	}
}

// The request carries the header names as given, the body with its
// Content-Length, and never a caller's Transfer-Encoding.
func TestRequestAsWritten(t *testing.T) {
	got := make(chan *http.Request, 1)
	var body string
	u, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		body = string(b)
		got <- r
	})
	c := h1.NewClient(1, nil, 1<<20)
	defer c.Close()
	h := http.Header{"x-event-id": {"e1"}, "Transfer-Encoding": {"chunked"}, "Content-Type": {"application/json"}}
	resp, err := post(t, c, u, h, 1024)
	require.NoError(t, err)
	tassert.Equal(t, 200, resp.Status)
	r := <-got
	tassert.Equal(t, http.MethodPost, r.Method)
	tassert.Equal(t, "/hook?x=1", r.RequestURI)
	tassert.Equal(t, int64(7), r.ContentLength)
	tassert.Empty(t, r.TransferEncoding)
	tassert.Equal(t, "e1", r.Header.Get("X-Event-ID"))
	tassert.Equal(t, `{"a":1}`, body)
}

// A head longer than the limit is a *HeaderTooLargeError, not a hang or a
// huge allocation.
func TestHeaderLimit(t *testing.T) {
	u, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Big", strings.Repeat("b", 8<<10))
	})
	c := h1.NewClient(1, nil, 1<<10)
	defer c.Close()
	_, err := post(t, c, u, http.Header{}, 1024)
	var big *h1.HeaderTooLargeError
	require.ErrorAs(t, err, &big)
	tassert.Equal(t, int64(1<<10), big.Limit)
}

// The deadline bounds a receiver that never answers.
func TestDeadline(t *testing.T) {
	release := make(chan struct{})
	u, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) { <-release })
	defer close(release)
	c := h1.NewClient(1, nil, 1<<20)
	defer c.Close()
	ep := h1.NewEndpoint(u)
	start := time.Now()
	_, err := c.Post(context.Background(), time.Now().Add(100*time.Millisecond), &ep, http.Header{}, nil, []byte("{}"), 1024)
	var ne net.Error
	require.ErrorAs(t, err, &ne)
	tassert.True(t, ne.Timeout())
	tassert.Less(t, time.Since(start), 5*time.Second)
}
