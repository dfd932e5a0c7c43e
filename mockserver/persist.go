package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// ErrCorruptState is wrapped by New's error for a state file that cannot be
// read back. The file is left alone.
var ErrCorruptState = errors.New("corrupt state file")

// loadState reads a state file; a missing file is (nil, nil).
func loadState(path string) (*state, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("mockserver: read state file: %w", err)
	}
	corrupt := func(why string, a ...any) error {
		return fmt.Errorf("mockserver: state file %s: %w: %s (it was left untouched: fix it, or move it away to start empty)",
			path, ErrCorruptState, fmt.Sprintf(why, a...))
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, corrupt("the file is empty")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	st := newState()
	if err := dec.Decode(st); err != nil {
		return nil, corrupt("%v", err)
	}
	if dec.More() {
		return nil, corrupt("trailing data after the JSON object")
	}
	if st.Version != stateVersion {
		return nil, corrupt("version %d, want %d", st.Version, stateVersion)
	}
	if st.Secrets == nil {
		st.Secrets = map[string]*SecretDetail{}
	}
	if st.Subscriptions == nil {
		st.Subscriptions = map[string]*subRec{}
	}
	if st.Webhooks == nil {
		st.Webhooks = map[string]*webhookRec{}
	}
	for id, sub := range st.Subscriptions {
		if sub == nil || sub.ID != id {
			return nil, corrupt("subscription %q does not match its key", id)
		}
	}
	for id, w := range st.Webhooks {
		if w == nil || w.ID != id {
			return nil, corrupt("webhook %q does not match its key", id)
		}
	}
	for ws, sec := range st.Secrets {
		if sec == nil || sec.WorkspaceID != ws {
			return nil, corrupt("secret of workspace %q does not match its key", ws)
		}
	}
	return st, nil
}

// saveLocked writes the state atomically (temp file in the same directory,
// fsync, rename); s.mu must be held. Without a StatePath it does nothing.
func (s *Server) saveLocked() error {
	path := s.cfg.StatePath
	if path == "" {
		return nil
	}
	s.st.Health = s.st.Health[:0]
	for p, h := range s.health {
		s.st.Health = append(s.st.Health, healthRec{Pair: p, Health: h})
	}
	sort.Slice(s.st.Health, func(i, j int) bool {
		a, b := s.st.Health[i].Pair, s.st.Health[j].Pair
		if a.TargetURL != b.TargetURL {
			return a.TargetURL < b.TargetURL
		}
		return a.EventType < b.EventType
	})
	b, err := json.MarshalIndent(s.st, "", "  ")
	if err != nil {
		return fmt.Errorf("mockserver: encode state: %w", err)
	}
	b = append(b, '\n')
	if err := writeAtomic(path, b); err != nil {
		return fmt.Errorf("mockserver: save state: %w", err)
	}
	return nil
}

// save writes the state after a change and logs a failure; the change
// itself stands (the in-memory state is the truth while the server runs).
func (s *Server) save() {
	if err := s.saveLocked(); err != nil {
		s.logf("%v", err)
	}
}

func writeAtomic(path string, b []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Chmod(0o600); err != nil {
		return fail(err)
	}
	if _, err := f.Write(b); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
