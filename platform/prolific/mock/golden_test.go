package mock

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/clock"
	"github.com/hookdrill/hookdrill/internal/testkit"
	"github.com/hookdrill/hookdrill/platform/internal/mocktest"
	"github.com/hookdrill/hookdrill/platform/prolific"
)

// checkGolden compares got with testdata/name (go test ./platform/prolific/mock
// -run TestName -update rewrites it).
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	testkit.Golden(t, filepath.Join("testdata", name), []byte(got))
}

func goldenEnv(t *testing.T, cfg Config) (*env, *mocktest.Dispatcher) {
	sim := clock.NewSim(simStart)
	fd := &mocktest.Dispatcher{Clock: sim, Latency: 412 * time.Millisecond}
	cfg.Clock, cfg.Dispatcher, cfg.Seed = sim, fd, 1
	return newEnv(t, cfg), fd
}

// TestGoldenProlific71 replays spec 7.1 with the mock's default shapes.
func TestGoldenProlific71(t *testing.T) {
	e, fd := goldenEnv(t, Config{})
	got := mocktest.Transcript(e.do, []mocktest.Exchange{
		{Method: "POST", Path: "/api/v1/hooks/secrets/", Body: `{"workspace_id": "63722982f9cc073ecc730f6b"}`},
		{Method: "POST", Path: "/api/v1/hooks/subscriptions/",
			Body: `{"workspace_id": "63722982f9cc073ecc730f6b", "event_type": "submission.status.change", "target_url": "https://hooks.example.org/prolific"}`},
		{Method: "POST", Path: "/api/v1/hooks/subscriptions/{id}/", Body: `{"secret": "{hook_secret}"}`},
		{Fn: func() {
			res := e.trigger(TriggerRequest{EventType: "submission.status.change", Status: "AWAITING REVIEW",
				ResourceID: "6394cee383e14a167638b3a1", EventID: "6394cee483e14a167638b36c",
				Extra: map[string]string{"participant_id": "5f0c1c2d3e4f5a6b7c8d9e0f"}})
			require.Len(t, res.Deliveries, 1)
		}},
		{Method: "GET", Path: "/api/v1/hooks/subscriptions/{id}/events/?status=SUCCEEDED&limit=100&offset=0"},
		{Method: "GET", Path: "/api/v1/hooks/subscriptions/?workspace_id=63722982f9cc073ecc730f6b"},
	})
	checkGolden(t, "prolific-7.1.golden", got)

	// The parts spec 7.1 fixes exactly.
	tassert.Contains(t, got, `"event_type":"submission.status.change","target_url":"https://hooks.example.org/prolific","workspace_id":"63722982f9cc073ecc730f6b","id":`)
	tassert.Contains(t, got, `"datetime_created":"2026-01-01T00:00:00.000000Z","datetime_updated":"2026-01-01T00:00:00.412000Z"`)
	tassert.Contains(t, got, `"payload":{"resource_id":"6394cee383e14a167638b3a1","event_type":"submission.status.change","participant_id":"5f0c1c2d3e4f5a6b7c8d9e0f","status":"AWAITING REVIEW"}}],"meta":{"count":1}}`)
	require.Len(t, fd.Got(), 1)
	body, err := e.srv.Mock.Profile().Encode(fd.Got()[0].Event)
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
