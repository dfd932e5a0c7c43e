package scenarios

// JSON Schema validation for the tests, by santhosh-tekuri/jsonschema/v6:
// draft 2020-12 as the standard defines it (each schema is itself checked
// against the draft's meta-schema when compiled), with "pattern" evaluated
// as an ECMA-262 regular expression (dlclark/regexp2 in ECMAScript mode),
// as the standard prescribes, instead of Go's RE2 dialect. "format" is
// asserted (date-time in the report schema), not just an annotation.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/dlclark/regexp2"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/hookdrill/hookdrill"
)

type jsonSchema struct {
	root map[string]any // the raw document, for tests that read $defs
	sch  *jsonschema.Schema
}

// ecmaRegexp adapts regexp2 (ECMAScript mode) to jsonschema.Regexp.
type ecmaRegexp regexp2.Regexp

func (re *ecmaRegexp) MatchString(s string) bool {
	ok, err := (*regexp2.Regexp)(re).MatchString(s)
	return err == nil && ok
}

func (re *ecmaRegexp) String() string { return (*regexp2.Regexp)(re).String() }

func compileECMA(s string) (jsonschema.Regexp, error) {
	re, err := regexp2.Compile(s, regexp2.ECMAScript)
	if err != nil {
		return nil, err
	}
	return (*ecmaRegexp)(re), nil
}

// parseJSONSchema compiles a draft 2020-12 schema document.
func parseJSONSchema(b []byte) (*jsonSchema, error) {
	var root map[string]any
	if err := json.Unmarshal(b, &root); err != nil {
		return nil, err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.UseRegexpEngine(compileECMA)
	c.AssertFormat()
	const loc = "mem://hookdrill/schema.json"
	if err := c.AddResource(loc, doc); err != nil {
		return nil, err
	}
	sch, err := c.Compile(loc)
	if err != nil {
		return nil, err
	}
	return &jsonSchema{root: root, sch: sch}, nil
}

// validate returns every violation of v (a JSON-like value: map[string]any,
// hookdrill.Object, []any, string, numbers, bool, nil) against the schema,
// one message per failing leaf keyword, "instance location: message".
func (s *jsonSchema) validate(v any) []string {
	inst, err := instance(v)
	if err != nil {
		return []string{err.Error()}
	}
	err = s.sch.Validate(inst)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []string{err.Error()}
	}
	var out []string
	leaves(ve, &out)
	if len(out) == 0 {
		out = append(out, ve.Error())
	}
	return out
}

var printer = message.NewPrinter(language.English)

func leaves(e *jsonschema.ValidationError, out *[]string) {
	if len(e.Causes) == 0 {
		*out = append(*out, fmt.Sprintf("/%s: %s", strings.Join(e.InstanceLocation, "/"), e.ErrorKind.LocalizedString(printer)))
		return
	}
	for _, c := range e.Causes {
		leaves(c, out)
	}
}

// instance converts v to the library's JSON model (numbers as
// json.Number), through its JSON encoding.
func instance(v any) (any, error) {
	b, err := json.Marshal(toJSONLike(v))
	if err != nil {
		return nil, err
	}
	return jsonschema.UnmarshalJSON(bytes.NewReader(b))
}

// toJSONLike converts hookdrill.Object values (kept in order by the
// loader) to maps.
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
	}
	return v
}

// Draft 2020-12 keywords, by vocabulary. JSON Schema ignores unknown
// keywords, so a misspelt one ("requried") would silently check nothing:
// unknownKeywords finds them.
var draft2020Keywords = strings.Fields(`
	$schema $id $ref $anchor $dynamicRef $dynamicAnchor $vocabulary $comment $defs
	allOf anyOf oneOf not if then else dependentSchemas prefixItems items contains
	properties patternProperties additionalProperties propertyNames
	unevaluatedItems unevaluatedProperties
	type enum const multipleOf maximum exclusiveMaximum minimum exclusiveMinimum
	maxLength minLength pattern maxItems minItems uniqueItems maxContains minContains
	maxProperties minProperties required dependentRequired
	title description default deprecated readOnly writeOnly examples
	format contentEncoding contentMediaType contentSchema`)

// unknownKeywords lists the keys of schema objects in doc that are not
// draft 2020-12 keywords, with their JSON Pointer.
func unknownKeywords(doc any) []string {
	var out []string
	var walk func(v any, at string)
	walkMap := func(v any, at string) {
		m, _ := v.(map[string]any)
		for k, sub := range m {
			walk(sub, at+"/"+k)
		}
	}
	walk = func(v any, at string) {
		m, ok := v.(map[string]any)
		if !ok {
			return // a boolean schema
		}
		for k, sub := range m {
			switch k {
			case "$defs", "properties", "patternProperties", "dependentSchemas":
				walkMap(sub, at+"/"+k)
			case "allOf", "anyOf", "oneOf", "prefixItems":
				list, _ := sub.([]any)
				for i, x := range list {
					walk(x, fmt.Sprintf("%s/%s/%d", at, k, i))
				}
			case "not", "if", "then", "else", "items", "contains", "additionalProperties", "propertyNames",
				"unevaluatedItems", "unevaluatedProperties", "contentSchema":
				walk(sub, at+"/"+k)
			default:
				if !slices.Contains(draft2020Keywords, k) {
					out = append(out, at+"/"+k)
				}
			}
		}
	}
	walk(doc, "")
	slices.Sort(out)
	return out
}
