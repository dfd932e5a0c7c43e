package mock

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/gorilla/mux"
	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/hookdrill/hookdrill/platform/prolific"
	"github.com/hookdrill/hookdrill/platform/respondent"
)

// The spec-drift guard: every answer of both mock APIs, on every route and
// with every status it answers, validated with kin-openapi (openapi3 +
// openapi3filter, JSON Schema 2020-12 for these OpenAPI 3.1 documents)
// against testdata/openapi: Prolific's published document, and the
// Respondent document hookdrill wrote from the spec (Respondent publishes
// none with error or resource schemas). Object schemas are made strict
// (additionalProperties: false) so that a field the document does not
// have is drift too. What the mock answers on purpose otherwise is listed
// in testdata/openapi/departures.yml, each with its reason.

const specDir = "testdata/openapi"

// departures is testdata/openapi/departures.yml.
type departures struct {
	UndocumentedStatuses []struct {
		Document string `yaml:"document"`
		Statuses []int  `yaml:"statuses"`
		Schema   string `yaml:"schema"`
		Reason   string `yaml:"reason"`
	} `yaml:"undocumented_statuses"`
	Departures []struct {
		Route  string `yaml:"route"`
		Status int    `yaml:"status"`
		Field  string `yaml:"field"`
		Reason string `yaml:"reason"`
	} `yaml:"departures"`
}

func loadDepartures(t *testing.T) *departures {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(specDir, "departures.yml"))
	require.NoError(t, err)
	var d departures
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	require.NoError(t, dec.Decode(&d))
	for _, u := range d.UndocumentedStatuses {
		require.NotEmpty(t, strings.TrimSpace(u.Reason), "undocumented_statuses of %s: every entry gives its reason", u.Document)
	}
	for _, dp := range d.Departures {
		require.NotEmpty(t, strings.TrimSpace(dp.Reason), "departure %s %d %q: every entry gives its reason", dp.Route, dp.Status, dp.Field)
	}
	return &d
}

// loadSpec loads an OpenAPI document and makes every object schema with
// properties strict.
func loadSpec(t *testing.T, name string) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromFile(filepath.Join(specDir, name))
	require.NoError(t, err, name)
	no := false
	seen := map[*openapi3.Schema]bool{}
	var strict func(*openapi3.SchemaRef)
	strict = func(r *openapi3.SchemaRef) {
		if r == nil || r.Value == nil || seen[r.Value] {
			return
		}
		s := r.Value
		seen[s] = true
		if af, ok := s.Properties["any_field"]; ok && len(s.Properties) == 1 {
			// Prolific's placeholder for "any field name" (the per-field
			// messages of ErrorDetailDetail2): what JSON Schema says with
			// additionalProperties.
			s.Properties = nil
			s.AdditionalProperties.Schema = af
		}
		if len(s.Properties) > 0 && s.AdditionalProperties.Has == nil && s.AdditionalProperties.Schema == nil &&
			len(s.AllOf) == 0 {
			s.AdditionalProperties.Has = &no
		}
		for _, p := range s.Properties {
			strict(p)
		}
		strict(s.Items)
		for _, l := range [][]*openapi3.SchemaRef{s.OneOf, s.AnyOf} {
			for _, x := range l {
				strict(x)
			}
		}
	}
	for _, r := range doc.Components.Schemas {
		strict(r)
	}
	return doc
}

// templateKey normalises a path template: no trailing slash, every
// parameter {}.
var paramRE = regexp.MustCompile(`\{[^}]+\}`)

func templateKey(p string) string { return paramRE.ReplaceAllString(strings.TrimSuffix(p, "/"), "{}") }

// drift is one place a response departs from its document.
type drift struct {
	field, msg string
}

// schemaDrifts flattens kin-openapi's errors into fields (JSON pointers;
// an unsupported property is named by its own pointer).
func schemaDrifts(err error) []drift {
	if err == nil {
		return nil
	}
	var re *openapi3filter.ResponseError
	if errors.As(err, &re) && re.Err != nil {
		err = re.Err
	}
	var out []drift
	var walk func(error)
	walk = func(err error) {
		if me, ok := err.(openapi3.MultiError); ok {
			for _, e := range me {
				walk(e)
			}
			return
		}
		var se *openapi3.SchemaError
		if errors.As(err, &se) {
			field := ""
			for _, p := range se.JSONPointer() {
				field += "/" + p
			}
			if m := unsupportedRE.FindStringSubmatch(se.Reason); m != nil {
				field += "/" + m[1]
			}
			out = append(out, drift{field: field, msg: se.Reason})
			return
		}
		out = append(out, drift{field: "", msg: err.Error()})
	}
	walk(err)
	return out
}

var unsupportedRE = regexp.MustCompile(`property "([^"]+)" is unsupported`)

// guard validates answers and keeps account of coverage and departures.
type guard struct {
	t       *testing.T
	docs    map[string]*openapi3.T
	deps    *departures
	used    map[string]bool // departures (and undocumented-status rules) that were needed
	covered map[string]bool // "METHOD route status"
}

func newGuard(t *testing.T) *guard {
	return &guard{t: t, deps: loadDepartures(t), used: map[string]bool{}, covered: map[string]bool{},
		docs: map[string]*openapi3.T{
			prolific.Name:   loadSpec(t, "prolific-openapi.yml"),
			respondent.Name: loadSpec(t, "respondent-openapi.yml"),
		}}
}

// check validates one answer of route (the mock's template, as journaled).
func (g *guard) check(plat, method, route string, status int, hdr http.Header, body []byte) {
	t := g.t
	t.Helper()
	doc := g.docs[plat]
	key := method + " " + route
	g.covered[fmt.Sprintf("%s %d", key, status)] = true
	var docPath string
	var item *openapi3.PathItem
	for p, pi := range doc.Paths.Map() {
		if templateKey(p) == templateKey(route) {
			docPath, item = p, pi
		}
	}
	var op *openapi3.Operation
	if item != nil {
		op = item.GetOperation(method)
	}
	var drifts []drift
	if op == nil || op.Responses.Status(status) == nil {
		// A method or status the document does not have for this path:
		// only an error the departures allow, in the document's error shape.
		schema := ""
		for i, u := range g.deps.UndocumentedStatuses {
			for _, s := range u.Statuses {
				if u.Document == plat && s == status {
					schema = u.Schema
					g.used[fmt.Sprintf("undocumented %d %d", i, status)] = true
				}
			}
		}
		if schema == "" {
			t.Errorf("drift: %s answered %d, which the %s document does not list for it (or has no such operation), and departures.yml does not allow", key, status, plat)
			return
		}
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			t.Errorf("drift: %s %d: body is not JSON: %v", key, status, err)
			return
		}
		drifts = schemaDrifts(doc.Components.Schemas[schema].Value.VisitJSON(v,
			openapi3.EnableJSONSchema2020(), openapi3.MultiErrors()))
	} else {
		req := httptest.NewRequest(method, docPath, nil)
		in := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req,
				Route: &routers.Route{Spec: doc, Path: docPath, PathItem: item, Method: method, Operation: op}},
			Status: status, Header: hdr, Body: io.NopCloser(bytes.NewReader(body)),
			Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
		}
		drifts = schemaDrifts(openapi3filter.ValidateResponse(context.Background(), in))
	}
	for _, d := range drifts {
		if !g.departure(key, status, d.field) {
			t.Errorf("drift: %s %d: field %q: %s", key, status, d.field, d.msg)
		}
	}
}

func (g *guard) departure(route string, status int, field string) bool {
	for i, d := range g.deps.Departures {
		if d.Route == route && d.Status == status && (d.Field == "" || field == d.Field || strings.HasPrefix(field, d.Field+"/")) {
			g.used[fmt.Sprintf("departure %d", i)] = true
			return true
		}
	}
	return false
}

// unused returns the departures.yml entries no answer needed.
func (g *guard) unused() []string {
	var out []string
	for i, u := range g.deps.UndocumentedStatuses {
		for _, s := range u.Statuses {
			if !g.used[fmt.Sprintf("undocumented %d %d", i, s)] {
				out = append(out, fmt.Sprintf("undocumented_statuses %s %d", u.Document, s))
			}
		}
	}
	for i, d := range g.deps.Departures {
		if !g.used[fmt.Sprintf("departure %d", i)] {
			out = append(out, fmt.Sprintf("departure %s %d %q", d.Route, d.Status, d.Field))
		}
	}
	return out
}

// TestSpecDrift drives every route of both mock APIs to every status it
// answers and validates each answer (see guard).
func TestSpecDrift(t *testing.T) {
	g := newGuard(t)
	fsys := &fullFS{}
	e := newEnv(t, Config{StatePath: filepath.Join(t.TempDir(), "state.json"), StateFS: fsys, MaxBodyBytes: 4096})
	rcv := newReceiver(t, nil)

	// The world the calls read: a workspace with a secret and two
	// subscriptions (one unconfirmed), delivered events, a study with
	// submissions, a Respondent webhook with a project and a response.
	sub := e.subscribe(testWS, prolific.EventSubmissionStatusChange, rcv.ts.URL+"/p")
	e.json("POST", "/api/v1/hooks/secrets/", `{"workspace_id": "bbbbbbbbbbbbbbbbbbbbbbbb"}`, 201, nil)
	var pending cliHook
	hdr := e.json("POST", "/api/v1/hooks/subscriptions/",
		`{"workspace_id": "bbbbbbbbbbbbbbbbbbbbbbbb", "event_type": "study.status.change", "target_url": "https://x.example/h"}`, 201, &pending)
	pendingTok := hdr.Get("X-Hook-Secret")
	e.submissionEvent("sub-a", prolific.StatusActive, "study-a")
	e.submissionEvent("sub-b", prolific.StatusAwaitingReview, "study-a")
	e.trigger(TriggerRequest{EventType: prolific.EventStudyStatusChange, ResourceID: "study-a", Status: prolific.StatusPaused})
	var hook Webhook
	e.json("POST", "/v1/webhooks", `{"url": "`+rcv.ts.URL+`/r"}`, 201, &hook)
	e.trigger(TriggerRequest{Platform: respondent.Name, EventType: respondent.EventProjectsUpdated, ResourceID: "proj-1", Status: "RECRUITING"})
	e.trigger(TriggerRequest{Platform: respondent.Name, EventType: respondent.EventScreenerResponsesCreated,
		ResourceID: "resp-1", Extra: map[string]string{"projectId": "proj-1"}})
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
		{"DELETE", sid, "", 204, nil},
	}

	// Every route, without credentials (401), and with a method it does
	// not serve (405 for Prolific; Express answers 404).
	type routeKey struct{ method, tmpl string }
	var served []routeKey
	require.NoError(t, e.srv.router.Walk(func(r *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		tmpl, err := r.GetPathTemplate()
		if err != nil || platformOf(tmpl+"/") == "" {
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
		want := 405
		if platformOf(rk.tmpl+"/") == respondent.Name {
			want = 404
		}
		calls = append(calls, call{"PUT", p, "", want, nil})
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
		g.check(platformOf(c.path), c.method, route, resp.StatusCode, resp.Header, body)
	}
	for _, c := range calls {
		check(c)
	}

	// 503: a change that cannot be saved, on both platforms.
	fsys.full.Store(true)
	check(call{"POST", "/api/v1/hooks/secrets/", `{"workspace_id": "dddddddddddddddddddddddd"}`, 503, nil})
	check(call{"POST", "/v1/webhooks", `{"url": "https://x.example/r3"}`, 503, nil})
	fsys.full.Store(false)

	// The documented create shape validates with no departure.
	e2 := newEnv(t, Config{CreateShape: ShapeResults})
	e2.json("POST", "/api/v1/hooks/secrets/", `{"workspace_id": "`+testWS+`"}`, 201, nil)
	resp, body := e2.do("POST", subs, `{"workspace_id": "`+testWS+`", "event_type": "study.status.change", "target_url": "https://x.example/h"}`)
	require.Equal(t, 201, resp.StatusCode)
	strict := &guard{t: t, docs: g.docs, deps: &departures{}, used: map[string]bool{}, covered: map[string]bool{}}
	strict.check(prolific.Name, "POST", "/api/v1/hooks/subscriptions/", 201, resp.Header, body)

	// Every route the mock serves was validated, and every departure
	// listed was needed.
	for _, rk := range served {
		found := false
		for k := range g.covered {
			if strings.HasPrefix(k, rk.method+" ") && templateKey(strings.Fields(k)[1]) == templateKey(rk.tmpl) &&
				!strings.HasSuffix(k, " 401") {
				found = true
			}
		}
		tassert.True(t, found, "route %s %s: no answer but 401 validated", rk.method, rk.tmpl)
	}
	tassert.Empty(t, g.unused(), "departures.yml entries no answer needed: remove them")
	codes := map[int]bool{}
	for k := range g.covered {
		var n int
		_, _ = fmt.Sscanf(k[strings.LastIndex(k, " ")+1:], "%d", &n)
		codes[n] = true
	}
	pairs := make([]string, 0, len(g.covered))
	for k := range g.covered {
		pairs = append(pairs, k)
	}
	sort.Strings(pairs)
	t.Logf("validated (route, status) pairs:\n%s", strings.Join(pairs, "\n"))
	t.Logf("spec-drift guard: %d routes (method + template), %d (route, status) pairs, %d distinct status codes, %d departures + %d undocumented-status rules",
		len(served), len(g.covered), len(codes), len(g.deps.Departures), len(g.deps.UndocumentedStatuses))
}

// TestRespondentDocumentAcceptsSpecExamples ties the Respondent document
// hookdrill wrote to the examples of Respondent's documentation (spec
// 4.1, 7.3): they validate, and a changed one does not.
func TestRespondentDocumentAcceptsSpecExamples(t *testing.T) {
	doc := loadSpec(t, "respondent-openapi.yml")
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
