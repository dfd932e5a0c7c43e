package mock

import (
	"errors"
	"mime"
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/mockserver"
)

// auth requires x-api-key and x-api-secret (spec 4.0).
func (m *Mock) auth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key, sec := r.Header.Get("x-api-key"), r.Header.Get("x-api-secret")
		if key == "" || sec == "" || (m.opt.APIKey != "" && key != m.opt.APIKey) ||
			(m.opt.APISecret != "" && sec != m.opt.APISecret) {
			m.h.WriteError(w, r, &mockserver.Error{Status: http.StatusUnauthorized, Kind: mockserver.ErrUnauthorized})
			return
		}
		h(w, r)
	}
}

// Respondent handlers.

func (m *Mock) handleCreateWebhook(w http.ResponseWriter, r *http.Request) {
	body, e := m.jsonBody(r)
	if e != nil {
		m.h.WriteError(w, r, e)
		return
	}
	u, e := decodeCreateWebhook(body)
	if e != nil {
		m.h.WriteError(w, r, e)
		return
	}
	hook, err := m.CreateWebhook(u, "")
	if err != nil {
		m.h.WriteError(w, r, err)
		return
	}
	mockserver.WriteJSON(w, http.StatusCreated, hook)
}

func (m *Mock) handleActiveWebhook(w http.ResponseWriter, r *http.Request) {
	hook, err := m.ActiveWebhook()
	if err != nil {
		m.h.WriteError(w, r, &mockserver.Error{Status: http.StatusNotFound, Kind: mockserver.ErrNotFound, Detail: "Webhook not found"})
		return
	}
	mockserver.WriteJSON(w, http.StatusOK, hook)
}

func (m *Mock) webhookOr404(w http.ResponseWriter, r *http.Request) (Webhook, bool) {
	id := mux.Vars(r)["id"]
	hook, err := m.Webhook(id)
	if err != nil {
		m.h.WriteError(w, r, &mockserver.Error{Status: http.StatusNotFound, Kind: mockserver.ErrNotFound, Detail: "Webhook not found"})
		return Webhook{}, false
	}
	return hook, true
}

func (m *Mock) handleGetWebhook(w http.ResponseWriter, r *http.Request) {
	if hook, ok := m.webhookOr404(w, r); ok {
		mockserver.WriteJSON(w, http.StatusOK, hook)
	}
}

func (m *Mock) handleDeleteWebhook(w http.ResponseWriter, r *http.Request) {
	if err := m.DeactivateWebhook(mux.Vars(r)["id"]); err != nil {
		if errors.Is(err, mockserver.ErrNotDurable) {
			m.h.WriteError(w, r, err)
			return
		}
		m.h.WriteError(w, r, &mockserver.Error{Status: http.StatusNotFound, Kind: mockserver.ErrNotFound, Detail: "Webhook not found"})
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (m *Mock) handleWebhookEventTypes(w http.ResponseWriter, r *http.Request) {
	if _, ok := m.webhookOr404(w, r); !ok {
		return
	}
	mockserver.WriteJSON(w, http.StatusOK, struct {
		EventTypes []string `json:"eventTypes"`
	}{eventTypeNames(m.opt.Profile)})
}

func (m *Mock) handleSimulate(w http.ResponseWriter, r *http.Request) {
	body, e := m.jsonBody(r)
	if e != nil {
		m.h.WriteError(w, r, e)
		return
	}
	event, variant, e := decodeSimulate(body)
	if e != nil {
		m.h.WriteError(w, r, e)
		return
	}
	if _, ok := m.webhookOr404(w, r); !ok {
		return
	}
	if _, err := m.Simulate(r.Context(), mux.Vars(r)["id"], event, variant); err != nil {
		var ae *mockserver.Error
		if errors.As(err, &ae) && errors.Is(err, mockserver.ErrNotFound) {
			ae.Detail = "Webhook not found"
		}
		m.h.WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusCreated)
}

func (m *Mock) handleScreenerResponse(w http.ResponseWriter, r *http.Request) {
	vars := mux.Vars(r)
	v, err := m.ScreenerResponse(vars["projectId"], vars["id"])
	if err != nil {
		m.h.WriteError(w, r, &mockserver.Error{Status: http.StatusNotFound, Kind: mockserver.ErrNotFound, Detail: "Screener response not found"})
		return
	}
	mockserver.WriteJSON(w, http.StatusOK, v)
}

func (m *Mock) handleProject(w http.ResponseWriter, r *http.Request) {
	v, err := m.Project(mux.Vars(r)["id"])
	if err != nil {
		m.h.WriteError(w, r, &mockserver.Error{Status: http.StatusNotFound, Kind: mockserver.ErrNotFound, Detail: "Project not found"})
		return
	}
	mockserver.WriteJSON(w, http.StatusOK, v)
}

// jsonBody returns the body of a call that has one, as Express's json()
// body parser reads it: an empty body, one sent without a Content-Type,
// or one of another media type is no data (NestJS's validation sees {});
// application/json (any parameters, any letter case) is parsed.
func (m *Mock) jsonBody(r *http.Request) ([]byte, *mockserver.Error) {
	body := m.h.Body(r)
	if len(body) == 0 {
		return nil, nil
	}
	ct := strings.TrimSpace(r.Header.Get("Content-Type"))
	if ct == "" {
		return nil, nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && strings.EqualFold(mt, "application/json") {
		return body, nil
	}
	return nil, nil
}

func eventTypeNames(p hookdrill.Profile) []string {
	ts := p.EventTypes()
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Name
	}
	return out
}
