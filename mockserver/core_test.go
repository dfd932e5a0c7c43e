package mockserver

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/clock"
	"github.com/hookdrill/hookdrill/internal/testkit"
	"github.com/hookdrill/hookdrill/platform/prolific"
)

var coreStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// core is a Server with one fake platform behind an httptest server.
type core struct {
	t    *testing.T
	srv  *Server
	fake *fakePlatform
	ts   *httptest.Server
	sim  *clock.Sim
}

func newCore(t *testing.T, cfg Config) *core {
	t.Helper()
	c := &core{t: t, fake: newFake()}
	if cfg.Clock == nil {
		c.sim = clock.NewSim(coreStart)
		cfg.Clock = c.sim
	}
	if cfg.Seed == 0 {
		cfg.Seed = 7
	}
	cfg.Platforms = append([]Platform{c.fake}, cfg.Platforms...)
	srv, err := New(cfg)
	require.NoError(t, err)
	c.srv = srv
	c.ts = httptest.NewServer(srv)
	t.Cleanup(func() {
		c.ts.Close()
		_ = srv.Close()
	})
	return c
}

func (c *core) do(method, path, body string) (int, string) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.ts.URL+path, strings.NewReader(body))
	require.NoError(c.t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.ts.Client().Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	return resp.StatusCode, string(b)
}

func (c *core) settle() {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if c.sim != nil {
		require.NoError(c.t, c.sim.RunUntilIdle(ctx))
	}
	require.NoError(c.t, c.srv.Wait(ctx))
}

// TestCoreServesAPlatform: the core routes a plug-in platform's API under
// its prefix, answers its unrouted paths in its error shape, triggers it
// from the control API (by name and by default), keeps its event log,
// journals its calls with its secrets redacted, and describes it in info.
func TestCoreServesAPlatform(t *testing.T) {
	c := newCore(t, Config{})
	rcv, got := testkit.Answering(t, 200)

	st, body := c.do("POST", "/fake/hooks", `{"url": "`+rcv.URL+`"}`)
	require.Equal(t, 201, st, body)
	var hk fakeHook
	require.NoError(t, json.Unmarshal([]byte(body), &hk))
	st, body = c.do("GET", "/fake/hooks/", "")
	require.Equal(t, 200, st, "one trailing slash is optional")
	tassert.Contains(t, body, hk.ID)

	for _, tc := range []struct{ method, path, body, want string }{
		{"GET", "/fake/nope", "", `"fake_error":["no such fake route /fake/nope"],"status":404`},
		{"PUT", "/fake/hooks", "{}", `"status":405`},
		{"POST", "/fake/hooks", `{"url": 1}`, `"status":400`},
		{"POST", "/fake/hooks", `{oops`, `"fake_error":["JSON parse error`},
		{"POST", "/fake/hooks", `{"url": "http://127.0.0.1:1/_hookdrill/reset"}`, `control API`},
	} {
		_, body := c.do(tc.method, tc.path, tc.body)
		tassert.Contains(t, body, tc.want, "%s %s", tc.method, tc.path)
	}

	st, body = c.do("POST", "/_hookdrill/trigger", `{"platform": "fake", "event_type": "study.status.change", "status": "ACTIVE"}`)
	require.Equal(t, 200, st, body)
	st, body = c.do("POST", "/_hookdrill/trigger", `{"event_type": "study.status.change", "status": "ACTIVE"}`)
	require.Equal(t, 200, st, "the first platform is the default: %s", body)
	st, body = c.do("POST", "/_hookdrill/trigger", `{"platform": "other", "event_type": "x"}`)
	require.Equal(t, 400, st)
	tassert.Contains(t, body, `\"other\" is not a platform. Valid: fake.`)
	c.settle()
	tassert.EqualValues(t, 2, got.Load())

	st, body = c.do("GET", "/fake/hooks/"+hk.ID+"/events", "")
	require.Equal(t, 200, st)
	tassert.Contains(t, body, `"status":"SUCCEEDED"`)
	tassert.Contains(t, body, `"count":2`)

	// A body carrying the hook's secret is journaled without it.
	c.do("POST", "/fake/hooks", `{"url": "`+rcv.URL+`", "note": "`+hk.Secret+`"}`)
	var calls []*hookdrill.APICall
	for _, e := range c.srv.Journal().Snapshot() {
		if e.APICall != nil {
			calls = append(calls, e.APICall)
			tassert.NotContains(t, e.APICall.Body, hk.Secret)
			tassert.Equal(t, "fake", e.APICall.Platform)
		}
	}
	require.NotEmpty(t, calls)
	tassert.Equal(t, "/fake/hooks/{id}/events", calls[len(calls)-2].Route)
	tassert.Equal(t, hk.ID, calls[len(calls)-2].ResourceID)

	in := c.srv.Info()
	tassert.Equal(t, map[string]map[string]any{"fake": {"base": "/fake/", "flavour": "plain"}}, in.Platforms)
}

// TestCoreReset: the control API's reset empties every platform, the
// event logs and the journal.
func TestCoreReset(t *testing.T) {
	c := newCore(t, Config{})
	rcv, _ := testkit.Answering(t, 200)
	hk, err := c.fake.create(rcv.URL)
	require.NoError(t, err)
	_, err = c.srv.Trigger(context.Background(), TriggerRequest{EventType: prolific.EventStudyStatusChange, Status: "ACTIVE"})
	require.NoError(t, err)
	c.settle()
	st, _ := c.do("POST", "/_hookdrill/reset", "{}")
	require.Equal(t, 200, st)
	tassert.Empty(t, c.fake.list())
	c.srv.mu.Lock()
	tassert.Empty(t, c.srv.events.logs)
	c.srv.mu.Unlock()
	_, _, err = c.fake.events(hk.ID, EventFilter{})
	tassert.ErrorIs(t, err, ErrNotFound)
	tassert.Empty(t, c.srv.Journal().Snapshot(), "the reset call itself is not a platform call")
}

// TestCorePersistence: a platform's state and event logs survive a
// restart and a crash (what is on disk while running); its log records
// are tagged with its name; a state file with a platform the server does
// not serve, or one the platform refuses, is an error and left alone.
func TestCorePersistence(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	rcv, _ := testkit.Answering(t, 200)
	sim := clock.NewSim(coreStart)
	fake := newFake()
	s1, err := New(Config{StatePath: path, Seed: 3, Clock: sim, Platforms: []Platform{fake}})
	require.NoError(t, err)
	a, err := fake.create(rcv.URL + "/a")
	require.NoError(t, err)
	b, err := fake.create(rcv.URL + "/b")
	require.NoError(t, err)
	require.NoError(t, fake.remove(b.ID))
	_, err = s1.Trigger(context.Background(), TriggerRequest{EventType: prolific.EventStudyStatusChange, Status: "ACTIVE"})
	require.NoError(t, err)
	require.NoError(t, sim.RunUntilIdle(context.Background()))
	require.NoError(t, s1.Wait(context.Background()))
	s1.Flush()

	wal, err := os.ReadFile(path + ".wal")
	require.NoError(t, err)
	tassert.Contains(t, string(wal), `"platform":"fake","record":{"put":{"id":"`+a.ID)
	tassert.Contains(t, string(wal), `"key":"fake/`+a.ID+`"`)
	// A crash now: copy the files as they are.
	crash := t.TempDir()
	for _, f := range []string{path, path + ".wal"} {
		bs, err := os.ReadFile(f)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(crash, filepath.Base(f)), bs, 0o600))
	}
	require.NoError(t, s1.Close())
	snap, err := os.ReadFile(path)
	require.NoError(t, err)
	tassert.Contains(t, string(snap), `"platforms": {`)
	tassert.Contains(t, string(snap), `"fake/`+a.ID+`": [`)

	for _, p := range []string{path, filepath.Join(crash, "state.json")} {
		f2 := newFake()
		s2, err := New(Config{StatePath: p, Seed: 3, Clock: clock.NewSim(coreStart), Platforms: []Platform{f2}})
		require.NoError(t, err, p)
		hooks := f2.list()
		require.Len(t, hooks, 1, p)
		tassert.Equal(t, a, hooks[0])
		recs, n, err := f2.events(a.ID, EventFilter{})
		require.NoError(t, err)
		require.Equal(t, 1, n, p)
		tassert.Equal(t, hookdrill.StatusSucceeded, recs[0].Status)
		// New ids differ from the ones made before the restart.
		c, err := f2.create(rcv.URL + "/c")
		require.NoError(t, err)
		tassert.NotEqual(t, b.ID, c.ID)
		require.NoError(t, s2.Close())
	}

	// A log under no served platform's key is dropped, as a gone owner's.
	stray := filepath.Join(t.TempDir(), "state.json")
	require.NoError(t, os.WriteFile(stray, []byte(`{"version":2,"events":{"gone":[{"owner":"gone","id":"e","status":"FAILED"}],`+
		`"nope/x":[{"owner":"x","id":"e","status":"FAILED"}]}}`), 0o600))
	s3, err := New(Config{StatePath: stray, Platforms: []Platform{newFake()}})
	require.NoError(t, err)
	s3.mu.Lock()
	tassert.Empty(t, s3.events.logs)
	s3.mu.Unlock()
	require.NoError(t, s3.Close())

	before, err := os.ReadFile(path)
	require.NoError(t, err)
	_, err = New(Config{StatePath: path, Platforms: []Platform{&namedFake{newFake(), "other"}}})
	require.ErrorIs(t, err, ErrCorruptState)
	tassert.Contains(t, err.Error(), `platform "fake" is not served`)
	refusing := newFake()
	refusing.loadErr = errors.New("hook 0 is bad")
	_, err = New(Config{StatePath: path, Platforms: []Platform{refusing}})
	require.ErrorIs(t, err, ErrCorruptState)
	tassert.Contains(t, err.Error(), "hook 0 is bad")
	misconfigured := newFake()
	misconfigured.optErr = errors.New("bad option")
	_, err = New(Config{StatePath: path, Platforms: []Platform{misconfigured}})
	require.Error(t, err)
	tassert.NotErrorIs(t, err, ErrCorruptState, "a configuration error is not the state file's fault")
	after, err := os.ReadFile(path)
	require.NoError(t, err)
	tassert.Equal(t, string(before), string(after), "a refused file is left untouched")
}

// namedFake is a fake under another name.
type namedFake struct {
	*fakePlatform
	name string
}

func (n *namedFake) Name() string   { return n.name }
func (n *namedFake) Prefix() string { return "/" + n.name + "/" }

// failingFS fails every write once failing is set.
type failingFS struct {
	OSStateFS
	failing atomic.Bool
}

type failingFile struct {
	*os.File
	fs *failingFS
}

func (f failingFile) Write(b []byte) (int, error) {
	if f.fs.failing.Load() {
		return 0, errors.New("disk full")
	}
	return f.File.Write(b)
}

func (fs *failingFS) OpenAppend(name string) (StateFile, error) {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	return failingFile{f, fs}, nil
}

// TestCoreChangeNotSavedIs503: a platform change that cannot be made
// durable is undone and answered 503 in the platform's shape.
func TestCoreChangeNotSavedIs503(t *testing.T) {
	fsys := &failingFS{}
	c := newCore(t, Config{StatePath: filepath.Join(t.TempDir(), "state.json"), StateFS: fsys})
	fsys.failing.Store(true)
	st, body := c.do("POST", "/fake/hooks", `{"url": "https://x.example/h"}`)
	require.Equal(t, 503, st)
	tassert.Contains(t, body, `"fake_error":["The change could not be saved`)
	tassert.Empty(t, c.fake.list(), "undone")
	st, _ = c.do("POST", "/_hookdrill/reset", "{}")
	tassert.Equal(t, 503, st)
	fsys.failing.Store(false)
	st, _ = c.do("POST", "/fake/hooks", `{"url": "https://x.example/h"}`)
	tassert.Equal(t, 201, st)
}

// TestEventLog: the newest EventLogLimit records per owner, newest first,
// filtered by status and resource, paged.
func TestEventLog(t *testing.T) {
	c := newCore(t, Config{EventLogLimit: 3})
	ok, _ := testkit.Answering(t, 200)
	hk, err := c.fake.create(ok.URL)
	require.NoError(t, err)
	for _, id := range []string{"r1", "r2", "r3", "r4"} {
		_, err := c.srv.Trigger(context.Background(), TriggerRequest{EventType: prolific.EventStudyStatusChange, Status: "ACTIVE", ResourceID: id})
		require.NoError(t, err)
		c.sim.Advance(context.Background(), time.Second)
	}
	c.settle()
	recs, n, err := c.fake.events(hk.ID, EventFilter{})
	require.NoError(t, err)
	require.Equal(t, 3, n, "the oldest was dropped")
	tassert.Equal(t, []string{"r4", "r3", "r2"}, []string{recs[0].ResourceID, recs[1].ResourceID, recs[2].ResourceID})
	recs, n, _ = c.fake.events(hk.ID, EventFilter{Offset: 1, Limit: 1})
	tassert.Equal(t, 3, n)
	require.Len(t, recs, 1)
	tassert.Equal(t, "r3", recs[0].ResourceID)
	_, n, _ = c.fake.events(hk.ID, EventFilter{ResourceID: "r2"})
	tassert.Equal(t, 1, n)
	_, n, _ = c.fake.events(hk.ID, EventFilter{Statuses: []string{"FAILED", "PENDING"}})
	tassert.Equal(t, 0, n)
	_, n, _ = c.fake.events(hk.ID, EventFilter{Statuses: []string{"SUCCEEDED"}})
	tassert.Equal(t, 3, n)
	require.NoError(t, c.fake.remove(hk.ID))
	c.srv.mu.Lock()
	tassert.Empty(t, c.srv.events.logs, "a deleted owner's log is dropped")
	c.srv.mu.Unlock()
}

// TestCloseCancelsRetries: Close cancels deliveries waiting to retry
// (their records end FAILED), Drain gives in-flight ones until its
// context ends, and a closed server refuses triggers with ErrClosed.
func TestCloseCancelsRetries(t *testing.T) {
	c := newCore(t, Config{})
	bad, got := testkit.Answering(t, 500)
	hk, err := c.fake.create(bad.URL)
	require.NoError(t, err)
	_, err = c.srv.Trigger(context.Background(), TriggerRequest{EventType: prolific.EventStudyStatusChange, Status: "ACTIVE"})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return got.Load() == 1 && c.sim.Pending() > 0 }, 10*time.Second, time.Millisecond,
		"first attempt made, the retry waiting")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, c.srv.Drain(ctx), "nothing in flight: the waiting retry is cancelled at once")
	require.NoError(t, c.srv.Close())
	require.NoError(t, c.srv.Wait(ctx))
	recs, _, err := c.fake.events(hk.ID, EventFilter{})
	require.NoError(t, err)
	tassert.Equal(t, hookdrill.StatusFailed, recs[0].Status)
	_, err = c.srv.Trigger(context.Background(), TriggerRequest{EventType: prolific.EventStudyStatusChange, Status: "ACTIVE"})
	require.ErrorIs(t, err, ErrClosed)
	var cancelled bool
	for _, e := range c.srv.Journal().Snapshot() {
		if e.Delivery != nil && strings.Contains(e.Delivery.Reason, "cancelled") {
			cancelled = true
		}
	}
	tassert.True(t, cancelled, "the cancelled retry is journaled")
	tassert.EqualValues(t, 1, got.Load())
}

// TestConfigRefusesPlatforms: nil, duplicate, overlapping or control-API
// prefixes are refused.
func TestConfigRefusesPlatforms(t *testing.T) {
	for name, ps := range map[string][]Platform{
		"nil":       {nil},
		"twice":     {newFake(), newFake()},
		"overlap":   {newFake(), &namedFake{newFake(), "fake/sub"}},
		"control":   {&namedFake{newFake(), "_hookdrill"}},
		"not fresh": nil,
	} {
		t.Run(name, func(t *testing.T) {
			if ps == nil {
				f := newFake()
				s, err := New(Config{Platforms: []Platform{f}})
				require.NoError(t, err)
				defer s.Close()
				_, err = New(Config{Platforms: []Platform{f}})
				require.Error(t, err, "a platform serves one server")
				return
			}
			_, err := New(Config{Platforms: ps})
			require.Error(t, err)
		})
	}
}

// TestConcurrentPlatformCalls: platform calls, triggers and reads from many
// goroutines (run with -race).
func TestConcurrentPlatformCalls(t *testing.T) {
	c := newCore(t, Config{Clock: clock.Real{}})
	ok, got := testkit.Answering(t, 200)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, _ := c.do("POST", "/fake/hooks", `{"url": "`+ok.URL+`"}`)
			tassert.Equal(t, 201, st)
			_, err := c.srv.Trigger(context.Background(), TriggerRequest{EventType: prolific.EventStudyStatusChange, Status: "ACTIVE",
				ResourceID: string(rune('a' + i))})
			tassert.NoError(t, err)
			c.do("GET", "/_hookdrill/journal", "")
		}()
	}
	wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	require.NoError(t, c.srv.Wait(ctx))
	tassert.Positive(t, got.Load())
}
