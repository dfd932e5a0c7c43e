package scenarios

// A small JSON Schema validator for the subset of draft 2020-12 our
// schemas use, so the tests can check the shipped schema against the
// testdata without a third-party library. It knows exactly these keywords:
//
//	$ref (local "#/$defs/NAME" only), type, enum, const, pattern,
//	minLength, minimum, maximum, properties, required,
//	additionalProperties (boolean or schema), propertyNames,
//	minProperties, maxProperties, items, minItems, allOf, anyOf, oneOf,
//	not, if/then/else
//
// and ignores only the annotations $schema, $id, title, description and
// format. Any other keyword makes validation fail loudly, so the schema
// cannot silently rely on something this validator does not check.

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"

	"github.com/hookdrill/hookdrill"
)

type jsonSchema struct {
	root  map[string]any
	regex map[string]*regexp.Regexp
}

var knownKeywords = map[string]bool{
	"$ref": true, "type": true, "enum": true, "const": true, "pattern": true, "minLength": true, "minimum": true,
	"maximum": true, "properties": true, "required": true, "additionalProperties": true, "propertyNames": true,
	"minProperties": true, "maxProperties": true, "items": true, "minItems": true, "allOf": true, "anyOf": true,
	"oneOf": true, "not": true, "if": true, "then": true, "else": true,
	"$schema": true, "$id": true, "title": true, "description": true, "format": true, "$defs": true,
}

func parseJSONSchema(b []byte) (*jsonSchema, error) {
	var root map[string]any
	if err := json.Unmarshal(b, &root); err != nil {
		return nil, err
	}
	return &jsonSchema{root: root, regex: map[string]*regexp.Regexp{}}, nil
}

// validate returns every violation of v (a JSON-like value: map[string]any,
// []any, string, float64/int64, bool, nil) against the root schema.
func (s *jsonSchema) validate(v any) []string {
	return s.check(s.root, toJSONLike(v), "")
}

// toJSONLike converts hookdrill.Object and int64 values.
func toJSONLike(v any) any {
	switch t := v.(type) {
	case hookdrill.Object:
		m := make(map[string]any, len(t))
		for _, f := range t {
			m[f.Key] = toJSONLike(f.Value)
		}
		return m
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = toJSONLike(e)
		}
		return out
	case int64:
		return float64(t)
	case int:
		return float64(t)
	}
	return v
}

func typeOf(v any) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case float64:
		if t == math.Trunc(t) {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("unknown(%T)", v)
}

func (s *jsonSchema) resolve(ref string) (map[string]any, error) {
	name, ok := strings.CutPrefix(ref, "#/$defs/")
	if !ok {
		return nil, fmt.Errorf("unsupported $ref %q", ref)
	}
	defs, _ := s.root["$defs"].(map[string]any)
	d, ok := defs[name].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("unknown $ref %q", ref)
	}
	return d, nil
}

func (s *jsonSchema) check(sch map[string]any, v any, at string) []string {
	var errs []string
	fail := func(format string, a ...any) {
		errs = append(errs, fmt.Sprintf("%s: %s", orRoot(at), fmt.Sprintf(format, a...)))
	}
	keys := make([]string, 0, len(sch))
	for k := range sch {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !knownKeywords[k] {
			fail("schema uses keyword %q, which this validator does not implement", k)
		}
	}
	if ref, ok := sch["$ref"].(string); ok {
		d, err := s.resolve(ref)
		if err != nil {
			fail("%v", err)
		} else {
			errs = append(errs, s.check(d, v, at)...)
		}
	}
	if t, ok := sch["type"]; ok {
		got := typeOf(v)
		okType := false
		for _, want := range asList(t) {
			if want == got || (want == "number" && got == "integer") {
				okType = true
			}
		}
		if !okType {
			fail("type %s, want %v", got, t)
			return errs
		}
	}
	if e, ok := sch["enum"].([]any); ok {
		found := false
		for _, x := range e {
			if jsonEqual(x, v) {
				found = true
			}
		}
		if !found {
			fail("%v is not one of %v", v, e)
		}
	}
	if c, ok := sch["const"]; ok && !jsonEqual(c, v) {
		fail("%v, want %v", v, c)
	}
	if str, ok := v.(string); ok {
		if p, ok := sch["pattern"].(string); ok {
			re := s.regex[p]
			if re == nil {
				re = regexp.MustCompile(p)
				s.regex[p] = re
			}
			if !re.MatchString(str) {
				fail("%q does not match %s", str, p)
			}
		}
		if n, ok := sch["minLength"].(float64); ok && float64(len([]rune(str))) < n {
			fail("shorter than %v", n)
		}
	}
	if f, ok := v.(float64); ok {
		if n, ok := sch["minimum"].(float64); ok && f < n {
			fail("%v < minimum %v", f, n)
		}
		if n, ok := sch["maximum"].(float64); ok && f > n {
			fail("%v > maximum %v", f, n)
		}
	}
	if m, ok := v.(map[string]any); ok {
		props, _ := sch["properties"].(map[string]any)
		for _, r := range asList(sch["required"]) {
			if _, ok := m[r]; !ok {
				fail("missing required %q", r)
			}
		}
		if n, ok := sch["minProperties"].(float64); ok && float64(len(m)) < n {
			fail("fewer than %v properties", n)
		}
		if n, ok := sch["maxProperties"].(float64); ok && float64(len(m)) > n {
			fail("more than %v properties", n)
		}
		names := make([]string, 0, len(m))
		for k := range m {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			if pn, ok := sch["propertyNames"].(map[string]any); ok {
				errs = append(errs, s.check(pn, k, at+"/"+k+"(name)")...)
			}
			if ps, ok := props[k].(map[string]any); ok {
				errs = append(errs, s.check(ps, m[k], at+"/"+k)...)
				continue
			}
			switch ap := sch["additionalProperties"].(type) {
			case bool:
				if !ap {
					fail("unknown property %q", k)
				}
			case map[string]any:
				errs = append(errs, s.check(ap, m[k], at+"/"+k)...)
			}
		}
	}
	if a, ok := v.([]any); ok {
		if n, ok := sch["minItems"].(float64); ok && float64(len(a)) < n {
			fail("fewer than %v items", n)
		}
		if it, ok := sch["items"].(map[string]any); ok {
			for i, x := range a {
				errs = append(errs, s.check(it, x, fmt.Sprintf("%s/%d", at, i))...)
			}
		}
	}
	for _, sub := range asSchemas(sch["allOf"]) {
		errs = append(errs, s.check(sub, v, at)...)
	}
	if subs := asSchemas(sch["anyOf"]); len(subs) > 0 {
		ok := false
		var first []string
		for _, sub := range subs {
			e := s.check(sub, v, at)
			if len(e) == 0 {
				ok = true
				break
			}
			if first == nil {
				first = e
			}
		}
		if !ok {
			fail("matches none of anyOf (first: %s)", strings.Join(first, "; "))
		}
	}
	if subs := asSchemas(sch["oneOf"]); len(subs) > 0 {
		n := 0
		for _, sub := range subs {
			if len(s.check(sub, v, at)) == 0 {
				n++
			}
		}
		if n != 1 {
			fail("matches %d of oneOf, want exactly 1", n)
		}
	}
	if not, ok := sch["not"].(map[string]any); ok && len(s.check(not, v, at)) == 0 {
		fail("matches a schema it must not match")
	}
	if cond, ok := sch["if"].(map[string]any); ok {
		branch := "else"
		if len(s.check(cond, v, at)) == 0 {
			branch = "then"
		}
		if b, ok := sch[branch].(map[string]any); ok {
			errs = append(errs, s.check(b, v, at)...)
		}
	}
	return errs
}

func orRoot(at string) string {
	if at == "" {
		return "/"
	}
	return at
}

func asList(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		out := make([]string, 0, len(t))
		for _, x := range t {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func asSchemas(v any) []map[string]any {
	list, _ := v.([]any)
	out := make([]map[string]any, 0, len(list))
	for _, x := range list {
		if m, ok := x.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func jsonEqual(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}
