package mockserver

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzRedactBody: whatever the body, redaction never panics and a known
// secret planted in it never survives.
func FuzzRedactBody(f *testing.F) {
	for _, s := range bodySeeds {
		f.Add([]byte(s))
	}
	f.Add([]byte(`{"secret":"KNOWNTOKEN0123456789"`))
	f.Add([]byte(`{"a":{"SeCrEt":["KNOWNTOKEN0123456789"]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		const known = "KNOWNTOKEN0123456789"
		out := redactBody(b, []string{known})
		if strings.Contains(out, known) {
			t.Fatalf("known secret kept: %q -> %q", b, out)
		}
		body := append(append([]byte(`{"x":`), b...), []byte(`,"secret":"`+known+`"}`)...)
		if out := redactBody(body, nil); strings.Contains(out, known) {
			t.Fatalf("secret field kept: %q -> %q", body, out)
		}
	})
}

// FuzzLoadState: a state file or log of any content loads or is refused
// with an error; it never panics and is never changed.
func FuzzLoadState(f *testing.F) {
	f.Add([]byte(`{"version":1}`), []byte(`{"seq":1,"secrets":[{"id":"a","value":"v","workspace_id":"w"}]}`+"\n"))
	f.Add([]byte(``), []byte(`{"seq":1,"reset":true}`+"\n"+`{"seq":2,"deleted_subscriptions":["x"]}`+"\n"))
	f.Add([]byte(`{"version":1,"subscriptions":{"a":{"id":"a","event_type":"study.status.change","target_url":"ftp://x","workspace_id":"w","confirm_token":"t"}}}`), []byte(`{"seq":`))
	f.Add([]byte(`{"version":1,"webhooks":{"h":{"id":"h","url":"https://x/","privateKey":"k","active":true,"seq":1,"created":"2026-01-01T00:00:00Z"}},`+
		`"events":{"h":[null,{"owner":"h","id":"e","event_type":"T","target_url":"u","created":"2026-01-01T00:00:00Z","updated":"2026-01-01T00:00:00Z","status":"FAILED"}],"gone":[{"id":"x"}]},`+
		`"resources":{"study":{"s":{"id":"s","status":"ACTIVE","seq":1,"created":"2026-01-01T00:00:00Z","updated":"2026-01-01T00:00:00Z"},"n":null},"nope":{}}}`),
		[]byte(`{"seq":1,"events":[null,{"owner":"h","id":"e","status":"SUCCEEDED"}],"resources":[{"kind":"submission","key":"k","resource":null},{"kind":"x","key":"k","resource":{"id":"k"}}],"resource_seq":-4}`+"\n"))
	f.Fuzz(func(t *testing.T, snap, wal []byte) {
		path := filepath.Join(t.TempDir(), "state.json")
		if len(snap) > 0 {
			if err := os.WriteFile(path, snap, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(walPath(path), wal, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := New(Config{StatePath: path, Seed: 1})
		if err != nil {
			if b, _ := os.ReadFile(path); len(snap) > 0 && string(b) != string(snap) {
				t.Fatalf("refused state file was changed")
			}
			return
		}
		for id := range s.events {
			if _, _, err := s.Events(id, EventFilter{}); err != nil {
				t.Fatalf("event log of %q loaded but not readable: %v", id, err)
			}
		}
		_ = s.Close()
	})
}
