package mock

import (
	"context"
	"encoding/json"
	"github.com/hookdrill/hookdrill/internal/testkit"
	"net/http"
	"strings"
	"testing"
	"time"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/platform/prolific"
)

func TestProlificLifecycle(t *testing.T) {
	e := newEnv(t, Config{})
	rcv := testkit.Recording(t, nil)
	target := rcv.URL + "/prolific"

	// Secret, subscription, confirmation.
	var sec cliSecret
	e.json("POST", "/api/v1/hooks/secrets/", `{"workspace_id": "`+testWS+`"}`, 201, &sec)
	tassert.Len(t, sec.ID, 24)
	tassert.Len(t, sec.Value, 43)
	var secs cliSecretList
	e.json("GET", "/api/v1/hooks/secrets/?workspace_id="+testWS, "", 200, &secs)
	require.Len(t, secs.Results, 1)
	tassert.Equal(t, sec, secs.Results[0])

	var created cliHook
	hdr := e.json("POST", "/api/v1/hooks/subscriptions/",
		`{"workspace_id": "`+testWS+`", "event_type": "submission.status.change", "target_url": "`+target+`"}`, 201, &created)
	tassert.False(t, created.IsEnabled)
	tassert.Len(t, created.ID, 24)
	tok := hdr.Get("X-Hook-Secret")
	tassert.Len(t, tok, 32)

	// Unconfirmed: nothing is delivered, and the trigger says why.
	res := e.trigger(TriggerRequest{EventType: prolific.EventSubmissionStatusChange, Status: "APPROVED"})
	tassert.Empty(t, res.Deliveries)
	require.Len(t, res.Skipped, 1)
	tassert.Contains(t, res.Skipped[0].Reason, "not confirmed")

	// Listing: is_enabled defaults to true.
	var l cliHookList
	e.json("GET", "/api/v1/hooks/subscriptions", "", 200, &l)
	require.NotNil(t, l.Meta)
	tassert.Equal(t, 0, l.Meta.Count)
	e.json("GET", "/api/v1/hooks/subscriptions/?is_enabled=false&workspace_id="+testWS, "", 200, &l)
	tassert.Equal(t, 1, l.Meta.Count)

	var confirmed cliHook
	e.json("POST", "/api/v1/hooks/subscriptions/"+created.ID, `{"secret": "`+tok+`"}`, 200, &confirmed)
	tassert.True(t, confirmed.IsEnabled)
	e.json("POST", "/api/v1/hooks/subscriptions/"+created.ID+"/", `{"secret": "`+tok+`"}`, 400, nil) // single-use (P16)

	// Delivered, signed with the workspace's current secret.
	res = e.trigger(TriggerRequest{EventType: prolific.EventSubmissionStatusChange, Status: "APPROVED"})
	require.Len(t, res.Deliveries, 1)
	tassert.Equal(t, created.ID, res.Deliveries[0].SubscriptionID)
	e.settle()
	got := rcv.Requests()
	require.Len(t, got, 1)
	prof := prolific.New(prolific.Options{})
	require.NoError(t, prof.Verify(got[0].Header, got[0].Body, sec.Value, hookdrill.VerifyOptions{}))
	tassert.Equal(t, res.Event.ID, got[0].Header.Get("X-Event-ID"))

	ev := e.events(created.ID, "")
	require.Len(t, ev.Results, 1)
	tassert.Equal(t, 1, ev.Meta.Count)
	r := ev.Results[0]
	tassert.Equal(t, "SUCCEEDED", r.Status)
	tassert.Equal(t, res.Event.ID, r.ID)
	tassert.Equal(t, res.Event.ResourceID, r.ResourceID)
	tassert.Equal(t, target, r.TargetURL)
	tassert.Equal(t, "APPROVED", r.Payload["status"])
	tassert.False(t, r.DateUpdated.Before(r.DateCreated))

	// The submission resource reflects the event; the call is journaled.
	var sub SubmissionView
	e.json("GET", "/api/v1/submissions/"+res.Event.ResourceID+"/", "", 200, &sub)
	tassert.Equal(t, "APPROVED", sub.Status)
	calls := e.srv.Journal().Snapshot().APICalls()
	last := calls[len(calls)-1]
	tassert.Equal(t, "/api/v1/submissions/{id}/", last.Route)
	tassert.Equal(t, res.Event.ResourceID, last.ResourceID)
	tassert.Equal(t, 200, last.Status)

	// Rotation: the next delivery is signed with the new secret.
	var sec2 cliSecret
	e.json("POST", "/api/v1/hooks/secrets/", `{"workspace_id": "`+testWS+`"}`, 201, &sec2)
	tassert.NotEqual(t, sec.Value, sec2.Value)
	e.trigger(TriggerRequest{EventType: prolific.EventSubmissionStatusChange})
	e.settle()
	got = rcv.Requests()
	require.Len(t, got, 2)
	require.NoError(t, prof.Verify(got[1].Header, got[1].Body, sec2.Value, hookdrill.VerifyOptions{}))
	tassert.NotEmpty(t, e.srv.Journal().Snapshot().Notices())

	// Pause, resume, delete.
	var patched cliHook
	e.json("PATCH", "/api/v1/hooks/subscriptions/"+created.ID+"/", `{"is_enabled": false}`, 200, &patched)
	tassert.False(t, patched.IsEnabled)
	res = e.trigger(TriggerRequest{EventType: prolific.EventSubmissionStatusChange})
	tassert.Empty(t, res.Deliveries)
	e.json("PATCH", "/api/v1/hooks/subscriptions/"+created.ID+"/", `{"is_enabled": true}`, 200, &patched)
	tassert.True(t, patched.IsEnabled)
	resp, body := e.do("DELETE", "/api/v1/hooks/subscriptions/"+created.ID+"/", "")
	tassert.Equal(t, 204, resp.StatusCode)
	tassert.Empty(t, body)
	resp, _ = e.do("GET", "/api/v1/hooks/subscriptions/"+created.ID+"/", "")
	tassert.Equal(t, 404, resp.StatusCode)
}

func TestEventsQuery(t *testing.T) {
	e := newEnv(t, Config{})
	rcv := testkit.Recording(t, nil)
	h := e.subscribe(testWS, prolific.EventStudyStatusChange, rcv.URL)
	var ids []string
	for i, st := range []string{"ACTIVE", "PAUSED", "COMPLETED"} {
		res := e.trigger(TriggerRequest{EventType: prolific.EventStudyStatusChange, Status: st, ResourceID: []string{"a", "b", "a"}[i]})
		ids = append(ids, res.Event.ID)
		e.settle()
		require.NoError(t, e.sim.Advance(context.Background(), time.Minute))
	}
	l := e.events(h.ID, "")
	require.Len(t, l.Results, 3)
	tassert.Equal(t, []string{ids[2], ids[1], ids[0]}, []string{l.Results[0].ID, l.Results[1].ID, l.Results[2].ID}, "newest first")
	l = e.events(h.ID, "?resource_id=a")
	tassert.Equal(t, 2, l.Meta.Count)
	l = e.events(h.ID, "?limit=1&offset=1")
	require.Len(t, l.Results, 1)
	tassert.Equal(t, ids[1], l.Results[0].ID)
	tassert.Equal(t, 3, l.Meta.Count)
	l = e.events(h.ID, `?status=%5B%22FAILED%22%2C%22PENDING%22%5D`)
	tassert.Equal(t, 0, l.Meta.Count)
	l = e.events(h.ID, `?status=SUCCEEDED`)
	tassert.Equal(t, 3, l.Meta.Count)
}

func TestTrailingSlashAndAuth(t *testing.T) {
	e := newEnv(t, Config{Token: "pinned"})
	for _, p := range []string{"/api/v1/hooks/event-types/", "/api/v1/hooks/event-types"} {
		resp, _ := e.do("GET", p, "", "Authorization", "Token pinned")
		tassert.Equal(t, 200, resp.StatusCode, p)
	}
	resp, body := e.do("GET", "/api/v1/hooks/event-types/", "", "Authorization", "Token other")
	tassert.Equal(t, 401, resp.StatusCode)
	tassert.Contains(t, string(body), `"error_code"`)

	open := newEnv(t, Config{})
	resp, _ = open.do("GET", "/api/v1/hooks/event-types/", "", "Authorization", "Token anything")
	tassert.Equal(t, 200, resp.StatusCode)
	resp, _ = open.do("GET", "/api/v1/hooks/event-types/", "", "Authorization", "Bearer anything")
	tassert.Equal(t, 401, resp.StatusCode)
}

func TestStrictTargets(t *testing.T) {
	tests := []struct {
		target string
		strict bool
		ok     bool
	}{
		{"https://hooks.example.org/x", true, true},
		{"http://hooks.example.org/x", true, false},
		{"https://localhost/x", true, false},
		{"https://127.0.0.1:8443/x", true, false},
		{"https://10.1.2.3/x", true, false},
		{"http://127.0.0.1:9000/x", false, true},
		{"ftp://example.org/x", false, false},
		{"not a url", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			var log strings.Builder
			e := newEnv(t, Config{StrictTargets: tt.strict, Log: &log})
			e.json("POST", "/api/v1/hooks/secrets/", `{"workspace_id": "aaaaaaaaaaaaaaaaaaaaaaaa"}`, 201, nil)
			resp, body := e.do("POST", "/api/v1/hooks/subscriptions/",
				`{"workspace_id": "aaaaaaaaaaaaaaaaaaaaaaaa", "event_type": "study.status.change", "target_url": "`+tt.target+`"}`)
			if tt.ok {
				tassert.Equal(t, 201, resp.StatusCode, "%s", body)
				if !tt.strict && strings.HasPrefix(tt.target, "http:") {
					tassert.Contains(t, log.String(), "logged once")
				}
				return
			}
			tassert.Equal(t, 400, resp.StatusCode, "%s", body)
			var pe prolificError
			require.NoError(t, json.Unmarshal(body, &pe))
			tassert.Contains(t, pe.Error.Detail, "target_url")
		})
	}
}

func TestDisablingOnSimClock(t *testing.T) {
	e := newEnv(t, Config{})
	rcv := testkit.Recording(t, func(int) int { return 500 })
	h := e.subscribe(testWS, prolific.EventSubmissionStatusChange, rcv.URL+"/broken")
	other := e.subscribe("bbbbbbbbbbbbbbbbbbbbbbbb", prolific.EventSubmissionStatusChange, rcv.URL+"/broken")
	ctx := context.Background()

	// One event a day; each retries for up to 48 h. Failing days accrue.
	for day := 0; day < 6; day++ {
		e.trigger(TriggerRequest{EventType: prolific.EventSubmissionStatusChange, WorkspaceID: testWS})
		require.NoError(t, e.sim.AdvanceTo(ctx, simStart.Add(time.Duration(day+1)*24*time.Hour)))
	}
	e.settle()
	notices := e.srv.Journal().Snapshot().Notices()
	var types []string
	for _, n := range notices {
		types = append(types, n.Type)
	}
	tassert.Contains(t, types, "customer_success_notified")
	tassert.Contains(t, types, "auto_disabled")
	var got cliHook
	e.json("GET", "/api/v1/hooks/subscriptions/"+h.ID+"/", "", 200, &got)
	tassert.False(t, got.IsEnabled, "disabled by the policy")
	e.json("GET", "/api/v1/hooks/subscriptions/"+other.ID+"/", "", 200, &got)
	tassert.False(t, got.IsEnabled, "every subscription of the pair, across workspaces")
	for _, n := range notices {
		if n.Type == "auto_disabled" {
			tassert.ElementsMatch(t, []string{h.ID, other.ID}, n.SubscriptionIDs)
		}
	}
	l := e.events(h.ID, "?status=FAILED")
	tassert.Positive(t, l.Meta.Count)

	// Disabled: a trigger skips it. PATCH resumes delivery.
	res := e.trigger(TriggerRequest{EventType: prolific.EventSubmissionStatusChange, WorkspaceID: testWS})
	tassert.Empty(t, res.Deliveries)
	e.json("PATCH", "/api/v1/hooks/subscriptions/"+h.ID+"/", `{"is_enabled": true}`, 200, &got)
	rcv.SetStatus(func(int) int { return 204 })
	res = e.trigger(TriggerRequest{EventType: prolific.EventSubmissionStatusChange, WorkspaceID: testWS})
	require.Len(t, res.Deliveries, 1)
	e.settle()
	l = e.events(h.ID, "?status=SUCCEEDED")
	tassert.Equal(t, 1, l.Meta.Count)
}

func TestCreateShapeResults(t *testing.T) {
	e := newEnv(t, Config{CreateShape: ShapeResults})
	e.json("POST", "/api/v1/hooks/secrets/", `{"workspace_id": "aaaaaaaaaaaaaaaaaaaaaaaa"}`, 201, nil)
	var l cliHookList
	e.json("POST", "/api/v1/hooks/subscriptions/", `{"workspace_id": "aaaaaaaaaaaaaaaaaaaaaaaa", "event_type": "study.status.change", "target_url": "https://x.example/h"}`, 201, &l)
	require.Len(t, l.Results, 1)
	tassert.Nil(t, l.Meta)
	tassert.False(t, l.Results[0].IsEnabled)
}

func TestStudyResource(t *testing.T) {
	e := newEnv(t, Config{})
	resp, _ := e.do("GET", "/api/v1/studies/nope/", "")
	tassert.Equal(t, http.StatusNotFound, resp.StatusCode)
	e.trigger(TriggerRequest{EventType: prolific.EventStudyStatusChange, Status: "PAUSED", ResourceID: "s1"})
	var st StudyView
	e.json("GET", "/api/v1/studies/s1", "", 200, &st)
	tassert.Equal(t, "s1", st.ID)
	tassert.Equal(t, "PAUSED", st.Status)
	e.trigger(TriggerRequest{EventType: prolific.EventStudyStatusChange, Status: "COMPLETED", ResourceID: "s1"})
	e.json("GET", "/api/v1/studies/s1/", "", 200, &st)
	tassert.Equal(t, "COMPLETED", st.Status)
}
