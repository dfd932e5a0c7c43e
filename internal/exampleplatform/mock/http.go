package mock

import (
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/mockserver"
)

// auth requires Authorization: Bearer <token>.
func (m *Mock) auth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || tok == "" || (m.opt.APIToken != "" && tok != m.opt.APIToken) {
			m.h.WriteError(w, r, &mockserver.Error{Status: http.StatusUnauthorized, Kind: mockserver.ErrUnauthorized,
				Detail: "a valid bearer token is required"})
			return
		}
		h(w, r)
	}
}

// Request decoders: never a panic, never a 500, whatever the input.

// decodeCreate decodes POST /endpoints.
func decodeCreate(body []byte) (rawURL, secret string, e *mockserver.Error) {
	f, e := mockserver.ParseObject(body, mockserver.StyleFields, 0)
	if e != nil {
		return "", "", e
	}
	f.Known(false, "url", "secret")
	rawURL, secret = f.Str("url", true), f.Str("secret", false)
	if e := f.Err(); e != nil {
		return "", "", e
	}
	if msg := checkURL(rawURL); msg != "" {
		return "", "", fieldError("url", msg)
	}
	return rawURL, secret, nil
}

// decodePatch decodes PATCH /endpoints/{id}.
func decodePatch(body []byte) (bool, *mockserver.Error) {
	f, e := mockserver.ParseObject(body, mockserver.StyleFields, 0)
	if e != nil {
		return false, e
	}
	f.Known(false, "enabled")
	b := f.Bool("enabled")
	if e := f.Err(); e != nil {
		return false, e
	}
	if b == nil {
		return false, fieldError("enabled", "This field is required.")
	}
	return *b, nil
}

// decodeTest decodes POST /endpoints/{id}/test.
func decodeTest(body []byte) (string, *mockserver.Error) {
	f, e := mockserver.ParseObject(body, mockserver.StyleFields, 0)
	if e != nil {
		return "", e
	}
	f.Known(false, "status")
	st := f.Str("status", false)
	return st, f.Err()
}

func (m *Mock) handleCreate(w http.ResponseWriter, r *http.Request) {
	u, secret, e := decodeCreate(m.h.Body(r))
	if e != nil {
		m.h.WriteError(w, r, e)
		return
	}
	ep, err := m.CreateEndpoint(u, secret)
	if err != nil {
		m.h.WriteError(w, r, err)
		return
	}
	mockserver.WriteJSON(w, http.StatusCreated, ep)
}

func (m *Mock) handleList(w http.ResponseWriter, r *http.Request) {
	mockserver.WriteJSON(w, http.StatusOK, struct {
		Data []Endpoint `json:"data"`
	}{m.Endpoints()})
}

func (m *Mock) handleGet(w http.ResponseWriter, r *http.Request) {
	ep, err := m.Endpoint(mux.Vars(r)["id"])
	if err != nil {
		m.h.WriteError(w, r, err)
		return
	}
	mockserver.WriteJSON(w, http.StatusOK, ep)
}

func (m *Mock) handlePatch(w http.ResponseWriter, r *http.Request) {
	enabled, e := decodePatch(m.h.Body(r))
	if e != nil {
		m.h.WriteError(w, r, e)
		return
	}
	ep, err := m.SetEnabled(mux.Vars(r)["id"], enabled)
	if err != nil {
		m.h.WriteError(w, r, err)
		return
	}
	mockserver.WriteJSON(w, http.StatusOK, ep)
}

func (m *Mock) handleDelete(w http.ResponseWriter, r *http.Request) {
	if err := m.DeleteEndpoint(mux.Vars(r)["id"]); err != nil {
		m.h.WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (m *Mock) handleTest(w http.ResponseWriter, r *http.Request) {
	status, e := decodeTest(m.h.Body(r))
	if e != nil {
		m.h.WriteError(w, r, e)
		return
	}
	res, err := m.TestEndpoint(r.Context(), mux.Vars(r)["id"], status)
	if err != nil {
		m.h.WriteError(w, r, err)
		return
	}
	out := struct {
		EventID    string `json:"event_id"`
		DeliveryID string `json:"delivery_id,omitempty"`
		Error      string `json:"error,omitempty"`
	}{EventID: res.Event.ID}
	if len(res.Deliveries) > 0 {
		out.DeliveryID, out.Error = res.Deliveries[0].DeliveryID, res.Deliveries[0].Error
	}
	mockserver.WriteJSON(w, http.StatusAccepted, out)
}

// eventView is one event-log record as GET /endpoints/{id}/events shows it.
type eventView struct {
	ID        string                   `json:"id"`
	Type      string                   `json:"type"`
	OrderID   string                   `json:"order_id,omitempty"`
	Status    hookdrill.DeliveryStatus `json:"status"`
	CreatedAt time.Time                `json:"created_at"`
	UpdatedAt time.Time                `json:"updated_at"`
}

func (m *Mock) handleEvents(w http.ResponseWriter, r *http.Request) {
	var f mockserver.EventFilter
	if st := r.URL.Query().Get("status"); st != "" {
		if !mockserver.ValidStatus(st) {
			m.h.WriteError(w, r, fieldError("status", "must be one of "+mockserver.DescribeStatuses()))
			return
		}
		f.Statuses = []string{st}
	}
	recs, total, err := m.Events(mux.Vars(r)["id"], f)
	if err != nil {
		m.h.WriteError(w, r, err)
		return
	}
	out := struct {
		Data  []eventView `json:"data"`
		Total int         `json:"total"`
	}{Data: make([]eventView, len(recs)), Total: total}
	for i, rec := range recs {
		out.Data[i] = eventView{ID: rec.ID, Type: rec.EventType, OrderID: rec.ResourceID, Status: rec.Status,
			CreatedAt: rec.Created.UTC(), UpdatedAt: rec.Updated.UTC()}
	}
	mockserver.WriteJSON(w, http.StatusOK, out)
}
