package mockserver_test

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoadState: a state file or log of any content loads or is refused
// with an error; it never panics and is never changed.
func FuzzLoadState(f *testing.F) {
	f.Add([]byte(`{"version":2}`), []byte(`{"seq":1,"platform":"prolific","record":{"secrets":[{"id":"a","value":"v","workspace_id":"w"}]}}`+"\n"))
	f.Add([]byte(``), []byte(`{"seq":1,"reset":true}`+"\n"+`{"seq":2,"platform":"prolific","record":{"deleted_subscriptions":["x"]}}`+"\n"+`{"seq":3,"dropped_events":["prolific/x"]}`+"\n"))
	f.Add([]byte(`{"version":2,"platforms":{"prolific":{"subscriptions":{"a":{"id":"a","event_type":"study.status.change","target_url":"ftp://x","workspace_id":"w","confirm_token":"t"}}}}}`), []byte(`{"seq":`))
	f.Add([]byte(`{"version":2,"platforms":{"respondent":{"webhooks":{"h":{"id":"h","url":"https://x/","privateKey":"k","active":true,"seq":1,"created":"2026-01-01T00:00:00Z"}}},`+
		`"prolific":{"resources":{"study":{"s":{"id":"s","status":"ACTIVE","seq":1,"created":"2026-01-01T00:00:00Z","updated":"2026-01-01T00:00:00Z"},"n":null},"nope":{}}}},`+
		`"events":{"respondent/h":[null,{"owner":"h","id":"e","event_type":"T","target_url":"u","created":"2026-01-01T00:00:00Z","updated":"2026-01-01T00:00:00Z","status":"FAILED"}],"gone":[{"id":"x"}]}}`),
		[]byte(`{"seq":1,"events":[null,{"owner":"h","key":"respondent/h","id":"e","status":"SUCCEEDED"}]}`+"\n"+`{"seq":1,"platform":"prolific","record":{"resources":[{"kind":"submission","key":"k","resource":null},{"kind":"x","key":"k","resource":{"id":"k"}}],"resource_seq":-4}}`+"\n"))
	// Version 1 (migrated): the previous release's fixtures, and odd shapes.
	v1snap, _ := os.ReadFile(filepath.Join("testdata", "v1", "v1-state.json"))
	v1wal, _ := os.ReadFile(filepath.Join("testdata", "v1", "v1-state.json.wal"))
	f.Add(v1snap, v1wal)
	f.Add([]byte(`{"version":1,"resources":[],"secrets":null,"events":{"x":[null]}}`),
		[]byte(`{"seq":1,"reset":true,"resources":{"study":{}}}`+"\n"+`{"seq":2,"resources":[{"kind":"project"}],"webhooks":[null]}`+"\n"))
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
		s, err := newServer(Config{StatePath: path, Seed: 1})
		if err != nil {
			if b, _ := os.ReadFile(path); len(snap) > 0 && string(b) != string(snap) {
				t.Fatalf("refused state file was changed")
			}
			return
		}
		for _, enabled := range []bool{true, false} {
			subs, _ := s.Subscriptions("", enabled, 0, 0)
			for _, sub := range subs {
				if _, _, err := s.Events(sub.ID, EventFilter{}); err != nil {
					t.Fatalf("event log of %q loaded but not readable: %v", sub.ID, err)
				}
			}
		}
		if w, err := s.ActiveWebhook(); err == nil {
			if _, _, err := s.Events(w.ID, EventFilter{}); err != nil {
				t.Fatalf("event log of %q loaded but not readable: %v", w.ID, err)
			}
		}
		_ = s.Close()
	})
}
