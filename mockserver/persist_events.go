package mockserver

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/platform/prolific"
	"github.com/hookdrill/hookdrill/platform/respondent"
)

// Event logs and read-only resources in the state file (Config.StatePath).
// They are platform-side records, not answers to a client, so they are
// queued for the state log without waiting (group commit, as notices are):
// a crash can lose the last few, never a client's acknowledged change. Each
// subscription's and webhook's log keeps its newest Config.EventLogLimit
// records, in memory and on disk.

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
}

func (e *eventRec) stored() *storedEvent {
	return &storedEvent{Owner: e.owner, ID: e.id, EventType: e.eventType, ResourceID: e.resourceID, TargetURL: e.targetURL,
		Created: e.created, Updated: e.updated, Status: e.status, Payload: e.payload, DeliveryID: e.deliveryID}
}

func (e *storedEvent) rec() *eventRec {
	return &eventRec{owner: e.Owner, id: e.ID, eventType: e.EventType, resourceID: e.ResourceID, targetURL: e.TargetURL,
		created: e.Created, updated: e.Updated, status: e.Status, payload: e.Payload, deliveryID: e.DeliveryID}
}

// Resource kinds in the state.
const (
	kindStudy      = "study"
	kindSubmission = "submission"
	kindResponse   = "screener_response"
	kindProject    = "project"
)

// storedResource is one resource put in the state log.
type storedResource struct {
	Kind     string    `json:"kind"`
	Key      string    `json:"key"`
	Resource *resource `json:"resource"`
}

// resourceMaps returns the server's resource maps by kind; s.mu must be
// held.
func (s *Server) resourceMaps() map[string]map[string]*resource {
	return map[string]map[string]*resource{kindStudy: s.studies, kindSubmission: s.submissions,
		kindResponse: s.responses, kindProject: s.projects}
}

// appendEventLocked adds rec to its owner's log, drops the oldest records
// beyond the limit, and queues it for the state; s.mu must be held.
func (s *Server) appendEventLocked(rec *eventRec) {
	log := append(s.events[rec.owner], rec)
	if n := s.cfg.EventLogLimit; len(log) > n {
		for _, old := range log[:len(log)-n] {
			old.dropped = true
		}
		log = append([]*eventRec(nil), log[len(log)-n:]...)
	}
	s.events[rec.owner] = log
	s.saveEventLocked(rec)
}

// saveEventLocked queues a record's new state; s.mu must be held.
func (s *Server) saveEventLocked(rec *eventRec) {
	if s.store == nil || rec.dropped {
		return
	}
	if p := rec.saved; p != nil && p.Status == rec.status && p.Updated.Equal(rec.updated) && p.DeliveryID == rec.deliveryID {
		return // nothing new since it was queued
	}
	rec.saved = rec.stored()
	s.commitAsyncLocked(walRec{Events: []*storedEvent{rec.saved}})
	s.maybeCompactLocked()
}

// saveResourcesLocked queues changed resources; s.mu must be held.
func (s *Server) saveResourcesLocked(rs []*resource) {
	if s.store == nil || len(rs) == 0 {
		return
	}
	out := make([]storedResource, 0, len(rs))
	for _, r := range rs {
		out = append(out, storedResource{Kind: r.kind, Key: r.key, Resource: r})
	}
	s.commitAsyncLocked(walRec{Resources: out, ResSeq: s.resSeq})
	s.maybeCompactLocked()
}

// maybeCompactLocked folds the log into a snapshot once it outgrows both
// the compaction size and the last snapshot; s.mu must be held.
func (s *Server) maybeCompactLocked() {
	st := s.store
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

// fillSnapshotLocked copies event logs and resources into s.st for a
// snapshot; s.mu must be held.
func (s *Server) fillSnapshotLocked() {
	s.st.Events = map[string][]*storedEvent{}
	for owner, log := range s.events {
		for _, e := range log {
			s.st.Events[owner] = append(s.st.Events[owner], e.stored())
		}
	}
	s.st.Resources = map[string]map[string]*resource{}
	for kind, m := range s.resourceMaps() {
		if len(m) > 0 {
			s.st.Resources[kind] = m
		}
	}
	s.st.ResSeq = s.resSeq
}

// loadEventsLocked takes the event logs and resources out of a loaded
// state: each log ordered by creation and cut to the newest
// EventLogLimit; logs of subscriptions or webhooks that are gone dropped.
func (s *Server) loadEventsLocked() {
	for owner, log := range s.st.Events {
		_, isSub := s.st.Subscriptions[owner]
		_, isHook := s.st.Webhooks[owner]
		if !isSub && !isHook {
			continue
		}
		log = slices.DeleteFunc(log, func(e *storedEvent) bool { return e == nil || e.ID == "" })
		sort.SliceStable(log, func(i, j int) bool { return log[i].Created.Before(log[j].Created) })
		if n := s.cfg.EventLogLimit; len(log) > n {
			log = log[len(log)-n:]
		}
		recs := make([]*eventRec, 0, len(log))
		for _, e := range log {
			e.Owner = owner
			recs = append(recs, e.rec())
		}
		s.events[owner] = recs
	}
	maps := s.resourceMaps()
	for kind, m := range s.st.Resources {
		dst, ok := maps[kind]
		if !ok {
			continue
		}
		for k, r := range m {
			if r != nil && r.ID != "" {
				r.kind, r.key = kind, k
				dst[k] = r
			}
		}
	}
	s.resSeq = s.st.ResSeq
	s.st.Events, s.st.Resources = nil, nil
}

// applyEvents replays event and resource puts onto a loaded state.
func (r *walRec) applyEvents(st *state) {
	for _, e := range r.Events {
		if e == nil {
			continue
		}
		if st.Events == nil {
			st.Events = map[string][]*storedEvent{}
		}
		log := st.Events[e.Owner]
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
		st.Events[e.Owner] = log
	}
	for _, p := range r.Resources {
		if p.Resource == nil {
			continue
		}
		if st.Resources == nil {
			st.Resources = map[string]map[string]*resource{}
		}
		if st.Resources[p.Kind] == nil {
			st.Resources[p.Kind] = map[string]*resource{}
		}
		st.Resources[p.Kind][p.Key] = p.Resource
	}
	if r.ResSeq > st.ResSeq {
		st.ResSeq = r.ResSeq
	}
	for _, id := range r.Deleted {
		delete(st.Events, id)
	}
}

// validateStoredEvents checks the event logs and resources of a loaded
// state as the API would produce them: a known delivery status, and a
// resource status from its platform's vocabulary under its own key.
func validateStoredEvents(st *state) []string {
	var problems []string
	for owner, log := range st.Events {
		for _, e := range log {
			if e != nil && !validStatus(string(e.Status)) {
				problems = append(problems, fmt.Sprintf("event record %q of %q: status %q is not one of %s", e.ID, owner, e.Status, describeStatuses()))
			}
		}
	}
	vocab := map[string][]string{kindStudy: prolific.StudyStatuses(), kindSubmission: prolific.SubmissionStatuses(),
		kindResponse: respondent.ScreenerResponseStatuses(), kindProject: respondent.RecruitingStatuses()}
	for kind, m := range st.Resources {
		valid, ok := vocab[kind]
		if !ok {
			problems = append(problems, fmt.Sprintf("resources: unknown kind %q", kind))
			continue
		}
		for key, r := range m {
			if r == nil {
				continue
			}
			want := r.ID
			if kind == kindResponse {
				want = r.ProjectID + "/" + r.ID
			}
			if key != want {
				problems = append(problems, fmt.Sprintf("%s %q does not match its key %q", kind, r.ID, key))
			}
			if !slices.Contains(valid, r.Status) {
				problems = append(problems, fmt.Sprintf("%s %q: status %q is not one of %s", kind, key, r.Status, strings.Join(valid, ", ")))
			}
		}
	}
	return problems
}
