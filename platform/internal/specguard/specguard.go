package specguard

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
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// Departures is a departures.yml.
type Departures struct {
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

// LoadDepartures reads a departures.yml; every entry must give its reason.
func LoadDepartures(t testing.TB, path string) *Departures {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var d Departures
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

// LoadSpec loads an OpenAPI document and makes every object schema with
// properties strict.
func LoadSpec(t testing.TB, path string) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromFile(path)
	require.NoError(t, err, path)
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

// ParamRE matches a path parameter. TemplateKey normalises a path template: no trailing slash, every
// parameter {}.
var ParamRE = regexp.MustCompile(`\{[^}]+\}`)

// TemplateKey is the normal form of a path template.
func TemplateKey(p string) string { return ParamRE.ReplaceAllString(strings.TrimSuffix(p, "/"), "{}") }

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

// Guard validates answers and keeps account of coverage and departures.
type Guard struct {
	t    testing.TB
	Docs map[string]*openapi3.T // by document name (departures.yml's document)
	Deps *Departures
	used map[string]bool // departures (and undocumented-status rules) that were needed
	// Covered holds every "METHOD route status" validated.
	Covered map[string]bool
}

// New returns a guard for the documents (name to file) and departures.
func New(t testing.TB, departures string, docs map[string]string) *Guard {
	g := &Guard{t: t, Deps: LoadDepartures(t, departures), used: map[string]bool{}, Covered: map[string]bool{},
		Docs: map[string]*openapi3.T{}}
	for name, path := range docs {
		g.Docs[name] = LoadSpec(t, path)
	}
	return g
}

// Strict returns a guard on the same documents with no departures.
func (g *Guard) Strict(t testing.TB) *Guard {
	return &Guard{t: t, Docs: g.Docs, Deps: &Departures{}, used: map[string]bool{}, Covered: map[string]bool{}}
}

// Check validates one answer of route (the mock's template, as journaled)
// against document plat.
func (g *Guard) Check(plat, method, route string, status int, hdr http.Header, body []byte) {
	t := g.t
	t.Helper()
	doc := g.Docs[plat]
	key := method + " " + route
	g.Covered[fmt.Sprintf("%s %d", key, status)] = true
	var docPath string
	var item *openapi3.PathItem
	for p, pi := range doc.Paths.Map() {
		if TemplateKey(p) == TemplateKey(route) {
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
		for i, u := range g.Deps.UndocumentedStatuses {
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

func (g *Guard) departure(route string, status int, field string) bool {
	for i, d := range g.Deps.Departures {
		if d.Route == route && d.Status == status && (d.Field == "" || field == d.Field || strings.HasPrefix(field, d.Field+"/")) {
			g.used[fmt.Sprintf("departure %d", i)] = true
			return true
		}
	}
	return false
}

// Unused returns the departures.yml entries no answer needed.
func (g *Guard) Unused() []string {
	var out []string
	for i, u := range g.Deps.UndocumentedStatuses {
		for _, s := range u.Statuses {
			if !g.used[fmt.Sprintf("undocumented %d %d", i, s)] {
				out = append(out, fmt.Sprintf("undocumented_statuses %s %d", u.Document, s))
			}
		}
	}
	for i, d := range g.Deps.Departures {
		if !g.used[fmt.Sprintf("departure %d", i)] {
			out = append(out, fmt.Sprintf("departure %s %d %q", d.Route, d.Status, d.Field))
		}
	}
	return out
}
