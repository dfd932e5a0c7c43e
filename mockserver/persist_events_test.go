package mockserver_test

import (
	"context"
	"github.com/hookdrill/hookdrill/internal/testkit"
	"os"
	"path/filepath"
	"testing"
	"time"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/clock"
	"github.com/hookdrill/hookdrill/platform/prolific"
	"github.com/hookdrill/hookdrill/platform/respondent"
)

// persistWorld fills a server with failed deliveries, a submission and a
// screener response, and returns the subscription and webhook ids.
func persistWorld(t *testing.T, srv *Server, sim *clock.Sim, target string) (string, string) {
	t.Helper()
	_, err := srv.CreateSecret(testWS, "")
	require.NoError(t, err)
	sub, tok, err := srv.CreateSubscription(testWS, prolific.EventSubmissionStatusChange, target)
	require.NoError(t, err)
	_, err = srv.ConfirmSubscription(sub.ID, tok)
	require.NoError(t, err)
	hook, err := srv.CreateWebhook(target, "")
	require.NoError(t, err)
	ctx := context.Background()
	for _, st := range []string{prolific.StatusActive, prolific.StatusAwaitingReview, prolific.StatusApproved} {
		_, err := srv.Trigger(ctx, TriggerRequest{EventType: prolific.EventSubmissionStatusChange, ResourceID: "sub-1",
			Status: st, StudyID: "study-1"})
		require.NoError(t, err)
		require.NoError(t, sim.Advance(ctx, time.Minute))
	}
	_, err = srv.Trigger(ctx, TriggerRequest{Platform: respondent.Name, EventType: respondent.EventScreenerResponsesCreated,
		ResourceID: "resp-1", Extra: map[string]string{"projectId": "proj-1"}})
	require.NoError(t, err)
	ctx2, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	require.NoError(t, sim.RunUntilIdle(ctx2))
	require.NoError(t, srv.Wait(ctx2))
	return sub.ID, hook.ID
}

// TestEventLogAndResourcesSurviveRestart: with StatePath, yesterday's
// failed deliveries and the read-only resources are still there after a
// restart, whether the server was closed or crashed (state log replay).
func TestEventLogAndResourcesSurviveRestart(t *testing.T) {
	for _, crash := range []bool{false, true} {
		dir := t.TempDir()
		path := filepath.Join(dir, "state.json")
		sim := clock.NewSim(simStart)
		rcv := testkit.Recording(t, func(int) int { return 500 })
		s1, err := newServer(Config{StatePath: path, Seed: 9, Clock: sim})
		require.NoError(t, err)
		subID, hookID := persistWorld(t, s1, sim, rcv.URL+"/broken")
		before, n, err := s1.Events(subID, EventFilter{})
		require.NoError(t, err)
		require.Equal(t, 3, n)
		for _, r := range before {
			require.Equal(t, string(hookdrill.StatusFailed), r.Status, "every delivery failed")
		}
		hookBefore, _, err := s1.Events(hookID, EventFilter{})
		require.NoError(t, err)
		subBefore, err := s1.Submission("sub-1")
		require.NoError(t, err)
		studyBefore, err := s1.Study("study-1")
		require.NoError(t, err)

		if crash {
			// Copy what is on disk while the server runs: the snapshot
			// from startup and the log since, as a crash leaves them.
			s1.Flush()
			crashDir := t.TempDir()
			for _, f := range []string{path, walPath(path)} {
				b, err := os.ReadFile(f)
				require.NoError(t, err)
				require.NoError(t, os.WriteFile(filepath.Join(crashDir, filepath.Base(f)), b, 0o600))
			}
			path = filepath.Join(crashDir, "state.json")
		}
		require.NoError(t, s1.Close())

		s2, err := newServer(Config{StatePath: path, Seed: 9, Clock: clock.NewSim(simStart.Add(24 * time.Hour))})
		require.NoError(t, err)
		after, n, err := s2.Events(subID, EventFilter{})
		require.NoError(t, err)
		tassert.Equal(t, 3, n, "crash=%v", crash)
		tassert.Equal(t, before, after, "crash=%v: the event log, newest first, as it was", crash)
		failed, n, err := s2.Events(subID, EventFilter{Statuses: []string{"FAILED"}, ResourceID: "sub-1"})
		require.NoError(t, err)
		tassert.Equal(t, 3, n)
		tassert.Len(t, failed, 3)
		hookAfter, _, err := s2.Events(hookID, EventFilter{})
		require.NoError(t, err)
		tassert.Equal(t, hookBefore, hookAfter)
		subAfter, err := s2.Submission("sub-1")
		require.NoError(t, err)
		tassert.Equal(t, subBefore, subAfter, "crash=%v", crash)
		studyAfter, err := s2.Study("study-1")
		require.NoError(t, err)
		tassert.Equal(t, studyBefore, studyAfter)
		_, err = s2.ScreenerResponse("proj-1", "resp-1")
		tassert.NoError(t, err)
		_, err = s2.Project("proj-1")
		tassert.NoError(t, err)
		require.NoError(t, s2.Close())
	}
}

// TestEventLogLimit: each log keeps its newest EventLogLimit records, in
// memory and across a restart, also under a smaller limit then.
func TestEventLogLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	sim := clock.NewSim(simStart)
	rcv := testkit.Recording(t, nil)
	s1, err := newServer(Config{StatePath: path, Seed: 3, Clock: sim, EventLogLimit: 2})
	require.NoError(t, err)
	subID, _ := persistWorld(t, s1, sim, rcv.URL+"/ok")
	recs, n, err := s1.Events(subID, EventFilter{})
	require.NoError(t, err)
	require.Equal(t, 2, n)
	tassert.Contains(t, recs[0].Payload.GetString("status"), prolific.StatusApproved, "newest first")
	tassert.Equal(t, prolific.StatusAwaitingReview, recs[1].Payload.GetString("status"))
	require.NoError(t, s1.Close())

	s2, err := newServer(Config{StatePath: path, Seed: 3, Clock: sim, EventLogLimit: 2})
	require.NoError(t, err)
	again, _, err := s2.Events(subID, EventFilter{})
	require.NoError(t, err)
	tassert.Equal(t, recs, again)
	require.NoError(t, s2.Close())

	s3, err := newServer(Config{StatePath: path, Seed: 3, Clock: sim, EventLogLimit: 1})
	require.NoError(t, err)
	defer s3.Close()
	one, _, err := s3.Events(subID, EventFilter{})
	require.NoError(t, err)
	tassert.Equal(t, recs[:1], one)

	_, err = newServer(Config{EventLogLimit: -1})
	tassert.Error(t, err)
}

// TestStoredEventsValidated: a state file whose event records or resources
// the API could not have produced is refused, and left as it was; a raw
// payload's unknown status never reaches a resource.
func TestStoredEventsValidated(t *testing.T) {
	hook := `"respondent":{"webhooks":{"h":{"id":"h","url":"https://x/","privateKey":"k","active":true,"seq":1,"created":"2026-01-01T00:00:00Z"}}}`
	res := func(kind, key, body string) string {
		return `{"version":2,"platforms":{` + hook + `,"prolific":{"resources":{"` + kind + `":{"` + key + `":` + body + `}}}}}`
	}
	tests := map[string]struct{ content, want string }{
		"event status": {`{"version":2,"platforms":{` + hook + `},"events":{"respondent/h":[{"owner":"h","id":"e","event_type":"T","target_url":"u","created":"2026-01-01T00:00:00Z","updated":"2026-01-01T00:00:00Z","status":"EXPLODED"}]}}`, "EXPLODED"},
		"study status": {res("study", "s", `{"id":"s","status":"DONE","created":"2026-01-01T00:00:00Z","updated":"2026-01-01T00:00:00Z"}`), "DONE"},
		"key mismatch": {res("submission", "a", `{"id":"b","status":"ACTIVE","created":"2026-01-01T00:00:00Z","updated":"2026-01-01T00:00:00Z"}`), "does not match its key"},
		"unknown kind": {res("survey", "a", `{"id":"a","status":"ACTIVE","created":"2026-01-01T00:00:00Z","updated":"2026-01-01T00:00:00Z"}`), "unknown kind"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			require.NoError(t, os.WriteFile(path, []byte(tc.content), 0o600))
			_, err := newServer(Config{StatePath: path})
			require.ErrorIs(t, err, ErrCorruptState)
			tassert.Contains(t, err.Error(), tc.want)
			b, _ := os.ReadFile(path)
			tassert.Equal(t, tc.content, string(b))
		})
	}

	e := newEnv(t, Config{})
	e.submissionEvent("s1", prolific.StatusActive, "st")
	e.trigger(TriggerRequest{Payload: hookdrill.Object{{Key: "event_type", Value: prolific.EventSubmissionStatusChange},
		{Key: "resource_id", Value: "s1"}, {Key: "status", Value: "WEIRD"}}})
	v, err := e.srv.Submission("s1")
	require.NoError(t, err)
	tassert.Equal(t, prolific.StatusActive, v.Status)
}
