package mockserver

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/platform/prolific"
	"github.com/hookdrill/hookdrill/platform/respondent"
	"github.com/hookdrill/hookdrill/sender"
)

// job is one delivery a trigger prepared under s.mu and starts after.
type job struct {
	d   sender.Delivery
	out *Dispatched
	rec *eventRec
}

// Trigger emits one event as the platform would when a resource changes:
// Prolific events go to every confirmed, enabled subscription of the event
// type (optionally of one workspace), each with its own X-Event-ID and an
// event-log record; Respondent events go to the team's active webhook. It
// returns once every delivery has started; the result says where each went.
func (s *Server) Trigger(ctx context.Context, req TriggerRequest) (TriggerResult, error) {
	if err := ctx.Err(); err != nil {
		return TriggerResult{}, err
	}
	switch req.Platform {
	case "", prolific.Name:
		return s.triggerProlific(req)
	case respondent.Name:
		return s.triggerRespondent(req, "")
	}
	fe := fieldErrors{}
	fe.add("platform", "%q is not a platform. Valid: %s, %s.", req.Platform, prolific.Name, respondent.Name)
	return TriggerResult{}, fe.err()
}

func closedError() *Error {
	return &Error{Status: http.StatusServiceUnavailable, Code: CodeInternal, kind: ErrClosed,
		Detail: "The mock server is shutting down."}
}

// specError maps a profile's NewEvent error to the field it concerns.
func specError(err error) *Error {
	fe := fieldErrors{}
	switch {
	case errors.Is(err, prolific.ErrUnknownStatus):
		fe.add("status", "%v", err)
	case errors.Is(err, prolific.ErrUnknownExtra):
		fe.add("extra", "%v", err)
	default:
		fe.add("event_type", "%v", err)
	}
	return fe.err()
}

func (req TriggerRequest) spec() hookdrill.EventSpec {
	return hookdrill.EventSpec{Type: req.EventType, Status: req.Status, ResourceID: req.ResourceID,
		ID: req.EventID, Extra: req.Extra, Payload: req.Payload}
}

// knownProlificIdentity fills in the participant of a submission the mock
// already knows (an earlier event named it, maybe explicitly), so that all
// events of one submission name one participant; a submission it does not
// know gets the profile's, derived from its id. s.mu must be held.
func (s *Server) knownProlificIdentity(spec hookdrill.EventSpec) hookdrill.EventSpec {
	if spec.Type != prolific.EventSubmissionStatusChange || spec.ResourceID == "" || spec.Payload != nil ||
		spec.Extra[prolific.ExtraParticipantID] != "" {
		return spec
	}
	if r, ok := s.submissions[spec.ResourceID]; ok && r.ParticipantID != "" {
		spec.Extra = withExtra(spec.Extra, prolific.ExtraParticipantID, r.ParticipantID)
	}
	return spec
}

// knownRespondentIdentity fills in the project of a screener response the
// mock already knows, as knownProlificIdentity does the participant.
// s.mu must be held.
func (s *Server) knownRespondentIdentity(spec hookdrill.EventSpec) hookdrill.EventSpec {
	if (spec.Type != respondent.EventScreenerResponsesCreated && spec.Type != respondent.EventScreenerResponsesUpdated) ||
		spec.ResourceID == "" || spec.Payload != nil || spec.Extra[respondent.ExtraProjectID] != "" {
		return spec
	}
	var latest *resource
	for _, r := range s.responses {
		if r.ID == spec.ResourceID && r.ProjectID != "" && (latest == nil || r.Updated.After(latest.Updated)) {
			latest = r
		}
	}
	if latest != nil {
		spec.Extra = withExtra(spec.Extra, respondent.ExtraProjectID, latest.ProjectID)
	}
	return spec
}

// webhookIdentity names the webhook an event goes to in the events whose
// resource carries it (MESSAGES.CREATED, CONVERSATIONS.CREATED: webhookId,
// teamId, organizationId, spec 4.3): the webhook's own ids, not random
// ones. Values the caller gave are kept.
func webhookIdentity(spec hookdrill.EventSpec, hook *webhookRec) hookdrill.EventSpec {
	if hook == nil || spec.Payload != nil ||
		(spec.Type != respondent.EventMessagesCreated && spec.Type != respondent.EventConversationsCreated) {
		return spec
	}
	for k, v := range map[string]string{respondent.ExtraWebhookID: hook.ID, respondent.ExtraTeamID: hook.TeamID,
		respondent.ExtraOrganizationID: hook.OrganizationID} {
		if spec.Extra[k] == "" && v != "" {
			spec.Extra = withExtra(spec.Extra, k, v)
		}
	}
	return spec
}

// withExtra returns a copy of extra with k set to v (the caller's map is
// not changed).
func withExtra(extra map[string]string, k, v string) map[string]string {
	out := make(map[string]string, len(extra)+1)
	for ek, ev := range extra {
		out[ek] = ev
	}
	out[k] = v
	return out
}

func (s *Server) triggerProlific(req TriggerRequest) (TriggerResult, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return TriggerResult{}, closedError()
	}
	now := s.clk.Now()
	ev, err := s.cfg.Prolific.NewEvent(s.knownProlificIdentity(req.spec()), s.rnd, now)
	if err == nil && ev.Type == "" {
		err = fmt.Errorf("%w: the event has no event_type", prolific.ErrUnknownEventType)
	}
	if err != nil {
		s.mu.Unlock()
		return TriggerResult{}, specError(err)
	}
	s.saveResourcesLocked(s.recordProlificResource(ev, req.StudyID))
	var subs []*subRec
	for _, rec := range s.st.Subscriptions {
		if rec.EventType == ev.Type && (req.WorkspaceID == "" || rec.WorkspaceID == req.WorkspaceID) {
			subs = append(subs, rec)
		}
	}
	sort.Slice(subs, func(i, j int) bool { return subs[i].Seq < subs[j].Seq })
	res := TriggerResult{Event: ev, Deliveries: []Dispatched{}}
	var jobs []job
	for _, sub := range subs {
		switch {
		case !sub.Confirmed:
			res.Skipped = append(res.Skipped, Skipped{SubscriptionID: sub.ID, TargetURL: hookdrill.RedactURL(sub.TargetURL),
				Reason: "not confirmed (POST the X-Hook-Secret to the subscription to confirm it)"})
			continue
		case !sub.IsEnabled:
			res.Skipped = append(res.Skipped, Skipped{SubscriptionID: sub.ID, TargetURL: hookdrill.RedactURL(sub.TargetURL),
				Reason: "disabled (PATCH is_enabled: true to resume)"})
			continue
		}
		e := ev
		e.Payload = ev.Payload.Clone()
		if len(jobs) > 0 && req.EventID == "" {
			e.ID = s.hex24() // one X-Event-ID per subscription event (P7)
		}
		rec := &eventRec{id: e.ID, eventType: e.Type, resourceID: e.ResourceID, targetURL: sub.TargetURL,
			created: now, updated: now, status: hookdrill.StatusPending, payload: e.Payload}
		rec.owner = sub.ID
		s.appendEventLocked(rec)
		pair := &prolific.Pair{TargetURL: sub.TargetURL, EventType: sub.EventType}
		subID, ws := sub.ID, sub.WorkspaceID
		out := &Dispatched{EventID: e.ID, SubscriptionID: sub.ID, WorkspaceID: ws, TargetURL: hookdrill.RedactURL(sub.TargetURL)}
		d := sender.Delivery{
			Event: e, Profile: s.cfg.Prolific,
			Target: hookdrill.Target{URL: sub.TargetURL, Secret: hookdrill.Secret(s.st.Secrets[ws].Value)},
			Tags:   []string{"mock", "subscription:" + subID},
			Hooks: sender.Hooks{
				Secret: func() (string, bool) { return s.workspaceSecret(ws) },
				Active: func() bool { return s.subscriptionActive(subID, rec.targetURL) },
			},
		}
		jobs = append(jobs, s.hook(job{d: d, out: out, rec: rec}, pair))
	}
	s.live.Add(len(jobs))
	s.mu.Unlock()
	res.Deliveries = s.start(jobs)
	return res, nil
}

// hook adds the event-log and health hooks to j.
func (s *Server) hook(j job, pair *prolific.Pair) job {
	rec := j.rec
	j.d.Hooks.OnAttempt = func(a hookdrill.Attempt) { s.onAttempt(rec, pair, a) }
	j.d.Hooks.OnDone = func(r sender.Result) { s.onDone(rec, pair, r) }
	return j
}

// start hands the prepared deliveries to the dispatcher; s.mu must not be
// held (a dispatcher may run hooks before returning).
func (s *Server) start(jobs []job) []Dispatched {
	out := make([]Dispatched, 0, len(jobs))
	for _, j := range jobs {
		h, err := s.disp.Deliver(s.ctx, j.d)
		if err != nil {
			s.mu.Lock()
			j.rec.status = hookdrill.StatusFailed
			j.rec.updated = s.clk.Now()
			s.saveEventLocked(j.rec)
			s.mu.Unlock()
			s.live.Done()
			j.out.Error = err.Error()
		} else {
			j.out.DeliveryID = h.ID()
			s.mu.Lock()
			if j.rec.deliveryID == "" {
				j.rec.deliveryID = h.ID()
			}
			s.mu.Unlock()
		}
		out = append(out, *j.out)
	}
	return out
}

func (s *Server) workspaceSecret(ws string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sec, ok := s.st.Secrets[ws]
	if !ok {
		return "", false
	}
	return sec.Value, true
}

func (s *Server) subscriptionActive(id, target string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.st.Subscriptions[id]
	return ok && rec.Confirmed && rec.IsEnabled && rec.TargetURL == target
}

func attemptTime(a hookdrill.Attempt, now time.Time) time.Time {
	if !a.SimStarted.IsZero() {
		return a.SimStarted
	}
	return now
}

// countsForHealth reports whether an attempt outcome says something about
// the receiver (not a local error or a cancellation).
func countsForHealth(o hookdrill.Outcome) bool {
	switch o {
	case hookdrill.OutcomeLocalError, hookdrill.OutcomeCancelled, hookdrill.OutcomeUndelivered:
		return false
	}
	return true
}

func (s *Server) onAttempt(rec *eventRec, pair *prolific.Pair, a hookdrill.Attempt) {
	s.mu.Lock()
	defer s.mu.Unlock()
	at := attemptTime(a, s.clk.Now())
	before := rec.status
	rec.updated = at.Add(a.Latency)
	rec.deliveryID = a.DeliveryID
	switch {
	case a.Outcome.Success():
		rec.status = hookdrill.StatusSucceeded
	case s.cfg.FailedOnEachAttempt && countsForHealth(a.Outcome):
		rec.status = hookdrill.StatusFailed
	}
	if rec.status != before {
		// Only a status change is written to the state at once; the
		// final update of a delivery (onDone) writes its last attempt's
		// time, so a retry in between costs the state nothing.
		s.saveEventLocked(rec)
	}
	if pair != nil && s.cfg.HealthFrom == HealthFromAttempts && countsForHealth(a.Outcome) {
		s.observe(*pair, at, a.Outcome.Success())
	}
}

func (s *Server) onDone(rec *eventRec, pair *prolific.Pair, r sender.Result) {
	defer s.live.Done()
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Status == hookdrill.StatusSucceeded {
		rec.status = hookdrill.StatusSucceeded
	} else {
		rec.status = hookdrill.StatusFailed
	}
	if len(r.Attempts) == 0 {
		rec.updated = s.clk.Now()
	}
	s.saveEventLocked(rec)
	if pair != nil && s.cfg.HealthFrom == HealthFromDeliveries && len(r.Attempts) > 0 && countsForHealth(r.Outcome) {
		last := r.Attempts[len(r.Attempts)-1]
		s.observe(*pair, attemptTime(last, s.clk.Now()), r.Status == hookdrill.StatusSucceeded)
	}
}

// observe folds one outcome into the pair's health and carries out the
// policy's action (spec 2.8); s.mu must be held.
func (s *Server) observe(p prolific.Pair, at time.Time, success bool) {
	h, act := s.policy.Observe(s.health[p], at, success)
	s.health[p] = h
	if act == prolific.ActionNone {
		return
	}
	var ids []string
	r := walRec{Health: []healthRec{{Pair: p, Health: h}}}
	for _, rec := range s.st.Subscriptions {
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
	e := hookdrill.Entry{Kind: hookdrill.KindNotice, Notice: &n}
	if s.sim != nil {
		e.Sim = at
	}
	s.journal.Append(e)
	s.logf("%s: %s %s", n.Type, n.EventType, n.TargetURL)
	s.commitAsyncLocked(r)
}

func (s *Server) activeWebhookLocked() *webhookRec {
	for _, w := range s.st.Webhooks {
		if w.Active {
			return w
		}
	}
	return nil
}

// triggerRespondent emits a Respondent event to the active webhook;
// webhookID, when set, must name it (the simulate endpoint).
func (s *Server) triggerRespondent(req TriggerRequest, webhookID string) (TriggerResult, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return TriggerResult{}, closedError()
	}
	hook := s.activeWebhookLocked()
	if webhookID != "" && (hook == nil || hook.ID != webhookID) {
		s.mu.Unlock()
		return TriggerResult{}, notFound("webhook", webhookID)
	}
	now := s.clk.Now()
	ev, err := s.cfg.Respondent.NewEvent(webhookIdentity(s.knownRespondentIdentity(req.spec()), hook), s.rnd, now)
	if err == nil && ev.Type == "" {
		err = fmt.Errorf("%w: the event has no event type", respondent.ErrUnknownEventType)
	}
	if err != nil {
		s.mu.Unlock()
		return TriggerResult{}, specError(err)
	}
	// simulate "will use random resource ids" (spec 4.1): the screener
	// responses it announces do not exist, so they are not fetchable,
	// unless Config.SimulateFetchable says otherwise.
	if webhookID == "" || s.cfg.SimulateFetchable {
		s.saveResourcesLocked(s.recordRespondentResource(ev))
	}
	res := TriggerResult{Event: ev, Deliveries: []Dispatched{}}
	if hook == nil {
		res.Skipped = append(res.Skipped, Skipped{Reason: "no active webhook (POST /v1/webhooks to create one)"})
		s.mu.Unlock()
		return res, nil
	}
	rec := &eventRec{id: ev.ID, eventType: ev.Type, resourceID: ev.ResourceID, targetURL: hook.URL,
		created: now, updated: now, status: hookdrill.StatusPending, payload: ev.Payload}
	rec.owner = hook.ID
	s.appendEventLocked(rec)
	id, key := hook.ID, hook.PrivateKey
	d := sender.Delivery{
		Event: ev, Profile: s.cfg.Respondent,
		Target: hookdrill.Target{URL: hook.URL, Secret: hookdrill.Secret(key)},
		Tags:   []string{"mock", "webhook:" + id},
		Hooks: sender.Hooks{
			Active: func() bool {
				s.mu.Lock()
				defer s.mu.Unlock()
				w, ok := s.st.Webhooks[id]
				return ok && w.Active
			},
		},
	}
	out := &Dispatched{EventID: ev.ID, WebhookID: id, TargetURL: hookdrill.RedactURL(hook.URL)}
	jobs := []job{s.hook(job{d: d, out: out, rec: rec}, nil)}
	s.live.Add(1)
	s.mu.Unlock()
	res.Deliveries = s.start(jobs)
	return res, nil
}

func valueOf(o hookdrill.Object, key string) any {
	v, _ := o.Get(key)
	return v
}
