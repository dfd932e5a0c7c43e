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
)

var simStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

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

// Config is the flat configuration the tests use: the core's fields and
// the Respondent mock's.
type Config struct {
	Clock               clock.Clock
	Journal             *hookdrill.Journal
	Dispatcher          mockserver.Dispatcher
	Seed                uint64
	RespondentAPIKey    string
	RespondentAPISecret string
	SimulateFetchable   bool
	MaxBodyBytes        int64
	StatePath           string
	StateFS             mockserver.StateFS
	Log                 io.Writer
}

// Server is a core server with the Respondent mock plugged in.
type Server struct {
	*mockserver.Server
	*Mock
	cfg    Config
	clk    clock.Clock
	router *mux.Router
}

func newServer(cfg Config) (*Server, error) {
	m := New(Options{APIKey: cfg.RespondentAPIKey, APISecret: cfg.RespondentAPISecret, SimulateFetchable: cfg.SimulateFetchable})
	srv, err := mockserver.New(mockserver.Config{Clock: cfg.Clock, Journal: cfg.Journal, Dispatcher: cfg.Dispatcher,
		Seed: cfg.Seed, MaxBodyBytes: cfg.MaxBodyBytes, StatePath: cfg.StatePath, StateFS: cfg.StateFS, Log: cfg.Log,
		Platforms: []mockserver.Platform{m}})
	if err != nil {
		return nil, err
	}
	r := mux.NewRouter()
	m.Mount(r)
	return &Server{Server: srv, Mock: m, cfg: cfg, clk: srv.Clock(), router: r}, nil
}

// Trigger is the server's.
func (s *Server) Trigger(ctx context.Context, req TriggerRequest) (TriggerResult, error) {
	return s.Server.Trigger(ctx, req)
}

// Reset is the server's.
func (s *Server) Reset() error { return s.Server.Reset() }

type (
	TriggerRequest = mockserver.TriggerRequest
	TriggerResult  = mockserver.TriggerResult
	EventFilter    = mockserver.EventFilter
	Error          = mockserver.Error
)

var ErrNotFound = mockserver.ErrNotFound

type (
	StateFile = mockserver.StateFile
	OSStateFS = mockserver.OSStateFS
)
