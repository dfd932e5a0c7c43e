package mockserver_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/clock"
	"github.com/hookdrill/hookdrill/mockserver"
	"github.com/hookdrill/hookdrill/platform/prolific"
	prolificmock "github.com/hookdrill/hookdrill/platform/prolific/mock"
)

// copyV1 copies the version-1 fixtures (testdata/v1, written by the
// previous release) into a new directory and returns the state path.
func copyV1(t *testing.T, withLog bool) string {
	t.Helper()
	dir := t.TempDir()
	files := []string{"state.json"}
	if withLog {
		files = append(files, "state.json.wal")
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join("testdata", "v1", "v1-"+f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), b, 0o600))
	}
	return filepath.Join(dir, "state.json")
}

func v1Config(path string) Config {
	return Config{StatePath: path, Seed: 7, Clock: clock.NewSim(time.Date(2026, 1, 3, 9, 0, 0, 0, time.UTC)),
		DisablePolicy: prolific.DisablePolicy{NoticeDay: 1, DisableDay: 2}}
}

// dumpV1 is what the previous release's fixture generator recorded
// (testdata/v1/genv1_test.go.txt), through today's public API.
func dumpV1(t *testing.T, s *Server, ids map[string]string) map[string]any {
	t.Helper()
	exp := map[string]any{}
	for _, ws := range []string{ids["ws1"], ids["ws2"]} {
		exp["secrets/"+ws] = s.Secrets(ws)
		subs, n := s.Subscriptions(ws, false, 0, 0)
		exp["subscriptions/"+ws] = map[string]any{"subs": subs, "n": n}
	}
	for _, id := range []string{ids["sub_ok"], ids["sub_bad"], ids["sub_new"], ids["sub_flaky"]} {
		sub, err := s.Subscription(id)
		require.NoError(t, err)
		exp["subscription/"+id] = sub
		evs, n, err := s.Events(id, EventFilter{})
		require.NoError(t, err)
		exp["events/"+id] = map[string]any{"events": evs, "n": n}
	}
	_, err := s.Subscription(ids["sub_gone"])
	require.Error(t, err, "the subscription deleted in the log stays deleted")
	w, err := s.Webhook(ids["hook"])
	require.NoError(t, err)
	exp["webhook"] = w
	evs, n, err := s.Events(ids["hook"], EventFilter{})
	require.NoError(t, err)
	exp["events/"+ids["hook"]] = map[string]any{"events": evs, "n": n}
	for _, id := range []string{"sub-1", "sub-2"} {
		v, err := s.Submission(id)
		require.NoError(t, err)
		exp["submission/"+id] = v
	}
	v, err := s.Study("study-1")
	require.NoError(t, err)
	exp["study"] = v
	list, n, err := s.StudySubmissions(prolificmock.SubmissionsQuery{StudyID: "study-1"})
	require.NoError(t, err)
	exp["study_submissions"] = map[string]any{"list": list, "n": n}
	counts, err := s.SubmissionCounts("study-1")
	require.NoError(t, err)
	exp["submission_counts"] = counts
	for _, id := range []string{"resp-1", "resp-2"} {
		r, err := s.ScreenerResponse("proj-1", id)
		require.NoError(t, err)
		exp["screener_response/"+id] = r
	}
	p, err := s.Project("proj-1")
	require.NoError(t, err)
	exp["project"] = p
	exp["ids"] = ids
	return exp
}

func readExpectedV1(t *testing.T) (map[string]json.RawMessage, map[string]string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "v1", "v1-expected.json"))
	require.NoError(t, err)
	var exp map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(b, &exp))
	var ids map[string]string
	require.NoError(t, json.Unmarshal(exp["ids"], &ids))
	return exp, ids
}

// requireSameAsV1 checks every piece of state against what the previous
// release answered on the same files.
func requireSameAsV1(t *testing.T, s *Server, what string) {
	t.Helper()
	exp, ids := readExpectedV1(t)
	got := dumpV1(t, s, ids)
	for k, v := range got {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		tassert.JSONEq(t, string(exp[k]), string(b), "%s: %s", what, k)
	}
	for k := range exp {
		if k != "next" && k != "internal" {
			tassert.Contains(t, got, k, "%s: %s checked", what, k)
		}
	}
}

// TestMigrateV1: a server started on the previous release's state file and
// log (a crash copy) comes up with the same secrets, subscriptions and
// their confirmation, health (the disabled subscription stays disabled),
// webhook, team ids, event logs, resources and id sequence; it rewrites
// the state as version 2 and reads that back after a restart.
func TestMigrateV1(t *testing.T) {
	path := copyV1(t, true)
	oldSnap, err := os.ReadFile(path)
	require.NoError(t, err)
	s, err := newServer(v1Config(path))
	require.NoError(t, err)
	requireSameAsV1(t, s, "migrated")

	exp, ids := readExpectedV1(t)
	var wantTeam struct {
		TeamID string `json:"teamId"`
		OrgID  string `json:"organizationId"`
	}
	require.NoError(t, json.Unmarshal(exp["webhook"], &wantTeam))
	hook, err := s.ActiveWebhook()
	require.NoError(t, err)
	tassert.Equal(t, ids["hook"], hook.ID)
	tassert.Equal(t, wantTeam.TeamID, hook.TeamID)
	tassert.Equal(t, wantTeam.OrgID, hook.OrganizationID)
	bad, err := s.Subscription(ids["sub_bad"])
	require.NoError(t, err)
	tassert.False(t, bad.IsEnabled, "auto-disabled by the health policy")
	newSub, err := s.Subscription(ids["sub_new"])
	require.NoError(t, err)
	tassert.False(t, newSub.IsEnabled, "never confirmed")

	// The state file is version 2 now; the v1 log is folded in.
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var head struct {
		Version    int                        `json:"version"`
		Generation uint64                     `json:"generation"`
		Seq        int64                      `json:"seq"`
		Platforms  map[string]json.RawMessage `json:"platforms"`
	}
	require.NoError(t, json.Unmarshal(b, &head))
	tassert.Equal(t, 2, head.Version)
	var old struct {
		Generation uint64 `json:"generation"`
	}
	require.NoError(t, json.Unmarshal(oldSnap, &old))
	tassert.Equal(t, old.Generation+1, head.Generation, "a load counts as one generation, as before")
	tassert.Contains(t, head.Platforms, "prolific")
	tassert.Contains(t, head.Platforms, "respondent")
	// What the API does not show, against what the previous release
	// held after loading the same files: the disabling policy's counters
	// (notices and auto-disables from the log included), the resource
	// sequence, the load and creation counters.
	var internal struct {
		Health     json.RawMessage `json:"health"`
		ResSeq     int64           `json:"resource_seq"`
		Generation uint64          `json:"generation"`
		Seq        int64           `json:"seq"`
	}
	require.NoError(t, json.Unmarshal(exp["internal"], &internal))
	tassert.Equal(t, internal.Generation, head.Generation)
	tassert.Equal(t, internal.Seq, head.Seq)
	var pro struct {
		Health json.RawMessage `json:"health"`
		ResSeq int64           `json:"resource_seq"`
	}
	require.NoError(t, json.Unmarshal(head.Platforms["prolific"], &pro))
	tassert.JSONEq(t, string(internal.Health), string(pro.Health), "health counters")
	tassert.Equal(t, internal.ResSeq, pro.ResSeq)
	var res struct {
		TeamID string `json:"team_id"`
		ResSeq int64  `json:"resource_seq"`
	}
	require.NoError(t, json.Unmarshal(head.Platforms["respondent"], &res))
	tassert.Equal(t, internal.ResSeq, res.ResSeq)
	tassert.Equal(t, wantTeam.TeamID, res.TeamID)
	flaky, err := s.Subscription(ids["sub_flaky"])
	require.NoError(t, err)
	tassert.False(t, flaky.IsEnabled, "auto-disabled by a record in the log")
	wal, err := os.ReadFile(path + ".wal")
	require.NoError(t, err)
	tassert.Empty(t, wal, "the version-1 log is emptied once the version-2 snapshot is written")

	// Ids made next are those the previous release made next.
	var next map[string]string
	require.NoError(t, json.Unmarshal(exp["next"], &next))
	sec, err := s.CreateSecret("63722982f9cc073ecc730f6d", "")
	require.NoError(t, err)
	tassert.Equal(t, next["secret_id"], sec.ID)
	tassert.Equal(t, next["secret_value"], sec.Value)
	sub, _, err := s.CreateSubscription("63722982f9cc073ecc730f6d", prolific.EventStudyStatusChange, "http://127.0.0.1:38517/ok/next")
	require.NoError(t, err)
	tassert.Equal(t, next["subscription_id"], sub.ID)
	require.NoError(t, s.Close())

	// A restart reads the version-2 file: the same state, plus the new
	// secret and subscription.
	s2, err := newServer(v1Config(path))
	require.NoError(t, err)
	requireSameAsV1(t, s2, "after a restart")
	_, err = s2.Subscription(sub.ID)
	tassert.NoError(t, err)
	require.NoError(t, s2.Close())
}

// TestMigrateV1Interrupted: a migration that stopped after writing the
// version-2 snapshot and before emptying the version-1 log (a crash)
// leaves a version-2 snapshot next to a version-1 log; that loads, and
// so does a version-1 snapshot without a log.
func TestMigrateV1Interrupted(t *testing.T) {
	path := copyV1(t, true)
	v1log, err := os.ReadFile(path + ".wal")
	require.NoError(t, err)
	s, err := newServer(v1Config(path))
	require.NoError(t, err)
	require.NoError(t, s.Close())
	require.NoError(t, os.WriteFile(path+".wal", v1log, 0o600))
	s2, err := newServer(v1Config(path))
	require.NoError(t, err)
	requireSameAsV1(t, s2, "v2 snapshot + v1 log")
	require.NoError(t, s2.Close())

	only := copyV1(t, false)
	s3, err := newServer(v1Config(only))
	require.NoError(t, err)
	_, ids := readExpectedV1(t)
	_, err = s3.Subscription(ids["sub_gone"])
	tassert.NoError(t, err, "without its log, the snapshot's subscriptions are all there")
	_, err = s3.Webhook(ids["hook"])
	tassert.NoError(t, err)
	evs, n, err := s3.Events(ids["sub_ok"], EventFilter{})
	require.NoError(t, err)
	tassert.NotZero(t, n)
	tassert.Len(t, evs, n)
	require.NoError(t, s3.Close())
}

// TestMigrateV1Refused: a corrupt or unknown version-1 file is still
// ErrCorruptState, and the file is left as it was.
func TestMigrateV1Refused(t *testing.T) {
	snap, err := os.ReadFile(filepath.Join("testdata", "v1", "v1-state.json"))
	require.NoError(t, err)
	for name, tc := range map[string]struct {
		snap, wal, want string
	}{
		"truncated snapshot":    {string(snap[:len(snap)/2]), "", "unexpected EOF"},
		"unknown field":         {`{"version":1,"generation":1,"bogus":{"a":1}}`, "", `"bogus"`},
		"unknown resource kind": {`{"version":1,"resources":{"galaxy":{"g":{"id":"g"}}}}`, "", "galaxy"},
		"bad subscription":      {`{"version":1,"subscriptions":{"a":{"id":"b"}}}`, "", "does not match its key"},
		"bad event":             {`{"version":1,"events":{"a":[{"id":"e","owner":"a","extra":1}]}}`, "", "extra"},
		"bad log line":          {`{"version":1}`, "{\"seq\":1,\"secrets\":[{\"id\":\"x\",\"value\":\"\",\"workspace_id\":\"w\"}]}\n", "secret of workspace"},
		"unknown log field":     {`{"version":1}`, "{\"seq\":1,\"mystery\":[1]}\n", "mystery"},
		"log item kind":         {`{"version":1}`, "{\"seq\":1,\"resources\":[{\"kind\":\"galaxy\",\"key\":\"g\",\"resource\":{\"id\":\"g\"}}]}\n", "galaxy"},
		"version 3":             {`{"version":3}`, "", "version 3"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "state.json")
			require.NoError(t, os.WriteFile(path, []byte(tc.snap), 0o600))
			if tc.wal != "" {
				require.NoError(t, os.WriteFile(path+".wal", []byte(tc.wal), 0o600))
			}
			_, err := newServer(v1Config(path))
			require.Error(t, err)
			tassert.True(t, errors.Is(err, mockserver.ErrCorruptState), "%v", err)
			tassert.Contains(t, err.Error(), tc.want)
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			tassert.Equal(t, tc.snap, string(b), "left untouched")
			if tc.wal != "" {
				b, err := os.ReadFile(path + ".wal")
				require.NoError(t, err)
				tassert.True(t, strings.HasPrefix(string(b), tc.wal))
			}
		})
	}
}

// TestMigrateV1Reset: a reset in a version-1 log forgets every platform's
// state and the event logs, but the Respondent team keeps its ids (as
// version 1 did), and what follows the reset is kept.
func TestMigrateV1Reset(t *testing.T) {
	path := copyV1(t, false)
	const ws3 = "63722982f9cc073ecc730f6e"
	require.NoError(t, os.WriteFile(path+".wal", []byte(`{"seq":5,"reset":true}`+"\n"+
		`{"seq":6,"secrets":[{"id":"5c45e5ad5f2cc7d92b0b6fec","value":"after-the-reset","workspace_id":"`+ws3+`"}]}`+"\n"), 0o600))
	s, err := newServer(v1Config(path))
	require.NoError(t, err)
	defer s.Close()
	exp, ids := readExpectedV1(t)
	_, err = s.Subscription(ids["sub_ok"])
	tassert.Error(t, err, "reset")
	_, err = s.Webhook(ids["hook"])
	tassert.Error(t, err, "reset")
	_, err = s.Study("study-1")
	tassert.Error(t, err, "reset")
	tassert.Empty(t, s.Secrets(ids["ws1"]))
	secs := s.Secrets(ws3)
	require.Len(t, secs, 1)
	tassert.Equal(t, "after-the-reset", secs[0].Value)
	var team struct {
		TeamID string `json:"teamId"`
	}
	require.NoError(t, json.Unmarshal(exp["webhook"], &team))
	w, err := s.CreateWebhook("http://127.0.0.1:38517/ok/again", "")
	require.NoError(t, err)
	tassert.Equal(t, team.TeamID, w.TeamID, "the team keeps its ids across a reset")
}
