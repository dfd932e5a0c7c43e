package mockserver

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// Persistence with Config.StatePath. The state lives in two files: the
// snapshot (StatePath, one JSON object, replaced atomically) and its
// write-ahead log (StatePath + ".wal", one JSON record per line, appended
// and fsynced). Every acknowledged change is one log record, so a change
// costs one small append whatever the state's size; the log is folded into
// a new snapshot at start, at Close and when it outgrows the snapshot.
// A change whose record cannot be made durable is undone and answered 503.

// ErrCorruptState is wrapped by New's error for a state file that cannot be
// read back. The file is left alone.
var ErrCorruptState = errors.New("corrupt state file")

// ErrNotDurable is wrapped by the 503 *Error of a change that could not be
// saved (the change was undone).
var ErrNotDurable = errors.New("change could not be saved")

// CodeUnavailable is the Prolific error_code of a 503 (a failed save).
const CodeUnavailable = 150300

// StateFile is an open file of the state: *os.File satisfies it.
type StateFile interface {
	io.Writer
	Sync() error
	Close() error
	Truncate(size int64) error
	Name() string
}

// StateFS is the file system the state is written through. The default is
// the operating system's; tests inject one that fails (disk full).
type StateFS interface {
	// CreateTemp creates a new file as os.CreateTemp does.
	CreateTemp(dir, pattern string) (StateFile, error)
	// OpenAppend opens (creating, mode 0600) name for appending.
	OpenAppend(name string) (StateFile, error)
	Rename(oldpath, newpath string) error
	Remove(name string) error
}

// OSStateFS is the operating system's file system.
type OSStateFS struct{}

// CreateTemp implements StateFS.
func (OSStateFS) CreateTemp(dir, pattern string) (StateFile, error) {
	return os.CreateTemp(dir, pattern)
}

// OpenAppend implements StateFS.
func (OSStateFS) OpenAppend(name string) (StateFile, error) {
	return os.OpenFile(name, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
}

// Rename implements StateFS.
func (OSStateFS) Rename(oldpath, newpath string) error { return os.Rename(oldpath, newpath) }

// Remove implements StateFS.
func (OSStateFS) Remove(name string) error { return os.Remove(name) }

// walRec is one log record: the state after one change. Puts carry whole
// records, so replaying a record twice changes nothing.
type walRec struct {
	Seq      int64           `json:"seq"`
	Reset    bool            `json:"reset,omitempty"`
	Secrets  []*SecretDetail `json:"secrets,omitempty"`
	Subs     []*subRec       `json:"subscriptions,omitempty"`
	Deleted  []string        `json:"deleted_subscriptions,omitempty"`
	Webhooks []*webhookRec   `json:"webhooks,omitempty"`
	Health   []healthRec     `json:"health,omitempty"`
	// Events and Resources are event-log records and read-only resources
	// put as they change (persist_events.go).
	Events    []*storedEvent   `json:"events,omitempty"`
	Resources []storedResource `json:"resources,omitempty"`
	ResSeq    int64            `json:"resource_seq,omitempty"`
}

// apply replays r onto st.
func (r *walRec) apply(st *state) {
	if r.Reset {
		team, org, gen := st.TeamID, st.OrganizationID, st.Generation
		*st = *newState()
		st.TeamID, st.OrganizationID, st.Generation = team, org, gen
	}
	if r.Seq > st.Seq {
		st.Seq = r.Seq
	}
	for _, sec := range r.Secrets {
		if sec != nil {
			st.Secrets[sec.WorkspaceID] = sec
		}
	}
	for _, sub := range r.Subs {
		if sub != nil {
			st.Subscriptions[sub.ID] = sub
		}
	}
	for _, id := range r.Deleted {
		delete(st.Subscriptions, id)
	}
	for _, w := range r.Webhooks {
		if w != nil {
			st.Webhooks[w.ID] = w
		}
	}
	r.applyEvents(st)
	for _, h := range r.Health {
		replaced := false
		for i := range st.Health {
			if st.Health[i].Pair == h.Pair {
				st.Health[i], replaced = h, true
			}
		}
		if !replaced {
			st.Health = append(st.Health, h)
		}
	}
}

// defaultCompactAt is the log size from which the log is folded into a new
// snapshot (when it is also larger than the last snapshot).
const defaultCompactAt = 1 << 20

// walPath is the log next to a snapshot.
func walPath(statePath string) string { return statePath + ".wal" }

// tempPrefix is how the snapshot's temp files are named.
func tempPrefix(statePath string) string { return "." + filepath.Base(statePath) + ".tmp" }

// checkStatePath refuses a state file (or its log) that is a symlink, not
// a regular file, or not writable: it would be replaced or fail later.
func checkStatePath(path string) error {
	for _, p := range []string{path, walPath(path)} {
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("mockserver: state file: %w", err)
		}
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			return fmt.Errorf("mockserver: state file %s is a symbolic link; refusing to replace it (give the real path)", p)
		case !fi.Mode().IsRegular():
			return fmt.Errorf("mockserver: state file %s is not a regular file", p)
		case fi.Mode().Perm()&0o200 == 0:
			return fmt.Errorf("mockserver: state file %s is read-only; refusing to replace it (make it writable or use another path)", p)
		}
		f, err := os.OpenFile(p, os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("mockserver: state file %s is not writable: %w", p, err)
		}
		f.Close()
	}
	return nil
}

// cleanTemps removes temp files a killed server left next to the state
// file (they hold secrets).
func cleanTemps(path string) {
	dir := filepath.Dir(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tempPrefix(path)) && e.Type().IsRegular() {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// loadState reads a state file and replays its log; a missing snapshot
// and log is (nil, nil).
func loadState(path string) (*state, error) {
	corrupt := func(file, why string, a ...any) error {
		return fmt.Errorf("mockserver: state file %s: %w: %s (it was left untouched: fix it, or move it away to start empty)",
			file, ErrCorruptState, fmt.Sprintf(why, a...))
	}
	b, err := os.ReadFile(path)
	missing := errors.Is(err, fs.ErrNotExist)
	if err != nil && !missing {
		return nil, fmt.Errorf("mockserver: read state file: %w", err)
	}
	st := newState()
	if !missing {
		if len(bytes.TrimSpace(b)) == 0 {
			return nil, corrupt(path, "the file is empty")
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(st); err != nil {
			return nil, corrupt(path, "%v", err)
		}
		if dec.More() {
			return nil, corrupt(path, "trailing data after the JSON object")
		}
		if st.Version != stateVersion {
			return nil, corrupt(path, "version %d, want %d", st.Version, stateVersion)
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
				return nil, corrupt(path, "subscription %q does not match its key", id)
			}
		}
		for id, w := range st.Webhooks {
			if w == nil || w.ID != id {
				return nil, corrupt(path, "webhook %q does not match its key", id)
			}
		}
		for ws, sec := range st.Secrets {
			if sec == nil || sec.WorkspaceID != ws {
				return nil, corrupt(path, "secret of workspace %q does not match its key", ws)
			}
		}
	}
	wal, err := os.ReadFile(walPath(path))
	if errors.Is(err, fs.ErrNotExist) {
		if missing {
			return nil, nil
		}
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("mockserver: read state log: %w", err)
	}
	line := 0
	complete := bytes.LastIndexByte(wal, '\n') + 1 // a torn last line (no newline) was never acknowledged
	sc := bufio.NewScanner(bytes.NewReader(wal[:complete]))
	sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
	for sc.Scan() {
		line++
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var r walRec
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			return nil, corrupt(walPath(path), "line %d: %v", line, err)
		}
		r.apply(st)
	}
	if err := sc.Err(); err != nil {
		return nil, corrupt(walPath(path), "line %d: %v", line+1, err)
	}
	return st, nil
}

// validateState checks what a state file holds as the API checks what a
// client sends: a file edited by hand (or by an attacker) cannot smuggle in
// what the API would refuse.
func (s *Server) validateState(st *state) error {
	var problems []string
	add := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	ids := func(m map[string]*subRec) []string {
		out := make([]string, 0, len(m))
		for id := range m {
			out = append(out, id)
		}
		sort.Strings(out)
		return out
	}
	for ws, sec := range st.Secrets {
		if sec.Value == "" {
			add("secret of workspace %q is empty", ws)
		}
	}
	for _, id := range ids(st.Subscriptions) {
		sub := st.Subscriptions[id]
		fe := fieldErrors{}
		s.checkEventType(fe, sub.EventType)
		if msgs := s.checkTarget(sub.TargetURL, false); msgs != nil {
			fe["target_url"] = msgs
		}
		if sub.WorkspaceID == "" {
			fe.add("workspace_id", "This field is required.")
		}
		if sub.Token == "" {
			fe.add("confirm_token", "This field is required.")
		}
		if e := fe.err(); e != nil {
			add("subscription %q: %s", id, strings.Join(e.Messages(), "; "))
		}
	}
	for id, w := range st.Webhooks {
		if msg := checkRespondentURL(w.URL); msg != "" {
			add("webhook %q: %s", id, msg)
		} else if s.isControlTarget(w.URL) {
			add("webhook %q: url points at the mock's own control API", id)
		}
		if w.PrivateKey == "" {
			add("webhook %q: privateKey is empty", id)
		}
	}
	problems = append(problems, validateStoredEvents(st)...)
	if len(problems) == 0 {
		return nil
	}
	sort.Strings(problems)
	return fmt.Errorf("mockserver: state file %s: %w: %s (it was left untouched: fix it, or move it away to start empty)",
		s.cfg.StatePath, ErrCorruptState, strings.Join(problems, "; "))
}

// store writes the state: the log and the snapshot. Lock order: Server.mu,
// then store.fileMu, then store.pendMu.
type store struct {
	fs      StateFS
	path    string
	fileMu  sync.Mutex // guards f, size, closed
	f       StateFile  // the log, open for appending
	size    int64      // bytes of complete records in the log
	closed  bool
	pendMu  sync.Mutex
	pend    []byte        // records of platform actions not yet written
	kick    chan struct{} // wakes the flusher
	done    chan struct{} // closed when the flusher ends
	stop    chan struct{}
	started bool // the flusher runs (set before any concurrent use)
	logf    func(format string, a ...any)
}

func newStore(fsys StateFS, path string, logf func(string, ...any)) *store {
	return &store{fs: fsys, path: path, kick: make(chan struct{}, 1), done: make(chan struct{}),
		stop: make(chan struct{}), logf: logf}
}

// snapshotLocked writes the whole state atomically and starts a new, empty
// log; s.mu must be held.
func (s *Server) snapshotLocked() error {
	st := s.store
	s.fillSnapshotLocked()
	defer func() { s.st.Events, s.st.Resources = nil, nil }()
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
	s.snapshotSize = int64(len(b))
	st.fileMu.Lock()
	defer st.fileMu.Unlock()
	if st.closed {
		return ErrClosed
	}
	if err := writeAtomic(st.fs, st.path, b); err != nil {
		return fmt.Errorf("mockserver: save state: %w", err)
	}
	// Everything is in the snapshot: the log starts over, and pending
	// platform actions are in the snapshot too.
	st.pendMu.Lock()
	st.pend = nil
	st.pendMu.Unlock()
	if st.f == nil {
		f, err := st.fs.OpenAppend(walPath(st.path))
		if err != nil {
			return fmt.Errorf("mockserver: open state log: %w", err)
		}
		st.f = f
	}
	if err := st.f.Truncate(0); err != nil {
		return fmt.Errorf("mockserver: truncate state log: %w", err)
	}
	st.size = 0
	return nil
}

// commitLocked makes one change durable before it is acknowledged; s.mu
// must be held. Without a StatePath it does nothing. On failure the log is
// as before and the caller undoes the change.
func (s *Server) commitLocked(r walRec) error {
	if s.store == nil {
		return nil
	}
	r.Seq = s.st.Seq
	line, err := json.Marshal(&r)
	if err != nil {
		return s.notDurable(fmt.Errorf("encode state record: %w", err))
	}
	line = append(line, '\n')
	st := s.store
	st.fileMu.Lock()
	if st.closed || st.f == nil {
		st.fileMu.Unlock()
		return s.notDurable(ErrClosed)
	}
	st.pendMu.Lock()
	pend := st.pend
	st.pend = nil
	st.pendMu.Unlock()
	err = st.appendLocked(append(pend, line...))
	if err != nil {
		st.pendMu.Lock()
		st.pend = append(pend, st.pend...)
		st.pendMu.Unlock()
	}
	size := st.size
	st.fileMu.Unlock()
	if err != nil {
		return s.notDurable(err)
	}
	if size > s.compactAt && size > s.snapshotSize {
		if err := s.snapshotLocked(); err != nil {
			s.logf("compacting the state log: %v (the log keeps every change)", err)
		}
	}
	return nil
}

// appendLocked writes b to the log and syncs it; st.fileMu must be held.
// On failure the log is cut back to its last complete record.
func (st *store) appendLocked(b []byte) error {
	if _, err := st.f.Write(b); err != nil {
		_ = st.f.Truncate(st.size)
		return fmt.Errorf("append to state log: %w", err)
	}
	if err := st.f.Sync(); err != nil {
		_ = st.f.Truncate(st.size)
		return fmt.Errorf("sync state log: %w", err)
	}
	st.size += int64(len(b))
	return nil
}

// commitAsyncLocked queues a platform action's record (auto-disable,
// notices): nobody waits for it, so it is written by the flusher together
// with whatever else is queued (group commit); s.mu must be held.
func (s *Server) commitAsyncLocked(r walRec) {
	if s.store == nil {
		return
	}
	r.Seq = s.st.Seq
	line, err := json.Marshal(&r)
	if err != nil {
		s.logf("encode state record: %v", err)
		return
	}
	st := s.store
	st.pendMu.Lock()
	st.pend = append(append(st.pend, line...), '\n')
	st.pendMu.Unlock()
	select {
	case st.kick <- struct{}{}:
	default:
	}
}

// flush writes queued records.
func (st *store) flush() {
	st.fileMu.Lock()
	defer st.fileMu.Unlock()
	st.pendMu.Lock()
	pend := st.pend
	st.pend = nil
	st.pendMu.Unlock()
	if len(pend) == 0 || st.closed || st.f == nil {
		return
	}
	if err := st.appendLocked(pend); err != nil {
		st.logf("%v (will retry)", err)
		st.pendMu.Lock()
		st.pend = append(pend, st.pend...)
		st.pendMu.Unlock()
	}
}

// start runs the flusher until close.
func (st *store) start() {
	st.started = true
	go st.run()
}

func (st *store) run() {
	defer close(st.done)
	for {
		select {
		case <-st.kick:
			st.flush()
		case <-st.stop:
			st.flush()
			return
		}
	}
}

// close stops the flusher and closes the log.
func (st *store) close() error {
	st.fileMu.Lock()
	if st.closed {
		st.fileMu.Unlock()
		return nil
	}
	st.fileMu.Unlock()
	if st.started {
		close(st.stop)
		<-st.done
	}
	st.fileMu.Lock()
	defer st.fileMu.Unlock()
	st.closed = true
	if st.f == nil {
		return nil
	}
	err := st.f.Close()
	if err == nil && st.size == 0 {
		// Everything is in the snapshot: leave one file behind.
		_ = st.fs.Remove(walPath(st.path))
	}
	return err
}

// notDurable logs why a change could not be saved and returns the 503.
func (s *Server) notDurable(err error) error {
	s.logf("state not saved, change undone: %v", err)
	return &Error{Status: http.StatusServiceUnavailable, Code: CodeUnavailable, kind: ErrNotDurable,
		Detail: "The change could not be saved and was not made. Try again later."}
}

func writeAtomic(fsys StateFS, path string, b []byte) error {
	dir := filepath.Dir(path)
	f, err := fsys.CreateTemp(dir, tempPrefix(path)+"*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	fail := func(err error) error {
		f.Close()
		_ = fsys.Remove(tmp)
		return err
	}
	if c, ok := f.(interface{ Chmod(fs.FileMode) error }); ok {
		if err := c.Chmod(0o600); err != nil {
			return fail(err)
		}
	}
	if _, err := f.Write(b); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		_ = fsys.Remove(tmp)
		return err
	}
	if err := fsys.Rename(tmp, path); err != nil {
		_ = fsys.Remove(tmp)
		return err
	}
	return nil
}
