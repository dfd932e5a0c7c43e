package mock

import (
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/hookdrill/hookdrill/mockserver"
)

// auth requires Authorization: Token <t> (spec 1.0), read as
// Django REST framework's TokenAuthentication reads it: the header split
// on white space, the keyword compared case-insensitively (token, TOKEN),
// exactly two parts.
func (m *Mock) auth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if msg := m.checkToken(r.Header.Get("Authorization")); msg != "" {
			m.h.WriteError(w, r, &mockserver.Error{Status: http.StatusUnauthorized, Code: CodeUnauthorized, Kind: mockserver.ErrUnauthorized,
				Detail: msg})
			return
		}
		h(w, r)
	}
}

// checkToken returns "" for an accepted Authorization header, or
// DRF's message for a refused one.
func (m *Mock) checkToken(auth string) string {
	parts := strings.Fields(auth)
	switch {
	case len(parts) == 0 || !strings.EqualFold(parts[0], "Token"):
		return "Authentication credentials were not provided."
	case len(parts) == 1:
		return "Invalid token header. No credentials provided."
	case len(parts) > 2:
		return "Invalid token header. Token string should not contain spaces."
	case m.opt.Token != "" && parts[1] != m.opt.Token:
		return "Invalid token."
	}
	return ""
}

// jsonBody returns the body of a Prolific call that has one, negotiated as
// Django REST framework's JSONParser does: an empty body, or one sent
// without a Content-Type, is no data ({}); a body whose media type is
// application/json (any parameters, any letter case) is parsed; any other
// media type is a 415.
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
	if err != nil {
		mt = ct
	}
	return nil, &mockserver.Error{Status: http.StatusUnsupportedMediaType, Code: CodeUnsupportedMedia, Kind: mockserver.ErrValidation,
		Detail: fmt.Sprintf("Unsupported media type %q in request.", mt)}
}

// list is a list envelope: results, plus meta.count where Prolific's CLI
// reads it (P12).
type list[T any] struct {
	Results []T   `json:"results"`
	Meta    *meta `json:"meta,omitempty"`
}

type meta struct {
	Count int `json:"count"`
}

func nonNil[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

func (m *Mock) handleEventTypes(w http.ResponseWriter, r *http.Request) {
	type eventType struct {
		EventType   string `json:"event_type"`
		Description string `json:"description"`
	}
	var out []eventType
	for _, t := range m.opt.Profile.EventTypes() {
		out = append(out, eventType{t.Name, t.Description})
	}
	mockserver.WriteJSON(w, http.StatusOK, list[eventType]{Results: nonNil(out)})
}

func (m *Mock) handleListSecrets(w http.ResponseWriter, r *http.Request) {
	ws := r.URL.Query().Get("workspace_id")
	fe := mockserver.FieldErrors{}
	if ws == "" {
		fe.Add("workspace_id", "This field is required.")
	}
	checkWorkspaceID(fe, ws)
	if err := fieldErr(fe); err != nil {
		m.h.WriteError(w, r, err)
		return
	}
	mockserver.WriteJSON(w, http.StatusOK, list[SecretDetail]{Results: m.Secrets(ws)})
}

func (m *Mock) handleCreateSecret(w http.ResponseWriter, r *http.Request) {
	body, e := m.jsonBody(r)
	if e != nil {
		m.h.WriteError(w, r, e)
		return
	}
	ws, e := decodeCreateSecret(body, m.opt.AllowUnknownFields)
	if e != nil {
		m.h.WriteError(w, r, e)
		return
	}
	sec, err := m.CreateSecret(ws, "")
	if err != nil {
		m.h.WriteError(w, r, err)
		return
	}
	mockserver.WriteJSON(w, http.StatusCreated, sec)
}

func (m *Mock) handleListSubscriptions(w http.ResponseWriter, r *http.Request) {
	q, e := parseSubscriptionsQuery(r.URL.Query())
	if e != nil {
		m.h.WriteError(w, r, e)
		return
	}
	subs, total := m.Subscriptions(q.WorkspaceID, q.Enabled, q.Offset, q.Limit)
	mockserver.WriteJSON(w, http.StatusOK, list[Subscription]{Results: nonNil(subs), Meta: &meta{total}})
}

func (m *Mock) handleCreateSubscription(w http.ResponseWriter, r *http.Request) {
	body, e := m.jsonBody(r)
	if e != nil {
		m.h.WriteError(w, r, e)
		return
	}
	c, e := decodeCreateSubscription(body, m.opt.AllowUnknownFields)
	if e != nil {
		m.h.WriteError(w, r, e)
		return
	}
	sub, tok, err := m.CreateSubscription(c.WorkspaceID, c.EventType, c.TargetURL)
	if err != nil {
		m.h.WriteError(w, r, err)
		return
	}
	w.Header().Set("X-Hook-Secret", tok)
	if m.opt.CreateShape == ShapeResults {
		mockserver.WriteJSON(w, http.StatusCreated, list[Subscription]{Results: []Subscription{sub}})
		return
	}
	mockserver.WriteJSON(w, http.StatusCreated, sub)
}

func (m *Mock) handleGetSubscription(w http.ResponseWriter, r *http.Request) {
	sub, err := m.Subscription(mux.Vars(r)["id"])
	if err != nil {
		m.h.WriteError(w, r, err)
		return
	}
	mockserver.WriteJSON(w, http.StatusOK, sub)
}

func (m *Mock) handleConfirmSubscription(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["id"]
	if _, err := m.Subscription(id); err != nil {
		m.h.WriteError(w, r, err)
		return
	}
	body, e := m.jsonBody(r)
	if e != nil {
		m.h.WriteError(w, r, e)
		return
	}
	sec, e := decodeConfirm(body, m.opt.AllowUnknownFields)
	if e != nil {
		m.h.WriteError(w, r, e)
		return
	}
	sub, err := m.ConfirmSubscription(id, sec)
	if err != nil {
		m.h.WriteError(w, r, err)
		return
	}
	mockserver.WriteJSON(w, http.StatusOK, sub)
}

func (m *Mock) handleUpdateSubscription(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["id"]
	if _, err := m.Subscription(id); err != nil {
		m.h.WriteError(w, r, err)
		return
	}
	body, e := m.jsonBody(r)
	if e != nil {
		m.h.WriteError(w, r, e)
		return
	}
	u, e := decodeUpdate(body, m.opt.AllowUnknownFields)
	if e != nil {
		m.h.WriteError(w, r, e)
		return
	}
	sub, err := m.UpdateSubscription(id, u)
	if err != nil {
		m.h.WriteError(w, r, err)
		return
	}
	mockserver.WriteJSON(w, http.StatusOK, sub)
}

func (m *Mock) handleDeleteSubscription(w http.ResponseWriter, r *http.Request) {
	if err := m.DeleteSubscription(mux.Vars(r)["id"]); err != nil {
		m.h.WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (m *Mock) handleEvents(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["id"]
	if _, err := m.Subscription(id); err != nil {
		m.h.WriteError(w, r, err)
		return
	}
	f, e := parseEventsQuery(r.URL.Query())
	if e != nil {
		m.h.WriteError(w, r, e)
		return
	}
	recs, total, err := m.Events(id, f)
	if err != nil {
		m.h.WriteError(w, r, err)
		return
	}
	mockserver.WriteJSON(w, http.StatusOK, list[EventRecord]{Results: nonNil(recs), Meta: &meta{total}})
}

func (m *Mock) handleStudy(w http.ResponseWriter, r *http.Request) {
	v, err := m.Study(mux.Vars(r)["id"])
	if err != nil {
		m.h.WriteError(w, r, err)
		return
	}
	mockserver.WriteJSON(w, http.StatusOK, v)
}

func (m *Mock) handleSubmission(w http.ResponseWriter, r *http.Request) {
	v, err := m.Submission(mux.Vars(r)["id"])
	if err != nil {
		m.h.WriteError(w, r, err)
		return
	}
	mockserver.WriteJSON(w, http.StatusOK, v)
}

func (m *Mock) handleStudySubmissions(w http.ResponseWriter, r *http.Request) {
	q, e := parseStudySubmissionsQuery(mux.Vars(r)["id"], r.URL.Query())
	if e != nil {
		m.h.WriteError(w, r, e)
		return
	}
	m.writeSubmissions(w, r, q)
}

func (m *Mock) handleSubmissions(w http.ResponseWriter, r *http.Request) {
	q, e := parseSubmissionsQuery(r.URL.Query())
	if e != nil {
		m.h.WriteError(w, r, e)
		return
	}
	m.writeSubmissions(w, r, q)
}

func (m *Mock) writeSubmissions(w http.ResponseWriter, r *http.Request, q SubmissionsQuery) {
	subs, total, err := m.StudySubmissions(q)
	if err != nil {
		m.h.WriteError(w, r, err)
		return
	}
	mockserver.WriteJSON(w, http.StatusOK, list[SubmissionShort]{Results: nonNil(subs), Meta: &meta{total}})
}

func (m *Mock) handleSubmissionCounts(w http.ResponseWriter, r *http.Request) {
	c, err := m.SubmissionCounts(mux.Vars(r)["id"])
	if err != nil {
		m.h.WriteError(w, r, err)
		return
	}
	mockserver.WriteJSON(w, http.StatusOK, c)
}
