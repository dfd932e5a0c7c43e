package httpserve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHalfSentBodiesAreShed opens many more connections than the bound,
// each with half a request body sent, against a loopback server: the
// server never holds more than the bound, closes the stalled ones after the
// read timeout, keeps accepting, and answers a normal request afterwards.
func TestHalfSentBodiesAreShed(t *testing.T) {
	const max, clients = 8, 64
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ll := LimitListener(ln, max)
	hs := NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = io.WriteString(w, "ok")
	}), Options{ReadTimeout: 300 * time.Millisecond, ReadHeaderTimeout: 300 * time.Millisecond, MaxConns: max})
	go func() { _ = hs.Serve(ll) }()
	t.Cleanup(func() { _ = hs.Close() })
	addr := ln.Addr().String()

	var conns []net.Conn
	t.Cleanup(func() {
		for _, c := range conns {
			c.Close()
		}
	})
	for range clients {
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		conns = append(conns, c)
		_, _ = fmt.Fprintf(c, "POST /x HTTP/1.1\r\nHost: %s\r\nContent-Length: 1000\r\n\r\nhalf", addr)
	}
	// Every stalled connection ends: shed at once, or closed by the
	// server after the read timeout.
	for _, c := range conns {
		require.NoError(t, c.SetReadDeadline(time.Now().Add(5*time.Second)))
		_, err := io.ReadAll(c)
		var ne net.Error
		require.False(t, errors.As(err, &ne) && ne.Timeout(), "the server closed it (EOF or reset), not our deadline: %v", err)
	}
	tassert.LessOrEqual(t, ll.Peak(), max)
	tassert.GreaterOrEqual(t, ll.Shed(), clients-max-1)
	require.Eventually(t, func() bool { return ll.Open() == 0 }, 5*time.Second, 10*time.Millisecond)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://"+addr+"/", nil)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	tassert.Equal(t, "ok", string(b))
}

// TestIdleConnectionClosed: a keep-alive connection that sends nothing is
// closed after the idle timeout; one that never finishes its headers after
// the header timeout.
func TestIdleConnectionClosed(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	hs := NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}),
		Options{ReadHeaderTimeout: 200 * time.Millisecond, IdleTimeout: 200 * time.Millisecond})
	go func() { _ = hs.Serve(ln) }()
	t.Cleanup(func() { _ = hs.Close() })
	for _, first := range []string{"", "GET / HTTP/1.1\r\nHost: x\r\n"} {
		c, err := net.Dial("tcp", ln.Addr().String())
		require.NoError(t, err)
		_, _ = io.WriteString(c, first)
		start := time.Now()
		require.NoError(t, c.SetReadDeadline(time.Now().Add(5*time.Second)))
		_, err = io.ReadAll(c)
		require.NoError(t, err)
		tassert.Less(t, time.Since(start), 4*time.Second)
		c.Close()
	}
}

func TestOptions(t *testing.T) {
	o := Options{}.WithDefaults()
	tassert.Equal(t, DefaultReadTimeout, o.ReadTimeout)
	tassert.Equal(t, DefaultMaxConns, o.MaxConns)
	require.Error(t, Options{ReadTimeout: -1}.Validate())
	require.Error(t, Options{MaxConns: -1}.Validate())
	require.NoError(t, Options{}.Validate())
}
