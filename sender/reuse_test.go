package sender_test

import (
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/internal/testkit"
	"github.com/hookdrill/hookdrill/sender"
)

// A receiver whose first answer carries bytes beyond its framing (a body on
// a 204 or 304, bytes past Content-Length) must not break the next
// delivery: the sender closes that connection instead of reusing it, with
// the lean client and with net/http.
func TestLeftoverBytesDoNotBreakTheNextDelivery(t *testing.T) {
	tests := []struct {
		name  string
		bad   string
		later string // written after a pause, once the answer was read
	}{
		{"204 with a body", "HTTP/1.1 204 No Content\r\n\r\n{\"ok\":true}", ""},
		{"304 with a body", "HTTP/1.1 304 Not Modified\r\nContent-Length: 0\r\n\r\nnot modified", ""},
		{"bytes past Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA BYTES", ""},
		{"bytes past Content-Length, generic parser", "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nokEXTRA", ""},
		{"a second answer", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", ""},
		{"204 with a body sent late", "HTTP/1.1 204 No Content\r\n\r\n", "late body"},
	}
	clients := []struct {
		name   string
		client func() *http.Client
	}{
		{"lean", func() *http.Client { return nil }},
		{"net/http", func() *http.Client { return sender.NewClient(4, nil) }},
	}
	for _, cl := range clients {
		for _, tt := range tests {
			t.Run(cl.name+"/"+tt.name, func(t *testing.T) {
				var n atomic.Int32
				addr := testkit.RawServer(t, testkit.KeepAlive(func(c net.Conn) bool {
					if n.Add(1) == 1 {
						io.WriteString(c, tt.bad)
						if tt.later != "" {
							time.Sleep(30 * time.Millisecond)
							io.WriteString(c, tt.later)
						}
						return true
					}
					io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
					return true
				}))
				client := cl.client()
				if client != nil {
					t.Cleanup(client.CloseIdleConnections) // runs after the sender's Close
				}
				s := newSender(t, sender.Config{Profile: fakeProfile{policy: fastPolicy(1)}, Client: client})
				first := deliver(t, s, sender.Delivery{Event: event(t), Target: hookdrill.Target{URL: addr, Secret: secret}})
				require.Len(t, first.Attempts, 1)
				if tt.later != "" {
					time.Sleep(80 * time.Millisecond) // the late bytes are in the idle connection now
				}
				for i := 0; i < 3; i++ {
					next := deliver(t, s, sender.Delivery{Event: event(t), Target: hookdrill.Target{URL: addr, Secret: secret}})
					require.Len(t, next.Attempts, 1)
					a := next.Attempts[0]
					require.Equal(t, hookdrill.OutcomeSuccess, a.Outcome, "delivery %d after the bad answer: %s", i+2, a.Error)
					tassert.Equal(t, "ok", a.Response.Body)
				}
			})
		}
	}
}
