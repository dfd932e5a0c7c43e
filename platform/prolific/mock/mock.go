package mock

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/gorilla/mux"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/mockserver"
	"github.com/hookdrill/hookdrill/platform/prolific"
)

// Prefix is the path prefix of Prolific's API.
const Prefix = "/api/v1/"

// CreateShape is the body shape of a successful create-subscription call
// (spec 1.5, P4).
type CreateShape string

// Create-subscription body shapes.
const (
	// ShapeObject is a single SubscriptionDetail object, as Prolific's own
	// CLI and MCP server decode it (the live API). The default.
	ShapeObject CreateShape = "object"
	// ShapeResults is the documented SubscriptionList {"results": [...]}.
	ShapeResults CreateShape = "results"
)

// HealthFrom selects what the disabling policy observes (spec 2.8).
type HealthFrom string

// Observation sources for the disabling policy.
const (
	// HealthFromAttempts observes every delivery attempt (the default): a
	// day with any failed request and no 2xx is a failing day.
	HealthFromAttempts HealthFrom = "attempts"
	// HealthFromDeliveries observes only deliveries that ended (SUCCEEDED
	// after any attempt, FAILED when retries ran out).
	HealthFromDeliveries HealthFrom = "deliveries"
)

// Defaults of Options. Every [INF] choice of spec section 5 the mock makes
// is one of these, and each is an Options field.
const (
	// DefaultCreateShape is the create-subscription body (P4).
	DefaultCreateShape = ShapeObject
	// DefaultEventsLimit is the events list page size when limit is absent
	// (spec 1.10).
	DefaultEventsLimit = 100
	// MaxEventsLimit is the largest events limit accepted (spec 1.10).
	MaxEventsLimit = 1000
	// DefaultSubmissionsPageSize is the page size of GET
	// /api/v1/submissions/ without page_size (its documented default).
	DefaultSubmissionsPageSize = 20
	// MaxSubmissionsPageSize caps page_size [INF].
	MaxSubmissionsPageSize = 1000
	// DefaultHealthFrom is what the disabling policy observes [INF, 2.8].
	DefaultHealthFrom = HealthFromAttempts
)

// Options configures the Prolific mock. The zero value of every field picks
// the documented default.
type Options struct {
	// Profile builds, encodes and signs events. Default prolific.New with
	// ProfileOptions.
	Profile hookdrill.Profile
	// ProfileOptions configures the default profile.
	ProfileOptions prolific.Options
	// Token pins the API token (Authorization: Token <t>). Empty accepts
	// any non-empty token.
	Token string
	// StrictTargets rejects target URLs the real API rejects: anything but
	// https to a public host (spec 1.5). Off by default: http and loopback
	// targets are accepted (local receivers are the point) and the server
	// logs once that it does.
	StrictTargets bool
	// CreateShape is the create-subscription body shape (P4); default
	// ShapeObject.
	CreateShape CreateShape
	// AllowUnknownFields accepts request bodies with fields the endpoint
	// does not define (ignored, as Django REST framework does). Off by
	// default: unknown fields are a 400 naming them, which catches typos
	// such as "workspaceId" [INF].
	AllowUnknownFields bool
	// ReuseConfirmToken lets a confirmed subscription be confirmed again
	// with its X-Hook-Secret token: an idempotent 200 that changes nothing
	// (the reading of spec 1.7). Default false: the token is single-use
	// (spec 1.11 and the section-5 default P16), so a second confirmation is
	// a 400 on "secret" with error_code CodeBadConfirmSecret.
	ReuseConfirmToken bool
	// DisablePolicy is the persistent-failure policy (spec 2.8); zero
	// fields take the documented 3-day notice, 5-day disable.
	DisablePolicy prolific.DisablePolicy
	// HealthFrom selects what the disabling policy observes; default
	// HealthFromAttempts.
	HealthFrom HealthFrom
}

// Validate reports every setting that cannot work.
func (o Options) Validate() error {
	var errs []error
	switch o.CreateShape {
	case "", ShapeObject, ShapeResults:
	default:
		errs = append(errs, fmt.Errorf("create_shape %q: valid: %q, %q", o.CreateShape, ShapeObject, ShapeResults))
	}
	switch o.HealthFrom {
	case "", HealthFromAttempts, HealthFromDeliveries:
	default:
		errs = append(errs, fmt.Errorf("health_from %q: valid: %q, %q", o.HealthFrom, HealthFromAttempts, HealthFromDeliveries))
	}
	if err := o.DisablePolicy.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := o.ProfileOptions.Validate(); err != nil {
		errs = append(errs, err)
	}
	if o.Profile != nil && o.Profile.Name() != prolific.Name {
		errs = append(errs, fmt.Errorf("prolific profile is named %q", o.Profile.Name()))
	}
	return errors.Join(errs...)
}

func (o Options) withDefaults() Options {
	if o.CreateShape == "" {
		o.CreateShape = DefaultCreateShape
	}
	if o.HealthFrom == "" {
		o.HealthFrom = DefaultHealthFrom
	}
	if o.Profile == nil {
		o.Profile = prolific.New(o.ProfileOptions)
	}
	return o
}

// Mock is Prolific's mock API, a mockserver.Platform: the hooks API
// (secrets, subscriptions, event logs), the read-only resources, the
// persistent-failure policy. Its methods are the Go API of the same
// operations. A Mock serves one mockserver.Server.
type Mock struct {
	opt       Options
	err       error // from Options.Validate, reported by Attach
	h         *mockserver.Host
	looseOnce sync.Once // the "accepting local targets" log line

	// Below: guarded by the server's lock (h.Lock).
	st                   *state
	health               map[prolific.Pair]prolific.PairHealth
	studies, submissions map[string]*resource
	resSeq               int64
}

var _ mockserver.Platform = (*Mock)(nil)

// New returns a Prolific mock for opt (checked when the server starts).
func New(opt Options) *Mock {
	m := &Mock{err: opt.Validate(), opt: opt.withDefaults()}
	m.resetLocked()
	return m
}

// Of returns the Prolific mock srv serves (nil: none).
func Of(srv *mockserver.Server) *Mock {
	if v, ok := srv.Platform(prolific.Name).(interface{ self() *Mock }); ok {
		return v.self()
	}
	return nil
}

func (m *Mock) self() *Mock { return m }

// Name implements mockserver.Platform.
func (m *Mock) Name() string { return prolific.Name }

// Prefix implements mockserver.Platform.
func (m *Mock) Prefix() string { return Prefix }

// Profile returns the profile that builds and signs events.
func (m *Mock) Profile() hookdrill.Profile { return m.opt.Profile }

// Title implements mockserver.Titler.
func (m *Mock) Title() string { return "Prolific" }

// AuthHint implements mockserver.Titler.
func (m *Mock) AuthHint() string {
	if m.opt.Token != "" {
		return "Authorization: Token (as given)"
	}
	return "Authorization: Token <any>"
}

// Describe implements mockserver.Describer.
func (m *Mock) Describe() map[string]any {
	return map[string]any{"strict_targets": m.opt.StrictTargets, "create_shape": m.opt.CreateShape}
}

// Attach implements mockserver.Platform.
func (m *Mock) Attach(h *mockserver.Host, saved *mockserver.Saved) error {
	if m.err != nil {
		return m.err
	}
	if m.h != nil {
		return errors.New("this mock already serves a server")
	}
	m.h = h
	if saved == nil {
		return nil
	}
	return m.load(saved)
}

// KnownSecrets implements mockserver.Platform.
func (m *Mock) KnownSecrets() []string {
	out := []string{m.opt.Token}
	for _, sec := range m.st.Secrets {
		out = append(out, sec.Value)
	}
	for _, sub := range m.st.Subscriptions {
		out = append(out, sub.Token)
	}
	return out
}

// Reset implements mockserver.Platform.
func (m *Mock) Reset() func() {
	st, health, studies, submissions := m.st, m.health, m.studies, m.submissions
	m.resetLocked()
	return func() { m.st, m.health, m.studies, m.submissions = st, health, studies, submissions }
}

func (m *Mock) resetLocked() {
	m.st = newState()
	m.health = map[prolific.Pair]prolific.PairHealth{}
	m.studies, m.submissions = map[string]*resource{}, map[string]*resource{}
}

// Unrouted implements mockserver.Platform.
func (m *Mock) Unrouted(r *http.Request, methodNotAllowed bool) *mockserver.Error {
	if methodNotAllowed {
		return &mockserver.Error{Status: http.StatusMethodNotAllowed, Code: CodeMethodNotAllowed,
			Detail: fmt.Sprintf("Method %q not allowed.", r.Method)}
	}
	return &mockserver.Error{Status: http.StatusNotFound, Code: CodeNotFound, Detail: "Not found."}
}

// Mount implements mockserver.Platform.
func (m *Mock) Mount(r *mux.Router) {
	pa := m.auth
	route := func(template string, h http.HandlerFunc, method string) {
		mockserver.Route(r, Prefix, template, pa(h), method)
	}
	route("/hooks/event-types/", m.handleEventTypes, http.MethodGet)
	route("/hooks/secrets/", m.handleListSecrets, http.MethodGet)
	route("/hooks/secrets/", m.handleCreateSecret, http.MethodPost)
	route("/hooks/subscriptions/", m.handleListSubscriptions, http.MethodGet)
	route("/hooks/subscriptions/", m.handleCreateSubscription, http.MethodPost)
	route("/hooks/subscriptions/{id}/", m.handleGetSubscription, http.MethodGet)
	route("/hooks/subscriptions/{id}/", m.handleConfirmSubscription, http.MethodPost)
	route("/hooks/subscriptions/{id}/", m.handleUpdateSubscription, http.MethodPatch)
	route("/hooks/subscriptions/{id}/", m.handleDeleteSubscription, http.MethodDelete)
	route("/hooks/subscriptions/{id}/events/", m.handleEvents, http.MethodGet)
	route("/studies/{id}/", m.handleStudy, http.MethodGet)
	route("/studies/{id}/submissions/", m.handleStudySubmissions, http.MethodGet)
	route("/studies/{id}/submissions/counts/", m.handleSubmissionCounts, http.MethodGet)
	route("/submissions/", m.handleSubmissions, http.MethodGet)
	route("/submissions/{id}/", m.handleSubmission, http.MethodGet)
}

// state is what survives a restart with a state file.
type state struct {
	Secrets       map[string]*SecretDetail `json:"secrets"` // by workspace id
	Subscriptions map[string]*subRec       `json:"subscriptions"`
	Health        []healthRec              `json:"health,omitempty"`
	// Resources holds the read-only resources by kind and key, filled
	// only while a snapshot is written or loaded.
	Resources map[string]map[string]*resource `json:"resources,omitempty"`
	ResSeq    int64                           `json:"resource_seq,omitempty"`
}

func newState() *state {
	return &state{Secrets: map[string]*SecretDetail{}, Subscriptions: map[string]*subRec{}}
}

// record is one write-ahead log record: the state after one change.
type record struct {
	Secrets   []*SecretDetail  `json:"secrets,omitempty"`
	Subs      []*subRec        `json:"subscriptions,omitempty"`
	Deleted   []string         `json:"deleted_subscriptions,omitempty"`
	Health    []healthRec      `json:"health,omitempty"`
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
	kindStudy      = "study"
	kindSubmission = "submission"
)

func (m *Mock) resourceMaps() map[string]map[string]*resource {
	return map[string]map[string]*resource{kindStudy: m.studies, kindSubmission: m.submissions}
}

// Save implements mockserver.Platform.
func (m *Mock) Save() (json.RawMessage, error) {
	m.st.Health = m.st.Health[:0]
	for p, h := range m.health {
		m.st.Health = append(m.st.Health, healthRec{Pair: p, Health: h})
	}
	sort.Slice(m.st.Health, func(i, j int) bool {
		a, b := m.st.Health[i].Pair, m.st.Health[j].Pair
		if a.TargetURL != b.TargetURL {
			return a.TargetURL < b.TargetURL
		}
		return a.EventType < b.EventType
	})
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
	for _, sec := range r.Secrets {
		if sec != nil {
			st.Secrets[sec.WorkspaceID] = sec
		}
	}
	for _, sub := range r.Subs {
		if sub != nil {
			st.Subscriptions[sub.ID] = sub
		}
	}
	for _, id := range r.Deleted {
		delete(st.Subscriptions, id)
	}
	for _, h := range r.Health {
		replaced := false
		for i := range st.Health {
			if st.Health[i].Pair == h.Pair {
				st.Health[i], replaced = h, true
			}
		}
		if !replaced {
			st.Health = append(st.Health, h)
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
			return mockserver.StateErrorf("prolific: %v", err)
		}
		if st.Secrets == nil {
			st.Secrets = map[string]*SecretDetail{}
		}
		if st.Subscriptions == nil {
			st.Subscriptions = map[string]*subRec{}
		}
		for id, sub := range st.Subscriptions {
			if sub == nil || sub.ID != id {
				return mockserver.StateErrorf("subscription %q does not match its key", id)
			}
		}
		for ws, sec := range st.Secrets {
			if sec == nil || sec.WorkspaceID != ws {
				return mockserver.StateErrorf("secret of workspace %q does not match its key", ws)
			}
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
			return mockserver.StateErrorf("prolific record %d: %v", i+1, err)
		}
		r.apply(st)
	}
	if err := m.validate(st); err != nil {
		return mockserver.StateErrorf("%v", err)
	}
	m.st = st
	for _, h := range st.Health {
		m.health[h.Pair] = h.Health
	}
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
	m.h.Events().Retain(func(owner string) bool { _, ok := m.st.Subscriptions[owner]; return ok })
	return nil
}

// validate checks what a state file holds as the API checks what a client
// sends: a file edited by hand (or by an attacker) cannot smuggle in what
// the API would refuse.
func (m *Mock) validate(st *state) error {
	var problems []string
	add := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	for ws, sec := range st.Secrets {
		if sec.Value == "" {
			add("secret of workspace %q is empty", ws)
		}
	}
	ids := make([]string, 0, len(st.Subscriptions))
	for id := range st.Subscriptions {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		sub := st.Subscriptions[id]
		fe := mockserver.FieldErrors{}
		m.checkEventType(fe, sub.EventType)
		if msgs := m.checkTarget(sub.TargetURL, false); msgs != nil {
			fe["target_url"] = msgs
		}
		if sub.WorkspaceID == "" {
			fe.Add("workspace_id", "This field is required.")
		}
		if sub.Token == "" {
			fe.Add("confirm_token", "This field is required.")
		}
		if e := fe.Err(CodeValidation); e != nil {
			add("subscription %q: %s", id, strings.Join(e.Messages(), "; "))
		}
	}
	vocab := map[string][]string{kindStudy: prolific.StudyStatuses(), kindSubmission: prolific.SubmissionStatuses()}
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
			if key != r.ID {
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
