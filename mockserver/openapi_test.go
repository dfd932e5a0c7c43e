package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// openAPI is the subset of Prolific's OpenAPI document in testdata (hooks
// paths and their schemas). Its schemas are checked by
// santhosh-tekuri/jsonschema/v6 (draft 2020-12): each response schema is
// compiled from the document twice, as written (validity) and strict, with
// additionalProperties: false on every object schema that lists its
// properties, whose complaints are the fields the document does not
// declare (extensions: the schemas allow them, but the mock should only add
// what the spec says it adds). The document's "any_field" property means
// "every other field" and becomes additionalProperties.
type openAPI struct {
	Paths map[string]map[string]struct{ Responses map[string]any } `yaml:"paths"`

	loose, strict *jsonschema.Compiler
}

const openAPIURL = "mem://prolific-hooks-openapi.json"

func loadOpenAPI(t *testing.T) *openAPI {
	t.Helper()
	b, err := os.ReadFile("testdata/prolific-hooks-openapi.yml")
	require.NoError(t, err)
	var doc openAPI
	require.NoError(t, yaml.Unmarshal(b, &doc))
	var raw map[string]any
	require.NoError(t, yaml.Unmarshal(b, &raw))
	for _, strict := range []bool{false, true} {
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft2020)
		js, err := json.Marshal(raw)
		require.NoError(t, err)
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
		require.NoError(t, err)
		rewriteSchemas(v, strict)
		require.NoError(t, c.AddResource(openAPIURL, v))
		if strict {
			doc.strict = c
		} else {
			doc.loose = c
		}
	}
	return &doc
}

// rewriteSchemas turns "any_field" into additionalProperties and, when
// strict, closes every object schema that lists properties.
func rewriteSchemas(v any, strict bool) {
	switch t := v.(type) {
	case map[string]any:
		if props, ok := t["properties"].(map[string]any); ok {
			if af, ok := props["any_field"]; ok {
				delete(props, "any_field")
				t["additionalProperties"] = af
			} else if strict && len(props) > 0 {
				t["additionalProperties"] = false
			}
		}
		for _, x := range t {
			rewriteSchemas(x, strict)
		}
	case []any:
		for _, x := range t {
			rewriteSchemas(x, strict)
		}
	}
}

// validate checks v (decoded JSON) against schema (a response entry of the
// document, or {"$ref": "#/components/schemas/NAME"}); fields the
// document does not declare are returned in ext as "$.a.b" paths.
func (d *openAPI) validate(schema any, v any, path string, ext *[]string) error {
	s, _ := schema.(map[string]any)
	ref, ok := s["$ref"].(string)
	if !ok || !strings.HasPrefix(ref, "#/components/schemas/") {
		return fmt.Errorf("%s: want a $ref to a component schema, got %v", path, schema)
	}
	js, err := json.Marshal(v)
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		return err
	}
	loose, err := d.loose.Compile(openAPIURL + ref)
	if err != nil {
		return err
	}
	if err := loose.Validate(inst); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	strict, err := d.strict.Compile(openAPIURL + ref)
	if err != nil {
		return err
	}
	var ve *jsonschema.ValidationError
	if err := strict.Validate(inst); errors.As(err, &ve) {
		collectExtensions(ve, path, ext)
	}
	return nil
}

// collectExtensions adds the undeclared fields that a strict validation
// error names. Its other complaints come from oneOf alternatives that did
// not match (the loose validation passed).
func collectExtensions(e *jsonschema.ValidationError, path string, ext *[]string) {
	if ap, ok := e.ErrorKind.(*kind.AdditionalProperties); ok {
		at := path
		for _, seg := range e.InstanceLocation {
			at += "." + seg
		}
		for _, p := range ap.Properties {
			if x := at + "." + p; !slices.Contains(*ext, x) {
				*ext = append(*ext, x)
			}
		}
	}
	for _, c := range e.Causes {
		collectExtensions(c, path, ext)
	}
}

// TestOpenAPIConformance validates every hooks endpoint's answers against
// the schemas of Prolific's OpenAPI document.
func TestOpenAPIConformance(t *testing.T) {
	doc := loadOpenAPI(t)
	e := newEnv(t, Config{})
	rcv := newReceiver(t, nil)
	h := e.subscribe(testWS, "study.status.change", rcv.ts.URL)
	e.trigger(TriggerRequest{EventType: "study.status.change"})
	e.settle()
	sid := "/api/v1/hooks/subscriptions/" + h.ID + "/"

	// Documented departures (spec section 5), named here.
	allowedExt := []string{"$.meta"} // P12: meta.count on the subscriptions and events lists
	tests := []struct {
		method, path, body string
		specPath, specOp   string
		status             string
		schemaOverride     string // P4: the create body is a SubscriptionDetail by default
	}{
		{"GET", "/api/v1/hooks/event-types/", "", "/api/v1/hooks/event-types/", "get", "200", ""},
		{"GET", "/api/v1/hooks/secrets/?workspace_id=" + testWS, "", "/api/v1/hooks/secrets/", "get", "200", ""},
		{"POST", "/api/v1/hooks/secrets/", `{"workspace_id": "other"}`, "/api/v1/hooks/secrets/", "post", "201", ""},
		{"GET", "/api/v1/hooks/subscriptions/", "", "/api/v1/hooks/subscriptions/", "get", "200", ""},
		{"POST", "/api/v1/hooks/subscriptions/", `{"workspace_id": "other", "event_type": "study.status.change", "target_url": "https://x.example/h"}`,
			"/api/v1/hooks/subscriptions/", "post", "201", "SubscriptionDetail"},
		{"GET", sid, "", "/api/v1/hooks/subscriptions/{subscription_id}/", "get", "200", ""},
		{"PATCH", sid, `{"is_enabled": true}`, "/api/v1/hooks/subscriptions/{subscription_id}/", "patch", "200", ""},
		{"GET", sid + "events/", "", "/api/v1/hooks/subscriptions/{subscription_id}/events/", "get", "200", ""},
		{"POST", sid, `{"secret": "wrong"}`, "/api/v1/hooks/subscriptions/{subscription_id}/", "post", "400", ""},
		{"GET", "/api/v1/hooks/secrets/", "", "/api/v1/hooks/secrets/", "get", "400", ""},
		{"GET", sid + "events/?limit=0", "", "/api/v1/hooks/subscriptions/{subscription_id}/events/", "get", "400", ""},
		{"POST", "/api/v1/hooks/subscriptions/", `{`, "/api/v1/hooks/subscriptions/", "post", "400", ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path+" "+tt.status, func(t *testing.T) {
			resp, body := e.do(tt.method, tt.path, tt.body)
			require.Equal(t, tt.status, fmt.Sprint(resp.StatusCode), "%s", body)
			op, ok := doc.Paths[tt.specPath][tt.specOp]
			require.True(t, ok, "operation in the document")
			schema, ok := op.Responses[tt.status]
			require.True(t, ok, "status %s declared", tt.status)
			if tt.schemaOverride != "" {
				t.Logf("departure P4: the document says %v; the mock (default) returns %s", schema, tt.schemaOverride)
				schema = map[string]any{"$ref": "#/components/schemas/" + tt.schemaOverride}
			}
			var v any
			require.NoError(t, json.Unmarshal(body, &v))
			var ext []string
			require.NoError(t, doc.validate(schema, v, "$", &ext))
			for _, x := range ext {
				tassert.Contains(t, allowedExt, x, "undocumented field")
			}
		})
	}

	// The documented create shape, with ShapeResults.
	e2 := newEnv(t, Config{CreateShape: ShapeResults})
	e2.json("POST", "/api/v1/hooks/secrets/", `{"workspace_id": "w"}`, 201, nil)
	resp, body := e2.do("POST", "/api/v1/hooks/subscriptions/", `{"workspace_id": "w", "event_type": "study.status.change", "target_url": "https://x.example/h"}`)
	require.Equal(t, 201, resp.StatusCode)
	var v any
	require.NoError(t, json.Unmarshal(body, &v))
	var ext []string
	require.NoError(t, doc.validate(doc.Paths["/api/v1/hooks/subscriptions/"]["post"].Responses["201"], v, "$", &ext))
	tassert.Empty(t, ext)

	// Delete: 204, empty.
	resp, body = e.do("DELETE", sid, "")
	tassert.Equal(t, 204, resp.StatusCode)
	tassert.Empty(t, body)
	_, ok := doc.Paths["/api/v1/hooks/subscriptions/{subscription_id}/"]["delete"].Responses["204"]
	tassert.True(t, ok)
}

// TestOpenAPIValidatorSelfCheck: the validation fails on a missing
// required field and a wrong type, and names undeclared fields as
// extensions, also inside arrays and oneOf alternatives.
func TestOpenAPIValidatorSelfCheck(t *testing.T) {
	doc := loadOpenAPI(t)
	detail := map[string]any{"$ref": "#/components/schemas/SubscriptionDetail"}
	ok := map[string]any{"id": "a", "event_type": "study.status.change", "target_url": "https://x.example/h",
		"workspace_id": "w", "is_enabled": true}
	var ext []string
	require.NoError(t, doc.validate(detail, ok, "$", &ext))
	tassert.Empty(t, ext)

	extra := maps.Clone(ok)
	extra["secret"] = "x"
	require.NoError(t, doc.validate(detail, extra, "$", &ext))
	tassert.Equal(t, []string{"$.secret"}, ext)

	for _, bad := range []func(m map[string]any){
		func(m map[string]any) { delete(m, "target_url") },
		func(m map[string]any) { m["is_enabled"] = "yes" },
	} {
		m := maps.Clone(ok)
		bad(m)
		tassert.Error(t, doc.validate(detail, m, "$", &ext), "%v", m)
	}

	list := map[string]any{"$ref": "#/components/schemas/SubscriptionList"}
	ext = nil
	require.NoError(t, doc.validate(list, map[string]any{"results": []any{extra}, "meta": map[string]any{"count": 1.0}}, "$", &ext))
	tassert.ElementsMatch(t, []string{"$.meta", "$.results.0.secret"}, ext)

	errSchema := map[string]any{"$ref": "#/components/schemas/Error"}
	e := map[string]any{"error": map[string]any{"status": 400.0, "error_code": 140001.0, "title": "t",
		"detail": map[string]any{"target_url": []any{"bad"}}}}
	ext = nil
	require.NoError(t, doc.validate(errSchema, e, "$", &ext), "detail: an object of per-field messages (any_field)")
	tassert.Empty(t, ext)
	e["error"].(map[string]any)["detail"] = map[string]any{"target_url": "not a list"}
	tassert.Error(t, doc.validate(errSchema, e, "$", &ext))
}
