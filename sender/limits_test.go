package sender_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/internal/testkit"
	"github.com/hookdrill/hookdrill/sender"
)

// streamHead answers the first request with a status line and then header
// bytes made by line(i), until total bytes are out or the sender hangs
// up; every later request gets a plain 200.
func streamHead(t *testing.T, total int, line func(i int) string) string {
	t.Helper()
	var n atomic.Int32
	return testkit.RawServer(t, func(c net.Conn) {
		br := bufio.NewReader(c)
		for {
			req, err := http.ReadRequest(br)
			if err != nil {
				return
			}
			io.Copy(io.Discard, req.Body)
			if n.Add(1) > 1 {
				io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
				continue
			}
			if _, err := io.WriteString(c, "HTTP/1.1 200 OK\r\n"); err != nil {
				return
			}
			for i, sent := 0, 0; sent < total; i++ {
				k, err := io.WriteString(c, line(i))
				if err != nil {
					return // the sender stopped reading and closed
				}
				sent += k
			}
			io.WriteString(c, "\r\nContent-Length: 2\r\n\r\nok")
		}
	})
}

// A response header longer than the sender reads (1 MiB by default,
// Config.MaxHeaderBytes) is a recorded protocol_error marked
// response_header, read no further than the limit, and the next delivery
// works; with the lean client and with net/http (NewClient).
func TestOverlongResponseHeaderIsARecordedOutcome(t *testing.T) {
	oneLine := func(i int) string {
		if i == 0 {
			return "X-Big: "
		}
		return strings.Repeat("a", 32<<10)
	}
	manyLines := func(i int) string { return "X-Pad: " + strings.Repeat("b", 1000) + "\r\n" }
	tests := []struct {
		name      string
		client    func() *http.Client
		maxHeader int64
		total     int
		line      func(int) string
	}{
		{"lean, one 3 MiB line", func() *http.Client { return nil }, 0, 3 << 20, oneLine},
		{"lean, 3 MiB of short lines", func() *http.Client { return nil }, 0, 3 << 20, manyLines},
		{"lean, 100 KiB over a 64 KiB limit", func() *http.Client { return nil }, 64 << 10, 100 << 10, manyLines},
		{"net/http, one 3 MiB line", func() *http.Client { return sender.NewClient(2, nil) }, 0, 3 << 20, oneLine},
		{"net/http, 3 MiB of short lines", func() *http.Client { return sender.NewClient(2, nil) }, 0, 3 << 20, manyLines},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := streamHead(t, tt.total, tt.line)
			client := tt.client()
			if client != nil {
				t.Cleanup(client.CloseIdleConnections)
			}
			s := newSender(t, sender.Config{Profile: fakeProfile{policy: fastPolicy(1)}, Client: client, MaxHeaderBytes: tt.maxHeader})
			res := deliver(t, s, sender.Delivery{Event: event(t), Target: hookdrill.Target{URL: addr, Secret: secret}})
			require.Len(t, res.Attempts, 1)
			a := res.Attempts[0]
			tassert.Equal(t, hookdrill.OutcomeProtocol, a.Outcome, a.Error)
			tassert.Equal(t, []string{hookdrill.TruncatedResponseHeader}, a.Truncated)
			tassert.Contains(t, a.Error, "response header is larger than")
			tassert.Nil(t, a.Response, "nothing of the over-long head is kept")

			next := deliver(t, s, sender.Delivery{Event: event(t), Target: hookdrill.Target{URL: addr, Secret: secret}})
			require.True(t, next.Delivered(), "%+v", next.Attempts)
			tassert.Empty(t, next.Attempts[0].Truncated)
		})
	}
}

// A header within the read limit but larger than the record limit (8 KiB
// by default, Config.RecordHeaderBytes) is accepted and kept clipped in the
// journal, marked recorded_header; a long body is marked recorded_body and,
// past MaxResponseBytes, response_body.
func TestLargeAnswersAreKeptClippedAndMarked(t *testing.T) {
	addr := testkit.RawServer(t, testkit.KeepAlive(func(c net.Conn) bool {
		io.WriteString(c, "HTTP/1.1 200 OK\r\nX-Big: "+strings.Repeat("h", 200<<10)+"\r\nContent-Length: 5000\r\n\r\n"+strings.Repeat("b", 5000))
		return true
	}))
	for _, cl := range []struct {
		name   string
		client *http.Client
	}{{"lean", nil}, {"net/http", sender.NewClient(2, nil)}} {
		t.Run(cl.name, func(t *testing.T) {
			if cl.client != nil {
				t.Cleanup(cl.client.CloseIdleConnections)
			}
			s := newSender(t, sender.Config{Profile: fakeProfile{policy: fastPolicy(1)}, Client: cl.client, MaxResponseBytes: 4096})
			res := deliver(t, s, sender.Delivery{Event: event(t), Target: hookdrill.Target{URL: addr, Secret: secret}})
			require.Len(t, res.Attempts, 1)
			a := res.Attempts[0]
			require.NotNil(t, a.Response)
			tassert.Equal(t, 200, a.Response.Status)
			tassert.ElementsMatch(t, []string{hookdrill.TruncatedRecordedHeader, hookdrill.TruncatedResponseBody, hookdrill.TruncatedRecordedBody}, a.Truncated)
			tassert.True(t, a.Response.HeaderTruncated)
			tassert.True(t, a.Response.BodyTruncated)
			size := 0
			for k, vs := range a.Response.Header {
				for _, v := range vs {
					size += len(k) + len(v)
				}
			}
			tassert.LessOrEqual(t, size, sender.DefaultRecordHeaderBytes+8, "the recorded header is clipped")
			tassert.True(t, strings.HasPrefix(a.Response.Header.Get("X-Big"), "hhhh"))
			tassert.Len(t, a.Response.Body, sender.DefaultRecordBodyBytes)
		})
	}
}
