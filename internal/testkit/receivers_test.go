package testkit_test

import (
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/internal/testkit"
)

func post(t *testing.T, c *http.Client, url string) (int, error) {
	t.Helper()
	resp, err := c.Post(url, "application/json", strings.NewReader(`{}`))
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

func TestAnsweringInTurn(t *testing.T) {
	srv, n := testkit.Answering(t, 500, 429, 200)
	var got []int
	for range 4 {
		code, err := post(t, srv.Client(), srv.URL+"/hook")
		require.NoError(t, err)
		got = append(got, code)
	}
	tassert.Equal(t, []int{500, 429, 200, 200}, got, "the last code repeats")
	tassert.Equal(t, int64(4), n.Load())

	srv, _ = testkit.Answering(t)
	code, err := post(t, srv.Client(), srv.URL)
	require.NoError(t, err)
	tassert.Equal(t, 200, code)
}

// KeepAlive answers every request of one connection on it.
func TestRawServerKeepAlive(t *testing.T) {
	var conns, reqs atomic.Int32
	url := testkit.RawServer(t, func(c net.Conn) {
		conns.Add(1)
		testkit.KeepAlive(func(c net.Conn) bool {
			reqs.Add(1)
			io.WriteString(c, "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n")
			return true
		})(c)
	})
	tassert.True(t, strings.HasSuffix(url, "/hook"))
	c := &http.Client{Transport: &http.Transport{}}
	defer c.CloseIdleConnections()
	for range 3 {
		code, err := post(t, c, url)
		require.NoError(t, err)
		tassert.Equal(t, 202, code)
	}
	tassert.Equal(t, int32(1), conns.Load(), "one kept-alive connection")
	tassert.Equal(t, int32(3), reqs.Load())
}

// Hanging never answers: the client's timeout ends the exchange, and the
// test still ends (its connections close).
func TestHanging(t *testing.T) {
	url := testkit.Hanging(t)
	c := &http.Client{Timeout: 100 * time.Millisecond}
	_, err := post(t, c, url)
	var ne net.Error
	require.ErrorAs(t, err, &ne)
	tassert.True(t, ne.Timeout())
}

func TestRecording(t *testing.T) {
	r := testkit.Recording(t, func(n int) int { return 200 + n })
	for i, path := range []string{"/a", "/b"} {
		req, err := http.NewRequest(http.MethodPost, r.URL+path, strings.NewReader("body"+path))
		require.NoError(t, err)
		req.Header.Set("X-N", path)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		tassert.Equal(t, 201+i, resp.StatusCode)
	}
	got := r.Requests()
	require.Len(t, got, 2)
	tassert.Equal(t, "/b", got[1].Path)
	tassert.Equal(t, "body/a", string(got[0].Body))
	tassert.Equal(t, "/a", got[0].Header.Get("X-N"))
	got[0].Path = "changed"
	tassert.Equal(t, "/a", r.Requests()[0].Path, "Requests returns a copy")
}

func TestRecordingSetStatus(t *testing.T) {
	r := testkit.Recording(t, nil)
	post := func() int {
		resp, err := http.Post(r.URL, "text/plain", strings.NewReader("x"))
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	tassert.Equal(t, 200, post())
	r.SetStatus(func(n int) int { return 500 + n })
	tassert.Equal(t, 502, post())
}
