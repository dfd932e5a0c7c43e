package mock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/clock"
	"github.com/hookdrill/hookdrill/internal/testkit"
	"github.com/hookdrill/hookdrill/platform/prolific"
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

// checkGolden compares got with testdata/name (go test ./platform/prolific/mock
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

// TestGoldenProlific71 replays spec 7.1 with the mock's default shapes.
func TestGoldenProlific71(t *testing.T) {
	e, fd := goldenEnv(t, Config{})
	got := transcript(t, e, []exchange{
		{method: "POST", path: "/api/v1/hooks/secrets/", body: `{"workspace_id": "63722982f9cc073ecc730f6b"}`},
		{method: "POST", path: "/api/v1/hooks/subscriptions/",
			body: `{"workspace_id": "63722982f9cc073ecc730f6b", "event_type": "submission.status.change", "target_url": "https://hooks.example.org/prolific"}`},
		{method: "POST", path: "/api/v1/hooks/subscriptions/{id}/", body: `{"secret": "{hook_secret}"}`},
		{fn: func(t *testing.T, e *env) {
			res := e.trigger(TriggerRequest{EventType: "submission.status.change", Status: "AWAITING REVIEW",
				ResourceID: "6394cee383e14a167638b3a1", EventID: "6394cee483e14a167638b36c",
				Extra: map[string]string{"participant_id": "5f0c1c2d3e4f5a6b7c8d9e0f"}})
			require.Len(t, res.Deliveries, 1)
		}},
		{method: "GET", path: "/api/v1/hooks/subscriptions/{id}/events/?status=SUCCEEDED&limit=100&offset=0"},
		{method: "GET", path: "/api/v1/hooks/subscriptions/?workspace_id=63722982f9cc073ecc730f6b"},
	})
	checkGolden(t, "prolific-7.1.golden", got)

	// The parts spec 7.1 fixes exactly.
	tassert.Contains(t, got, `"event_type":"submission.status.change","target_url":"https://hooks.example.org/prolific","workspace_id":"63722982f9cc073ecc730f6b","id":`)
	tassert.Contains(t, got, `"datetime_created":"2026-01-01T00:00:00.000000Z","datetime_updated":"2026-01-01T00:00:00.412000Z"`)
	tassert.Contains(t, got, `"payload":{"resource_id":"6394cee383e14a167638b3a1","event_type":"submission.status.change","participant_id":"5f0c1c2d3e4f5a6b7c8d9e0f","status":"AWAITING REVIEW"}}],"meta":{"count":1}}`)
	require.Len(t, fd.got, 1)
	body, err := e.srv.Mock.Profile().Encode(fd.got[0].Event)
	require.NoError(t, err)
	tassert.Equal(t, `{"resource_id": "6394cee383e14a167638b3a1", "event_type": "submission.status.change", "participant_id": "5f0c1c2d3e4f5a6b7c8d9e0f", "status": "AWAITING REVIEW"}`, string(body),
		"the spec 7.2 wire body")
}

// TestAPICallsJournaled checks the api_call entries of a short exchange.
func TestAPICallsJournaled(t *testing.T) {
	e, _ := goldenEnv(t, Config{})
	e.do("POST", "/api/v1/hooks/secrets/", `{"workspace_id": "aaaaaaaaaaaaaaaaaaaaaaaa"}`)
	e.do("POST", "/api/v1/hooks/subscriptions/", `{"workspace_id": "aaaaaaaaaaaaaaaaaaaaaaaa", "event_type": "study.status.change", "target_url": "https://x.example/h"}`)
	calls := e.srv.Journal().Snapshot().APICalls()
	require.Len(t, calls, 2)
	tassert.Equal(t, "/api/v1/hooks/secrets/", calls[0].Route)
	tassert.Equal(t, 201, calls[1].Status)
	tassert.Equal(t, prolific.Name, calls[1].Platform)
	// A confirm body's secret never reaches the journal.
	sub, tok, err := e.srv.CreateSubscription("aaaaaaaaaaaaaaaaaaaaaaaa", "study.status.change", "https://x.example/h")
	require.NoError(t, err)
	e.do("POST", "/api/v1/hooks/subscriptions/"+sub.ID+"/", `{"secret": "`+tok+`"}`)
	var buf bytes.Buffer
	require.NoError(t, e.srv.Journal().WriteJSONL(&buf))
	tassert.NotContains(t, buf.String(), tok)
}
