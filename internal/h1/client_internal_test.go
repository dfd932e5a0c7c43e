package h1

import (
	"bufio"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// generic parses an answer the way the sender does without the fast path.
func generic(t testing.TB, raw string, maxBody int64) (exchangeResult, error) {
	t.Helper()
	var res exchangeResult
	br := bufio.NewReaderSize(strings.NewReader(raw), 4096)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return res, err
	}
	b, more, rerr := ReadLimited(resp.Body, maxBody)
	res.Got, res.Status, res.Header, res.Body, res.Truncated = true, resp.StatusCode, resp.Header, b, more
	if rerr != nil {
		return res, &BodyError{rerr}
	}
	res.keep = !more && !resp.Close
	if res.keep {
		if _, err := resp.Body.Read(make([]byte, 1)); err != io.EOF {
			res.keep = false
		}
	}
	return res, nil
}

// fast parses raw with readSimpleResponse; ok=false when it declines. It
// parses raw twice, the second time through the head cache the first
// filled, and fails t unless both agree.
func fast(t testing.TB, raw string, maxBody int64) (exchangeResult, bool, error) {
	t.Helper()
	var hc headCache
	parse := func() (exchangeResult, bool, error) {
		br := bufio.NewReaderSize(strings.NewReader(raw), 4096)
		br.Peek(1)
		return readSimpleResponse(br, maxBody, &hc)
	}
	res, ok, err := parse()
	if ok {
		require.NotNil(t, hc.hdr, "an accepted head is cached")
	}
	again, ok2, err2 := parse()
	require.Equal(t, ok, ok2, "%q", raw)
	require.Equal(t, res, again, "%q: cached head", raw)
	require.Equal(t, err, err2, "%q: cached head", raw)
	return res, ok, err
}

// Whenever readSimpleResponse accepts an answer, it produces what
// http.ReadResponse and the generic body reading produce.
func TestReadSimpleResponseMatchesNetHTTP(t *testing.T) {
	tests := []struct {
		raw    string
		accept bool
	}{
		{"HTTP/1.1 200 OK\r\nDate: Sun, 29 Nov 2026 19:54:42 GMT\r\nContent-Length: 0\r\n\r\n", true},
		{"HTTP/1.1 201 Created\r\ncontent-length: 5\r\nx-ReQuest-id:  abc \t\r\nX-Multi: a\r\nx-multi: b\r\n\r\nhello", true},
		{"HTTP/1.1 500\r\nContent-Length: 3\r\n\r\nbad", true},
		{"HTTP/1.1 204 No Content\r\n\r\n", true},
		{"HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n", true},
		{"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", true},
		{"HTTP/1.1 200 OK\r\nContent-Length: 2048\r\n\r\n" + strings.Repeat("x", 2048), true},
		{"HTTP/1.1 200 OK\r\nX-Obs: caf\xc3\xa9\r\nContent-Length: 00002\r\n\r\nok", true},
		{"HTTP/1.1 200 OK\r\nX-Empty:\r\nContent-Length: 0\r\n\r\n", true},
		{"HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n", true},
		// Declined: net/http handles these.
		{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", false},
		{"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", false},
		{"HTTP/1.1 200 OK\r\n\r\nclose-delimited", false},
		{"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", false},
		{"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false},
		{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok", false},
		{"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", false},
		{"HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n", false},
		{"HTTP/1.1 200 OK\r\nPragma: no-cache\r\nContent-Length: 0\r\n\r\n", false},
		{"HTTP/1.1 200 OK\r\nTrailer: X\r\nContent-Length: 0\r\n\r\n", false},
		{"HTTP/1.1 200 OK\r\n Folded: x\r\nContent-Length: 0\r\n\r\n", false},
		{"HTTP/1.1 200 OK\r\nBad Key: x\r\nContent-Length: 0\r\n\r\n", false},
		{"HTTP/1.1 200 OK\r\nX: a\x01b\r\nContent-Length: 0\r\n\r\n", false},
		{"HTTP/1.1 200 OK\nContent-Length: 0\n\n", false},
		{"HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n", false},
		{"HTTP/1.1 20x OK\r\nContent-Length: 0\r\n\r\n", false},
		{"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n", false}, // header block not complete yet
	}
	for _, tt := range tests {
		t.Run(strings.SplitN(tt.raw, "\r\n", 2)[0], func(t *testing.T) {
			got, ok, gotErr := fast(t, tt.raw, 1024)
			require.Equal(t, tt.accept, ok)
			if !ok {
				return
			}
			want, wantErr := generic(t, tt.raw, 1024)
			tassert.Equal(t, want, got)
			tassert.Equal(t, wantErr, gotErr)
		})
	}
}

// A body larger than the limit is cut and the connection not kept.
func TestReadSimpleResponseTruncates(t *testing.T) {
	for _, n := range []int{10, 100 << 10} {
		raw := "HTTP/1.1 200 OK\r\nContent-Length: " + strconv.Itoa(n) + "\r\n\r\n" + strings.Repeat("y", n)
		got, ok, err := fast(t, raw, 8)
		require.True(t, ok)
		want, wantErr := generic(t, raw, 8)
		tassert.Equal(t, want, got)
		tassert.Equal(t, wantErr, err)
		tassert.True(t, got.Truncated)
		tassert.False(t, got.keep)
	}
}

// FuzzReadSimpleResponse: on any bytes, readSimpleResponse either declines
// or agrees with net/http.
func FuzzReadSimpleResponse(f *testing.F) {
	f.Add([]byte("HTTP/1.1 200 OK\r\nDate: x\r\nContent-Length: 2\r\n\r\nok"))
	f.Add([]byte("HTTP/1.1 204 No Content\r\nX-A: 1\r\nx-a: 2\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\nnot found"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, ok, gotErr := fast(t, string(raw), 64)
		if !ok {
			return
		}
		want, wantErr := generic(t, string(raw), 64)
		require.Equal(t, want, got, "%q", raw)
		require.Equal(t, wantErr, gotErr, "%q", raw)
	})
}

// The head cache serves only a byte-identical head: any change, however
// small, is parsed afresh, and an answer the fast path declines leaves the
// cache as it was.
func TestHeadCacheReparsesAChangedHead(t *testing.T) {
	answers := []string{
		"HTTP/1.1 200 OK\r\nDate: Sun, 29 Nov 2026 19:54:42 GMT\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 200 OK\r\nDate: Sun, 29 Nov 2026 19:54:42 GMT\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 200 OK\r\nDate: Sun, 29 Nov 2026 19:54:43 GMT\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 500 Internal Server Error\r\nDate: Sun, 29 Nov 2026 19:54:43 GMT\r\nContent-Length: 3\r\n\r\nbad",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
		"HTTP/1.1 500 Internal Server Error\r\nDate: Sun, 29 Nov 2026 19:54:43 GMT\r\nContent-Length: 3\r\n\r\nbad",
	}
	var hc headCache
	var prev http.Header
	for i, raw := range answers {
		br := bufio.NewReaderSize(strings.NewReader(raw), 4096)
		br.Peek(1)
		got, ok, err := readSimpleResponse(br, 1024, &hc)
		if i == 4 {
			require.False(t, ok, "chunked answers go to net/http")
			require.Contains(t, string(hc.raw), "500", "a declined answer leaves the cache alone")
			continue
		}
		require.True(t, ok, raw)
		want, wantErr := generic(t, raw, 1024)
		tassert.Equal(t, want, got, raw)
		tassert.Equal(t, wantErr, err, raw)
		if i == 1 || i == 5 {
			tassert.Equal(t, reflect.ValueOf(prev).Pointer(), reflect.ValueOf(got.Header).Pointer(), "an identical head shares the parsed header map")
		} else if prev != nil {
			tassert.NotEqual(t, reflect.ValueOf(prev).Pointer(), reflect.ValueOf(got.Header).Pointer(), "a changed head gets its own map")
		}
		prev = got.Header
	}
}
