package mock

import (
	"context"
	"fmt"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/mockserver"
	"github.com/hookdrill/hookdrill/platform/respondent"
	"github.com/hookdrill/hookdrill/sender"
)

// Trigger implements mockserver.Platform: the event goes to the team's
// active webhook.
func (m *Mock) Trigger(ctx context.Context, req mockserver.TriggerRequest) (mockserver.TriggerResult, error) {
	if err := ctx.Err(); err != nil {
		return mockserver.TriggerResult{}, err
	}
	return m.trigger(req, "")
}

// specError maps a profile's NewEvent error to the field it concerns.
func specError(err error) *mockserver.Error {
	fe := mockserver.FieldErrors{}
	fe.Add("event_type", "%v", err)
	return fe.Err(0)
}

// knownIdentity fills in the project of a screener response the mock
// already knows, so that all events of one response name one project.
// The lock must be held.
func (m *Mock) knownIdentity(spec hookdrill.EventSpec) hookdrill.EventSpec {
	if (spec.Type != respondent.EventScreenerResponsesCreated && spec.Type != respondent.EventScreenerResponsesUpdated) ||
		spec.ResourceID == "" || spec.Payload != nil || spec.Extra[respondent.ExtraProjectID] != "" {
		return spec
	}
	var latest *resource
	for _, r := range m.responses {
		if r.ID == spec.ResourceID && r.ProjectID != "" && (latest == nil || r.Updated.After(latest.Updated)) {
			latest = r
		}
	}
	if latest != nil {
		spec.Extra = mockserver.WithExtra(spec.Extra, respondent.ExtraProjectID, latest.ProjectID)
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
			spec.Extra = mockserver.WithExtra(spec.Extra, k, v)
		}
	}
	return spec
}

func (m *Mock) activeWebhookLocked() *webhookRec {
	for _, w := range m.st.Webhooks {
		if w.Active {
			return w
		}
	}
	return nil
}

// trigger emits an event to the active webhook; webhookID, when set,
// must name it (the simulate endpoint).
func (m *Mock) trigger(req mockserver.TriggerRequest, webhookID string) (mockserver.TriggerResult, error) {
	h := m.h
	h.Lock()
	if h.Closed() {
		h.Unlock()
		return mockserver.TriggerResult{}, mockserver.ClosedError()
	}
	hook := m.activeWebhookLocked()
	if webhookID != "" && (hook == nil || hook.ID != webhookID) {
		h.Unlock()
		return mockserver.TriggerResult{}, mockserver.NotFound("webhook", webhookID)
	}
	now := h.Now()
	ev, err := m.opt.Profile.NewEvent(webhookIdentity(m.knownIdentity(req.Spec()), hook), h.Rand(), now)
	if err == nil && ev.Type == "" {
		err = fmt.Errorf("%w: the event has no event type", respondent.ErrUnknownEventType)
	}
	if err != nil {
		h.Unlock()
		return mockserver.TriggerResult{}, specError(err)
	}
	// simulate "will use random resource ids" (spec 4.1): the screener
	// responses it announces do not exist, so they are not fetchable,
	// unless Options.SimulateFetchable says otherwise.
	if webhookID == "" || m.opt.SimulateFetchable {
		m.saveResourcesLocked(m.recordResource(ev))
	}
	res := mockserver.TriggerResult{Event: ev, Deliveries: []mockserver.Dispatched{}}
	if hook == nil {
		res.Skipped = append(res.Skipped, mockserver.Skipped{Reason: "no active webhook (POST /v1/webhooks to create one)"})
		h.Unlock()
		return res, nil
	}
	rec := &mockserver.LogRecord{Owner: hook.ID, ID: ev.ID, EventType: ev.Type, ResourceID: ev.ResourceID, TargetURL: hook.URL,
		Created: now, Updated: now, Status: hookdrill.StatusPending, Payload: ev.Payload}
	h.Events().Append(rec)
	id, key := hook.ID, hook.PrivateKey
	d := sender.Delivery{
		Event: ev, Profile: m.opt.Profile,
		Target: hookdrill.Target{URL: hook.URL, Secret: hookdrill.Secret(key)},
		Tags:   []string{"mock", "webhook:" + id},
		Hooks: sender.Hooks{
			Active: func() bool {
				h.Lock()
				defer h.Unlock()
				w, ok := m.st.Webhooks[id]
				return ok && w.Active
			},
		},
	}
	jobs := []mockserver.Job{{Delivery: d, Record: rec,
		Out: mockserver.Dispatched{EventID: ev.ID, WebhookID: id, TargetURL: hookdrill.RedactURL(hook.URL)}}}
	h.Reserve(1)
	h.Unlock()
	res.Deliveries = h.Start(jobs)
	return res, nil
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
