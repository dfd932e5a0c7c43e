package mock

import (
	"encoding/json"
	"github.com/hookdrill/hookdrill/internal/testkit"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/platform/respondent"
)

// resourceOf returns payload.resource of a Respondent delivery body.
func resourceOf(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var ev struct {
		Payload struct {
			Resource map[string]any `json:"resource"`
		} `json:"payload"`
	}
	require.NoError(t, json.Unmarshal(body, &ev), "%s", body)
	return ev.Payload.Resource
}

// TestSimulateCarriesWebhookIdentity: MESSAGES.CREATED and
// CONVERSATIONS.CREATED name the webhook they go to, its team and its
// organization (spec 4.3), whether simulated or triggered.
func TestSimulateCarriesWebhookIdentity(t *testing.T) {
	e := newEnv(t, Config{})
	rcv := testkit.Recording(t, nil)
	var w Webhook
	e.json("POST", "/v1/webhooks", `{"url": "`+rcv.URL+`/h"}`, 201, &w)
	require.NotEmpty(t, w.TeamID)
	for _, ev := range []string{respondent.EventMessagesCreated, respondent.EventConversationsCreated} {
		resp, b := e.do("POST", "/v1/webhooks/"+w.ID+"/simulate", `{"event": "`+ev+`"}`)
		require.Equal(t, 201, resp.StatusCode, "%s", b)
	}
	e.trigger(TriggerRequest{Platform: respondent.Name, EventType: respondent.EventMessagesCreated})
	e.settle()
	got := rcv.Requests()
	require.Len(t, got, 3)
	for _, r := range got {
		res := resourceOf(t, r.Body)
		tassert.Equal(t, w.ID, res["webhookId"], "%s", r.Body)
		tassert.Equal(t, w.TeamID, res["teamId"], "%s", r.Body)
		tassert.Equal(t, w.OrganizationID, res["organizationId"], "%s", r.Body)
	}
	// An explicit value from a trigger is kept.
	e.trigger(TriggerRequest{Platform: respondent.Name, EventType: respondent.EventMessagesCreated,
		Extra: map[string]string{"teamId": "t-explicit"}})
	e.settle()
	got = rcv.Requests()
	tassert.Equal(t, "t-explicit", resourceOf(t, got[len(got)-1].Body)["teamId"])
}

// TestSimulatedResponsesAreThrowaway: simulate uses random resource ids
// (spec 4.1), so the screener response it announces is a 404, unless
// SimulateFetchable.
func TestSimulatedResponsesAreThrowaway(t *testing.T) {
	for _, fetchable := range []bool{false, true} {
		e := newEnv(t, Config{SimulateFetchable: fetchable})
		rcv := testkit.Recording(t, nil)
		var w Webhook
		e.json("POST", "/v1/webhooks", `{"url": "`+rcv.URL+`/h"}`, 201, &w)
		resp, b := e.do("POST", "/v1/webhooks/"+w.ID+"/simulate", `{"event": "SCREENER_RESPONSES.CREATED"}`)
		require.Equal(t, 201, resp.StatusCode, "%s", b)
		e.settle()
		got := rcv.Requests()
		require.Len(t, got, 1)
		res := resourceOf(t, got[0].Body)
		path := "/v1/projects/" + res["projectId"].(string) + "/screener-responses/" + res["id"].(string)
		want := 404
		if fetchable {
			want = 200
		}
		resp, b = e.do("GET", path, "")
		tassert.Equal(t, want, resp.StatusCode, "fetchable=%v: %s", fetchable, b)
	}
}
