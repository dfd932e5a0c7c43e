package scenariomock_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/assert"
	"github.com/hookdrill/hookdrill/mockserver/scenariomock"
	"github.com/hookdrill/hookdrill/platform/all"
	"github.com/hookdrill/hookdrill/scenarios"
)

// A scenario that drives the embedded mock: the receiver treats the webhook
// as a trigger and reads the submission back from the mock API.
const e2eScenario = `version: 1
name: e2e/mock
platform: prolific
secret: e2e-secret-0123456789
mock: {workspace: "63722982f9cc073ecc730f6b", token: test-token}
steps:
  - id: sub
    subscribe: {event: submission.status.change}
  - id: ev
    trigger: {event: submission.status.change, status: APPROVED}
    expect: {count: 1, status: 2xx, calls: [{method: GET, route: "/api/v1/submissions/{id}/", resource: "${ev.resource_id}", count: 1}]}
  - disable: sub
  - trigger: {event: submission.status.change, status: RETURNED}
    expect: {count: 0}
  - inspect: {subscription: sub}
    expect: {enabled: false, events: {status: SUCCEEDED, count: 1}}
`

func TestScenarioDrivesMock(t *testing.T) {
	var mockURL atomic.Value
	var mu sync.Mutex
	var fetched []string // the statuses the receiver read back
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		base, _ := mockURL.Load().(string)
		var body struct {
			ResourceID string `json:"resource_id"`
		}
		_ = decodeJSON(r.Body, &body)
		req, _ := http.NewRequestWithContext(r.Context(), http.MethodGet, base+"/api/v1/submissions/"+body.ResourceID+"/", nil)
		req.Header.Set("Authorization", "Token test-token")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			w.WriteHeader(500)
			return
		}
		var sub struct {
			Status string `json:"status"`
		}
		_ = decodeJSON(resp.Body, &sub)
		resp.Body.Close()
		mu.Lock()
		fetched = append(fetched, sub.Status)
		mu.Unlock()
	}))
	defer rcv.Close()

	sc, err := scenarios.Loader{Platforms: all.Registry()}.Parse("e2e.yaml", []byte(e2eScenario))
	require.NoError(t, err)
	factory := func(ctx context.Context, env scenarios.MockEnv) (scenarios.MockAPI, error) {
		m, err := scenariomock.Factory(all.Mocks()...)(ctx, env)
		if err == nil {
			mockURL.Store(m.URL())
		}
		return m, err
	}
	rep, err := scenarios.Run(context.Background(), scenarios.RunConfig{Target: rcv.URL + "/hook", Seed: 3, Mock: factory},
		[]*scenarios.Scenario{sc})
	require.NoError(t, err)
	require.Len(t, rep.Scenarios, 1)
	res := rep.Scenarios[0]
	for _, st := range res.Steps {
		require.Empty(t, st.Error, "step %d", st.Index)
		for _, r := range st.Results {
			require.Equal(t, assert.Pass, r.Verdict, "step %d %s: want %s got %s: %s", st.Index, r.Expectation, r.Want, r.Got, r.Message)
		}
	}
	require.Len(t, res.Steps, 5)
	require.Equal(t, assert.Pass, res.Verdict)
	mu.Lock()
	defer mu.Unlock()
	require.Equal(t, []string{"APPROVED"}, fetched, "the receiver read the state the event announced, once; nothing after disabling")
}

func decodeJSON(r io.Reader, v any) error {
	return json.NewDecoder(r).Decode(v)
}
