package mock

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/gorilla/mux"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/mockserver"
	"github.com/hookdrill/hookdrill/platform/respondent"
)

// Prefix is the path prefix of Respondent's API.
const Prefix = "/v1/"

// Options configures the Respondent mock. The zero value of every field
// picks the documented default.
type Options struct {
	// Profile builds, encodes and signs events. Default respondent.New
	// with ProfileOptions.
	Profile hookdrill.Profile
	// ProfileOptions configures the default profile.
	ProfileOptions respondent.Options
	// APIKey and APISecret pin the x-api-key and x-api-secret headers.
	// Empty accepts any non-empty value.
	APIKey    string
	APISecret string
	// SimulateFetchable makes the screener responses announced by
	// POST /v1/webhooks/{id}/simulate fetchable from
	// GET /v1/projects/{projectId}/screener-responses/{id}. Default false:
	// simulate uses random, throwaway resource ids (spec 4.1), so fetching
	// them is a 404, as on the platform. Events from the control API's
	// trigger are always fetchable.
	SimulateFetchable bool
}

// Validate reports every setting that cannot work.
func (o Options) Validate() error {
	var errs []error
	if err := o.ProfileOptions.Validate(); err != nil {
		errs = append(errs, err)
	}
	if o.Profile != nil && o.Profile.Name() != respondent.Name {
		errs = append(errs, fmt.Errorf("respondent profile is named %q", o.Profile.Name()))
	}
	return errors.Join(errs...)
}

// Mock is Respondent's mock API, a mockserver.Platform: one webhook per
// team, event types, simulate, and the read-only projects and screener
// responses. Its methods are the Go API of the same operations. A Mock
// serves one mockserver.Server.
type Mock struct {
	opt Options
	err error
	h   *mockserver.Host

	// Below: guarded by the server's lock (h.Lock).
	st                  *state
	responses, projects map[string]*resource
	resSeq              int64
}

var _ mockserver.Platform = (*Mock)(nil)

// New returns a Respondent mock for opt (checked when the server starts).
func New(opt Options) *Mock {
	m := &Mock{opt: opt, err: opt.Validate()}
	if m.opt.Profile == nil {
		m.opt.Profile = respondent.New(opt.ProfileOptions)
	}
	m.st = newState()
	m.responses, m.projects = map[string]*resource{}, map[string]*resource{}
	return m
}

// Of returns the Respondent mock srv serves (nil: none).
func Of(srv *mockserver.Server) *Mock {
	if v, ok := srv.Platform(respondent.Name).(interface{ self() *Mock }); ok {
		return v.self()
	}
	return nil
}

func (m *Mock) self() *Mock { return m }

// Name implements mockserver.Platform.
func (m *Mock) Name() string { return respondent.Name }

// Title implements mockserver.Titler.
func (m *Mock) Title() string { return "Respondent" }

// AuthHint implements mockserver.Titler.
func (m *Mock) AuthHint() string {
	if m.opt.APIKey != "" || m.opt.APISecret != "" {
		return "x-api-key, x-api-secret: (as given)"
	}
	return "x-api-key, x-api-secret: <any>"
}

// Prefix implements mockserver.Platform.
func (m *Mock) Prefix() string { return Prefix }

// Profile returns the profile that builds and signs events.
func (m *Mock) Profile() hookdrill.Profile { return m.opt.Profile }

// Attach implements mockserver.Platform. The team and organization ids
// are made here (kept in the state).
func (m *Mock) Attach(h *mockserver.Host, saved *mockserver.Saved) error {
	if m.err != nil {
		return m.err
	}
	if m.h != nil {
		return errors.New("this mock already serves a server")
	}
	m.h = h
	if saved != nil {
		if err := m.load(saved); err != nil {
			return err
		}
	}
	if m.st.TeamID == "" {
		h.Lock()
		m.st.TeamID, m.st.OrganizationID = h.Hex24(), h.Hex24()
		h.Unlock()
	}
	return nil
}

// KnownSecrets implements mockserver.Platform.
func (m *Mock) KnownSecrets() []string {
	out := []string{m.opt.APIKey, m.opt.APISecret}
	for _, w := range m.st.Webhooks {
		out = append(out, w.PrivateKey)
	}
	return out
}

// Reset implements mockserver.Platform: the team keeps its ids.
func (m *Mock) Reset() func() {
	st, responses, projects := m.st, m.responses, m.projects
	m.st = newState()
	m.st.TeamID, m.st.OrganizationID = st.TeamID, st.OrganizationID
	m.responses, m.projects = map[string]*resource{}, map[string]*resource{}
	return func() { m.st, m.responses, m.projects = st, responses, projects }
}

// Unrouted implements mockserver.Platform: Express answers an unrouted
// path or method with 404 "Cannot METHOD path".
func (m *Mock) Unrouted(r *http.Request, _ bool) *mockserver.Error {
	return &mockserver.Error{Status: http.StatusNotFound, Detail: fmt.Sprintf("Cannot %s %s", r.Method, r.URL.Path)}
}

// Mount implements mockserver.Platform.
func (m *Mock) Mount(r *mux.Router) {
	route := func(template string, h http.HandlerFunc, method string) {
		mockserver.Route(r, Prefix, template, m.auth(h), method)
	}
	route("/webhooks", m.handleCreateWebhook, http.MethodPost)
	route("/webhooks", m.handleActiveWebhook, http.MethodGet)
	route("/webhooks/{id}", m.handleGetWebhook, http.MethodGet)
	route("/webhooks/{id}", m.handleDeleteWebhook, http.MethodDelete)
	route("/webhooks/{id}/event-types", m.handleWebhookEventTypes, http.MethodGet)
	route("/webhooks/{id}/simulate", m.handleSimulate, http.MethodPost)
	route("/projects/{id}", m.handleProject, http.MethodGet)
	route("/projects/{projectId}/screener-responses/{id}", m.handleScreenerResponse, http.MethodGet)
}

// nestError is NestJS's default exception body (R6).
type nestError struct {
	StatusCode int    `json:"statusCode"`
	Message    any    `json:"message"`
	Error      string `json:"error,omitempty"`
}

// Shape returns e in NestJS's error shape.
func Shape(e *mockserver.Error) any {
	var msg any
	switch d := e.Detail.(type) {
	case string:
		msg = d
	default:
		msg = e.Messages()
	}
	n := nestError{StatusCode: e.Status, Message: msg, Error: http.StatusText(e.Status)}
	if e.Status == http.StatusUnauthorized {
		// Nest's UnauthorizedException without a message.
		n.Message, n.Error = "Unauthorized", ""
	}
	return n
}

// WriteError implements mockserver.Platform.
func (m *Mock) WriteError(w http.ResponseWriter, r *http.Request, e *mockserver.Error) {
	mockserver.WriteJSON(w, e.Status, Shape(e))
}

// state is what survives a restart with a state file.
type state struct {
	TeamID         string                 `json:"team_id"`
	OrganizationID string                 `json:"organization_id"`
	Webhooks       map[string]*webhookRec `json:"webhooks"`
	// Resources holds the read-only resources by kind and key, filled
	// only while a snapshot is written or loaded.
	Resources map[string]map[string]*resource `json:"resources,omitempty"`
	ResSeq    int64                           `json:"resource_seq,omitempty"`
}

func newState() *state { return &state{Webhooks: map[string]*webhookRec{}} }

// record is one write-ahead log record: the state after one change.
type record struct {
	Webhooks  []*webhookRec    `json:"webhooks,omitempty"`
	Resources []storedResource `json:"resources,omitempty"`
	ResSeq    int64            `json:"resource_seq,omitempty"`
}

// storedResource is one resource put in the state log.
type storedResource struct {
	Kind     string    `json:"kind"`
	Key      string    `json:"key"`
	Resource *resource `json:"resource"`
}

// Resource kinds in the state.
const (
	kindResponse = "screener_response"
	kindProject  = "project"
)

func (m *Mock) resourceMaps() map[string]map[string]*resource {
	return map[string]map[string]*resource{kindResponse: m.responses, kindProject: m.projects}
}

// Save implements mockserver.Platform.
func (m *Mock) Save() (json.RawMessage, error) {
	m.st.Resources = map[string]map[string]*resource{}
	for kind, rm := range m.resourceMaps() {
		if len(rm) > 0 {
			m.st.Resources[kind] = rm
		}
	}
	m.st.ResSeq = m.resSeq
	defer func() { m.st.Resources = nil }()
	return json.Marshal(m.st)
}

func (r *record) apply(st *state) {
	for _, w := range r.Webhooks {
		if w != nil {
			st.Webhooks[w.ID] = w
		}
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
}

// load decodes, replays and validates a saved state.
func (m *Mock) load(saved *mockserver.Saved) error {
	st := newState()
	if len(saved.Section) > 0 {
		dec := json.NewDecoder(strings.NewReader(string(saved.Section)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(st); err != nil {
			return mockserver.StateErrorf("respondent: %v", err)
		}
		if st.Webhooks == nil {
			st.Webhooks = map[string]*webhookRec{}
		}
		for id, w := range st.Webhooks {
			if w == nil || w.ID != id {
				return mockserver.StateErrorf("webhook %q does not match its key", id)
			}
		}
	}
	for i, raw := range saved.Records {
		if raw == nil {
			team, org := st.TeamID, st.OrganizationID
			st = newState()
			st.TeamID, st.OrganizationID = team, org
			continue
		}
		var r record
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			return mockserver.StateErrorf("respondent record %d: %v", i+1, err)
		}
		r.apply(st)
	}
	if err := m.validate(st); err != nil {
		return mockserver.StateErrorf("%v", err)
	}
	m.st = st
	maps := m.resourceMaps()
	for kind, rm := range st.Resources {
		dst := maps[kind]
		for k, r := range rm {
			if r != nil && r.ID != "" {
				r.kind, r.key = kind, k
				dst[k] = r
			}
		}
	}
	m.resSeq = st.ResSeq
	st.Resources = nil
	m.h.Events().Retain(func(owner string) bool { _, ok := m.st.Webhooks[owner]; return ok })
	return nil
}

// validate checks what a state file holds as the API checks what a client
// sends.
func (m *Mock) validate(st *state) error {
	var problems []string
	add := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	for id, w := range st.Webhooks {
		if msg := checkURL(w.URL); msg != "" {
			add("webhook %q: %s", id, msg)
		} else if m.h.IsControlTarget(w.URL) {
			add("webhook %q: url points at the mock's own control API", id)
		}
		if w.PrivateKey == "" {
			add("webhook %q: privateKey is empty", id)
		}
	}
	vocab := map[string][]string{kindResponse: respondent.ScreenerResponseStatuses(), kindProject: respondent.RecruitingStatuses()}
	for kind, rm := range st.Resources {
		valid, ok := vocab[kind]
		if !ok {
			add("resources: unknown kind %q", kind)
			continue
		}
		for key, r := range rm {
			if r == nil {
				continue
			}
			want := r.ID
			if kind == kindResponse {
				want = r.ProjectID + "/" + r.ID
			}
			if key != want {
				add("%s %q does not match its key %q", kind, r.ID, key)
			}
			if !contains(valid, r.Status) {
				add("%s %q: status %q is not one of %s", kind, key, r.Status, strings.Join(valid, ", "))
			}
		}
	}
	if len(problems) == 0 {
		return nil
	}
	sort.Strings(problems)
	return errors.New(strings.Join(problems, "; "))
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
