package mock

import (
	"fmt"
	"net/http"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/platform/respondent"
)

// screener response's project exists.
func TestRespondentProjectResource(t *testing.T) {
	e := newEnv(t, Config{})
	resp, b := e.do("GET", "/v1/projects/p1", "")
	require.Equal(t, http.StatusNotFound, resp.StatusCode, "%s", b)
	tassert.Contains(t, string(b), `"statusCode":404`)
	for _, tc := range []struct{ status, project string }{{"RECRUITING", "PAID"}, {"PAUSED", "PAID"}, {"RECRUITED", "CLOSED"}} {
		e.trigger(TriggerRequest{Platform: respondent.Name, EventType: respondent.EventProjectsUpdated, ResourceID: "p1", Status: tc.status})
		var p ProjectView
		e.json("GET", "/v1/projects/p1", "", 200, &p)
		tassert.Equal(t, tc.status, p.ProjectRecruitingStatus)
		tassert.Equal(t, tc.project, p.ProjectStatus)
		tassert.NotEmpty(t, p.Name)
	}
	e.trigger(TriggerRequest{Platform: respondent.Name, EventType: respondent.EventScreenerResponsesCreated, ResourceID: "r1"})
	var sr ScreenerResponseView
	proj := respondent.Project("r1")
	e.json("GET", fmt.Sprintf("/v1/projects/%s/screener-responses/r1", proj), "", 200, &sr)
	tassert.Equal(t, proj, sr.ProjectID)
	var p ProjectView
	e.json("GET", "/v1/projects/"+proj, "", 200, &p)
	tassert.Equal(t, "RECRUITING", p.ProjectRecruitingStatus)
}
