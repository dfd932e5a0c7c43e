package mock

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/clock"
	"github.com/hookdrill/hookdrill/internal/testkit"
	"github.com/hookdrill/hookdrill/platform/respondent"
)

// exchange is one request of a golden round trip; a nil-method exchange
// runs fn instead (a trigger between calls).
type exchange struct {
	method, path, body string
	fn                 func(t *testing.T, e *env)
}

// transcript replays exchanges and renders them as text: request line,
// body, status, the headers that matter, body.
func transcript(t *testing.T, e *env, xs []exchange) string {
	var b strings.Builder
	vars := map[string]string{}
	expand := func(s string) string {
		for k, v := range vars {
			s = strings.ReplaceAll(s, "{"+k+"}", v)
		}
		return s
	}
	for _, x := range xs {
		if x.fn != nil {
			x.fn(t, e)
			continue
		}
		path, body := expand(x.path), expand(x.body)
		resp, out := e.do(x.method, path, body)
		fmt.Fprintf(&b, "%s %s\n", x.method, path)
		if body != "" {
			fmt.Fprintf(&b, "%s\n", body)
		}
		fmt.Fprintf(&b, "-> %d", resp.StatusCode)
		for _, h := range []string{"X-Hook-Secret", "Content-Type"} {
			if v := resp.Header.Get(h); v != "" {
				fmt.Fprintf(&b, "  %s: %s", h, v)
			}
		}
		fmt.Fprintf(&b, "\n%s\n", strings.TrimSpace(string(out)))
		var obj map[string]any
		if json.Unmarshal(out, &obj) == nil {
			if id, ok := obj["id"].(string); ok {
				vars["id"] = id
			}
		}
		if tok := resp.Header.Get("X-Hook-Secret"); tok != "" {
			vars["hook_secret"] = tok
		}
	}
	return b.String()
}

// checkGolden compares got with testdata/name (go test ./platform/respondent/mock
// -run TestName -update rewrites it).
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	testkit.Golden(t, filepath.Join("testdata", name), []byte(got))
}

func goldenEnv(t *testing.T, cfg Config) (*env, *fakeDispatcher) {
	sim := clock.NewSim(simStart)
	fd := &fakeDispatcher{clk: sim, latency: 412 * time.Millisecond}
	cfg.Clock, cfg.Dispatcher, cfg.Seed = sim, fd, 1
	return newEnv(t, cfg), fd
}

// TestGoldenRespondent73 replays spec 7.3.
func TestGoldenRespondent73(t *testing.T) {
	e, fd := goldenEnv(t, Config{})
	got := transcript(t, e, []exchange{
		{method: "POST", path: "/v1/webhooks", body: `{"url": "https://hooks.example.org/respondent"}`},
		{method: "GET", path: "/v1/webhooks/{id}/event-types"},
		{method: "POST", path: "/v1/webhooks/{id}/simulate", body: `{"event": "SCREENER_RESPONSES.UPDATED", "screenerResponseUpdatedType": "REJECTED.TRUE"}`},
		{method: "GET", path: "/v1/webhooks"},
		{method: "DELETE", path: "/v1/webhooks/{id}"},
		{method: "GET", path: "/v1/webhooks/{id}"},
	})
	checkGolden(t, "respondent-7.3.golden", got)
	tassert.Contains(t, got, `{"eventTypes":["PROJECTS.UPDATED","SCREENER_RESPONSES.CREATED","SCREENER_RESPONSES.UPDATED","MESSAGES.CREATED","CONVERSATIONS.CREATED"]}`)
	require.Len(t, fd.got, 1)
	ev := fd.got[0].Event
	tassert.Equal(t, respondent.EventScreenerResponsesUpdated, ev.Type)
	b, err := hookdrill.EncodeCompact(ev.Payload)
	require.NoError(t, err)
	tassert.Contains(t, string(b), `"updatedFields":[{"name":"rejected","oldValue":false,"newValue":true}]`)
}
