package conform

import (
	"bufio"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/internal/testkit"
)

// TestLowercaseProxy: the proxy writes every header name in lower case on
// the wire, keeps the body and passes the answer back.
func TestLowercaseProxy(t *testing.T) {
	got := make(chan string, 1)
	url := testkit.RawServer(t, func(c net.Conn) {
		br := bufio.NewReader(c)
		var head strings.Builder
		for {
			l, err := br.ReadString('\n')
			if err != nil || l == "\r\n" {
				break
			}
			head.WriteString(l)
		}
		body := make([]byte, 7)
		_, _ = br.Read(body)
		select {
		case got <- head.String() + "|" + string(body):
		default: // a second connection: the first one's wire is the one checked
		}
		_, _ = c.Write([]byte("HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
	})
	p, err := startLowercaseProxy(url, nil)
	require.NoError(t, err)
	defer p.Close()
	req, err := http.NewRequest("POST", p.URL(), strings.NewReader(`{"a":1}`))
	require.NoError(t, err)
	req.Header.Set("X-Event-ID", "abc")
	req.Header.Set("Respondent-Webhook-Signature", "sha256=x")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusAccepted, resp.StatusCode)
	wire := <-got
	t.Log(wire)
	require.Contains(t, wire, "POST /hook HTTP/1.1\r\n")
	require.Contains(t, wire, "x-event-id: abc\r\n")
	require.Contains(t, wire, "respondent-webhook-signature: sha256=x\r\n")
	require.NotContains(t, wire, "X-Event-Id")
	require.Equal(t, 1, strings.Count(strings.ToLower(wire), "content-length:"), "one Content-Length")
	require.Equal(t, 1, strings.Count(strings.ToLower(wire), "user-agent:"), "one User-Agent")
	require.True(t, strings.HasSuffix(wire, `|{"a":1}`), wire)
}
