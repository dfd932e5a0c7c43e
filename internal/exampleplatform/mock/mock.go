package mock

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/internal/exampleplatform"
	"github.com/hookdrill/hookdrill/mockserver"
)

// Prefix is the path prefix of the example API.
const Prefix = "/example/v1/"

// Options configures the example mock. The zero value of every field picks
// the default.
type Options struct {
	// Profile builds, encodes and signs events. Default
	// exampleplatform.New with ProfileOptions.
	Profile hookdrill.Profile
	// ProfileOptions configures the default profile.
	ProfileOptions exampleplatform.Options
	// APIToken pins the bearer token; empty accepts any non-empty one.
	APIToken string
}

// Validate reports every setting that cannot work.
func (o Options) Validate() error {
	var errs []error
	if err := o.ProfileOptions.Validate(); err != nil {
		errs = append(errs, err)
	}
	if o.Profile != nil && o.Profile.Name() != exampleplatform.Name {
		errs = append(errs, fmt.Errorf("example profile is named %q", o.Profile.Name()))
	}
	return errors.Join(errs...)
}

// Endpoint is a webhook endpoint as the API shows it. Secret is shown
// only when the endpoint is created.
type Endpoint struct {
	ID        string    `json:"id"`
	URL       string    `json:"url"`
	Enabled   bool      `json:"enabled"`
	Secret    string    `json:"secret,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// endpointRec is an endpoint as stored.
type endpointRec struct {
	ID        string    `json:"id"`
	URL       string    `json:"url"`
	Secret    string    `json:"secret"`
	Enabled   bool      `json:"enabled"`
	Seq       int64     `json:"seq"`
	CreatedAt time.Time `json:"created_at"`
}

func (e *endpointRec) view(withSecret bool) Endpoint {
	v := Endpoint{ID: e.ID, URL: e.URL, Enabled: e.Enabled, CreatedAt: e.CreatedAt}
	if withSecret {
		v.Secret = e.Secret
	}
	return v
}

// state is what survives a restart with a state file.
type state struct {
	Endpoints map[string]*endpointRec `json:"endpoints"`
}

func newState() *state { return &state{Endpoints: map[string]*endpointRec{}} }

// record is one write-ahead log record: an endpoint after a change, or
// the id of a deleted one.
type record struct {
	Endpoint *endpointRec `json:"endpoint,omitempty"`
	Deleted  string       `json:"deleted,omitempty"`
}

func (r *record) apply(st *state) {
	if r.Endpoint != nil {
		st.Endpoints[r.Endpoint.ID] = r.Endpoint
	}
	if r.Deleted != "" {
		delete(st.Endpoints, r.Deleted)
	}
}

// Mock is the example platform's mock API. Its methods are the Go API of
// the same operations. A Mock serves one mockserver.Server.
type Mock struct {
	opt Options
	err error
	h   *mockserver.Host

	st *state // guarded by the server's lock (h.Lock)
}

var _ mockserver.Platform = (*Mock)(nil)

// New returns an example mock for opt (checked when the server starts).
func New(opt Options) *Mock {
	m := &Mock{opt: opt, err: opt.Validate(), st: newState()}
	if m.opt.Profile == nil {
		m.opt.Profile = exampleplatform.New(opt.ProfileOptions)
	}
	return m
}

// Of returns the example mock srv serves (nil: none).
func Of(srv *mockserver.Server) *Mock {
	m, _ := srv.Platform(exampleplatform.Name).(*Mock)
	return m
}

// Name implements mockserver.Platform.
func (m *Mock) Name() string { return exampleplatform.Name }

// Title implements mockserver.Titler.
func (m *Mock) Title() string { return "Example" }

// AuthHint implements mockserver.Titler.
func (m *Mock) AuthHint() string {
	if m.opt.APIToken != "" {
		return "Authorization: Bearer (as given)"
	}
	return "Authorization: Bearer <any>"
}

// Prefix implements mockserver.Platform.
func (m *Mock) Prefix() string { return Prefix }

// Profile returns the profile that builds and signs events.
func (m *Mock) Profile() hookdrill.Profile { return m.opt.Profile }

// Attach implements mockserver.Platform.
func (m *Mock) Attach(h *mockserver.Host, saved *mockserver.Saved) error {
	if m.err != nil {
		return m.err
	}
	if m.h != nil {
		return errors.New("this mock already serves a server")
	}
	m.h = h
	if saved != nil {
		return m.load(saved)
	}
	return nil
}

// KnownSecrets implements mockserver.Platform.
func (m *Mock) KnownSecrets() []string {
	out := []string{m.opt.APIToken}
	for _, e := range m.st.Endpoints {
		out = append(out, e.Secret)
	}
	return out
}

// Save implements mockserver.Platform.
func (m *Mock) Save() (json.RawMessage, error) { return json.Marshal(m.st) }

// Reset implements mockserver.Platform.
func (m *Mock) Reset() func() {
	st := m.st
	m.st = newState()
	return func() { m.st = st }
}

// Unrouted implements mockserver.Platform.
func (m *Mock) Unrouted(r *http.Request, methodNotAllowed bool) *mockserver.Error {
	if methodNotAllowed {
		return &mockserver.Error{Status: http.StatusMethodNotAllowed, Detail: fmt.Sprintf("method %s not allowed on %s", r.Method, r.URL.Path)}
	}
	return &mockserver.Error{Status: http.StatusNotFound, Kind: mockserver.ErrNotFound, Detail: "no such route: " + r.URL.Path}
}

// Mount implements mockserver.Platform.
func (m *Mock) Mount(r *mux.Router) {
	route := func(template string, h http.HandlerFunc, method string) {
		mockserver.Route(r, Prefix, template, m.auth(h), method)
	}
	route("/endpoints", m.handleCreate, http.MethodPost)
	route("/endpoints", m.handleList, http.MethodGet)
	route("/endpoints/{id}", m.handleGet, http.MethodGet)
	route("/endpoints/{id}", m.handlePatch, http.MethodPatch)
	route("/endpoints/{id}", m.handleDelete, http.MethodDelete)
	route("/endpoints/{id}/test", m.handleTest, http.MethodPost)
	route("/endpoints/{id}/events", m.handleEvents, http.MethodGet)
}

// apiError is the example API's error body.
type apiError struct {
	Error struct {
		Type    string `json:"type"`
		Message string `json:"message"`
	} `json:"error"`
}

// Shape returns e in the example API's error shape.
func Shape(e *mockserver.Error) any {
	var a apiError
	switch {
	case errors.Is(e, mockserver.ErrNotFound):
		a.Error.Type = "not_found"
	case errors.Is(e, mockserver.ErrValidation):
		a.Error.Type = "invalid_request"
	case errors.Is(e, mockserver.ErrUnauthorized):
		a.Error.Type = "unauthorized"
	case e.Status == http.StatusMethodNotAllowed:
		a.Error.Type = "method_not_allowed"
	default:
		a.Error.Type = "api_error"
	}
	a.Error.Message = strings.Join(e.Messages(), "; ")
	if a.Error.Message == "" || e.Detail == nil {
		a.Error.Message = http.StatusText(e.Status)
	}
	return a
}

// WriteError implements mockserver.Platform.
func (m *Mock) WriteError(w http.ResponseWriter, _ *http.Request, e *mockserver.Error) {
	mockserver.WriteJSON(w, e.Status, Shape(e))
}

// load decodes, replays and validates a saved state; what is wrong with
// it is a *mockserver.StateError.
func (m *Mock) load(saved *mockserver.Saved) error {
	st := newState()
	if len(saved.Section) > 0 {
		dec := json.NewDecoder(strings.NewReader(string(saved.Section)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(st); err != nil {
			return mockserver.StateErrorf("example: %v", err)
		}
		if st.Endpoints == nil {
			st.Endpoints = map[string]*endpointRec{}
		}
	}
	for i, raw := range saved.Records {
		if raw == nil {
			st = newState()
			continue
		}
		var r record
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			return mockserver.StateErrorf("example record %d: %v", i+1, err)
		}
		r.apply(st)
	}
	if err := m.validate(st); err != nil {
		return mockserver.StateErrorf("example: %v", err)
	}
	m.st = st
	m.h.Lock()
	m.h.Events().Retain(func(owner string) bool { _, ok := st.Endpoints[owner]; return ok })
	m.h.Unlock()
	return nil
}

// validate checks what a state file holds as the API checks what a client
// sends.
func (m *Mock) validate(st *state) error {
	var problems []string
	for id, e := range st.Endpoints {
		switch {
		case e == nil || e.ID != id:
			problems = append(problems, fmt.Sprintf("endpoint %q does not match its key", id))
			continue
		case checkURL(e.URL) != "":
			problems = append(problems, fmt.Sprintf("endpoint %q: %s", id, checkURL(e.URL)))
		case m.h.IsControlTarget(e.URL):
			problems = append(problems, fmt.Sprintf("endpoint %q: url points at the mock's own control API", id))
		}
		if e.Secret == "" {
			problems = append(problems, fmt.Sprintf("endpoint %q: secret is empty", id))
		}
	}
	if len(problems) == 0 {
		return nil
	}
	sort.Strings(problems)
	return errors.New(strings.Join(problems, "; "))
}

// checkURL accepts an absolute http(s) URL; it returns what is wrong.
func checkURL(raw string) string {
	if raw == "" {
		return "url is required"
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return "url must be an absolute http or https URL"
	}
	return ""
}
