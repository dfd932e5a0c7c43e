package mockserver_test

import (
	"os"
	"path/filepath"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/platform/prolific"
)

func TestStateRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	s1, err := newServer(Config{StatePath: path, Seed: 5})
	require.NoError(t, err)
	sec, err := s1.CreateSecret("aaaaaaaaaaaaaaaaaaaaaaaa", "")
	require.NoError(t, err)
	sub, tok, err := s1.CreateSubscription("aaaaaaaaaaaaaaaaaaaaaaaa", prolific.EventStudyStatusChange, "https://x.example/h")
	require.NoError(t, err)
	_, err = s1.ConfirmSubscription(sub.ID, tok)
	require.NoError(t, err)
	pending, pendingTok, err := s1.CreateSubscription("aaaaaaaaaaaaaaaaaaaaaaaa", prolific.EventStudyProgressChange, "https://x.example/h")
	require.NoError(t, err)
	hook, err := s1.CreateWebhook("https://x.example/r", "")
	require.NoError(t, err)
	require.NoError(t, s1.Close())

	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	tassert.Len(t, entries, 1, "no temp files left behind")
	fi, err := os.Stat(path)
	require.NoError(t, err)
	tassert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "secrets inside")

	s2, err := newServer(Config{StatePath: path, Seed: 5})
	require.NoError(t, err)
	defer s2.Close()
	tassert.Equal(t, []SecretDetail{sec}, s2.Secrets("aaaaaaaaaaaaaaaaaaaaaaaa"))
	got, err := s2.Subscription(sub.ID)
	require.NoError(t, err)
	tassert.True(t, got.IsEnabled)
	_, err = s2.ConfirmSubscription(pending.ID, pendingTok)
	require.NoError(t, err, "a pending confirmation survives the restart")
	h2, err := s2.ActiveWebhook()
	require.NoError(t, err)
	tassert.Equal(t, hook, h2)
	sec2, err := s2.CreateSecret("bbbbbbbbbbbbbbbbbbbbbbbb", "")
	require.NoError(t, err)
	tassert.NotEqual(t, sec.ID, sec2.ID, "ids after a restart do not repeat earlier ones")
}

func TestCorruptStateFile(t *testing.T) {
	tests := map[string]string{
		"not json":      "{oops",
		"empty":         "",
		"wrong version": `{"version": 99}`,
		"unknown field": `{"version": 2, "surprise": true}`,
		"trailing data": `{"version": 2} {}`,
		"bad key":       `{"version": 2, "platforms": {"prolific": {"subscriptions": {"a": {"id": "b"}}}}}`,
	}
	for name, content := range tests {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
			_, err := newServer(Config{StatePath: path})
			require.ErrorIs(t, err, ErrCorruptState)
			tassert.Contains(t, err.Error(), path)
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			tassert.Equal(t, content, string(b), "never replaced")
		})
	}
}

func TestStateFileUnwritable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing-dir", "state.json")
	_, err := newServer(Config{StatePath: path})
	require.Error(t, err)
	tassert.Contains(t, err.Error(), "save state")
}
