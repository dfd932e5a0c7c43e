package mock_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/clock"
	"github.com/hookdrill/hookdrill/internal/exampleplatform"
	"github.com/hookdrill/hookdrill/internal/exampleplatform/mock"
	"github.com/hookdrill/hookdrill/mockserver"
	"github.com/hookdrill/hookdrill/mockserver/scenariomock"
	"github.com/hookdrill/hookdrill/scenarios"
)

const token = "tok_example_test"

// verifier verifies every delivery with the wire profile and the secret
// it is told, and records what it saw.
type verifier struct {
	mu     sync.Mutex
	secret string
	got    []hookdrill.Event
	errs   []error
}

func (v *verifier) setSecret(s string) { v.mu.Lock(); v.secret = s; v.mu.Unlock() }

func (v *verifier) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	p := exampleplatform.New(exampleplatform.Options{})
	v.mu.Lock()
	defer v.mu.Unlock()
	err := p.Verify(r.Header, body, v.secret, p.VerifyOptions(time.Now()))
	if err != nil {
		v.errs = append(v.errs, err)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	ev, err := exampleplatform.ParseBody(body)
	if err != nil {
		v.errs = append(v.errs, err)
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	v.got = append(v.got, ev)
	w.WriteHeader(http.StatusOK)
}

func (v *verifier) events() ([]hookdrill.Event, []error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]hookdrill.Event(nil), v.got...), append([]error(nil), v.errs...)
}

type harness struct {
	t   *testing.T
	srv *mockserver.Server
	api *httptest.Server
	m   *mock.Mock
}

func newHarness(t *testing.T, cfg mockserver.Config) *harness {
	t.Helper()
	m := mock.New(mock.Options{APIToken: token})
	cfg.Platforms = []mockserver.Platform{m}
	if cfg.Seed == 0 {
		cfg.Seed = 42
	}
	srv, err := mockserver.New(cfg)
	require.NoError(t, err)
	api := httptest.NewServer(srv)
	t.Cleanup(func() { api.Close(); _ = srv.Close() })
	require.Same(t, m, mock.Of(srv))
	return &harness{t: t, srv: srv, api: api, m: m}
}

// call makes an API call and decodes the JSON answer into out (when not nil).
func (h *harness) call(method, path, body string, out any) int {
	h.t.Helper()
	req, err := http.NewRequest(method, h.api.URL+path, strings.NewReader(body))
	require.NoError(h.t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(h.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(h.t, err)
	if out != nil && len(b) > 0 {
		require.NoError(h.t, json.Unmarshal(b, out), string(b))
	}
	return resp.StatusCode
}

type apiErr struct {
	Error struct {
		Type    string `json:"type"`
		Message string `json:"message"`
	} `json:"error"`
}

func TestEndpointsAPI(t *testing.T) {
	h := newHarness(t, mockserver.Config{})
	rcv := &verifier{}
	target := httptest.NewServer(rcv)
	defer target.Close()

	// Authentication.
	req, _ := http.NewRequest(http.MethodGet, h.api.URL+"/example/v1/endpoints", nil)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	var e apiErr
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&e))
	resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	tassert.Equal(t, "unauthorized", e.Error.Type)

	// Validation, in the platform's error shape.
	for _, body := range []string{`{}`, `{"url":"ftp://x"}`, `{"url":5}`, `{"url":"http://a","x":1}`, `[]`, `{`} {
		e = apiErr{}
		require.Equal(t, http.StatusBadRequest, h.call(http.MethodPost, "/example/v1/endpoints", body, &e), body)
		tassert.Equal(t, "invalid_request", e.Error.Type, body)
		tassert.NotEmpty(t, e.Error.Message, body)
	}

	// Create, list, get.
	var ep mock.Endpoint
	require.Equal(t, http.StatusCreated, h.call(http.MethodPost, "/example/v1/endpoints", `{"url":"`+target.URL+`/hooks"}`, &ep))
	tassert.Regexp(t, `^ep_[0-9a-f]{24}$`, ep.ID)
	tassert.Regexp(t, `^whsec_[0-9a-f]{32}$`, ep.Secret)
	tassert.True(t, ep.Enabled)
	rcv.setSecret(ep.Secret)
	var list struct{ Data []mock.Endpoint }
	require.Equal(t, http.StatusOK, h.call(http.MethodGet, "/example/v1/endpoints", "", &list))
	require.Len(t, list.Data, 1)
	tassert.Empty(t, list.Data[0].Secret, "secrets are shown once")
	var got mock.Endpoint
	require.Equal(t, http.StatusOK, h.call(http.MethodGet, "/example/v1/endpoints/"+ep.ID+"/", "", &got))
	tassert.Equal(t, ep.ID, got.ID)
	tassert.Empty(t, got.Secret)

	// The control API's trigger delivers to the endpoint, signed with its secret.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := h.srv.Trigger(ctx, mockserver.TriggerRequest{Platform: exampleplatform.Name, EventType: exampleplatform.EventOrderUpdated, Status: "refunded"})
	require.NoError(t, err)
	require.Len(t, res.Deliveries, 1)
	tassert.Equal(t, ep.ID, res.Deliveries[0].WebhookID)
	// The test endpoint too.
	var tr struct {
		EventID    string `json:"event_id"`
		DeliveryID string `json:"delivery_id"`
	}
	require.Equal(t, http.StatusAccepted, h.call(http.MethodPost, "/example/v1/endpoints/"+ep.ID+"/test", `{"status":"created"}`, &tr))
	tassert.NotEmpty(t, tr.DeliveryID)
	require.NoError(t, h.srv.Wait(ctx))
	evs, errs := rcv.events()
	require.Empty(t, errs)
	require.Len(t, evs, 2)
	byID := map[string]string{} // the two deliveries race: match them by id
	for _, ev := range evs {
		byID[ev.ID] = ev.Status
	}
	tassert.Equal(t, map[string]string{res.Event.ID: "refunded", tr.EventID: "created"}, byID)

	// The event log shows both, delivered.
	var log struct {
		Data []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		}
		Total int
	}
	require.Equal(t, http.StatusOK, h.call(http.MethodGet, "/example/v1/endpoints/"+ep.ID+"/events?status=SUCCEEDED", "", &log))
	tassert.Equal(t, 2, log.Total)
	e = apiErr{}
	require.Equal(t, http.StatusBadRequest, h.call(http.MethodGet, "/example/v1/endpoints/"+ep.ID+"/events?status=DONE", "", &e))

	// A bad trigger is a 400 naming the field.
	_, err = h.srv.Trigger(ctx, mockserver.TriggerRequest{Platform: exampleplatform.Name, EventType: "order.updated", Status: "PAID"})
	require.ErrorIs(t, err, mockserver.ErrValidation)
	tassert.Contains(t, err.Error(), "did you mean")

	// Disabled endpoints get nothing.
	require.Equal(t, http.StatusOK, h.call(http.MethodPatch, "/example/v1/endpoints/"+ep.ID, `{"enabled":false}`, &got))
	tassert.False(t, got.Enabled)
	require.Equal(t, http.StatusBadRequest, h.call(http.MethodPatch, "/example/v1/endpoints/"+ep.ID, `{}`, nil))
	res, err = h.srv.Trigger(ctx, mockserver.TriggerRequest{Platform: exampleplatform.Name, EventType: exampleplatform.EventOrderUpdated})
	require.NoError(t, err)
	tassert.Empty(t, res.Deliveries)
	require.Len(t, res.Skipped, 1)
	tassert.Equal(t, "endpoint disabled", res.Skipped[0].Reason)

	// Delete; then it is gone, in the platform's shape.
	require.Equal(t, http.StatusNoContent, h.call(http.MethodDelete, "/example/v1/endpoints/"+ep.ID, "", nil))
	e = apiErr{}
	require.Equal(t, http.StatusNotFound, h.call(http.MethodGet, "/example/v1/endpoints/"+ep.ID, "", &e))
	tassert.Equal(t, "not_found", e.Error.Type)
	require.Equal(t, http.StatusNotFound, h.call(http.MethodDelete, "/example/v1/endpoints/"+ep.ID, "", nil))
	res, err = h.srv.Trigger(ctx, mockserver.TriggerRequest{Platform: exampleplatform.Name, EventType: exampleplatform.EventOrderUpdated})
	require.NoError(t, err)
	require.Len(t, res.Skipped, 1)
	tassert.Contains(t, res.Skipped[0].Reason, "no endpoint")

	// Unrouted paths and methods.
	e = apiErr{}
	require.Equal(t, http.StatusNotFound, h.call(http.MethodGet, "/example/v1/nothing", "", &e))
	tassert.Equal(t, "not_found", e.Error.Type)
	e = apiErr{}
	require.Equal(t, http.StatusMethodNotAllowed, h.call(http.MethodPut, "/example/v1/endpoints", "", &e))
	tassert.Equal(t, "method_not_allowed", e.Error.Type)

	// The journal never shows a secret or the token.
	var buf bytes.Buffer
	require.NoError(t, h.srv.Journal().WriteJSONL(&buf))
	tassert.NotContains(t, buf.String(), ep.Secret)
	tassert.NotContains(t, buf.String(), token)
}

// TestRefusesControlTarget: an endpoint may not point at the mock's own
// control API.
func TestRefusesControlTarget(t *testing.T) {
	h := newHarness(t, mockserver.Config{})
	var e apiErr
	require.Equal(t, http.StatusBadRequest, h.call(http.MethodPost, "/example/v1/endpoints",
		`{"url":"`+h.api.URL+mockserver.ControlPrefix+`trigger"}`, &e))
	tassert.Contains(t, e.Error.Message, "control API")
}

// TestStateSurvivesRestart: endpoints (secrets included), their state and
// their event log come back from the state file; a deleted one does not.
func TestStateSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	h := newHarness(t, mockserver.Config{StatePath: path, Clock: clock.NewSim(time.Unix(1767225600, 0))})
	a, err := h.m.CreateEndpoint("http://127.0.0.1:1/a", "")
	require.NoError(t, err)
	b, err := h.m.CreateEndpoint("http://127.0.0.1:1/b", "whsec_mine")
	require.NoError(t, err)
	_, err = h.m.SetEnabled(a.ID, false)
	require.NoError(t, err)
	rotated, err := h.m.RotateSecret(b.ID)
	require.NoError(t, err)
	c, err := h.m.CreateEndpoint("http://127.0.0.1:1/c", "")
	require.NoError(t, err)
	require.NoError(t, h.m.DeleteEndpoint(c.ID))
	// A copy taken now, before Close writes a snapshot, is what a crash
	// leaves: the changes are in the write-ahead log.
	crashed := filepath.Join(t.TempDir(), "state.json")
	for _, suffix := range []string{"", ".wal"} {
		b, err := os.ReadFile(path + suffix)
		if suffix == "" && errors.Is(err, fs.ErrNotExist) {
			continue // no snapshot yet: everything is in the log
		}
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(crashed+suffix, b, 0o600))
	}
	h.api.Close()
	require.NoError(t, h.srv.Close())

	for _, p := range []string{path, crashed} {
		m2 := mock.New(mock.Options{})
		srv2, err := mockserver.New(mockserver.Config{StatePath: p, Platforms: []mockserver.Platform{m2}, Seed: 1})
		require.NoError(t, err)
		checkRestored(t, m2, a, b, rotated, c.ID)
		require.NoError(t, srv2.Close())
	}
}

func checkRestored(t *testing.T, m2 *mock.Mock, a, b mock.Endpoint, rotated, deleted string) {
	t.Helper()
	eps := m2.Endpoints()
	require.Len(t, eps, 2)
	tassert.Equal(t, a.ID, eps[0].ID)
	tassert.False(t, eps[0].Enabled)
	tassert.Equal(t, b.ID, eps[1].ID)
	tassert.Contains(t, m2.KnownSecrets(), rotated)
	tassert.Contains(t, m2.KnownSecrets(), a.Secret)
	_, err := m2.Endpoint(deleted)
	require.ErrorIs(t, err, mockserver.ErrNotFound)
}

// TestScenarioMock drives the example mock through the scenario verbs, as
// the scenario runner does.
func TestScenarioMock(t *testing.T) {
	rcv := &verifier{secret: "scenario-secret"}
	target := httptest.NewServer(rcv)
	defer target.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	api, err := scenariomock.Factory(mock.Scenario)(ctx, scenarios.MockEnv{Platform: exampleplatform.Name,
		Profile: exampleplatform.New(exampleplatform.Options{}), Clock: clock.Real{}, Journal: hookdrill.NewJournal(),
		Seed: 3, Secret: "scenario-secret", Target: target.URL})
	require.NoError(t, err)
	defer api.Close()
	srv := api.(*scenariomock.Mock).Server()

	id, err := api.Subscribe(ctx, exampleplatform.EventOrderUpdated, target.URL, true)
	require.NoError(t, err)
	on, err := api.Enabled(ctx, id)
	require.NoError(t, err)
	tassert.True(t, on)
	ev, err := api.Trigger(ctx, hookdrill.EventSpec{Type: exampleplatform.EventOrderUpdated, Status: "paid"})
	require.NoError(t, err)
	require.NoError(t, srv.Wait(ctx))
	n, err := api.EventLog(ctx, id, string(hookdrill.StatusSucceeded), ev.ResourceID)
	require.NoError(t, err)
	tassert.Equal(t, 1, n)

	secret, err := api.RotateSecret(ctx)
	require.NoError(t, err)
	tassert.NotEqual(t, "scenario-secret", secret)
	rcv.setSecret(secret)
	_, err = api.Trigger(ctx, hookdrill.EventSpec{Type: exampleplatform.EventOrderUpdated})
	require.NoError(t, err)
	require.NoError(t, srv.Wait(ctx))
	evs, errs := rcv.events()
	require.Empty(t, errs)
	require.Len(t, evs, 2)

	require.NoError(t, api.SetEnabled(ctx, id, false))
	on, err = api.Enabled(ctx, id)
	require.NoError(t, err)
	tassert.False(t, on)
	on, err = api.Enabled(ctx, "ep_missing")
	require.NoError(t, err)
	tassert.False(t, on)

	_, err = scenariomock.Factory(mock.Scenario)(ctx, scenarios.MockEnv{Platform: "other"})
	require.Error(t, err)
}

// FuzzDecode: no body makes an API call panic or answer 5xx.
func FuzzDecode(f *testing.F) {
	f.Add("POST", "/example/v1/endpoints", `{"url":"http://127.0.0.1:1/x"}`)
	f.Add("PATCH", "/example/v1/endpoints/ep_1", `{"enabled":null}`)
	f.Add("POST", "/example/v1/endpoints/ep_1/test", `{"status":"PAID"}`)
	f.Add("GET", "/example/v1/endpoints/ep_1/events?status=%FF", ``)
	m := mock.New(mock.Options{})
	srv, err := mockserver.New(mockserver.Config{Platforms: []mockserver.Platform{m}, Seed: 1})
	require.NoError(f, err)
	defer srv.Close()
	ep, err := m.CreateEndpoint("http://127.0.0.1:1/x", "")
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, method, path, body string) {
		switch method {
		case "GET", "POST", "PATCH", "DELETE":
		default:
			return
		}
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \r\n#") {
			return
		}
		path = strings.ReplaceAll(path, "ep_1", ep.ID)
		if _, err := url.ParseRequestURI(path); err != nil {
			return // not a request the HTTP server would hand over
		}
		req := httptest.NewRequest(method, "http://127.0.0.1"+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer x")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", method, path, body, rec.Code, rec.Body.String())
		}
	})
}

// TestCorruptStateRefused: a state file whose example section a client
// could not have produced is refused as corrupt, and left alone.
func TestCorruptStateRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	h := newHarness(t, mockserver.Config{StatePath: path})
	_, err := h.m.CreateEndpoint("http://127.0.0.1:1/a", "whsec_a")
	require.NoError(t, err)
	h.api.Close()
	require.NoError(t, h.srv.Close())
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Contains(t, string(raw), `"http://127.0.0.1:1/a"`)
	bad := strings.Replace(string(raw), `"http://127.0.0.1:1/a"`, `"ftp://nowhere"`, 1)
	require.NoError(t, os.WriteFile(path, []byte(bad), 0o600))
	_, err = mockserver.New(mockserver.Config{StatePath: path, Platforms: []mockserver.Platform{mock.New(mock.Options{})}})
	require.ErrorIs(t, err, mockserver.ErrCorruptState)
	tassert.Contains(t, err.Error(), "url must be an absolute http or https URL")
	after, err := os.ReadFile(path)
	require.NoError(t, err)
	tassert.Equal(t, bad, string(after), "the file is left alone")
}
