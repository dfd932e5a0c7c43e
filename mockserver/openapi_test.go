package mockserver

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// openAPI is the subset of Prolific's OpenAPI document in testdata (hooks
// paths and their schemas).
type openAPI struct {
	Paths      map[string]map[string]struct{ Responses map[string]any } `yaml:"paths"`
	Components struct {
		Schemas map[string]any `yaml:"schemas"`
	} `yaml:"components"`
}

func loadOpenAPI(t *testing.T) *openAPI {
	t.Helper()
	b, err := os.ReadFile("testdata/prolific-hooks-openapi.yml")
	require.NoError(t, err)
	var doc openAPI
	require.NoError(t, yaml.Unmarshal(b, &doc))
	return &doc
}

// validate checks v (decoded JSON) against schema; extra object fields not
// in the schema are returned as extensions (the schemas do not forbid them,
// but the mock should only add what the spec says it adds).
func (d *openAPI) validate(schema any, v any, path string, ext *[]string) error {
	s, _ := schema.(map[string]any)
	if ref, ok := s["$ref"].(string); ok {
		return d.validate(d.Components.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")], v, path, ext)
	}
	if alts, ok := s["oneOf"].([]any); ok {
		n := 0
		var errs []string
		for _, a := range alts {
			var sub []string
			if err := d.validate(a, v, path, &sub); err == nil {
				n++
				*ext = append(*ext, sub...)
			} else {
				errs = append(errs, err.Error())
			}
		}
		if n != 1 {
			return fmt.Errorf("%s: matches %d of oneOf (%s)", path, n, strings.Join(errs, "; "))
		}
		return nil
	}
	if enum, ok := s["enum"].([]any); ok && !slices.Contains(enum, v) {
		return fmt.Errorf("%s: %v not in enum %v", path, v, enum)
	}
	switch s["type"] {
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: want object, got %T", path, v)
		}
		props, _ := s["properties"].(map[string]any)
		for _, r := range asStrings(s["required"]) {
			if _, ok := m[r]; !ok {
				return fmt.Errorf("%s: required field %q missing", path, r)
			}
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			ps, ok := props[k]
			if !ok {
				if len(props) > 0 && props["any_field"] == nil {
					*ext = append(*ext, path+"."+k)
				}
				if p := props["any_field"]; p != nil {
					if err := d.validate(p, m[k], path+"."+k, ext); err != nil {
						return err
					}
				}
				continue
			}
			if err := d.validate(ps, m[k], path+"."+k, ext); err != nil {
				return err
			}
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%s: want array, got %T", path, v)
		}
		for i, x := range a {
			if err := d.validate(s["items"], x, fmt.Sprintf("%s[%d]", path, i), ext); err != nil {
				return err
			}
		}
	case "string":
		if _, ok := v.(string); !ok {
			return fmt.Errorf("%s: want string, got %T", path, v)
		}
	case "integer":
		f, ok := v.(float64)
		if !ok || f != float64(int64(f)) {
			return fmt.Errorf("%s: want integer, got %v", path, v)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return fmt.Errorf("%s: want boolean, got %T", path, v)
		}
	case "null":
		if v != nil {
			return fmt.Errorf("%s: want null, got %T", path, v)
		}
	}
	return nil
}

func asStrings(v any) []string {
	a, _ := v.([]any)
	out := make([]string, 0, len(a))
	for _, x := range a {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
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
		{"POST", "/api/v1/hooks/secrets/", `{"workspace_id": "bbbbbbbbbbbbbbbbbbbbbbbb"}`, "/api/v1/hooks/secrets/", "post", "201", ""},
		{"GET", "/api/v1/hooks/subscriptions/", "", "/api/v1/hooks/subscriptions/", "get", "200", ""},
		{"POST", "/api/v1/hooks/subscriptions/", `{"workspace_id": "bbbbbbbbbbbbbbbbbbbbbbbb", "event_type": "study.status.change", "target_url": "https://x.example/h"}`,
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
	e2.json("POST", "/api/v1/hooks/secrets/", `{"workspace_id": "aaaaaaaaaaaaaaaaaaaaaaaa"}`, 201, nil)
	resp, body := e2.do("POST", "/api/v1/hooks/subscriptions/", `{"workspace_id": "aaaaaaaaaaaaaaaaaaaaaaaa", "event_type": "study.status.change", "target_url": "https://x.example/h"}`)
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
