package mock

import (
	"github.com/hookdrill/hookdrill/internal/testkit"
	"testing"
	"time"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/platform/respondent"
)

func TestRespondentWebhooks(t *testing.T) {
	e := newEnv(t, Config{})
	rcv := testkit.Recording(t, nil)
	resp, _ := e.do("GET", "/v1/webhooks", "")
	tassert.Equal(t, 404, resp.StatusCode, "no webhook yet (R7)")

	var w1, w2 Webhook
	e.json("POST", "/v1/webhooks", `{"url": "`+rcv.URL+`/old"}`, 201, &w1)
	tassert.Len(t, w1.ID, 24)
	tassert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, w1.PrivateKey)
	e.json("POST", "/v1/webhooks", `{"url": "`+rcv.URL+`/new"}`, 201, &w2)
	tassert.NotEqual(t, w1.ID, w2.ID, "replacing creates a new webhook")
	tassert.NotEqual(t, w1.PrivateKey, w2.PrivateKey)
	tassert.Equal(t, w1.TeamID, w2.TeamID, "one team")
	resp, _ = e.do("GET", "/v1/webhooks/"+w1.ID, "")
	tassert.Equal(t, 404, resp.StatusCode, "the old webhook is deactivated")
	var cur Webhook
	e.json("GET", "/v1/webhooks", "", 200, &cur)
	tassert.Equal(t, w2, cur)

	// Simulate: a real delivery, signed with the new key, random ids.
	resp, body := e.do("POST", "/v1/webhooks/"+w2.ID+"/simulate", `{"event": "SCREENER_RESPONSES.UPDATED", "screenerResponseUpdatedType": "STATUS.CANCELLED"}`)
	require.Equal(t, 201, resp.StatusCode, "%s", body)
	tassert.Empty(t, body)
	e.settle()
	got := rcv.Requests()
	require.Len(t, got, 1)
	tassert.Equal(t, "/new", got[0].Path)
	prof := respondent.New(respondent.Options{})
	require.NoError(t, prof.Verify(got[0].Header, got[0].Body, w2.PrivateKey, hookdrill.VerifyOptions{}))
	tassert.Contains(t, string(got[0].Body), `"newValue":"CANCELLED"`)

	// The screener response a CREATED event announces can be read back,
	// and is gone once rejected (spec 4.3).
	res := e.trigger(TriggerRequest{Platform: respondent.Name, EventType: respondent.EventScreenerResponsesCreated,
		ResourceID: "69603913cd7d6158385a1ff7", Extra: map[string]string{"projectId": "69603913cd7d6158385a1ff6"}})
	require.Len(t, res.Deliveries, 1)
	tassert.Equal(t, w2.ID, res.Deliveries[0].WebhookID)
	var sr ScreenerResponseView
	e.json("GET", "/v1/projects/69603913cd7d6158385a1ff6/screener-responses/69603913cd7d6158385a1ff7", "", 200, &sr)
	tassert.Equal(t, "PENDING", sr.Status)
	e.trigger(TriggerRequest{Platform: respondent.Name, EventType: respondent.EventScreenerResponsesUpdated,
		ResourceID: "69603913cd7d6158385a1ff7", Status: "PAID", Extra: map[string]string{"projectId": "69603913cd7d6158385a1ff6"}})
	e.json("GET", "/v1/projects/69603913cd7d6158385a1ff6/screener-responses/69603913cd7d6158385a1ff7/", "", 200, &sr)
	tassert.Equal(t, "PAID", sr.Status)
	e.trigger(TriggerRequest{Platform: respondent.Name, EventType: respondent.EventScreenerResponsesUpdated,
		ResourceID: "69603913cd7d6158385a1ff7", Extra: map[string]string{"projectId": "69603913cd7d6158385a1ff6",
			"screenerResponseUpdatedType": "REJECTED.TRUE"}})
	resp, _ = e.do("GET", "/v1/projects/69603913cd7d6158385a1ff6/screener-responses/69603913cd7d6158385a1ff7", "")
	tassert.Equal(t, 404, resp.StatusCode)

	// Delete deactivates; events then go nowhere.
	resp, body = e.do("DELETE", "/v1/webhooks/"+w2.ID, "")
	tassert.Equal(t, 200, resp.StatusCode)
	tassert.Empty(t, body)
	res = e.trigger(TriggerRequest{Platform: respondent.Name, EventType: respondent.EventProjectsUpdated})
	tassert.Empty(t, res.Deliveries)
	tassert.NotEmpty(t, res.Skipped)
}

func TestRespondentRetryPolicy(t *testing.T) {
	e := newEnv(t, Config{})
	rcv := testkit.Recording(t, func(int) int { return 503 })
	_, err := e.srv.CreateWebhook(rcv.URL, "")
	require.NoError(t, err)
	e.trigger(TriggerRequest{Platform: respondent.Name, EventType: respondent.EventMessagesCreated})
	e.settle()
	ds := e.srv.Journal().Snapshot().Deliveries()
	require.Len(t, ds, 1)
	tassert.Equal(t, 6, ds[0].Attempts, "1 + 5 retries (R3)")
	tassert.Equal(t, simStart.Add(50*time.Minute), e.sim.Now(), "10-minute intervals")
}
