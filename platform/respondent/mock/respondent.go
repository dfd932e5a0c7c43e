package mock

import (
	"context"
	"github.com/hookdrill/hookdrill/mockserver"
	"net/url"
	"slices"
	"strings"

	"github.com/hookdrill/hookdrill/platform/respondent"
)

// The Respondent side of the Go API (spec 4.1).

// CreateWebhook creates the team's webhook for rawURL, deactivating the
// previous one (one per team). privateKey "" generates a UUIDv4 (R8).
func (m *Mock) CreateWebhook(rawURL, privateKey string) (Webhook, error) {
	if msg := checkURL(rawURL); msg != "" {
		return Webhook{}, mockserver.BadRequest([]string{msg})
	}
	if m.h.IsControlTarget(rawURL) {
		return Webhook{}, mockserver.BadRequest([]string{"url must not point at this server's own control API (" + mockserver.ControlPrefix + ")"})
	}
	m.h.Lock()
	defer m.h.Unlock()
	var changed []*webhookRec
	for _, w := range m.st.Webhooks {
		if w.Active {
			w.Active = false
			changed = append(changed, w)
		}
	}
	if privateKey == "" {
		privateKey = m.h.UUID4()
	}
	w := &webhookRec{Webhook: Webhook{ID: m.h.Hex24(), URL: rawURL, PrivateKey: privateKey, TeamID: m.st.TeamID,
		OrganizationID: m.st.OrganizationID}, Active: true, Seq: m.h.NextSeq(), Created: m.h.Now()}
	m.st.Webhooks[w.ID] = w
	if err := m.h.Commit(&record{Webhooks: append(changed, w)}); err != nil {
		delete(m.st.Webhooks, w.ID)
		for _, c := range changed {
			c.Active = true
		}
		return Webhook{}, err
	}
	return w.Webhook, nil
}

// checkURL accepts any absolute http(s) URL (spec 4.1 [INF]).
func checkURL(raw string) string {
	if raw == "" {
		return "url should not be empty"
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" {
		return "url must be a URL address"
	}
	return ""
}

// ActiveWebhook returns the team's active webhook.
func (m *Mock) ActiveWebhook() (Webhook, error) {
	m.h.Lock()
	defer m.h.Unlock()
	if w := m.activeWebhookLocked(); w != nil {
		return w.Webhook, nil
	}
	return Webhook{}, mockserver.NotFound("webhook", "")
}

// Webhook returns an active webhook by id; deactivated ones are not found
// (R7).
func (m *Mock) Webhook(id string) (Webhook, error) {
	m.h.Lock()
	defer m.h.Unlock()
	if w, ok := m.st.Webhooks[id]; ok && w.Active {
		return w.Webhook, nil
	}
	return Webhook{}, mockserver.NotFound("webhook", id)
}

// DeactivateWebhook deactivates a webhook (DELETE, spec 4.1).
func (m *Mock) DeactivateWebhook(id string) error {
	m.h.Lock()
	defer m.h.Unlock()
	w, ok := m.st.Webhooks[id]
	if !ok || !w.Active {
		return mockserver.NotFound("webhook", id)
	}
	w.Active = false
	if err := m.h.Commit(&record{Webhooks: []*webhookRec{w}}); err != nil {
		w.Active = true
		return err
	}
	return nil
}

// Simulate sends a test event to the webhook (spec 4.1): a real signed
// delivery with random resource ids. variant is the optional
// screenerResponseUpdatedType of SCREENER_RESPONSES.UPDATED.
func (m *Mock) Simulate(ctx context.Context, webhookID, event, variant string) (mockserver.TriggerResult, error) {
	if err := ctx.Err(); err != nil {
		return mockserver.TriggerResult{}, err
	}
	var msgs []string
	if !slices.Contains(respondent.EventTypeNames(), event) {
		msgs = append(msgs, "event must be one of the following values: "+strings.Join(respondent.EventTypeNames(), ", "))
	}
	req := mockserver.TriggerRequest{Platform: respondent.Name, EventType: event}
	if variant != "" {
		switch {
		case !slices.Contains(respondent.ScreenerResponseUpdatedTypes(), variant):
			msgs = append(msgs, "screenerResponseUpdatedType must be one of the following values: "+
				strings.Join(respondent.ScreenerResponseUpdatedTypes(), ", "))
		case event != respondent.EventScreenerResponsesUpdated:
			msgs = append(msgs, "screenerResponseUpdatedType is only valid with event "+respondent.EventScreenerResponsesUpdated)
		default:
			req.Extra = map[string]string{respondent.ExtraScreenerResponseUpdatedType: variant}
		}
	}
	if len(msgs) > 0 {
		// The webhook must exist before the body is looked at? Nest
		// validates the body first (ValidationPipe), so do the same.
		return mockserver.TriggerResult{}, mockserver.BadRequest(msgs)
	}
	return m.trigger(req, webhookID)
}

// Events returns a webhook's event-log records, newest first, and the
// number that matched before offset and limit (0: all).
func (m *Mock) Events(id string, f mockserver.EventFilter) ([]mockserver.LogRecord, int, error) {
	m.h.Lock()
	defer m.h.Unlock()
	if _, ok := m.st.Webhooks[id]; !ok {
		return nil, 0, mockserver.NotFound("webhook", id)
	}
	recs, total := m.h.Events().Query(id, f)
	return recs, total, nil
}
