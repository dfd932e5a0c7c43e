package mockserver

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"time"

	"github.com/hookdrill/hookdrill"
)

// JournalFile appends a journal's entries to a JSONL file as they are
// recorded (what `hookdrill serve --journal` uses): the file is opened,
// and so checked, at start; entries are written and synced in batches
// within JournalFlushInterval, and at once when someone waits for them
// (Config.JournalDurable), so a crash loses nothing that was acknowledged.
type JournalFile struct {
	j    *hookdrill.Journal
	f    *os.File
	path string

	mu      sync.Mutex
	cond    *sync.Cond
	written int64 // highest sequence number written and synced
	err     error // the first write error; later writes are not tried
	closed  bool

	kick chan struct{}
	stop chan struct{}
	done chan struct{}
}

// JournalFlushInterval bounds how long an entry nobody waits for stays
// unwritten.
const JournalFlushInterval = 50 * time.Millisecond

// OpenJournalFile opens (creating, mode 0600) path for appending and starts
// following j. A symlink, a non-regular file or a file that cannot be
// written is an error now rather than at shutdown.
func OpenJournalFile(path string, j *hookdrill.Journal) (*JournalFile, error) {
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode()&fs.ModeSymlink != 0 {
			return nil, fmt.Errorf("journal file %s is a symbolic link; refusing to write through it", path)
		}
		if !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("journal file %s is not a regular file", path)
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("journal file: %w", err)
	}
	jf := &JournalFile{j: j, f: f, path: path, kick: make(chan struct{}, 1), stop: make(chan struct{}),
		done: make(chan struct{})}
	jf.cond = sync.NewCond(&jf.mu)
	go jf.run()
	return jf, nil
}

func (jf *JournalFile) run() {
	defer close(jf.done)
	t := time.NewTicker(JournalFlushInterval)
	defer t.Stop()
	for {
		select {
		case <-jf.kick:
		case <-t.C:
		case <-jf.stop:
			jf.flush()
			return
		}
		jf.flush()
	}
}

// flush writes every entry after the last one written, and syncs.
func (jf *JournalFile) flush() {
	jf.mu.Lock()
	after, failed := jf.written, jf.err != nil
	jf.mu.Unlock()
	if failed {
		return
	}
	snap := jf.j.Since(after)
	if len(snap) == 0 {
		return
	}
	bw := bufio.NewWriter(jf.f)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	var err error
	for i := range snap {
		if err = enc.Encode(&snap[i]); err != nil {
			break
		}
	}
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = jf.f.Sync()
	}
	jf.mu.Lock()
	if err != nil {
		jf.err = fmt.Errorf("journal file %s: %w", jf.path, err)
	} else {
		jf.written = snap[len(snap)-1].Seq
	}
	jf.cond.Broadcast()
	jf.mu.Unlock()
}

// WaitWritten blocks until the entry with sequence number seq is in the
// file (or writing failed, or the file is closed).
func (jf *JournalFile) WaitWritten(seq int64) error {
	select {
	case jf.kick <- struct{}{}:
	default:
	}
	jf.mu.Lock()
	defer jf.mu.Unlock()
	for jf.written < seq && jf.err == nil && !jf.closed {
		jf.cond.Wait()
	}
	return jf.err
}

// Err is the first write error, if any.
func (jf *JournalFile) Err() error {
	jf.mu.Lock()
	defer jf.mu.Unlock()
	return jf.err
}

// Close writes what is left and closes the file.
func (jf *JournalFile) Close() error {
	jf.mu.Lock()
	if jf.closed {
		jf.mu.Unlock()
		return jf.err
	}
	jf.mu.Unlock()
	close(jf.stop)
	<-jf.done
	jf.mu.Lock()
	jf.closed = true
	jf.cond.Broadcast()
	err := jf.err
	jf.mu.Unlock()
	if cerr := jf.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("journal file %s: %w", jf.path, cerr)
	}
	return err
}
