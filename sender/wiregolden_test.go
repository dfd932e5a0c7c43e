package sender_test

import (
	"bufio"
	"bytes"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/internal/testkit"
	"github.com/hookdrill/hookdrill/platform/prolific"
	"github.com/hookdrill/hookdrill/platform/respondent"
	"github.com/hookdrill/hookdrill/sender"
)

// rawCapture answers 200 to every request and sends the exact bytes of
// each (head and body, framed by its Content-Length) to the channel.
func rawCapture(t *testing.T) (string, <-chan []byte) {
	t.Helper()
	ch := make(chan []byte, 4)
	url := testkit.RawServer(t, func(c net.Conn) {
		br := bufio.NewReader(c)
		for {
			var raw bytes.Buffer
			clen := 0
			for {
				line, err := br.ReadString('\n')
				if err != nil {
					return
				}
				raw.WriteString(line)
				if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(k, "Content-Length") {
					clen, _ = strconv.Atoi(strings.TrimSpace(v))
				}
				if line == "\r\n" {
					break
				}
			}
			if _, err := io.CopyN(&raw, br, int64(clen)); err != nil {
				return
			}
			ch <- raw.Bytes()
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
		}
	})
	return url, ch
}

// Every delivery header goes out byte for byte as the platform's
// documentation spells it (X-Event-ID, not Go's X-Event-Id), in the
// documented order: the raw request bytes, as a raw TCP listener reads
// them, equal the golden file. The net/http fallback keeps the spelling but
// writes in its own order (Host, User-Agent, Content-Length, then sorted):
// its golden file shows that limit. The journal records the names as sent.
func TestWireGoldenHeaderSpellingAndOrder(t *testing.T) {
	at := time.Unix(1767225600, 0)
	platforms := []struct {
		name   string
		prof   hookdrill.Profile
		secret string
		spec   hookdrill.EventSpec
		named  []string // documented names that must appear as spelled
	}{
		{"prolific", prolific.New(prolific.Options{}), "cGNqFPb6y0RT3XO9XVSessBDYIbHQ-test", hookdrill.EventSpec{
			Type: "submission.status.change", ID: "6394cee483e14a167638b36c", ResourceID: "6394cee383e14a167638b3a1",
			Status: "AWAITING REVIEW", CreatedAt: at, Extra: map[string]string{"participant_id": "5f0c1c2d3e4f5a6b7c8d9e0f"}},
			[]string{"X-Prolific-Request-Timestamp", "X-Prolific-Request-Signature", "X-Event-ID", "X-Timestamp"}},
		{"respondent", respondent.New(respondent.Options{}), "74e811b4-a1cc-4fa7-857b-0df0fce9a5a9", hookdrill.EventSpec{
			Type: "SCREENER_RESPONSES.CREATED", ID: "006a4577-43d6-448a-a3d6-1a63581ca217", ResourceID: "69603913cd7d6158385a1ff7",
			CreatedAt: time.Date(2026, 1, 8, 23, 9, 8, 239e6, time.UTC), Extra: map[string]string{"projectId": "69603913cd7d6158385a1ff6"}},
			[]string{"Respondent-Webhook-Signature"}},
	}
	clients := []struct {
		name   string
		client func() *http.Client
	}{
		{"lean", func() *http.Client { return nil }},
		{"nethttp", func() *http.Client { return sender.NewClient(1, nil) }},
	}
	for _, p := range platforms {
		for _, cl := range clients {
			t.Run(p.name+"/"+cl.name, func(t *testing.T) {
				url, got := rawCapture(t)
				client := cl.client()
				if client != nil {
					t.Cleanup(client.CloseIdleConnections)
				}
				ev, err := p.prof.NewEvent(p.spec, rand.New(rand.NewPCG(1, 2)), at)
				require.NoError(t, err)
				s := newSender(t, sender.Config{Profile: p.prof, Client: client, WallNow: func() time.Time { return at }})
				res := deliver(t, s, sender.Delivery{Event: ev, Target: hookdrill.Target{URL: url, Secret: hookdrill.Secret(p.secret)}})
				require.True(t, res.Delivered(), "%+v", res)
				raw := <-got
				host := strings.TrimSuffix(strings.TrimPrefix(url, "http://"), "/hook")
				raw = bytes.Replace(raw, []byte("Host: "+host+"\r\n"), []byte("Host: 127.0.0.1:PORT\r\n"), 1)

				golden := filepath.Join("testdata", "wire_"+p.name+"_"+cl.name+".golden")
				testkit.Golden(t, golden, raw) // go test ./sender -run TestWireGolden -update rewrites it

				for _, name := range p.named {
					tassert.Contains(t, string(raw), "\r\n"+name+": ", "spelled as documented on the wire")
					tassert.Contains(t, res.Attempts[0].Request.Header, name, "the journal shows the name as sent")
				}
				// A receiver reading case-insensitively still verifies it.
				req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
				require.NoError(t, err)
				body, _ := io.ReadAll(req.Body)
				require.NoError(t, p.prof.Verify(req.Header, body, p.secret, hookdrill.VerifyOptions{}))
			})
		}
	}
}
