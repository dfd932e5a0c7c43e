package mock

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/clock"
	"github.com/hookdrill/hookdrill/platform/respondent"
)

func TestRespondentWebhooks(t *testing.T) {
	e := newEnv(t, Config{})
	rcv := newReceiver(t, nil)
	resp, _ := e.do("GET", "/v1/webhooks", "")
	tassert.Equal(t, 404, resp.StatusCode, "no webhook yet (R7)")

	var w1, w2 Webhook
	e.json("POST", "/v1/webhooks", `{"url": "`+rcv.ts.URL+`/old"}`, 201, &w1)
	tassert.Len(t, w1.ID, 24)
	tassert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, w1.PrivateKey)
	e.json("POST", "/v1/webhooks", `{"url": "`+rcv.ts.URL+`/new"}`, 201, &w2)
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
	got := rcv.requests()
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
	rcv := newReceiver(t, func(int) int { return 503 })
	_, err := e.srv.CreateWebhook(rcv.ts.URL, "")
	require.NoError(t, err)
	e.trigger(TriggerRequest{Platform: respondent.Name, EventType: respondent.EventMessagesCreated})
	e.settle()
	ds := e.srv.Journal().Snapshot().Deliveries()
	require.Len(t, ds, 1)
	tassert.Equal(t, 6, ds[0].Attempts, "1 + 5 retries (R3)")
	tassert.Equal(t, simStart.Add(50*time.Minute), e.sim.Now(), "10-minute intervals")
}

func TestControlAPI(t *testing.T) {
	e := newEnv(t, Config{})
	rcv := newReceiver(t, func(n int) int {
		if n == 1 {
			return 500
		}
		return 200
	})
	e.subscribe(testWS, "study.status.change", rcv.ts.URL)
	c, err := NewClient(e.ts.URL, e.ts.Client())
	require.NoError(t, err)
	ctx := context.Background()

	in, err := c.Info(ctx)
	require.NoError(t, err)
	tassert.Equal(t, "sim", in.Clock)
	tassert.Zero(t, in.Seed, "the seed reproduces every secret: only on request")
	in, err = c.InfoWithSeed(ctx)
	require.NoError(t, err)
	tassert.Equal(t, uint64(42), in.Seed)

	res, err := c.Trigger(ctx, TriggerRequest{EventType: "study.status.change", Status: "PAUSED", ResourceID: "s9"})
	require.NoError(t, err)
	require.Len(t, res.Deliveries, 1)
	tassert.Equal(t, "PAUSED", res.Event.Status)

	// The first attempt fails; the retry waits for the simulated clock.
	wctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	ended, err := c.WaitDeliveries(wctx, []string{res.Deliveries[0].DeliveryID}, 5*time.Millisecond, nil)
	cancel()
	tassert.ErrorIs(t, err, context.DeadlineExceeded)
	tassert.Empty(t, ended)
	st, err := c.Clock(ctx)
	require.NoError(t, err)
	tassert.Equal(t, 1, st.PendingTimers)
	st, err = c.Advance(ctx, AdvanceRequest{By: "1m"})
	require.NoError(t, err)
	tassert.Equal(t, simStart.Add(time.Minute), st.Now)
	var attempts []hookdrill.Attempt
	ended, err = c.WaitDeliveries(ctx, []string{res.Deliveries[0].DeliveryID}, 5*time.Millisecond, func(a hookdrill.Attempt) {
		attempts = append(attempts, a)
	})
	require.NoError(t, err)
	require.Len(t, ended, 1)
	tassert.Equal(t, hookdrill.StatusSucceeded, ended[0].Status)
	tassert.Len(t, attempts, 2)

	// Payload trigger.
	res, err = c.Trigger(ctx, TriggerRequest{Payload: hookdrill.Object{{Key: "resource_id", Value: "s9"},
		{Key: "event_type", Value: "study.status.change"}, {Key: "metadata", Value: hookdrill.Object{}}, {Key: "status", Value: "COMPLETED"}}})
	require.NoError(t, err)
	tassert.Equal(t, "COMPLETED", res.Event.Status)
	require.NoError(t, e.srv.Wait(ctx))
	var sv StudyView
	e.json("GET", "/api/v1/studies/s9/", "", 200, &sv)
	tassert.Equal(t, "COMPLETED", sv.Status)

	// Journal: JSON page and JSONL.
	p, err := c.Journal(ctx, 0, []string{"api_call"}, nil)
	require.NoError(t, err)
	tassert.NotEmpty(t, p.Entries)
	tassert.Positive(t, p.LastSeq)
	resp, body := e.do("GET", "/_hookdrill/journal?format=jsonl&kind=delivery", "")
	require.Equal(t, 200, resp.StatusCode)
	snap, err := hookdrill.ReadJSONL(bufio.NewReader(bytes.NewReader(body)))
	require.NoError(t, err)
	tassert.Len(t, snap, 2)

	// Errors.
	_, err = c.Trigger(ctx, TriggerRequest{EventType: "nope"})
	var ce *ControlError
	require.ErrorAs(t, err, &ce)
	tassert.Equal(t, 400, ce.Status)
	tassert.Contains(t, ce.Message, "study.status.change")
	_, err = c.Trigger(ctx, TriggerRequest{Platform: "qualtrics", EventType: "x"})
	require.ErrorAs(t, err, &ce)
	resp, body = e.do("POST", "/_hookdrill/clock/advance", `{"by": "1h", "until_idle": true}`)
	tassert.Equal(t, 400, resp.StatusCode, "%s", body)
	resp, _ = e.do("POST", "/_hookdrill/trigger", `{"event_type": 5}`)
	tassert.Equal(t, 400, resp.StatusCode)
	resp, _ = e.do("GET", "/_hookdrill/journal?since=-1", "")
	tassert.Equal(t, 400, resp.StatusCode)

	// Reset.
	require.NoError(t, c.Reset(ctx))
	tassert.Equal(t, 0, e.srv.Journal().Len())
	subs, n := e.srv.Subscriptions("", true, 0, 0)
	tassert.Empty(t, subs)
	tassert.Zero(t, n)
}

func TestControlAdvanceNeedsSimClock(t *testing.T) {
	e := newEnv(t, Config{Clock: clock.Real{}})
	resp, body := e.do("POST", "/_hookdrill/clock/advance", `{"by": "1h"}`)
	tassert.Equal(t, 409, resp.StatusCode)
	var ce controlError
	require.NoError(t, json.Unmarshal(body, &ce))
	tassert.Contains(t, ce.Error, "--clock sim")
}
