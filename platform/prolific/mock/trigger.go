package mock

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/mockserver"
	"github.com/hookdrill/hookdrill/platform/prolific"
	"github.com/hookdrill/hookdrill/sender"
)

// Trigger implements mockserver.Platform: the event goes to every
// confirmed, enabled subscription of its type (optionally of one
// workspace), each with its own X-Event-ID and event-log record. It
// returns once every delivery has started.
func (m *Mock) Trigger(ctx context.Context, req mockserver.TriggerRequest) (mockserver.TriggerResult, error) {
	if err := ctx.Err(); err != nil {
		return mockserver.TriggerResult{}, err
	}
	h := m.h
	h.Lock()
	if h.Closed() {
		h.Unlock()
		return mockserver.TriggerResult{}, mockserver.ClosedError()
	}
	now := h.Now()
	ev, err := m.opt.Profile.NewEvent(m.knownIdentity(req.Spec()), h.Rand(), now)
	if err == nil && ev.Type == "" {
		err = fmt.Errorf("%w: the event has no event_type", prolific.ErrUnknownEventType)
	}
	if err != nil {
		h.Unlock()
		return mockserver.TriggerResult{}, specError(err)
	}
	m.saveResourcesLocked(m.recordResource(ev, req.StudyID))
	var subs []*subRec
	for _, rec := range m.st.Subscriptions {
		if rec.EventType == ev.Type && (req.WorkspaceID == "" || rec.WorkspaceID == req.WorkspaceID) {
			subs = append(subs, rec)
		}
	}
	sort.Slice(subs, func(i, j int) bool { return subs[i].Seq < subs[j].Seq })
	res := mockserver.TriggerResult{Event: ev, Deliveries: []mockserver.Dispatched{}}
	var jobs []mockserver.Job
	for _, sub := range subs {
		switch {
		case !sub.Confirmed:
			res.Skipped = append(res.Skipped, mockserver.Skipped{SubscriptionID: sub.ID, TargetURL: hookdrill.RedactURL(sub.TargetURL),
				Reason: "not confirmed (POST the X-Hook-Secret to the subscription to confirm it)"})
			continue
		case !sub.IsEnabled:
			res.Skipped = append(res.Skipped, mockserver.Skipped{SubscriptionID: sub.ID, TargetURL: hookdrill.RedactURL(sub.TargetURL),
				Reason: "disabled (PATCH is_enabled: true to resume)"})
			continue
		}
		e := ev
		e.Payload = ev.Payload.Clone()
		if len(jobs) > 0 && req.EventID == "" {
			e.ID = h.Hex24() // one X-Event-ID per subscription event (P7)
		}
		rec := &mockserver.LogRecord{Owner: sub.ID, ID: e.ID, EventType: e.Type, ResourceID: e.ResourceID,
			TargetURL: sub.TargetURL, Created: now, Updated: now, Status: hookdrill.StatusPending, Payload: e.Payload}
		h.Events().Append(rec)
		pair := prolific.Pair{TargetURL: sub.TargetURL, EventType: sub.EventType}
		subID, ws, target := sub.ID, sub.WorkspaceID, sub.TargetURL
		d := sender.Delivery{
			Event: e, Profile: m.opt.Profile,
			Target: hookdrill.Target{URL: sub.TargetURL, Secret: hookdrill.Secret(m.st.Secrets[ws].Value)},
			Tags:   []string{"mock", "subscription:" + subID},
			Hooks: sender.Hooks{
				Secret: func() (string, bool) { return m.workspaceSecret(ws) },
				Active: func() bool { return m.subscriptionActive(subID, target) },
			},
		}
		jobs = append(jobs, mockserver.Job{Delivery: d, Record: rec,
			Out: mockserver.Dispatched{EventID: e.ID, SubscriptionID: sub.ID, WorkspaceID: ws, TargetURL: hookdrill.RedactURL(sub.TargetURL)},
			OnAttempt: func(a hookdrill.Attempt, at time.Time) {
				if m.opt.HealthFrom == HealthFromAttempts && mockserver.CountsForHealth(a.Outcome) {
					m.observe(pair, at, a.Outcome.Success())
				}
			},
			OnDone: func(r sender.Result) {
				if m.opt.HealthFrom == HealthFromDeliveries && len(r.Attempts) > 0 && mockserver.CountsForHealth(r.Outcome) {
					last := r.Attempts[len(r.Attempts)-1]
					m.observe(pair, mockserver.AttemptTime(last, h.Now()), r.Status == hookdrill.StatusSucceeded)
				}
			},
		})
	}
	h.Reserve(len(jobs))
	h.Unlock()
	res.Deliveries = h.Start(jobs)
	return res, nil
}

// specError maps a profile's NewEvent error to the field it concerns.
func specError(err error) *mockserver.Error {
	fe := mockserver.FieldErrors{}
	switch {
	case errors.Is(err, prolific.ErrUnknownStatus):
		fe.Add("status", "%v", err)
	case errors.Is(err, prolific.ErrUnknownExtra):
		fe.Add("extra", "%v", err)
	default:
		fe.Add("event_type", "%v", err)
	}
	return fieldErr(fe)
}

// knownIdentity fills in the participant of a submission the mock
// already knows (an earlier event named it, maybe explicitly), so that all
// events of one submission name one participant; a submission it does not
// know gets the profile's, derived from its id. The lock must be held.
func (m *Mock) knownIdentity(spec hookdrill.EventSpec) hookdrill.EventSpec {
	if spec.Type != prolific.EventSubmissionStatusChange || spec.ResourceID == "" || spec.Payload != nil ||
		spec.Extra[prolific.ExtraParticipantID] != "" {
		return spec
	}
	if r, ok := m.submissions[spec.ResourceID]; ok && r.ParticipantID != "" {
		spec.Extra = mockserver.WithExtra(spec.Extra, prolific.ExtraParticipantID, r.ParticipantID)
	}
	return spec
}

func (m *Mock) workspaceSecret(ws string) (string, bool) {
	m.h.Lock()
	defer m.h.Unlock()
	sec, ok := m.st.Secrets[ws]
	if !ok {
		return "", false
	}
	return sec.Value, true
}

func (m *Mock) subscriptionActive(id, target string) bool {
	m.h.Lock()
	defer m.h.Unlock()
	rec, ok := m.st.Subscriptions[id]
	return ok && rec.Confirmed && rec.IsEnabled && rec.TargetURL == target
}

// observe folds one outcome into the pair's health and carries out the
// policy's action (spec 2.8); the lock must be held.
func (m *Mock) observe(p prolific.Pair, at time.Time, success bool) {
	h, act := m.opt.DisablePolicy.Observe(m.health[p], at, success)
	m.health[p] = h
	if act == prolific.ActionNone {
		return
	}
	var ids []string
	r := record{Health: []healthRec{{Pair: p, Health: h}}}
	for _, rec := range m.st.Subscriptions {
		if rec.TargetURL == p.TargetURL && rec.EventType == p.EventType {
			if act == prolific.ActionDisable && rec.IsEnabled {
				rec.IsEnabled = false
				r.Subs = append(r.Subs, rec)
			}
			ids = append(ids, rec.ID)
		}
	}
	sort.Strings(ids)
	n := hookdrill.Notice{Platform: prolific.Name, TargetURL: hookdrill.RedactURL(p.TargetURL), EventType: p.EventType,
		SubscriptionIDs: ids}
	switch act {
	case prolific.ActionNotify:
		n.Type = "customer_success_notified"
		n.Detail = fmt.Sprintf("every delivery for this target URL and event type has failed on %d consecutive days; "+
			"Prolific's Customer Success team would contact the customer now", h.Streak)
	case prolific.ActionDisable:
		n.Type = "auto_disabled"
		n.Detail = fmt.Sprintf("every delivery for this target URL and event type has failed on %d consecutive days; "+
			"every subscription with the pair is disabled until PATCHed is_enabled: true", h.Streak)
	}
	m.h.Notice(n, at)
	m.h.Logf("%s: %s %s", n.Type, n.EventType, n.TargetURL)
	m.h.CommitAsync(&r)
}

// saveResourcesLocked queues changed resources; the lock must be held.
func (m *Mock) saveResourcesLocked(rs []*resource) {
	if !m.h.Persistent() || len(rs) == 0 {
		return
	}
	out := make([]storedResource, 0, len(rs))
	for _, r := range rs {
		out = append(out, storedResource{Kind: r.kind, Key: r.key, Resource: r})
	}
	m.h.CommitAsync(&record{Resources: out, ResSeq: m.resSeq})
}
