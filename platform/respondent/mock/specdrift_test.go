package mock

import (
	"encoding/json"
	"fmt"
	"github.com/hookdrill/hookdrill/internal/testkit"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gorilla/mux"
	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/platform/internal/specguard"
	"github.com/hookdrill/hookdrill/platform/respondent"
)

// The spec-drift guard (platform/internal/specguard): every answer of the
// mock's Respondent API, on every route and with every status it answers,
// validated against the Respondent document hookdrill wrote from the spec
// (Respondent publishes none with error or resource schemas), in
// testdata/openapi, with the departures in testdata/openapi/departures.yml.

const specDir = "testdata/openapi"

// TestSpecDrift drives every route of the Respondent mock API to every
// status it answers and validates each answer.
func TestSpecDrift(t *testing.T) {
	g := specguard.New(t, filepath.Join(specDir, "departures.yml"),
		map[string]string{respondent.Name: filepath.Join(specDir, "respondent-openapi.yml")})
	fsys := &fullFS{}
	e := newEnv(t, Config{StatePath: filepath.Join(t.TempDir(), "state.json"), StateFS: fsys, MaxBodyBytes: 4096})
	rcv := testkit.Recording(t, nil)

	// The world the calls read: a webhook with a project and a response.
	var hook Webhook
	e.json("POST", "/v1/webhooks", `{"url": "`+rcv.URL+`/r"}`, 201, &hook)
	e.trigger(TriggerRequest{Platform: respondent.Name, EventType: respondent.EventProjectsUpdated, ResourceID: "proj-1", Status: "RECRUITING"})
	e.trigger(TriggerRequest{Platform: respondent.Name, EventType: respondent.EventScreenerResponsesCreated,
		ResourceID: "resp-1", Extra: map[string]string{"projectId": "proj-1"}})
	e.settle()
	e.srv.Journal().Reset()

	const missing = "ffffffffffffffffffffffff"
	type call struct {
		method, path, body string
		want               int
		hdr                []string
	}
	calls := []call{
		{"GET", "/v1/webhooks", "", 200, nil},
		{"GET", "/v1/webhooks/" + hook.ID, "", 200, nil},
		{"GET", "/v1/webhooks/" + missing, "", 404, nil},
		{"GET", "/v1/webhooks/" + hook.ID + "/event-types", "", 200, nil},
		{"GET", "/v1/webhooks/" + missing + "/event-types", "", 404, nil},
		{"POST", "/v1/webhooks/" + hook.ID + "/simulate", `{"event": "PROJECTS.UPDATED"}`, 201, nil},
		{"POST", "/v1/webhooks/" + hook.ID + "/simulate", `{"event": "NOPE"}`, 400, nil},
		{"POST", "/v1/webhooks/" + missing + "/simulate", `{"event": "PROJECTS.UPDATED"}`, 404, nil},
		{"GET", "/v1/projects/proj-1", "", 200, nil},
		{"GET", "/v1/projects/nope", "", 404, nil},
		{"GET", "/v1/projects/proj-1/screener-responses/resp-1", "", 200, nil},
		{"GET", "/v1/projects/proj-1/screener-responses/nope", "", 404, nil},
		{"POST", "/v1/webhooks", `{"url": "nope"}`, 400, nil},
		{"DELETE", "/v1/webhooks/" + missing, "", 404, nil},
		{"DELETE", "/v1/webhooks/" + hook.ID, "", 200, nil},
		{"GET", "/v1/webhooks", "", 404, nil},
		{"POST", "/v1/webhooks", `{"url": "https://x.example/r2"}`, 201, nil},
	}

	// Every route, without credentials (401), and with a method it does
	// not serve (Express answers 404).
	type routeKey struct{ method, tmpl string }
	var served []routeKey
	require.NoError(t, e.srv.router.Walk(func(r *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		tmpl, err := r.GetPathTemplate()
		if err != nil || !strings.HasPrefix(tmpl+"/", Prefix) {
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
		p := specguard.ParamRE.ReplaceAllString(rk.tmpl, missing)
		calls = append(calls, call{rk.method, p, "", 401, []string{"X-No-Auth", "1"}})
		calls = append(calls, call{"PUT", p, "", 404, nil})
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
		if route == "" { // unrouted (404): the path as sent
			route = c.path
			for _, rk := range served {
				if specguard.TemplateKey(specguard.ParamRE.ReplaceAllString(rk.tmpl, missing)) == specguard.TemplateKey(c.path) {
					route = rk.tmpl
				}
			}
		}
		g.Check(respondent.Name, c.method, route, resp.StatusCode, resp.Header, body)
	}
	for _, c := range calls {
		check(c)
	}

	// 503: a change that cannot be saved.
	fsys.full.Store(true)
	check(call{"POST", "/v1/webhooks", `{"url": "https://x.example/r3"}`, 503, nil})
	fsys.full.Store(false)

	// Every route the mock serves was validated, and every departure
	// listed was needed.
	for _, rk := range served {
		found := false
		for k := range g.Covered {
			if strings.HasPrefix(k, rk.method+" ") && specguard.TemplateKey(strings.Fields(k)[1]) == specguard.TemplateKey(rk.tmpl) &&
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
	t.Logf("spec-drift guard: %d routes (method + template), %d (route, status) pairs, %d distinct status codes",
		len(served), len(g.Covered), len(codes))
}

// TestRespondentDocumentAcceptsSpecExamples ties the Respondent document
// hookdrill wrote to the examples of Respondent's documentation (spec
// 4.1, 7.3): they validate, and a changed one does not.
func TestRespondentDocumentAcceptsSpecExamples(t *testing.T) {
	doc := specguard.LoadSpec(t, filepath.Join(specDir, "respondent-openapi.yml"))
	tests := []struct {
		schema, body string
		ok           bool
	}{
		{"WebhookDto", `{"id": "6668c6892df38f2e720c97d6", "url": "https://my-webhooks.com", "privateKey": "74e811b4-a1cc-4fa7-857b-0df0fce9a5a9"}`, true},
		{"WebhookEventTypesDto", `{"eventTypes": ["PROJECTS.UPDATED", "SCREENER_RESPONSES.CREATED", "SCREENER_RESPONSES.UPDATED", "MESSAGES.CREATED", "CONVERSATIONS.CREATED"]}`, true},
		{"NestError", `{"statusCode": 400, "message": "…", "error": "Bad Request"}`, true},
		{"NestError", `{"statusCode": 400, "message": ["url must be a URL address"], "error": "Bad Request"}`, true},
		{"WebhookDto", `{"id": "6668c6892df38f2e720c97d6", "url": "https://my-webhooks.com"}`, false},
		{"WebhookDto", `{"id": "6668c6892df38f2e720c97d6", "url": "https://my-webhooks.com", "privateKey": "k", "secret": "x"}`, false},
		{"WebhookEventTypesDto", `{"eventTypes": ["STUDIES.UPDATED"]}`, false},
		{"ScreenerResponse", `{"id": "69603913cd7d6158385a1ff7", "projectId": "69603913cd7d6158385a1ff6", "status": "PAI", "visibilityStatus": "VISIBLE"}`, false},
	}
	for _, tc := range tests {
		var v any
		require.NoError(t, json.Unmarshal([]byte(tc.body), &v))
		err := doc.Components.Schemas[tc.schema].Value.VisitJSON(v, openapi3.EnableJSONSchema2020(), openapi3.MultiErrors())
		if tc.ok {
			tassert.NoError(t, err, "%s %s", tc.schema, tc.body)
		} else {
			tassert.Error(t, err, "%s %s", tc.schema, tc.body)
		}
	}
}
