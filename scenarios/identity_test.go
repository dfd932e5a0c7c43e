package scenarios

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/assert"
)

// bodyServer answers 200 to every delivery and keeps the decoded bodies.
func bodyServer(t *testing.T) (*httptest.Server, func() []map[string]any) {
	t.Helper()
	var mu sync.Mutex
	var got []map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		mu.Lock()
		got = append(got, m)
		mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	return srv, func() []map[string]any { mu.Lock(); defer mu.Unlock(); return append([]map[string]any(nil), got...) }
}

// In a scenario, every event about one submission names one participant,
// and every event about one screener response one project, as on the
// platforms; a different submission has a different participant.
func TestScenarioKeepsIdentityPerResource(t *testing.T) {
	srv, bodies := bodyServer(t)
	sc := mustParse(t, `version: 1
name: identity
platform: prolific
steps:
  - id: first
    send: {event: submission.status.change, status: ACTIVE}
  - send: {event: submission.status.change, status: AWAITING REVIEW, resource: "${first.resource_id}"}
  - send: {event: submission.status.change, status: APPROVED, resource: "${first.resource_id}"}
  - send: {event: submission.status.change, status: ACTIVE}
`)
	res := runOne(t, testConfig(srv), sc)
	require.Equal(t, assert.Pass, res.Verdict, reportText(res))
	b := bodies()
	require.Len(t, b, 4)
	who := b[0]["participant_id"]
	require.NotEmpty(t, who)
	tassert.Equal(t, b[0]["resource_id"], b[1]["resource_id"])
	tassert.Equal(t, who, b[1]["participant_id"])
	tassert.Equal(t, who, b[2]["participant_id"])
	tassert.NotEqual(t, who, b[3]["participant_id"], "another submission, another participant")

	srv2, bodies2 := bodyServer(t)
	sc2 := mustParse(t, `version: 1
name: identity-respondent
platform: respondent
steps:
  - id: created
    send: {event: SCREENER_RESPONSES.CREATED}
  - send: {event: SCREENER_RESPONSES.UPDATED, status: PAID, resource: "${created.resource_id}"}
`)
	res = runOne(t, testConfig(srv2), sc2)
	require.Equal(t, assert.Pass, res.Verdict, reportText(res))
	b = bodies2()
	require.Len(t, b, 2)
	project := func(m map[string]any) any {
		return m["payload"].(map[string]any)["resource"].(map[string]any)["projectId"]
	}
	require.NotEmpty(t, project(b[0]))
	tassert.Equal(t, project(b[0]), project(b[1]))
}

// A participant (or project) one step names explicitly stays with the
// resource in the steps that follow it up without naming it.
func TestScenarioKeepsAnExplicitIdentity(t *testing.T) {
	srv, bodies := bodyServer(t)
	sc := mustParse(t, `version: 1
name: explicit
platform: prolific
steps:
  - id: first
    send: {event: submission.status.change, status: ACTIVE, extra: {participant_id: 5f0c1c2d3e4f5a6b7c8d9e0f}}
  - send: {event: submission.status.change, status: APPROVED, resource: "${first.resource_id}"}
`)
	res := runOne(t, testConfig(srv), sc)
	require.Equal(t, assert.Pass, res.Verdict, reportText(res))
	b := bodies()
	require.Len(t, b, 2)
	tassert.Equal(t, "5f0c1c2d3e4f5a6b7c8d9e0f", b[1]["participant_id"])

	srv2, bodies2 := bodyServer(t)
	sc2 := mustParse(t, `version: 1
name: explicit-respondent
platform: respondent
steps:
  - id: created
    send: {event: SCREENER_RESPONSES.CREATED, extra: {projectId: 69603913cd7d6158385a1ff6}}
  - send: {event: SCREENER_RESPONSES.UPDATED, status: CANCELLED, resource: "${created.resource_id}"}
`)
	res = runOne(t, testConfig(srv2), sc2)
	require.Equal(t, assert.Pass, res.Verdict, reportText(res))
	b = bodies2()
	require.Len(t, b, 2)
	tassert.Equal(t, "69603913cd7d6158385a1ff6", b[1]["payload"].(map[string]any)["resource"].(map[string]any)["projectId"])
}
