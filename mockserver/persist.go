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

// stateFile is the snapshot: the core's counters, each platform's section
// (opaque to the core) and the event logs.
type stateFile struct {
	Version int `json:"version"`
	// Generation counts loads; it seeds the generator so that ids made
	// after a restart do not repeat those made before it.
	Generation uint64                     `json:"generation"`
	Seq        int64                      `json:"seq"`
	Platforms  map[string]json.RawMessage `json:"platforms,omitempty"`
	// Events holds each owner's event log (newest Config.EventLogLimit
	// records, oldest first), by platform/owner.
	Events map[string][]*storedEvent `json:"events,omitempty"`
}

const stateVersion = 2

// walRec is one log record: a reset, one platform's record (opaque to the
// core, tagged with the platform's name), or event-log puts and drops.
// Platform records carry whole values, so replaying one twice changes
// nothing.
type walRec struct {
	Seq           int64           `json:"seq"`
	Reset         bool            `json:"reset,omitempty"`
	Platform      string          `json:"platform,omitempty"`
	Record        json.RawMessage `json:"record,omitempty"`
	Events        []*storedEvent  `json:"events,omitempty"`
	DroppedEvents []string        `json:"dropped_events,omitempty"`
}

// loadedState is a state file read back: counters, each platform's
// section and records, and the event logs.
type loadedState struct {
	generation uint64
	seq        int64
	platforms  map[string]*Saved
	events     map[string][]*storedEvent
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
// and log is (nil, nil). names are the platforms the server serves: a
// section or record of another is an error (it would be lost). A
// version-1 file (and log) is migrated with migs (migrate.go).
func loadState(path string, names []string, migs []v1Migrator) (*loadedState, error) {
	corrupt := func(file, why string, a ...any) error {
		return fmt.Errorf("mockserver: state file %s: %w: %s (it was left untouched: fix it, or move it away to start empty)",
			file, ErrCorruptState, fmt.Sprintf(why, a...))
	}
	b, err := os.ReadFile(path)
	missing := errors.Is(err, fs.ErrNotExist)
	if err != nil && !missing {
		return nil, fmt.Errorf("mockserver: read state file: %w", err)
	}
	ls := &loadedState{platforms: map[string]*Saved{}, events: map[string][]*storedEvent{}}
	for _, n := range names {
		ls.platforms[n] = &Saved{}
	}
	var v1evs v1Events // the event logs of a version-1 snapshot; nil for version 2
	if !missing {
		if len(bytes.TrimSpace(b)) == 0 {
			return nil, corrupt(path, "the file is empty")
		}
		var peek struct {
			Version int `json:"version"`
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		if err := dec.Decode(&peek); err != nil {
			return nil, corrupt(path, "%v", err)
		}
		if dec.More() {
			return nil, corrupt(path, "trailing data after the JSON object")
		}
		switch peek.Version {
		case 1:
			evs, err := migrateV1Snapshot(b, ls, migs)
			if err != nil {
				return nil, corrupt(path, "%v", err)
			}
			v1evs = evs
		case stateVersion:
			var st stateFile
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&st); err != nil {
				return nil, corrupt(path, "%v", err)
			}
			for name, sec := range st.Platforms {
				p, ok := ls.platforms[name]
				if !ok {
					return nil, corrupt(path, "platform %q is not served by this server", name)
				}
				p.Section = sec
			}
			ls.generation, ls.seq = st.Generation, st.Seq
			for k, v := range st.Events {
				ls.events[k] = v
			}
		default:
			return nil, corrupt(path, "version %d, want %d (or 1, which is migrated)", peek.Version, stateVersion)
		}
	}
	wal, err := os.ReadFile(walPath(path))
	if errors.Is(err, fs.ErrNotExist) {
		if missing {
			return nil, nil
		}
		placeV1Events(v1evs, ls, migs)
		return ls, nil
	}
	if err != nil {
		return nil, fmt.Errorf("mockserver: read state log: %w", err)
	}
	if v1evs != nil {
		// A version-1 snapshot's log is version 1.
		recs, err := readV1Log(wal, migs)
		if err != nil {
			return nil, corrupt(walPath(path), "%v", err)
		}
		if _, err := applyV1Records(recs, ls, v1evs, migs); err != nil {
			return nil, corrupt(walPath(path), "version 1: %v", err)
		}
		placeV1Events(v1evs, ls, migs)
		return ls, nil
	}
	var recs []walRec
	v2err := walLines(wal, func(line int, b []byte) error {
		var r walRec
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			return fmt.Errorf("line %d: %v", line, err)
		}
		if r.Platform != "" && ls.platforms[r.Platform] == nil {
			return fmt.Errorf("line %d: platform %q is not served by this server", line, r.Platform)
		}
		recs = append(recs, r)
		return nil
	})
	if v2err != nil {
		// A version-1 log next to a version-2 snapshot (or none): a
		// migration stopped between writing the new snapshot and
		// emptying the old log. Replaying it again changes nothing
		// (its records are whole values), so it is read as version 1.
		v1recs, err := readV1Log(wal, migs)
		if err != nil {
			return nil, corrupt(walPath(path), "%v", v2err)
		}
		evs := v1Events{}
		reset, err := applyV1Records(v1recs, ls, evs, migs)
		if err != nil {
			return nil, corrupt(walPath(path), "version 1: %v", err)
		}
		if reset {
			clear(ls.events)
		}
		placeV1Events(evs, ls, migs)
		return ls, nil
	}
	for i := range recs {
		recs[i].apply(ls)
	}
	return ls, nil
}

// walLines calls fn with each complete, non-blank line of a log (a torn
// last line, without its newline, was never acknowledged).
func walLines(wal []byte, fn func(line int, b []byte) error) error {
	line := 0
	complete := bytes.LastIndexByte(wal, '\n') + 1
	sc := bufio.NewScanner(bytes.NewReader(wal[:complete]))
	sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
	for sc.Scan() {
		line++
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		if err := fn(line, sc.Bytes()); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("line %d: %v", line+1, err)
	}
	return nil
}

// readV1Log reads a version-1 log.
func readV1Log(wal []byte, migs []v1Migrator) ([]*v1Record, error) {
	var recs []*v1Record
	err := walLines(wal, func(line int, b []byte) error {
		r, err := decodeV1Record(b, migs)
		if err != nil {
			return fmt.Errorf("line %d: %v", line, err)
		}
		recs = append(recs, r)
		return nil
	})
	return recs, err
}

// apply replays r onto ls.
func (r *walRec) apply(ls *loadedState) {
	if r.Reset {
		for _, p := range ls.platforms {
			p.Records = append(p.Records, nil)
		}
		ls.events = map[string][]*storedEvent{}
	}
	if r.Seq > ls.seq {
		ls.seq = r.Seq
	}
	if r.Platform != "" && len(r.Record) > 0 {
		p := ls.platforms[r.Platform]
		p.Records = append(p.Records, r.Record)
	}
	applyEvents(ls.events, r.Events, r.DroppedEvents)
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
	snap := stateFile{Version: stateVersion, Generation: s.generation, Seq: s.seq,
		Platforms: map[string]json.RawMessage{}, Events: s.events.snapshot()}
	for _, p := range s.plats {
		sec, err := p.Save()
		if err != nil {
			return fmt.Errorf("mockserver: encode state of %s: %w", p.Name(), err)
		}
		if len(sec) > 0 {
			snap.Platforms[p.Name()] = sec
		}
	}
	b, err := json.MarshalIndent(&snap, "", "  ")
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
func (s *Server) commitLocked(r walRec, rec any) error {
	if s.store == nil {
		return nil
	}
	r.Seq = s.seq
	line, err := encodeRec(r, rec)
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

// encodeRec encodes r with the platform record rec (nil: none).
func encodeRec(r walRec, rec any) ([]byte, error) {
	if rec != nil {
		b, err := json.Marshal(rec)
		if err != nil {
			return nil, err
		}
		r.Record = b
	}
	return json.Marshal(&r)
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
func (s *Server) commitAsyncLocked(r walRec, rec any) {
	if s.store == nil {
		return
	}
	r.Seq = s.seq
	line, err := encodeRec(r, rec)
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
	return &Error{Status: http.StatusServiceUnavailable, Kind: ErrNotDurable,
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

// Flush writes the queued platform-side records (event logs, resources,
// notices) to the state log now, instead of when the flusher gets to them.
func (s *Server) Flush() {
	if s.store != nil {
		s.store.flush()
	}
}
