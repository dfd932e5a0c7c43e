package mockserver_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"github.com/hookdrill/hookdrill/internal/testkit"
	"testing"
	"time"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/clock"
)

func TestControlAPI(t *testing.T) {
	e := newEnv(t, Config{})
	rcv := testkit.Recording(t, func(n int) int {
		if n == 1 {
			return 500
		}
		return 200
	})
	e.subscribe(testWS, "study.status.change", rcv.URL)
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
