package scenarios

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/assert"
	"github.com/hookdrill/hookdrill/platform"
	"github.com/hookdrill/hookdrill/platform/prolific"
	"github.com/hookdrill/hookdrill/platform/respondent"
)

const testSecret = "test-secret-0123456789"

// testPlatforms are the platforms of the runner's own tests: the wire
// packages, not platform/all (which imports packages that import this one).
var testPlatforms = platform.MustRegistry(
	func() hookdrill.Profile { return prolific.New(prolific.Options{}) },
	func() hookdrill.Profile { return respondent.New(respondent.Options{}) },
)

// testLoader loads the tests' scenarios.
var testLoader = Loader{Platforms: testPlatforms}

// miniReceiver is a small receiver for the runner's own tests: it verifies
// signatures with the platform profile, deduplicates by event id, keeps
// the newest status per resource and serves GET /_state. Flags switch
// deliberate bugs on. (The examples run against package receiver.)
type miniReceiver struct {
	prof hookdrill.Profile

	noDedup, noVerify, noOrdering bool
	status                        int           // answer instead of 200 when set
	delay                         time.Duration // before answering

	mu        sync.Mutex // guards everything below
	processed map[string]int
	states    map[string]string
	newest    map[string]int64
	order     []string // event ids in arrival order (accepted or not)
	requests  int
}

func newMiniReceiver(t *testing.T, plat string) (*miniReceiver, *httptest.Server) {
	t.Helper()
	prof, err := testPlatforms.Lookup(plat)
	require.NoError(t, err)
	m := &miniReceiver{prof: prof, processed: map[string]int{}, states: map[string]string{}, newest: map[string]int64{}}
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	return m, srv
}

func (m *miniReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		m.mu.Lock()
		defer m.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"processed": m.processed, "status": m.states})
		return
	}
	body, _ := io.ReadAll(r.Body)
	if m.delay > 0 {
		time.Sleep(m.delay)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests++
	id, resource, status, ts := m.parse(r.Header, body)
	m.order = append(m.order, id)
	if m.status != 0 {
		w.WriteHeader(m.status)
		return
	}
	if !m.noVerify {
		if err := m.prof.Verify(r.Header, body, testSecret, hookdrill.VerifyOptions{Now: time.Now(), Tolerance: 5 * time.Minute}); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
	}
	if m.processed[id] > 0 && !m.noDedup {
		w.WriteHeader(http.StatusOK)
		return
	}
	m.processed[id]++
	if status != "" && (m.noOrdering || ts >= m.newest[resource]) {
		m.states[resource], m.newest[resource] = status, ts
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(`{"ok":true}`))
}

func (m *miniReceiver) parse(h http.Header, body []byte) (id, resource, status string, ts int64) {
	var doc map[string]any
	_ = json.Unmarshal(body, &doc)
	if m.prof.Name() == prolific.Name {
		id = h.Get("X-Event-ID")
		ts, _ = strconv.ParseInt(h.Get("X-Timestamp"), 10, 64)
		resource, _ = doc["resource_id"].(string)
		status, _ = doc["status"].(string)
		return
	}
	id, _ = doc["uuid"].(string)
	if c, err := time.Parse(time.RFC3339Nano, str(doc["created"])); err == nil {
		ts = c.UnixMilli()
	}
	p, _ := doc["payload"].(map[string]any)
	res, _ := p["resource"].(map[string]any)
	resource = str(res["id"])
	if fs, ok := res["updatedFields"].([]any); ok && len(fs) > 0 {
		f, _ := fs[0].(map[string]any)
		status = str(f["newValue"])
	}
	return
}

func str(v any) string { s, _ := v.(string); return s }

func (m *miniReceiver) snapshot() (processed map[string]int, order []string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p := make(map[string]int, len(m.processed))
	for k, v := range m.processed {
		p[k] = v
	}
	return p, append([]string(nil), m.order...)
}

// mustParse parses an inline scenario.
func mustParse(t testing.TB, src string) *Scenario {
	t.Helper()
	s, err := testLoader.Parse(t.Name()+".yaml", []byte(src))
	require.NoError(t, err)
	return s
}

// testConfig points scenarios at srv with the test secret.
func testConfig(srv *httptest.Server) RunConfig {
	return RunConfig{Target: srv.URL + "/hook", Secret: testSecret, Seed: 42,
		SimStart: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Vars:     map[string]string{"state": srv.URL + "/_state"}}
}

func runOne(t *testing.T, cfg RunConfig, sc *Scenario) assert.ScenarioResult {
	t.Helper()
	rep, err := Run(context.Background(), cfg, []*Scenario{sc})
	require.NoError(t, err)
	require.Len(t, rep.Scenarios, 1)
	return rep.Scenarios[0]
}

func reportText(r assert.ScenarioResult) string {
	var b bytes.Buffer
	_ = assert.WriteText(&b, assert.Report{Scenarios: []assert.ScenarioResult{r}}, assert.TextOptions{Verbose: true, NoSummary: true})
	return b.String()
}

// writeSampleReport runs a small failing scenario and writes its JSON
// report, for the report-schema test.
func writeSampleReport(w io.Writer) error {
	prof, _ := testPlatforms.Lookup(prolific.Name)
	m := &miniReceiver{prof: prof, processed: map[string]int{}, states: map[string]string{}, newest: map[string]int64{}, noDedup: true}
	srv := httptest.NewServer(m)
	defer srv.Close()
	sc, err := testLoader.Parse("sample.yaml", []byte(`version: 1
name: sample
platform: prolific
check: {id: prolific.sample.dup, severity: MUST, explain: e, fix: f}
vars: {state: ""}
steps:
  - id: first
    send: {event: submission.status.change, status: APPROVED}
    expect: {status: 4xx}
  - duplicate: first
  - probe: {http: "GET ${vars.state}"}
    expect: {json: {"/processed/${first.event_id}": 1}}
`))
	if err != nil {
		return err
	}
	cfg := RunConfig{Target: srv.URL, Secret: testSecret, Vars: map[string]string{"state": srv.URL + "/_state"}}
	rep, err := Run(context.Background(), cfg, []*Scenario{sc})
	if err != nil {
		return err
	}
	return assert.WriteJSON(w, rep)
}

func jsonValue(b []byte) (any, bool) {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, false
	}
	return v, true
}
