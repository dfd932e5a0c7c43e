package sender_test

import (
	"bufio"
	"bytes"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
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

// captured is one request as its bytes arrived.
type captured struct {
	header http.Header
	target string
	body   []byte
}

// captureServer answers 200 to every request and sends each one, as
// parsed from the raw bytes, to the returned channel.
func captureServer(t *testing.T) (string, <-chan captured) {
	t.Helper()
	ch := make(chan captured, 16)
	url := testkit.RawServer(t, func(c net.Conn) {
		br := bufio.NewReader(c)
		for {
			req, err := http.ReadRequest(br)
			if err != nil {
				return
			}
			body, _ := io.ReadAll(req.Body)
			ch <- captured{req.Header, req.RequestURI, body}
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
		}
	})
	return strings.TrimSuffix(url, "/hook"), ch
}

// vector reads a spec section 7 wire example: request line, headers, blank
// line, body.
func vector(t *testing.T, name string) (path string, h http.Header, body []byte) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	head, body, ok := bytes.Cut(raw, []byte("\n\n"))
	require.True(t, ok)
	lines := strings.Split(string(head), "\n")
	path = strings.Fields(lines[0])[1]
	h = http.Header{}
	for _, l := range lines[1:] {
		k, v, _ := strings.Cut(l, ": ")
		h.Add(k, v)
	}
	return path, h, bytes.TrimRight(body, "\n")
}

// The spec's worked deliveries (sections 7.2 and 7.4), made by the sender
// with the real profiles, arrive byte for byte: body, signature and every
// documented header.
func TestSpecWireVectorsThroughTheSender(t *testing.T) {
	at := time.Unix(1767225600, 0)
	tests := []struct {
		file   string
		prof   hookdrill.Profile
		secret string
		spec   hookdrill.EventSpec
	}{
		{"vector_7_2.http", prolific.New(prolific.Options{}), "cGNqFPb6y0RT3XO9XVSessBDYIbHQ-test", hookdrill.EventSpec{
			Type: "submission.status.change", ID: "6394cee483e14a167638b36c", ResourceID: "6394cee383e14a167638b3a1",
			Status: "AWAITING REVIEW", CreatedAt: at, Extra: map[string]string{"participant_id": "5f0c1c2d3e4f5a6b7c8d9e0f"}}},
		{"vector_7_4.http", respondent.New(respondent.Options{}), "74e811b4-a1cc-4fa7-857b-0df0fce9a5a9", hookdrill.EventSpec{
			Type: "SCREENER_RESPONSES.CREATED", ID: "006a4577-43d6-448a-a3d6-1a63581ca217", ResourceID: "69603913cd7d6158385a1ff7",
			CreatedAt: time.Date(2026, 1, 8, 23, 9, 8, 239e6, time.UTC), Extra: map[string]string{"projectId": "69603913cd7d6158385a1ff6"}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path, want, wantBody := vector(t, tt.file)
			base, got := captureServer(t)
			ev, err := tt.prof.NewEvent(tt.spec, rand.New(rand.NewPCG(1, 2)), at)
			require.NoError(t, err)
			s := newSender(t, sender.Config{Profile: tt.prof, WallNow: func() time.Time { return at }})
			res := deliver(t, s, sender.Delivery{Event: ev, Target: hookdrill.Target{URL: base + path, Secret: hookdrill.Secret(tt.secret)}})
			require.True(t, res.Delivered(), "%+v", res)
			c := <-got
			tassert.Equal(t, path, c.target)
			tassert.Equal(t, string(wantBody), string(c.body), "body bytes")
			for k := range want {
				if k == "Host" {
					continue
				}
				tassert.Equal(t, want.Get(k), c.header.Get(k), "header %s", k)
			}
			tassert.NoError(t, tt.prof.Verify(c.header, c.body, tt.secret, hookdrill.VerifyOptions{}))
		})
	}
}

// A Prolific retry keeps X-Event-ID, X-Timestamp and the body, and carries
// a new request timestamp and therefore a new signature (spec 7.2).
func TestProlificRetryResignsWithANewRequestTimestamp(t *testing.T) {
	base, got := captureServer(t)
	prof := prolific.New(prolific.Options{})
	ev, err := prof.NewEvent(hookdrill.EventSpec{Type: "study.status.change", Status: "ACTIVE"}, rand.New(rand.NewPCG(3, 4)), time.Unix(1767225600, 0))
	require.NoError(t, err)
	wall := time.Unix(1767225600, 0)
	s := newSender(t, sender.Config{Profile: prof, WallNow: func() time.Time { wall = wall.Add(90 * time.Second); return wall }})
	deliver(t, s, sender.Delivery{Event: ev, Target: hookdrill.Target{URL: base + "/p", Secret: "k-secret-value"}, Faults: sender.Faults{LostAck: 1},
		Policy: &hookdrill.RetryPolicy{Name: "t", MaxAttempts: 2, BaseDelay: time.Millisecond, Multiplier: 1, Jitter: hookdrill.JitterNone, Timeout: time.Second}})
	a, b := <-got, <-got
	for _, k := range []string{"X-Event-ID", "X-Timestamp"} {
		tassert.Equal(t, a.header.Get(k), b.header.Get(k), k)
	}
	tassert.Equal(t, a.body, b.body)
	tassert.NotEqual(t, a.header.Get("X-Prolific-Request-Timestamp"), b.header.Get("X-Prolific-Request-Timestamp"))
	tassert.NotEqual(t, a.header.Get("X-Prolific-Request-Signature"), b.header.Get("X-Prolific-Request-Signature"))
	tassert.Equal(t, "1767225600", a.header.Get("X-Timestamp"))
}
