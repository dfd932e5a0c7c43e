package mockserver_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/platform/prolific"
)

// fullFS is the OS file system that, while full is set, fails every write
// the log holds no half-written record.
func TestFailedSaveIs503(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	fsys := &fullFS{}
	e := newEnv(t, Config{StatePath: path, StateFS: fsys})
	e.json("POST", "/api/v1/hooks/secrets/", `{"workspace_id":"`+testWS+`"}`, 201, nil)
	var sub cliHook
	resp, _ := e.do("POST", "/api/v1/hooks/subscriptions/",
		`{"workspace_id":"`+testWS+`","event_type":"study.status.change","target_url":"https://x.example/a"}`)
	require.Equal(t, 201, resp.StatusCode)
	tok := resp.Header.Get("X-Hook-Secret")
	var list cliHookList
	e.json("GET", "/api/v1/hooks/subscriptions/?is_enabled=false", "", 200, &list)
	require.Len(t, list.Results, 1)
	sub = list.Results[0]
	var hook Webhook
	e.json("POST", "/v1/webhooks", `{"url":"https://x.example/r0"}`, 201, &hook)
	walBefore, err := os.ReadFile(walPath(path))
	require.NoError(t, err)

	fsys.full.Store(true)
	calls := []struct{ method, path, body string }{
		{"POST", "/api/v1/hooks/secrets/", `{"workspace_id": "bbbbbbbbbbbbbbbbbbbbbbbb"}`},
		{"POST", "/api/v1/hooks/subscriptions/", `{"workspace_id":"` + testWS + `","event_type":"study.status.change","target_url":"https://x.example/b"}`},
		{"POST", "/api/v1/hooks/subscriptions/" + sub.ID + "/", `{"secret":"` + tok + `"}`},
		{"PATCH", "/api/v1/hooks/subscriptions/" + sub.ID + "/", `{"target_url":"https://x.example/c"}`},
		{"DELETE", "/api/v1/hooks/subscriptions/" + sub.ID + "/", ""},
	}
	for _, c := range calls {
		resp, body := e.do(c.method, c.path, c.body)
		require.Equal(t, 503, resp.StatusCode, "%s %s: %s", c.method, c.path, body)
		var pe prolificError
		require.NoError(t, json.Unmarshal(body, &pe), string(body))
		tassert.Equal(t, 503, pe.Error.Status)
		tassert.Equal(t, CodeUnavailable, pe.Error.ErrorCode)
	}
	for _, c := range [][2]string{{"POST", "/v1/webhooks"}, {"DELETE", "/v1/webhooks/" + hook.ID}} {
		resp, body := e.do(c[0], c[1], `{"url":"https://x.example/r"}`)
		require.Equal(t, 503, resp.StatusCode, "%s %s: %s", c[0], c[1], body)
		var ne nestError
		require.NoError(t, json.Unmarshal(body, &ne), string(body))
		tassert.Equal(t, 503, ne.StatusCode)
	}
	resp, _ = e.do("POST", "/_hookdrill/reset", "{}")
	require.Equal(t, 503, resp.StatusCode)

	walAfter, err := os.ReadFile(walPath(path))
	require.NoError(t, err)
	tassert.Equal(t, string(walBefore), string(walAfter), "nothing half-written")
	// Nothing of it happened in memory either.
	tassert.Empty(t, e.srv.Secrets("bbbbbbbbbbbbbbbbbbbbbbbb"))
	got, err := e.srv.Subscription(sub.ID)
	require.NoError(t, err)
	tassert.Equal(t, sub.TargetURL, got.TargetURL)
	tassert.False(t, got.IsEnabled)
	subs, _ := e.srv.Subscriptions("", false, 0, 0)
	tassert.Len(t, subs, 1)
	active, err := e.srv.ActiveWebhook()
	require.NoError(t, err)
	tassert.Equal(t, hook.ID, active.ID, "the old webhook is still the active one")

	// The disk has room again: the next change works, and a restart
	// (without Close: a crash) has exactly what was acknowledged.
	fsys.full.Store(false)
	_, err = e.srv.ConfirmSubscription(sub.ID, tok)
	require.NoError(t, err)
	s2, err := newServer(Config{StatePath: path, Seed: 1})
	require.NoError(t, err)
	defer s2.Close()
	subs, _ = s2.Subscriptions("", true, 0, 0)
	require.Len(t, subs, 1)
	tassert.Equal(t, "https://x.example/a", subs[0].TargetURL)
	tassert.Empty(t, s2.Secrets("bbbbbbbbbbbbbbbbbbbbbbbb"))
}

// TestCrashLosesNothingAcknowledged restarts from the files of a server
// that was never closed (kill -9), with a torn last log line.
func TestCrashLosesNothingAcknowledged(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	s1, err := newServer(Config{StatePath: path, Seed: 3})
	require.NoError(t, err)
	_, err = s1.CreateSecret("aaaaaaaaaaaaaaaaaaaaaaaa", "")
	require.NoError(t, err)
	var ids []string
	for i := range 20 {
		sub, tok, err := s1.CreateSubscription("aaaaaaaaaaaaaaaaaaaaaaaa", prolific.EventStudyStatusChange, fmt.Sprintf("https://x.example/%d", i))
		require.NoError(t, err)
		_, err = s1.ConfirmSubscription(sub.ID, tok)
		require.NoError(t, err)
		ids = append(ids, sub.ID)
	}
	require.NoError(t, s1.DeleteSubscription(ids[0]))
	// A record the crash cut short, and a temp file holding a secret.
	f, err := os.OpenFile(walPath(path), os.O_WRONLY|os.O_APPEND, 0)
	require.NoError(t, err)
	_, err = f.WriteString(`{"seq":99,"secrets":[{"id":"x","value":"SECRETVALUE","workspa`)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	tmp := filepath.Join(dir, tempPrefix(path)+"12345")
	require.NoError(t, os.WriteFile(tmp, []byte(`{"secrets":"SECRETVALUE"}`), 0o600))

	s2, err := newServer(Config{StatePath: path, Seed: 3})
	require.NoError(t, err)
	defer s2.Close()
	subs, _ := s2.Subscriptions("aaaaaaaaaaaaaaaaaaaaaaaa", true, 0, 0)
	tassert.Len(t, subs, 19)
	_, err = s2.Subscription(ids[0])
	tassert.ErrorIs(t, err, ErrNotFound)
	_, err = os.Stat(tmp)
	tassert.True(t, errors.Is(err, os.ErrNotExist), "stray temp file removed at start")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, en := range entries {
		b, err := os.ReadFile(filepath.Join(dir, en.Name()))
		require.NoError(t, err)
		tassert.NotContains(t, string(b), "SECRETVALUE", en.Name())
	}
}

func TestStateFileRefused(t *testing.T) {
	valid := func(t *testing.T) string {
		path := filepath.Join(t.TempDir(), "state.json")
		s, err := newServer(Config{StatePath: path, Seed: 1})
		require.NoError(t, err)
		_, err = s.CreateSecret("aaaaaaaaaaaaaaaaaaaaaaaa", "")
		require.NoError(t, err)
		require.NoError(t, s.Close())
		return path
	}
	t.Run("read-only", func(t *testing.T) {
		path := valid(t)
		require.NoError(t, os.Chmod(path, 0o400))
		before, _ := os.ReadFile(path)
		_, err := newServer(Config{StatePath: path})
		require.Error(t, err)
		tassert.Contains(t, err.Error(), "read-only")
		after, _ := os.ReadFile(path)
		tassert.Equal(t, before, after)
	})
	t.Run("symlink", func(t *testing.T) {
		path := valid(t)
		link := filepath.Join(filepath.Dir(path), "link.json")
		require.NoError(t, os.Symlink(path, link))
		_, err := newServer(Config{StatePath: link})
		require.Error(t, err)
		tassert.Contains(t, err.Error(), "symbolic link")
		fi, err := os.Lstat(link)
		require.NoError(t, err)
		tassert.NotZero(t, fi.Mode()&os.ModeSymlink, "still a link")
	})
}

// TestStateFileValidated: a state file holding what the API would refuse
// is refused at load, naming what is wrong.
func TestStateFileValidated(t *testing.T) {
	sub := func(eventType, target string) string {
		return `{"version":2,"platforms":{"prolific":{"secrets":{"aaaaaaaaaaaaaaaaaaaaaaaa":{"id":"s","value":"v","workspace_id": "aaaaaaaaaaaaaaaaaaaaaaaa"}},"subscriptions":{"a":{"id":"a","event_type":"` +
			eventType + `","target_url":"` + target + `","workspace_id": "aaaaaaaaaaaaaaaaaaaaaaaa","is_enabled":true,"confirmed":true,"confirm_token":"t","seq":1,"created":"2026-01-01T00:00:00Z"}}}}}`
	}
	tests := map[string]struct{ content, want string }{
		"unknown event type": {sub("study.exploded", "https://x.example/h"), "study.exploded"},
		"ftp target":         {sub("study.status.change", "ftp://x.example/h"), "target_url"},
		"control target":     {sub("study.status.change", "http://127.0.0.1:8787//_hookdrill/reset"), "control API"},
		"empty secret":       {`{"version":2,"platforms":{"prolific":{"secrets":{"aaaaaaaaaaaaaaaaaaaaaaaa":{"id":"s","value":"","workspace_id": "aaaaaaaaaaaaaaaaaaaaaaaa"}}}}}`, "secret of workspace"},
		"webhook ftp":        {`{"version":2,"platforms":{"respondent":{"webhooks":{"a":{"id":"a","url":"ftp://x/","privateKey":"k","active":true,"seq":1,"created":"2026-01-01T00:00:00Z"}}}}}`, "webhook"},
		"webhook empty key":  {`{"version":2,"platforms":{"respondent":{"webhooks":{"a":{"id":"a","url":"https://x/","privateKey":"","active":true,"seq":1,"created":"2026-01-01T00:00:00Z"}}}}}`, "privateKey"},
		"bad log line":       {"", "line 1"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			if tc.content != "" {
				require.NoError(t, os.WriteFile(path, []byte(tc.content), 0o600))
			} else {
				require.NoError(t, os.WriteFile(walPath(path), []byte("{nope\n"), 0o600))
			}
			_, err := newServer(Config{StatePath: path})
			require.ErrorIs(t, err, ErrCorruptState)
			tassert.Contains(t, err.Error(), tc.want)
			if tc.content != "" {
				b, _ := os.ReadFile(path)
				tassert.Equal(t, tc.content, string(b), "left untouched")
			}
			tassert.False(t, strings.Contains(err.Error(), `"v"`))
		})
	}
}

// TestLogCompaction: a log that outgrows its threshold and the snapshot is
// folded into a new snapshot, and nothing is lost.
func TestLogCompaction(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s, err := newServer(Config{StatePath: path, Seed: 2, CompactAt: 2048})
	require.NoError(t, err)
	_, err = s.CreateSecret("aaaaaaaaaaaaaaaaaaaaaaaa", "")
	require.NoError(t, err)
	maxLog := int64(0)
	for i := range 40 {
		_, _, err := s.CreateSubscription("aaaaaaaaaaaaaaaaaaaaaaaa", prolific.EventStudyStatusChange, fmt.Sprintf("https://x.example/%d", i))
		require.NoError(t, err)
		fi, err := os.Stat(walPath(path))
		require.NoError(t, err)
		maxLog = max(maxLog, fi.Size())
	}
	snap, err := os.Stat(path)
	require.NoError(t, err)
	tassert.Less(t, maxLog, snap.Size()+4096, "the log was folded in, not left to grow")
	// A crash now: the snapshot and what is left of the log hold all 40.
	s2, err := newServer(Config{StatePath: path, Seed: 2})
	require.NoError(t, err)
	defer s2.Close()
	subs, _ := s2.Subscriptions("aaaaaaaaaaaaaaaaaaaaaaaa", false, 0, 0)
	tassert.Len(t, subs, 40)
	_ = s.Close()
}
