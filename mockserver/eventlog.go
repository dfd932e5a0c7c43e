package mockserver

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hookdrill/hookdrill"
)

// The event log: per owner (a subscription, a webhook), the events the
// platform sent it, oldest first, each moving from PENDING to SUCCEEDED or
// FAILED with its delivery's real outcome. It is kept in memory and, with
// Config.StatePath, in the state: records are platform-side, not answers
// to a client, so they are queued for the state log without waiting
// (group commit): a crash can lose the last few, never a client's
// acknowledged change. Each owner keeps its newest Config.EventLogLimit
// records. Platforms own the views (their JSON shapes and endpoints).

// LogRecord is one event-log record: one event to one owner. Its fields
// change under the server's lock (Host.Lock); read copies from Query.
type LogRecord struct {
	Owner      string // subscription or webhook id
	ID         string // event id
	EventType  string
	ResourceID string
	TargetURL  string
	Created    time.Time
	Updated    time.Time
	Status     hookdrill.DeliveryStatus
	Payload    hookdrill.Object
	DeliveryID string

	key     string       // platform/owner
	dropped bool         // cut from its log (EventLogLimit)
	saved   *storedEvent // as last queued for the state
}

// eventStore holds every platform's event logs; s.mu guards it.
type eventStore struct {
	s     *Server
	limit int
	logs  map[string][]*LogRecord // by platform/owner
}

func newEventLog(s *Server, limit int) *eventStore {
	return &eventStore{s: s, limit: limit, logs: map[string][]*LogRecord{}}
}

// EventLog is one platform's view of the server's event logs. Its methods
// need the server's lock held (Host.Lock).
type EventLog struct {
	st       *eventStore
	platform string
}

func (st *eventStore) scope(platform string) *EventLog { return &EventLog{st: st, platform: platform} }

func (l *EventLog) key(owner string) string { return l.platform + "/" + owner }

// Append adds rec (Status PENDING unless set) to its owner's log, drops
// the oldest records beyond the limit, and queues it for the state.
func (l *EventLog) Append(rec *LogRecord) {
	if rec.Status == "" {
		rec.Status = hookdrill.StatusPending
	}
	rec.key = l.key(rec.Owner)
	st := l.st
	log := append(st.logs[rec.key], rec)
	if n := st.limit; len(log) > n {
		for _, old := range log[:len(log)-n] {
			old.dropped = true
		}
		log = append([]*LogRecord(nil), log[len(log)-n:]...)
	}
	st.logs[rec.key] = log
	st.save(rec)
}

// Drop forgets an owner's log (the owner was deleted).
func (l *EventLog) Drop(owner string) {
	k := l.key(owner)
	if _, ok := l.st.logs[k]; !ok {
		return
	}
	delete(l.st.logs, k)
	l.st.s.commitAsyncLocked(walRec{DroppedEvents: []string{k}}, nil)
}

// Retain drops the logs of owners keep refuses (after a load: owners
// that are gone).
func (l *EventLog) Retain(keep func(owner string) bool) {
	prefix := l.platform + "/"
	for k := range l.st.logs {
		if owner, ok := strings.CutPrefix(k, prefix); ok && !keep(owner) {
			delete(l.st.logs, k)
		}
	}
}

// Query returns copies of an owner's records that match f, newest first,
// and the number that matched before f's offset and limit.
func (l *EventLog) Query(owner string, f EventFilter) ([]LogRecord, int) {
	log := l.st.logs[l.key(owner)]
	var match []*LogRecord
	for i := len(log) - 1; i >= 0; i-- {
		e := log[i]
		if f.ResourceID != "" && e.ResourceID != f.ResourceID {
			continue
		}
		if len(f.Statuses) > 0 && !slices.Contains(f.Statuses, string(e.Status)) {
			continue
		}
		match = append(match, e)
	}
	total := len(match)
	match = Page(match, f.Offset, f.Limit)
	out := make([]LogRecord, len(match))
	for i, e := range match {
		out[i] = *e
		out[i].saved = nil
	}
	return out, total
}

// Page cuts offset and limit (0: no limit) out of all.
func Page[T any](all []T, offset, limit int) []T {
	if offset >= len(all) {
		return nil
	}
	all = all[offset:]
	if limit > 0 && limit < len(all) {
		all = all[:limit]
	}
	return all
}

// ValidStatus reports whether st is an event-log status.
func ValidStatus(st string) bool {
	switch hookdrill.DeliveryStatus(st) {
	case hookdrill.StatusPending, hookdrill.StatusSucceeded, hookdrill.StatusFailed:
		return true
	}
	return false
}

// DescribeStatuses lists the event-log statuses.
func DescribeStatuses() string {
	return fmt.Sprintf("%s, %s, %s", hookdrill.StatusPending, hookdrill.StatusSucceeded, hookdrill.StatusFailed)
}

func (st *eventStore) reset() { st.logs = map[string][]*LogRecord{} }

// retainPlatforms drops loaded logs that belong to no served platform (as
// the logs of owners that are gone are dropped).
func (st *eventStore) retainPlatforms(names []string) {
	for k := range st.logs {
		p, _, _ := strings.Cut(k, "/")
		if !slices.Contains(names, p) {
			delete(st.logs, k)
		}
	}
}

// onAttempt folds one attempt into rec; s.mu held.
func (st *eventStore) onAttempt(rec *LogRecord, a hookdrill.Attempt, at time.Time, failedOnEach bool) {
	before := rec.Status
	rec.Updated = at.Add(a.Latency)
	rec.DeliveryID = a.DeliveryID
	switch {
	case a.Outcome.Success():
		rec.Status = hookdrill.StatusSucceeded
	case failedOnEach && countsForHealth(a.Outcome):
		rec.Status = hookdrill.StatusFailed
	}
	if rec.Status != before {
		// Only a status change is written to the state at once; the
		// final update of a delivery (onDone) writes its last attempt's
		// time, so a retry in between costs the state nothing.
		st.save(rec)
	}
}

// onDone records a delivery's end in rec; s.mu held.
func (st *eventStore) onDone(rec *LogRecord, succeeded, attempted bool) {
	if succeeded {
		rec.Status = hookdrill.StatusSucceeded
	} else {
		rec.Status = hookdrill.StatusFailed
	}
	if !attempted {
		rec.Updated = st.s.clk.Now()
	}
	st.save(rec)
}

// storedEvent is an event-log record as the state keeps it.
type storedEvent struct {
	Owner      string                   `json:"owner"` // subscription or webhook id
	ID         string                   `json:"id"`
	EventType  string                   `json:"event_type"`
	ResourceID string                   `json:"resource_id,omitempty"`
	TargetURL  string                   `json:"target_url"`
	Created    time.Time                `json:"created"`
	Updated    time.Time                `json:"updated"`
	Status     hookdrill.DeliveryStatus `json:"status"`
	Payload    hookdrill.Object         `json:"payload,omitempty"`
	DeliveryID string                   `json:"delivery_id,omitempty"`
	// Key is the log it belongs to (platform/owner).
	Key string `json:"key,omitempty"`
}

func (e *LogRecord) stored() *storedEvent {
	return &storedEvent{Owner: e.Owner, ID: e.ID, EventType: e.EventType, ResourceID: e.ResourceID, TargetURL: e.TargetURL,
		Created: e.Created, Updated: e.Updated, Status: e.Status, Payload: e.Payload, DeliveryID: e.DeliveryID, Key: e.key}
}

func (e *storedEvent) rec(key string) *LogRecord {
	return &LogRecord{Owner: e.Owner, ID: e.ID, EventType: e.EventType, ResourceID: e.ResourceID, TargetURL: e.TargetURL,
		Created: e.Created, Updated: e.Updated, Status: e.Status, Payload: e.Payload, DeliveryID: e.DeliveryID, key: key}
}

// save queues a record's new state; s.mu must be held.
func (st *eventStore) save(rec *LogRecord) {
	s := st.s
	if s.store == nil || rec.dropped {
		return
	}
	if p := rec.saved; p != nil && p.Status == rec.Status && p.Updated.Equal(rec.Updated) && p.DeliveryID == rec.DeliveryID {
		return // nothing new since it was queued
	}
	rec.saved = rec.stored()
	s.commitAsyncLocked(walRec{Events: []*storedEvent{rec.saved}}, nil)
	s.maybeCompactLocked()
}

// snapshot copies the logs for a snapshot; s.mu must be held.
func (st *eventStore) snapshot() map[string][]*storedEvent {
	out := map[string][]*storedEvent{}
	for k, log := range st.logs {
		for _, e := range log {
			out[k] = append(out[k], e.stored())
		}
	}
	return out
}

// load takes the event logs of a loaded state: each ordered by creation
// and cut to the newest limit. It returns what is invalid.
func (st *eventStore) load(logs map[string][]*storedEvent) []string {
	var problems []string
	for k, log := range logs {
		for _, e := range log {
			if e != nil && !ValidStatus(string(e.Status)) {
				problems = append(problems, fmt.Sprintf("event record %q of %q: status %q is not one of %s", e.ID, k, e.Status, DescribeStatuses()))
			}
		}
		log = slices.DeleteFunc(log, func(e *storedEvent) bool { return e == nil || e.ID == "" })
		sort.SliceStable(log, func(i, j int) bool { return log[i].Created.Before(log[j].Created) })
		if n := st.limit; len(log) > n {
			log = log[len(log)-n:]
		}
		recs := make([]*LogRecord, 0, len(log))
		for _, e := range log {
			r := e.rec(k)
			if _, owner, ok := strings.Cut(k, "/"); ok {
				r.Owner = owner
			}
			recs = append(recs, r)
		}
		st.logs[k] = recs
	}
	return problems
}

// applyEvents replays event puts and drops onto loaded logs.
func applyEvents(logs map[string][]*storedEvent, puts []*storedEvent, dropped []string) {
	for _, e := range puts {
		if e == nil {
			continue
		}
		k := e.Key
		if k == "" {
			k = e.Owner
		}
		log := logs[k]
		replaced := false
		for i := len(log) - 1; i >= 0; i-- {
			if log[i] != nil && log[i].ID == e.ID {
				log[i], replaced = e, true
				break
			}
		}
		if !replaced {
			log = append(log, e)
		}
		logs[k] = log
	}
	for _, k := range dropped {
		delete(logs, k)
	}
}

// maybeCompactLocked folds the log into a snapshot once it outgrows both
// the compaction size and the last snapshot; s.mu must be held.
func (s *Server) maybeCompactLocked() {
	st := s.store
	if st == nil {
		return
	}
	// The flusher holds fileMu through its write and fsync: never wait
	// for it here (s.mu is held, and every API call would wait too); the
	// next record checks again.
	if !st.fileMu.TryLock() {
		return
	}
	size := st.size
	st.fileMu.Unlock()
	st.pendMu.Lock()
	size += int64(len(st.pend))
	st.pendMu.Unlock()
	if size > s.compactAt && size > s.snapshotSize {
		if err := s.snapshotLocked(); err != nil {
			s.logf("compacting the state log: %v (the log keeps every change)", err)
		}
	}
}
