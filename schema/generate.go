package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/platform"
)

// Scenario returns the scenario schema for the platforms of reg: the
// platform names, and each platform's event types, statuses per event type
// and retry presets, come from its profile. The rest (structure, shapes,
// limits) is the checked-in scenario-v1.schema.json, whose platform parts
// are replaced. The checked-in file is Scenario of the built-in platforms
// (a test in this package keeps it so; go test ./schema -update rewrites
// it), so adding a platform updates it.
func Scenario(reg *platform.Registry) ([]byte, error) {
	if reg == nil {
		return nil, errors.New("scenario schema: no platforms (the registry is nil)")
	}
	v, err := decodeOrdered(scenarioV1)
	if err != nil {
		return nil, fmt.Errorf("scenario schema: %w", err)
	}
	root, ok := v.(object)
	if !ok {
		return nil, errors.New("scenario schema: not an object")
	}
	names := reg.Names()
	var allOf []any
	var presets []string
	defs, _ := root.get("$defs").(object)
	defs = defs.filter(func(k string) bool { return !rePlatformDef.MatchString(k) })
	for _, name := range names {
		prof, err := reg.Lookup(name)
		if err != nil {
			return nil, err
		}
		presets = append(presets, sortedKeys(prof.RetryPresets())...)
		allOf = append(allOf, object{
			{"if", object{
				{"properties", object{{"platform", object{{"const", name}}}}},
				{"required", []any{"platform"}},
			}},
			{"then", object{{"properties", object{{"steps", object{{"items", ref(name + "Step")}}}}}}},
		})
		defs = append(defs, platformDefs(name, prof)...)
	}
	root = root.set("properties", root.get("properties").(object).set("platform", object{{"enum", strs(names)}}))
	root = root.set("allOf", allOf)
	if r, ok := defs.get("retries").(object); ok {
		desc := "A preset (" + strings.Join(append(presets, "none"), ", ") + ") or a mapping of preset and overrides."
		defs = defs.set("retries", r.set("description", desc))
	}
	root = root.set("$defs", defs)
	var b bytes.Buffer
	if err := writeOrdered(&b, root, ""); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// rePlatformDef matches the $defs a platform contributes (prolificSend...).
var rePlatformDef = regexp.MustCompile(`^[a-z][a-z0-9]*(EventType|Send|Step)$`)

// templateRef accepts a string holding a ${...} reference in place of an
// enumerated value.
func templateRef() object {
	return object{{"type", "string"}, {"pattern", `\$\{`}}
}

func ref(def string) object { return object{{"$ref", "#/$defs/" + def}} }

// platformDefs are NAMEEventType, NAMESend and NAMEStep.
func platformDefs(name string, prof hookdrill.Profile) object {
	var types []string
	rules := []any{object{{"properties", object{{"event", ref(name + "EventType")}}}}}
	for _, et := range prof.EventTypes() {
		types = append(types, et.Name)
		var then object
		if len(et.Statuses) > 0 {
			then = object{{"properties", object{{"status", object{{"anyOf", []any{object{{"enum", strs(et.Statuses)}}, templateRef()}}}}}}}
		} else {
			then = object{{"not", object{{"required", []any{"status"}}}}}
		}
		rules = append(rules, object{
			{"if", object{{"properties", object{{"event", object{{"const", et.Name}}}}}, {"required", []any{"event"}}}},
			{"then", then},
		})
	}
	send := object{
		{"if", object{{"type", "string"}}},
		{"then", ref(name + "EventType")},
		{"else", object{
			{"if", object{{"required", []any{"payload"}}}},
			{"then", object{}},
			{"else", object{{"allOf", rules}}},
		}},
	}
	step := object{{"properties", object{
		{"send", ref(name + "Send")},
		{"trigger", ref(name + "Send")},
		{"burst", ref(name + "Send")},
		{"subscribe", object{{"properties", object{{"event", ref(name + "EventType")}}}}},
	}}}
	return object{
		{name + "EventType", object{{"anyOf", []any{object{{"enum", strs(types)}}, templateRef()}}}},
		{name + "Send", send},
		{name + "Step", step},
	}
}

func strs(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// object is a JSON object that keeps its key order.
type object []member

type member struct {
	k string
	v any
}

func (o object) get(k string) any {
	for _, m := range o {
		if m.k == k {
			return m.v
		}
	}
	return nil
}

// set replaces k's value in place, or appends it.
func (o object) set(k string, v any) object {
	out := slices.Clone(o)
	for i := range out {
		if out[i].k == k {
			out[i].v = v
			return out
		}
	}
	return append(out, member{k, v})
}

func (o object) filter(keep func(string) bool) object {
	var out object
	for _, m := range o {
		if keep(m.k) {
			out = append(out, m)
		}
	}
	return out
}

// decodeOrdered decodes JSON keeping object key order and number text.
func decodeOrdered(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data")
	}
	return v, nil
}

func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := object{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				o = append(o, member{k, v})
			}
			_, err := dec.Token() // }
			return o, err
		case '[':
			a := []any{}
			for dec.More() {
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			_, err := dec.Token() // ]
			return a, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	default:
		return t, nil // string, json.Number, bool, nil
	}
}

// writeOrdered writes v as json.MarshalIndent(v, "", "  ") would, with
// object keys in order and without HTML escaping.
func writeOrdered(b *bytes.Buffer, v any, indent string) error {
	switch t := v.(type) {
	case object:
		if len(t) == 0 {
			b.WriteString("{}")
			return nil
		}
		b.WriteString("{\n")
		for i, m := range t {
			b.WriteString(indent + "  ")
			if err := writeScalar(b, m.k); err != nil {
				return err
			}
			b.WriteString(": ")
			if err := writeOrdered(b, m.v, indent+"  "); err != nil {
				return err
			}
			if i < len(t)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "}")
	case []any:
		if len(t) == 0 {
			b.WriteString("[]")
			return nil
		}
		b.WriteString("[\n")
		for i, e := range t {
			b.WriteString(indent + "  ")
			if err := writeOrdered(b, e, indent+"  "); err != nil {
				return err
			}
			if i < len(t)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "]")
	default:
		return writeScalar(b, t)
	}
	return nil
}

func writeScalar(b *bytes.Buffer, v any) error {
	var sb bytes.Buffer
	enc := json.NewEncoder(&sb)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	b.Write(bytes.TrimSuffix(sb.Bytes(), []byte("\n")))
	return nil
}
