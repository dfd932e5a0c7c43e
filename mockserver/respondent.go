package mockserver

import (
	"context"
	"net/url"
	"slices"
	"strings"

	"github.com/hookdrill/hookdrill/platform/respondent"
)

// The Respondent side of the Go API (spec 4.1).

// CreateWebhook creates the team's webhook for rawURL, deactivating the
// previous one (one per team). privateKey "" generates a UUIDv4 (R8).
func (s *Server) CreateWebhook(rawURL, privateKey string) (Webhook, error) {
	if msg := checkRespondentURL(rawURL); msg != "" {
		return Webhook{}, badRequest([]string{msg})
	}
	if s.isControlTarget(rawURL) {
		return Webhook{}, badRequest([]string{"url must not point at this server's own control API (" + ControlPrefix + ")"})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var changed []*webhookRec
	for _, w := range s.st.Webhooks {
		if w.Active {
			w.Active = false
			changed = append(changed, w)
		}
	}
	if privateKey == "" {
		privateKey = s.uuid4()
	}
	w := &webhookRec{Webhook: Webhook{ID: s.hex24(), URL: rawURL, PrivateKey: privateKey, TeamID: s.st.TeamID,
		OrganizationID: s.st.OrganizationID}, Active: true, Seq: s.nextSeq(), Created: s.clk.Now()}
	s.st.Webhooks[w.ID] = w
	if err := s.commitLocked(walRec{Webhooks: append(changed, w)}); err != nil {
		delete(s.st.Webhooks, w.ID)
		for _, c := range changed {
			c.Active = true
		}
		return Webhook{}, err
	}
	return w.Webhook, nil
}

// checkRespondentURL accepts any absolute http(s) URL (spec 4.1 [INF]).
func checkRespondentURL(raw string) string {
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
func (s *Server) ActiveWebhook() (Webhook, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if w := s.activeWebhookLocked(); w != nil {
		return w.Webhook, nil
	}
	return Webhook{}, notFound("webhook", "")
}

// Webhook returns an active webhook by id; deactivated ones are not found
// (R7).
func (s *Server) Webhook(id string) (Webhook, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if w, ok := s.st.Webhooks[id]; ok && w.Active {
		return w.Webhook, nil
	}
	return Webhook{}, notFound("webhook", id)
}

// DeactivateWebhook deactivates a webhook (DELETE, spec 4.1).
func (s *Server) DeactivateWebhook(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, ok := s.st.Webhooks[id]
	if !ok || !w.Active {
		return notFound("webhook", id)
	}
	w.Active = false
	if err := s.commitLocked(walRec{Webhooks: []*webhookRec{w}}); err != nil {
		w.Active = true
		return err
	}
	return nil
}

// Simulate sends a test event to the webhook (spec 4.1): a real signed
// delivery with random resource ids. variant is the optional
// screenerResponseUpdatedType of SCREENER_RESPONSES.UPDATED.
func (s *Server) Simulate(ctx context.Context, webhookID, event, variant string) (TriggerResult, error) {
	if err := ctx.Err(); err != nil {
		return TriggerResult{}, err
	}
	var msgs []string
	if !slices.Contains(respondent.EventTypeNames(), event) {
		msgs = append(msgs, "event must be one of the following values: "+strings.Join(respondent.EventTypeNames(), ", "))
	}
	req := TriggerRequest{Platform: respondent.Name, EventType: event}
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
		return TriggerResult{}, badRequest(msgs)
	}
	return s.triggerRespondent(req, webhookID)
}
