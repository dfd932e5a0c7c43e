package mock

import (
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/platform/prolific"
	"github.com/hookdrill/hookdrill/platform/respondent"
)

// Triggered events about one submission name one participant, and events
// about one screener response one project: the profile derives them from
// the resource id, and the mock keeps one an earlier trigger set
// explicitly. The submission resource shows the same participant.
func TestTriggerKeepsIdentityPerResource(t *testing.T) {
	e := newEnv(t, Config{})
	participant := func(req TriggerRequest) string {
		t.Helper()
		req.EventType = prolific.EventSubmissionStatusChange
		return e.trigger(req).Event.Payload.GetString(prolific.KeyParticipantID)
	}
	first := e.trigger(TriggerRequest{EventType: prolific.EventSubmissionStatusChange, Status: "ACTIVE"}).Event
	who := first.Payload.GetString(prolific.KeyParticipantID)
	require.NotEmpty(t, who)
	for _, st := range []string{"AWAITING REVIEW", "APPROVED"} {
		tassert.Equal(t, who, participant(TriggerRequest{ResourceID: first.ResourceID, Status: st}), st)
	}
	var sub SubmissionView
	e.json("GET", "/api/v1/submissions/"+first.ResourceID+"/", "", 200, &sub)
	tassert.Equal(t, who, sub.Participant)

	// A participant named explicitly once stays with the submission.
	participant(TriggerRequest{ResourceID: "sub-explicit", Status: "ACTIVE", Extra: map[string]string{"participant_id": "p-given"}})
	tassert.Equal(t, "p-given", participant(TriggerRequest{ResourceID: "sub-explicit", Status: "APPROVED"}))

	project := func(req TriggerRequest) string {
		t.Helper()
		req.Platform = respondent.Name
		ev := e.trigger(req).Event
		p, _ := ev.Payload.Get(respondent.KeyPayload)
		r, _ := p.(hookdrill.Object).Get(respondent.KeyResource)
		return r.(hookdrill.Object).GetString("projectId")
	}
	created := e.trigger(TriggerRequest{Platform: respondent.Name, EventType: respondent.EventScreenerResponsesCreated}).Event
	proj := project(TriggerRequest{EventType: respondent.EventScreenerResponsesUpdated, ResourceID: created.ResourceID, Status: "PAID"})
	tassert.Equal(t, respondent.Project(created.ResourceID), proj)
	project(TriggerRequest{EventType: respondent.EventScreenerResponsesCreated, ResourceID: "r-explicit",
		Extra: map[string]string{"projectId": "proj-given"}})
	tassert.Equal(t, "proj-given", project(TriggerRequest{EventType: respondent.EventScreenerResponsesUpdated, ResourceID: "r-explicit", Status: "CANCELLED"}))
}
