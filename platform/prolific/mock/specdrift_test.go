package mock

import (
	"fmt"
	"github.com/hookdrill/hookdrill/internal/testkit"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/gorilla/mux"
	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/platform/internal/specguard"
	"github.com/hookdrill/hookdrill/platform/prolific"
)

// The spec-drift guard (platform/internal/specguard): every answer of the
// mock's Prolific API, on every route and with every status it answers,
// validated against Prolific's published document in testdata/openapi,
// with what the mock answers on purpose otherwise listed in
// testdata/openapi/departures.yml, each with its reason.

const specDir = "testdata/openapi"

var paramRE = specguard.ParamRE

func templateKey(p string) string { return specguard.TemplateKey(p) }

// TestSpecDrift drives every route of the Prolific mock API to every status it
// answers and validates each answer (see guard).
func TestSpecDrift(t *testing.T) {
	g := specguard.New(t, filepath.Join(specDir, "departures.yml"), map[string]string{prolific.Name: filepath.Join(specDir, "prolific-openapi.yml")})
	fsys := &fullFS{}
	e := newEnv(t, Config{StatePath: filepath.Join(t.TempDir(), "state.json"), StateFS: fsys, MaxBodyBytes: 4096})
	rcv := testkit.Recording(t, nil)

	// The world the calls read: a workspace with a secret and two
	// subscriptions (one unconfirmed), delivered events, a study with
	// submissions.
	sub := e.subscribe(testWS, prolific.EventSubmissionStatusChange, rcv.URL+"/p")
	e.json("POST", "/api/v1/hooks/secrets/", `{"workspace_id": "bbbbbbbbbbbbbbbbbbbbbbbb"}`, 201, nil)
	var pending cliHook
	hdr := e.json("POST", "/api/v1/hooks/subscriptions/",
		`{"workspace_id": "bbbbbbbbbbbbbbbbbbbbbbbb", "event_type": "study.status.change", "target_url": "https://x.example/h"}`, 201, &pending)
	pendingTok := hdr.Get("X-Hook-Secret")
	e.submissionEvent("sub-a", prolific.StatusActive, "study-a")
	e.submissionEvent("sub-b", prolific.StatusAwaitingReview, "study-a")
	e.trigger(TriggerRequest{EventType: prolific.EventStudyStatusChange, ResourceID: "study-a", Status: prolific.StatusPaused})
	e.settle()
	e.srv.Journal().Reset()

	subs := "/api/v1/hooks/subscriptions/"
	sid := subs + sub.ID + "/"
	const missing = "ffffffffffffffffffffffff"
	type call struct {
		method, path, body string
		want               int
		hdr                []string
	}
	calls := []call{
		{"GET", "/api/v1/hooks/event-types/", "", 200, nil},
		{"GET", "/api/v1/hooks/secrets/?workspace_id=" + testWS, "", 200, nil},
		{"GET", "/api/v1/hooks/secrets/", "", 400, nil},
		{"POST", "/api/v1/hooks/secrets/", `{"workspace_id": "cccccccccccccccccccccccc"}`, 201, nil},
		{"POST", "/api/v1/hooks/secrets/", `{"workspace_id": 7}`, 400, nil},
		{"POST", "/api/v1/hooks/secrets/", `{"workspace_id": "` + strings.Repeat("a", 5000) + `"}`, 413, nil},
		{"POST", "/api/v1/hooks/secrets/", `{"workspace_id": "` + testWS + `"}`, 415, []string{"Authorization", "Token t", "Content-Type", "text/plain"}},
		{"GET", subs, "", 200, nil},
		{"GET", subs + "?limit=x", "", 400, nil},
		{"POST", subs, `{"workspace_id": "` + testWS + `", "event_type": "study.status.change", "target_url": "https://x.example/2"}`, 201, nil},
		{"POST", subs, `{`, 400, nil},
		{"GET", sid, "", 200, nil},
		{"GET", subs + missing + "/", "", 404, nil},
		{"POST", subs + pending.ID + "/", `{"secret": "wrong"}`, 400, nil},
		{"POST", subs + pending.ID + "/", `{"secret": "` + pendingTok + `"}`, 200, nil},
		{"POST", subs + missing + "/", `{"secret": "x"}`, 404, nil},
		{"PATCH", sid, `{"is_enabled": true}`, 200, nil},
		{"PATCH", sid, `{"is_enabled": null}`, 400, nil},
		{"PATCH", subs + missing + "/", `{"is_enabled": true}`, 404, nil},
		{"GET", sid + "events/", "", 200, nil},
		{"GET", sid + "events/?limit=0", "", 400, nil},
		{"GET", subs + missing + "/events/", "", 404, nil},
		{"GET", "/api/v1/studies/study-a/", "", 200, nil},
		{"GET", "/api/v1/studies/nope/", "", 404, nil},
		{"GET", "/api/v1/studies/study-a/submissions/", "", 200, nil},
		{"GET", "/api/v1/studies/study-a/submissions/?ordering=nope", "", 400, nil},
		{"GET", "/api/v1/studies/nope/submissions/", "", 404, nil},
		{"GET", "/api/v1/studies/study-a/submissions/counts/", "", 200, nil},
		{"GET", "/api/v1/studies/nope/submissions/counts/", "", 404, nil},
		{"GET", "/api/v1/submissions/?study=study-a&page_size=1", "", 200, nil},
		{"GET", "/api/v1/submissions/", "", 400, nil},
		{"GET", "/api/v1/submissions/?study=study-a&page=5", "", 404, nil},
		{"GET", "/api/v1/submissions/sub-b/", "", 200, nil},
		{"GET", "/api/v1/submissions/nope/", "", 404, nil},
		{"DELETE", subs + missing + "/", "", 404, nil},
		{"DELETE", sid, "", 204, nil},
	}

	// Every route, without credentials (401), and with a method it does
	// not serve (405).
	type routeKey struct{ method, tmpl string }
	var served []routeKey
	require.NoError(t, e.srv.router.Walk(func(r *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		tmpl, err := r.GetPathTemplate()
		if err != nil || platformOf(tmpl+"/") != prolific.Name {
			return nil
		}
		methods, _ := r.GetMethods()
		for _, m := range methods {
			served = append(served, routeKey{m, tmpl})
		}
		return nil
	}))
	sort.Slice(served, func(i, j int) bool { return served[i].tmpl+served[i].method < served[j].tmpl+served[j].method })
	for _, rk := range served {
		p := paramRE.ReplaceAllString(rk.tmpl, missing)
		calls = append(calls, call{rk.method, p, "", 401, []string{"X-No-Auth", "1"}})
		calls = append(calls, call{"PUT", p, "", 405, nil})
	}

	check := func(c call) {
		t.Helper()
		before := e.srv.Journal().Len()
		resp, body := e.do(c.method, c.path, c.body, c.hdr...)
		require.Equal(t, c.want, resp.StatusCode, "%s %s: %s", c.method, c.path, body)
		snap := e.srv.Journal().Since(int64(before))
		var route string
		for _, en := range snap {
			if en.APICall != nil {
				route = en.APICall.Route
			}
		}
		if route == "" { // unrouted (405/404): the path as sent
			route = c.path
			for _, rk := range served {
				if templateKey(paramRE.ReplaceAllString(rk.tmpl, missing)) == templateKey(c.path) {
					route = rk.tmpl
					if strings.HasPrefix(rk.tmpl, ProlificPrefix) {
						route += "/"
					}
				}
			}
		}
		g.Check(platformOf(c.path), c.method, route, resp.StatusCode, resp.Header, body)
	}
	for _, c := range calls {
		check(c)
	}

	// 503: a change that cannot be saved.
	fsys.full.Store(true)
	check(call{"POST", "/api/v1/hooks/secrets/", `{"workspace_id": "dddddddddddddddddddddddd"}`, 503, nil})
	fsys.full.Store(false)

	// The documented create shape validates with no departure.
	e2 := newEnv(t, Config{CreateShape: ShapeResults})
	e2.json("POST", "/api/v1/hooks/secrets/", `{"workspace_id": "`+testWS+`"}`, 201, nil)
	resp, body := e2.do("POST", subs, `{"workspace_id": "`+testWS+`", "event_type": "study.status.change", "target_url": "https://x.example/h"}`)
	require.Equal(t, 201, resp.StatusCode)
	strict := g.Strict(t)
	strict.Check(prolific.Name, "POST", "/api/v1/hooks/subscriptions/", 201, resp.Header, body)

	// Every route the mock serves was validated, and every departure
	// listed was needed.
	for _, rk := range served {
		found := false
		for k := range g.Covered {
			if strings.HasPrefix(k, rk.method+" ") && templateKey(strings.Fields(k)[1]) == templateKey(rk.tmpl) &&
				!strings.HasSuffix(k, " 401") {
				found = true
			}
		}
		tassert.True(t, found, "route %s %s: no answer but 401 validated", rk.method, rk.tmpl)
	}
	tassert.Empty(t, g.Unused(), "departures.yml entries no answer needed: remove them")
	codes := map[int]bool{}
	for k := range g.Covered {
		var n int
		_, _ = fmt.Sscanf(k[strings.LastIndex(k, " ")+1:], "%d", &n)
		codes[n] = true
	}
	pairs := make([]string, 0, len(g.Covered))
	for k := range g.Covered {
		pairs = append(pairs, k)
	}
	sort.Strings(pairs)
	t.Logf("validated (route, status) pairs:\n%s", strings.Join(pairs, "\n"))
	t.Logf("spec-drift guard: %d routes (method + template), %d (route, status) pairs, %d distinct status codes, %d departures + %d undocumented-status rules",
		len(served), len(g.Covered), len(codes), len(g.Deps.Departures), len(g.Deps.UndocumentedStatuses))
}
