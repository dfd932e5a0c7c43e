package mock

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/mux"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/clock"
	"github.com/hookdrill/hookdrill/mockserver"
	"github.com/hookdrill/hookdrill/platform/prolific"
	"github.com/hookdrill/hookdrill/platform/respondent"
	respondentmock "github.com/hookdrill/hookdrill/platform/respondent/mock"
)

const (
	testToken = "T"
	testWS    = "63722982f9cc073ecc730f6b"
)

var simStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Field types as Prolific's Go CLI (prolific-oss/cli model/hook.go and
// client/responses.go) decodes them.
type cliHook struct {
	ID          string `json:"id"`
	EventType   string `json:"event_type"`
	TargetURL   string `json:"target_url"`
	IsEnabled   bool   `json:"is_enabled"`
	WorkspaceID string `json:"workspace_id"`
}

type cliMeta struct {
	Count int `json:"count"`
}

type cliHookList struct {
	Results []cliHook `json:"results"`
	Meta    *cliMeta  `json:"meta"`
}

type cliEvent struct {
	ID          string         `json:"id"`
	DateCreated time.Time      `json:"datetime_created"`
	DateUpdated time.Time      `json:"datetime_updated"`
	EventType   string         `json:"event_type"`
	ResourceID  string         `json:"resource_id"`
	Status      string         `json:"status"`
	TargetURL   string         `json:"target_url"`
	Payload     map[string]any `json:"payload"`
}

type cliEventList struct {
	Results []cliEvent `json:"results"`
	Meta    cliMeta    `json:"meta"`
}

type cliSecret struct {
	ID          string `json:"id"`
	Value       string `json:"value"`
	WorkspaceID string `json:"workspace_id"`
}

type cliSecretList struct {
	Results []cliSecret `json:"results"`
}

// env is a mock behind an httptest server.
type env struct {
	t   testing.TB
	srv *Server
	ts  *httptest.Server
	sim *clock.Sim
}

// newEnv starts a mock on a simulated clock (unless cfg sets one).
func newEnv(t testing.TB, cfg Config) *env {
	t.Helper()
	e := &env{t: t}
	if cfg.Clock == nil {
		e.sim = clock.NewSim(simStart)
		cfg.Clock = e.sim
	} else if s, ok := cfg.Clock.(*clock.Sim); ok {
		e.sim = s
	}
	if cfg.Seed == 0 {
		cfg.Seed = 42
	}
	srv, err := newServer(cfg)
	require.NoError(t, err)
	e.srv = srv
	e.ts = httptest.NewServer(srv)
	t.Cleanup(func() {
		e.ts.Close()
		_ = srv.Close()
	})
	return e
}

// do makes one request; hdr alternates names and values. Without an
// Authorization or x-api-key header in hdr, the platform's credentials are
// added.
func (e *env) do(method, path, body string, hdr ...string) (*http.Response, []byte) {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.ts.URL+path, rd)
	require.NoError(e.t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	if len(hdr) == 0 {
		if strings.HasPrefix(path, "/v1/") {
			req.Header.Set("x-api-key", "K")
			req.Header.Set("x-api-secret", "S")
		} else {
			req.Header.Set("Authorization", "Token "+testToken)
		}
	}
	resp, err := e.ts.Client().Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(e.t, err)
	return resp, b
}

// json makes a request, checks the status and decodes the answer into out.
func (e *env) json(method, path, body string, want int, out any) http.Header {
	e.t.Helper()
	resp, b := e.do(method, path, body)
	require.Equal(e.t, want, resp.StatusCode, "%s %s: %s", method, path, b)
	if out != nil {
		require.NoError(e.t, json.Unmarshal(b, out), "%s", b)
	}
	return resp.Header
}

// subscribe creates a secret (once), a subscription, and confirms it.
func (e *env) subscribe(ws, eventType, target string) cliHook {
	e.t.Helper()
	if len(e.srv.Secrets(ws)) == 0 {
		e.json("POST", "/api/v1/hooks/secrets/", `{"workspace_id": "`+ws+`"}`, 201, nil)
	}
	var h cliHook
	hdr := e.json("POST", "/api/v1/hooks/subscriptions/",
		`{"workspace_id": "`+ws+`", "event_type": "`+eventType+`", "target_url": "`+target+`"}`, 201, &h)
	require.False(e.t, h.IsEnabled)
	tok := hdr.Get("X-Hook-Secret")
	require.NotEmpty(e.t, tok)
	var c cliHook
	e.json("POST", "/api/v1/hooks/subscriptions/"+h.ID+"/", `{"secret": "`+tok+`"}`, 200, &c)
	require.True(e.t, c.IsEnabled)
	return c
}

func (e *env) trigger(req TriggerRequest) TriggerResult {
	e.t.Helper()
	res, err := e.srv.Trigger(context.Background(), req)
	require.NoError(e.t, err)
	return res
}

// settle runs the simulated clock until no delivery is live.
func (e *env) settle() {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if e.sim != nil {
		require.NoError(e.t, e.sim.RunUntilIdle(ctx))
	}
	require.NoError(e.t, e.srv.Wait(ctx))
}

func (e *env) events(subID, query string) cliEventList {
	e.t.Helper()
	var l cliEventList
	e.json("GET", "/api/v1/hooks/subscriptions/"+subID+"/events/"+query, "", 200, &l)
	return l
}

// The tests were written against one server that held both platforms; the
// shim below rebuilds that from the core server and both platform mocks.

// Config is the flat configuration the tests use: core fields, then each
// platform mock's.
type Config struct {
	Clock               clock.Clock
	Journal             *hookdrill.Journal
	Dispatcher          mockserver.Dispatcher
	Seed                uint64
	Token               string
	ControlToken        string
	ControlHosts        []string
	RespondentAPIKey    string
	RespondentAPISecret string
	StrictTargets       bool
	CreateShape         CreateShape
	AllowUnknownFields  bool
	ReuseConfirmToken   bool
	SimulateFetchable   bool
	EventLogLimit       int
	FailedOnEachAttempt bool
	DisablePolicy       prolific.DisablePolicy
	HealthFrom          HealthFrom
	MaxBodyBytes        int64
	StatePath           string
	StateFS             mockserver.StateFS
	CompactAt           int64
	Log                 io.Writer
}

// Server is a core server with both platform mocks plugged in.
type Server struct {
	*mockserver.Server
	*Mock
	res    *respondentmock.Mock
	cfg    Config
	clk    clock.Clock
	router *mux.Router
}

// newServer starts a server for cfg.
func newServer(cfg Config) (*Server, error) {
	pro := New(Options{Token: cfg.Token, StrictTargets: cfg.StrictTargets, CreateShape: cfg.CreateShape,
		AllowUnknownFields: cfg.AllowUnknownFields, ReuseConfirmToken: cfg.ReuseConfirmToken,
		DisablePolicy: cfg.DisablePolicy, HealthFrom: cfg.HealthFrom})
	res := respondentmock.New(respondentmock.Options{APIKey: cfg.RespondentAPIKey, APISecret: cfg.RespondentAPISecret,
		SimulateFetchable: cfg.SimulateFetchable})
	srv, err := mockserver.New(mockserver.Config{Clock: cfg.Clock, Journal: cfg.Journal, Dispatcher: cfg.Dispatcher,
		Seed: cfg.Seed, ControlToken: cfg.ControlToken, ControlHosts: cfg.ControlHosts, EventLogLimit: cfg.EventLogLimit,
		FailedOnEachAttempt: cfg.FailedOnEachAttempt, MaxBodyBytes: cfg.MaxBodyBytes, StatePath: cfg.StatePath,
		StateFS: cfg.StateFS, CompactAt: cfg.CompactAt, Log: cfg.Log, Platforms: []mockserver.Platform{pro, res}})
	if err != nil {
		return nil, err
	}
	r := mux.NewRouter()
	pro.Mount(r)
	res.Mount(r)
	return &Server{Server: srv, Mock: pro, res: res, cfg: cfg, clk: srv.Clock(), router: r}, nil
}

// Trigger is the server's (either platform).
func (s *Server) Trigger(ctx context.Context, req TriggerRequest) (TriggerResult, error) {
	return s.Server.Trigger(ctx, req)
}

// Reset is the server's.
func (s *Server) Reset() error { return s.Server.Reset() }

// Events lists a subscription's or a webhook's event log.
func (s *Server) Events(id string, f EventFilter) ([]EventRecord, int, error) {
	if _, err := s.Mock.Subscription(id); err == nil {
		return s.Mock.Events(id, f)
	}
	if f.Limit == 0 {
		f.Limit = DefaultEventsLimit
	}
	recs, n, err := s.res.Events(id, f)
	if err != nil {
		return nil, 0, notFound("subscription", id)
	}
	out := make([]EventRecord, len(recs))
	for i, r := range recs {
		out[i] = view(r)
	}
	return out, n, nil
}

// The respondent mock's Go API.

func (s *Server) CreateWebhook(rawURL, key string) (respondentmock.Webhook, error) {
	return s.res.CreateWebhook(rawURL, key)
}
func (s *Server) ActiveWebhook() (respondentmock.Webhook, error)    { return s.res.ActiveWebhook() }
func (s *Server) Webhook(id string) (respondentmock.Webhook, error) { return s.res.Webhook(id) }
func (s *Server) DeactivateWebhook(id string) error                 { return s.res.DeactivateWebhook(id) }
func (s *Server) Simulate(ctx context.Context, id, event, variant string) (TriggerResult, error) {
	return s.res.Simulate(ctx, id, event, variant)
}
func (s *Server) Project(id string) (respondentmock.ProjectView, error) { return s.res.Project(id) }
func (s *Server) ScreenerResponse(project, id string) (respondentmock.ScreenerResponseView, error) {
	return s.res.ScreenerResponse(project, id)
}

// Core names the tests use.
type (
	TriggerRequest = mockserver.TriggerRequest
	TriggerResult  = mockserver.TriggerResult
	Dispatched     = mockserver.Dispatched
	EventFilter    = mockserver.EventFilter
	Error          = mockserver.Error
	Webhook        = respondentmock.Webhook
	StateFile      = mockserver.StateFile
	OSStateFS      = mockserver.OSStateFS
)

var (
	ErrNotFound     = mockserver.ErrNotFound
	ErrValidation   = mockserver.ErrValidation
	ErrUnauthorized = mockserver.ErrUnauthorized
	ErrClosed       = mockserver.ErrClosed
	ErrNotDurable   = mockserver.ErrNotDurable
	ErrCorruptState = mockserver.ErrCorruptState
)

type (
	prolificError       = apiError
	prolificErrorDetail = apiErrorDetail
)

const (
	ProlificPrefix   = Prefix
	RespondentPrefix = respondentmock.Prefix
	ControlPrefix    = mockserver.ControlPrefix
)

func platformOf(path string) string {
	switch {
	case strings.HasPrefix(path, ProlificPrefix):
		return prolific.Name
	case strings.HasPrefix(path, RespondentPrefix):
		return respondent.Name
	}
	return ""
}

// NewClient is the control API client.
var NewClient = mockserver.NewClient

type (
	ProjectView          = respondentmock.ProjectView
	ScreenerResponseView = respondentmock.ScreenerResponseView
)

type (
	AdvanceRequest = mockserver.AdvanceRequest
	ControlError   = mockserver.ControlError
)
