package mockserver

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/clock"
	"github.com/hookdrill/hookdrill/sender"
)

// Platform is one platform's mock API plugged into a Server: its routes,
// state, triggers and error shape. The core knows platforms only through
// this interface. A Platform value serves one Server (Config.Platforms).
//
// Methods marked "lock held" are called with the server's lock (Host.Lock)
// held and must not take it.
type Platform interface {
	// Name is the platform's name (the wire profile's), e.g. the value of
	// TriggerRequest.Platform that selects it.
	Name() string
	// Prefix is the URL path prefix of its API, with a trailing slash
	// (e.g. "/v1/"). Prefixes of one server must not overlap.
	Prefix() string
	// Attach binds the platform to its server. New calls it once, after
	// the id generator is seeded, with the platform's saved state (nil
	// without a state file) for it to load and validate: what is wrong
	// with it is a *StateError (StateErrorf).
	Attach(h *Host, saved *Saved) error
	// Mount registers the platform's routes on r (see Route).
	Mount(r *mux.Router)
	// Trigger emits an event as the platform does when a resource changes
	// (the control API's trigger, Server.Trigger).
	Trigger(ctx context.Context, req TriggerRequest) (TriggerResult, error)
	// Unrouted is the error for a request under Prefix that no route
	// matches (methodNotAllowed: the path exists with other methods).
	Unrouted(r *http.Request, methodNotAllowed bool) *Error
	// WriteError writes e in the platform's error shape.
	WriteError(w http.ResponseWriter, r *http.Request, e *Error)
	// KnownSecrets lists every secret the platform holds or was configured
	// with (signing secrets, tokens, keys), to redact from the journal.
	// Lock held.
	KnownSecrets() []string
	// Save returns the platform's state for the state file. Lock held.
	Save() (json.RawMessage, error)
	// Reset forgets the platform's state (the control API's reset; a nil
	// Saved record on load). Lock held. The undo restores it when the
	// reset cannot be saved.
	Reset() (undo func())
}

// StateError is a problem with a platform's saved state (Platform.Attach):
// New reports it as ErrCorruptState, naming the file, and leaves the file
// alone. Attach's other errors are configuration errors.
type StateError struct{ Problem string }

func (e *StateError) Error() string { return e.Problem }

// StateErrorf returns a *StateError.
func StateErrorf(format string, a ...any) error {
	return &StateError{Problem: fmt.Sprintf(format, a...)}
}

// Describer is implemented by platforms that report their settings in
// GET /_hookdrill/info.
type Describer interface {
	Describe() map[string]any
}

// Titler is implemented by platforms that give a display name and say, in
// a few words for a startup banner, what their API requires of a caller
// (e.g. "Authorization: Token <any>"). The hint must never contain a
// secret's value: say that one is set, not what it is.
type Titler interface {
	Title() string
	AuthHint() string
}

// Saved is a platform's part of a state file: its snapshot section and
// the write-ahead log records after it, in order; a nil record is a reset
// of every platform.
type Saved struct {
	Section json.RawMessage
	Records []json.RawMessage
}

// Host is what a Platform gets from its Server: lock, clock, journal, ids,
// persistence, event log and delivery. Methods marked "lock held" need
// Lock held.
type Host struct {
	s    *Server
	name string
}

// Lock takes the server's lock: it guards the state of the server and of
// every platform. Lock order: the server's lock, then the state store's.
func (h *Host) Lock() { h.s.mu.Lock() }

// Unlock releases the server's lock.
func (h *Host) Unlock() { h.s.mu.Unlock() }

// Clock returns the server's clock.
func (h *Host) Clock() clock.Clock { return h.s.clk }

// Now is the clock's time.
func (h *Host) Now() time.Time { return h.s.clk.Now() }

// Seed is the server's seed (for seeded fake values).
func (h *Host) Seed() uint64 { return h.s.seed }

// Closed reports whether the server stopped accepting triggers. Lock held.
func (h *Host) Closed() bool { return h.s.closed }

// Logf writes one operational log line.
func (h *Host) Logf(format string, a ...any) { h.s.logf(format, a...) }

// Notice journals a platform-side action at the clock's time (at, when
// not zero, on a simulated clock).
func (h *Host) Notice(n hookdrill.Notice, at time.Time) {
	if n.Platform == "" {
		n.Platform = h.name
	}
	e := hookdrill.Entry{Kind: hookdrill.KindNotice, Notice: &n}
	if h.s.sim != nil {
		e.Sim = h.s.clk.Now()
		if !at.IsZero() {
			e.Sim = at
		}
	}
	h.s.journal.Append(e)
}

// Rand is the seeded generator. Lock held (it is not safe for concurrent
// use).
func (h *Host) Rand() *rand.Rand { return h.s.rnd }

// Hex24 returns a Mongo-ObjectId-like id: 24 lowercase hex characters.
// Lock held.
func (h *Host) Hex24() string { return h.s.hex24() }

// Hex32 returns 32 random hex characters. Lock held.
func (h *Host) Hex32() string { return fmt.Sprintf("%016x%016x", h.s.rnd.Uint64(), h.s.rnd.Uint64()) }

// UUID4 returns a random UUIDv4 string. Lock held.
func (h *Host) UUID4() string {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], h.s.rnd.Uint64())
	binary.LittleEndian.PutUint64(b[8:], h.s.rnd.Uint64())
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// Bytes32 returns 32 random bytes. Lock held.
func (h *Host) Bytes32() [32]byte {
	var b [32]byte
	for i := 0; i < 32; i += 8 {
		binary.LittleEndian.PutUint64(b[i:], h.s.rnd.Uint64())
	}
	return b
}

// NextSeq returns the next creation sequence number (kept in the state).
// Lock held.
func (h *Host) NextSeq() int64 {
	h.s.seq++
	return h.s.seq
}

// Commit makes one change of the platform durable before it is
// acknowledged: rec is the platform's log record (JSON), replayed in
// order after its snapshot section on load. Without a state file it does
// nothing. On failure (a 503 *Error wrapping ErrNotDurable) the caller
// undoes the change. Lock held.
func (h *Host) Commit(rec any) error { return h.s.commitLocked(walRec{Platform: h.name}, rec) }

// CommitAsync queues a platform-side record nobody waits for (group
// commit). Lock held.
func (h *Host) CommitAsync(rec any) {
	h.s.commitAsyncLocked(walRec{Platform: h.name}, rec)
	h.s.maybeCompactLocked()
}

// Persistent reports whether the server keeps a state file.
func (h *Host) Persistent() bool { return h.s.store != nil }

// Events is the platform's event log.
func (h *Host) Events() *EventLog { return h.s.events.scope(h.name) }

// IsControlTarget reports whether a target URL leads into the server's
// control API, however spelled: deliveries there are refused.
func (h *Host) IsControlTarget(raw string) bool { return isControlTarget(raw) }

// WriteError writes err in the shape of the API the request is for.
func (h *Host) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	h.s.writeError(w, r, err)
}

// Body returns the request body the server read (nil for GET).
func (h *Host) Body(r *http.Request) []byte { return infoOf(r).body }

// Job is one delivery a platform prepared under the lock and starts with
// Start after releasing it.
type Job struct {
	Delivery sender.Delivery
	// Out is the trigger result's entry; Start fills DeliveryID or Error.
	Out Dispatched
	// Record is the event-log record the delivery updates (nil: none).
	Record *LogRecord
	// OnAttempt and OnDone, when set, see each attempt and the end (lock
	// held), after the event log is updated; at is the attempt's time.
	OnAttempt func(a hookdrill.Attempt, at time.Time)
	OnDone    func(r sender.Result)
}

// Reserve counts n deliveries about to start, so that Close and Wait wait
// for them. Lock held, after checking Closed.
func (h *Host) Reserve(n int) { h.s.live.Add(n) }

// Start hands reserved jobs to the dispatcher and returns where each went.
// The lock must not be held.
func (h *Host) Start(jobs []Job) []Dispatched { return h.s.start(jobs) }

// ClosedError is the 503 of a trigger on a closing server.
func ClosedError() *Error {
	return &Error{Status: http.StatusServiceUnavailable, Kind: ErrClosed, Detail: "The mock server is shutting down."}
}

// WithExtra returns a copy of extra with k set to v (the caller's map is
// not changed).
func WithExtra(extra map[string]string, k, v string) map[string]string {
	out := make(map[string]string, len(extra)+1)
	for ek, ev := range extra {
		out[ek] = ev
	}
	out[k] = v
	return out
}

// Spec is the event spec of a trigger request.
func (req TriggerRequest) Spec() hookdrill.EventSpec {
	return hookdrill.EventSpec{Type: req.EventType, Status: req.Status, ResourceID: req.ResourceID,
		ID: req.EventID, Extra: req.Extra, Payload: req.Payload}
}
