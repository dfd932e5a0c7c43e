package scenarios

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/hookdrill/hookdrill"
	fuzzy "github.com/hookdrill/hookdrill/internal/suggest"
)

// maxNodes bounds the nodes one file may expand to (aliases included), so
// that an alias bomb is an error instead of a hang.
const maxNodes = 200_000

// maxDepth bounds nesting (a self-referencing alias would be infinite).
const maxDepth = 64

// decoder maps a YAML node tree onto the typed structs strictly: unknown
// keys, duplicate keys and wrong types are errors that carry the position
// and field path; decoding goes on after an error so that every problem of
// a file is reported at once.
type decoder struct {
	file   string
	errs   []*FieldError
	pos    positions
	nodes  int
	depth  int
	fields fieldCache
	tpls   []tplRef // every string that holds "${", in file order
}

// tplRef is a string holding ${...} references, where the decoder met it.
type tplRef struct {
	path      string
	s         string
	line, col int
}

func (d *decoder) noteTemplate(n *yaml.Node, path, s string) {
	if strings.Contains(s, "${") {
		d.tpls = append(d.tpls, tplRef{path: path, s: s, line: n.Line, col: n.Column})
	}
}

// fieldCache memoises structFields per type for one load.
type fieldCache map[reflect.Type][]fieldInfo

func (c fieldCache) get(t reflect.Type) []fieldInfo {
	if f, ok := c[t]; ok {
		return f
	}
	f := structFields(t)
	c[t] = f
	return f
}

// enter counts one nesting level; it reports false (with an error) past
// maxDepth. Callers defer d.leave() when it returns true.
func (d *decoder) enter(n *yaml.Node, path string) bool {
	if d.depth >= maxDepth {
		if d.nodes <= maxNodes {
			d.errorf(n, path, "nested more than %d levels deep (a recursive alias?)", maxDepth)
			d.nodes = maxNodes + 2 // stop decoding
		}
		return false
	}
	d.depth++
	return true
}

func (d *decoder) leave() { d.depth-- }

// nodeDecoder is implemented by types with their own YAML shapes
// (shorthands such as "tamper: wrong_secret").
type nodeDecoder interface {
	decodeNode(d *decoder, n *yaml.Node, path string)
}

var nodeDecoderType = reflect.TypeFor[nodeDecoder]()

func (d *decoder) errorf(n *yaml.Node, path, format string, a ...any) {
	e := &FieldError{File: d.file, Field: path, Msg: fmt.Sprintf(format, a...)}
	if n != nil {
		e.Line, e.Col = n.Line, n.Column
	}
	d.errs = append(d.errs, e)
}

// resolve follows aliases and counts nodes.
func (d *decoder) resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	d.nodes++
	if d.nodes == maxNodes+1 && n != nil {
		d.errorf(n, "", "document expands to more than %d nodes (alias loop or bomb?)", maxNodes)
	}
	return n
}

func (d *decoder) record(n *yaml.Node, path string) {
	if d.pos == nil {
		d.pos = positions{}
	}
	if _, ok := d.pos[path]; !ok {
		d.pos[path] = pos{n.Line, n.Column}
	}
}

// kindName describes a node for "want X, got Y" messages.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "null"
		case "!!bool":
			return "a boolean (" + n.Value + ")"
		case "!!int":
			return "an integer (" + n.Value + ")"
		case "!!float":
			return "a number (" + n.Value + ")"
		}
		return fmt.Sprintf("a string (%q)", n.Value)
	}
	return "an unsupported YAML node"
}

// pairs returns a mapping's key/value pairs with merge keys ("<<: *x")
// expanded: explicit keys win over merged ones.
func (d *decoder) pairs(n *yaml.Node, path string) [][2]*yaml.Node {
	var out, merged [][2]*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			v = d.resolve(v)
			switch v.Kind {
			case yaml.MappingNode:
				merged = append(merged, d.pairs(v, path)...)
			case yaml.SequenceNode:
				for _, m := range v.Content {
					if m = d.resolve(m); m.Kind == yaml.MappingNode {
						merged = append(merged, d.pairs(m, path)...)
					} else {
						d.errorf(m, path, "merge key (<<) needs mappings, got %s", kindName(m))
					}
				}
			default:
				d.errorf(v, path, "merge key (<<) needs a mapping, got %s", kindName(v))
			}
			continue
		}
		out = append(out, [2]*yaml.Node{k, v})
	}
	for _, m := range merged {
		dup := false
		for _, o := range out {
			if o[0].Value == m[0].Value {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, m)
		}
	}
	return out
}

// decode decodes n into v (settable), recording positions under path.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	n = d.resolve(n)
	if n == nil {
		return
	}
	if d.nodes > maxNodes {
		return
	}
	if !d.enter(n, path) {
		return
	}
	defer d.leave()
	d.record(n, path)
	if v.Kind() == reflect.Pointer {
		if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
			return // absent
		}
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.decode(n, v.Elem(), path)
		return
	}
	if v.CanAddr() && v.Addr().Type().Implements(nodeDecoderType) {
		v.Addr().Interface().(nodeDecoder).decodeNode(d, n, path)
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		d.decodeStruct(n, v, path)
	case reflect.String:
		if s, ok := d.scalarString(n, path); ok {
			v.SetString(s)
		}
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
			d.errorf(n, path, "want true or false, got %s", kindName(n))
			return
		}
		b, _ := strconv.ParseBool(strings.ToLower(n.Value))
		v.SetBool(b)
	case reflect.Int, reflect.Int64:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
			d.errorf(n, path, "want an integer, got %s", kindName(n))
			return
		}
		i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64)
		if err != nil || (v.Kind() == reflect.Int && (i > math.MaxInt32 || i < math.MinInt32)) {
			d.errorf(n, path, "integer %s is out of range", n.Value)
			return
		}
		v.SetInt(i)
	case reflect.Uint64:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
			d.errorf(n, path, "want a positive integer, got %s", kindName(n))
			return
		}
		u, err := strconv.ParseUint(strings.ReplaceAll(n.Value, "_", ""), 0, 64)
		if err != nil {
			d.errorf(n, path, "want an integer from 1 to %d, got %s", uint64(math.MaxUint64), n.Value)
			return
		}
		v.SetUint(u)
	case reflect.Float64:
		if n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!int" && n.ShortTag() != "!!float") {
			d.errorf(n, path, "want a number, got %s", kindName(n))
			return
		}
		f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			d.errorf(n, path, "want a finite number, got %s", n.Value)
			return
		}
		v.SetFloat(f)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.errorf(n, path, "want a list, got %s", kindName(n))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, c := range n.Content {
			d.decode(c, s.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
		v.Set(s)
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			d.errorf(n, path, "want a mapping, got %s", kindName(n))
			return
		}
		m := reflect.MakeMap(v.Type())
		seen := map[string]bool{}
		for _, kv := range d.pairs(n, path) {
			k, ok := d.keyString(kv[0], path)
			if !ok {
				continue
			}
			if seen[k] {
				d.errorf(kv[0], path+"."+k, "duplicate key %q", k)
				continue
			}
			seen[k] = true
			d.noteTemplate(kv[0], path+"."+k, k)
			ev := reflect.New(v.Type().Elem()).Elem()
			d.decode(kv[1], ev, path+"."+k)
			m.SetMapIndex(reflect.ValueOf(k), ev)
		}
		v.Set(m)
	default:
		d.errorf(n, path, "internal: cannot decode into %s", v.Type())
	}
}

// scalarString accepts string, number and timestamp scalars as text;
// booleans, null, lists and mappings are type errors.
func (d *decoder) scalarString(n *yaml.Node, path string) (string, bool) {
	n = d.resolve(n)
	if n.Kind != yaml.ScalarNode {
		d.errorf(n, path, "want a string, got %s", kindName(n))
		return "", false
	}
	switch n.ShortTag() {
	case "!!bool", "!!null", "!!int", "!!float":
		d.errorf(n, path, "want a string, got %s (quote it if you mean the text)", kindName(n))
		return "", false
	case "!!binary":
		d.errorf(n, path, "want a string, got binary data")
		return "", false
	}
	d.noteTemplate(n, path, n.Value)
	return n.Value, true
}

// keyString reads a mapping key: like scalarString, but a key is not a
// value that references are expanded in unless the caller notes it.
func (d *decoder) keyString(n *yaml.Node, path string) (string, bool) {
	n = d.resolve(n)
	if n.Kind != yaml.ScalarNode {
		d.errorf(n, path, "want a string key, got %s", kindName(n))
		return "", false
	}
	switch n.ShortTag() {
	case "!!str", "!!timestamp":
		return n.Value, true
	}
	d.errorf(n, path, "want a string key, got %s (quote it)", kindName(n))
	return "", false
}

// structFields lists a struct's YAML keys (inline structs flattened) with
// the index path to each field.
type fieldInfo struct {
	name  string
	index []int
}

func structFields(t reflect.Type) []fieldInfo {
	var out []fieldInfo
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		if tag == "-" || !f.IsExported() {
			continue
		}
		name, opt, _ := strings.Cut(tag, ",")
		if opt == "inline" {
			for _, sub := range structFields(f.Type) {
				out = append(out, fieldInfo{sub.name, append([]int{i}, sub.index...)})
			}
			continue
		}
		if name == "" {
			continue
		}
		out = append(out, fieldInfo{name, []int{i}})
	}
	return out
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, "want a mapping, got %s", kindName(n))
		return
	}
	if d.fields == nil {
		d.fields = fieldCache{}
	}
	fields := d.fields.get(v.Type())
	seen := make(map[string]bool, len(n.Content)/2)
	for _, kv := range d.pairs(n, path) {
		kn := d.resolve(kv[0])
		key, ok := d.keyString(kn, path)
		if !ok {
			continue
		}
		fp := join(path, key)
		if seen[key] {
			d.errorf(kn, fp, "duplicate key %q", key)
			continue
		}
		seen[key] = true
		var fi *fieldInfo
		for i := range fields {
			if fields[i].name == key {
				fi = &fields[i]
				break
			}
		}
		if fi == nil {
			d.errorf(kn, fp, "unknown field %q%s (valid: %s)", key, suggest(key, names(fields)), strings.Join(names(fields), ", "))
			continue
		}
		d.decode(kv[1], v.FieldByIndex(fi.index), fp)
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func names(fs []fieldInfo) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.name
	}
	return out
}

// suggest returns ` (did you mean "x"?)` for a close valid name.
func suggest(got string, valid []string) string {
	best, bestD := "", 3
	for _, v := range valid {
		if dist := fuzzy.Distance(strings.ToLower(got), strings.ToLower(v)); dist < bestD {
			best, bestD = v, dist
		}
	}
	if best == "" || best == got {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// ---- custom shapes ----

func (v *Vars) decodeNode(d *decoder, n *yaml.Node, path string) {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, "want a mapping of names to values, got %s", kindName(n))
		return
	}
	seen := map[string]bool{}
	for _, kv := range d.pairs(n, path) {
		k, ok := d.keyString(kv[0], path)
		if !ok {
			continue
		}
		fp := path + "." + k
		if seen[k] {
			d.errorf(kv[0], fp, "duplicate variable %q", k)
			continue
		}
		seen[k] = true
		vn := d.resolve(kv[1])
		d.record(vn, fp)
		d.record(kv[0], fp+"#key")
		if vn.Kind == yaml.ScalarNode {
			switch vn.ShortTag() {
			case "!!bool", "!!int", "!!float":
				*v = append(*v, Var{Name: k, Value: vn.Value})
				continue
			}
		}
		s, ok := d.scalarString(vn, fp)
		if !ok {
			continue
		}
		*v = append(*v, Var{Name: k, Value: s})
	}
}

func (m *Mock) decodeNode(d *decoder, n *yaml.Node, path string) {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!bool" {
		m.Enabled, _ = strconv.ParseBool(strings.ToLower(n.Value))
		return
	}
	type plain Mock
	var p plain
	d.decodeStruct(n, reflect.ValueOf(&p).Elem(), path)
	*m = Mock(p)
	m.Enabled = true
}

func (dur *Duration) decodeNode(d *decoder, n *yaml.Node, path string) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" || n.ShortTag() == "!!bool" {
		d.errorf(n, path, "want a duration such as \"30s\", \"10m\", \"48h\" or \"2d\", got %s", kindName(n))
		return
	}
	if n.ShortTag() == "!!int" || n.ShortTag() == "!!float" {
		if n.Value == "0" {
			dur.Raw = "0"
			return
		}
		d.errorf(n, path, "duration %s has no unit: write e.g. \"%ss\" (units: ms, s, m, h, d)", n.Value, n.Value)
		return
	}
	v, err := ParseDuration(n.Value)
	if err != nil {
		d.errorf(n, path, "%v", err)
		return
	}
	dur.D, dur.Raw = v, n.Value
}

func (r *Ref) decodeNode(d *decoder, n *yaml.Node, path string) {
	s, ok := d.scalarString(n, path)
	if ok {
		*r = Ref(s)
	}
}

func (r *Refs) decodeNode(d *decoder, n *yaml.Node, path string) {
	*r = Refs(decodeStrings(d, n, path, "a step id or a list of step ids"))
}

func (s *Strings) decodeNode(d *decoder, n *yaml.Node, path string) {
	*s = Strings(decodeStrings(d, n, path, "a string or a list of strings"))
}

func decodeStrings(d *decoder, n *yaml.Node, path, want string) []string {
	switch n.Kind {
	case yaml.ScalarNode:
		if s, ok := d.scalarString(n, path); ok {
			return []string{s}
		}
	case yaml.SequenceNode:
		out := make([]string, 0, len(n.Content))
		for i, c := range n.Content {
			c = d.resolve(c)
			p := fmt.Sprintf("%s[%d]", path, i)
			d.record(c, p)
			if s, ok := d.scalarString(c, p); ok {
				out = append(out, s)
			}
		}
		return out
	default:
		d.errorf(n, path, "want %s, got %s", want, kindName(n))
	}
	return nil
}

func (t *Tamper) decodeNode(d *decoder, n *yaml.Node, path string) {
	switch n.Kind {
	case yaml.ScalarNode, yaml.SequenceNode:
		t.Kinds = decodeStrings(d, n, path+".kinds", "")
		d.record(n, path+".kinds")
	default:
		type plain Tamper
		var p plain
		d.decodeStruct(n, reflect.ValueOf(&p).Elem(), path)
		*t = Tamper(p)
	}
}

func (r *Retries) decodeNode(d *decoder, n *yaml.Node, path string) {
	if n.Kind == yaml.ScalarNode {
		if s, ok := d.scalarString(n, path); ok {
			r.Preset = s
			d.record(n, path+".preset")
		}
		return
	}
	type plain Retries
	var p plain
	d.decodeStruct(n, reflect.ValueOf(&p).Elem(), path)
	*r = Retries(p)
}

func (s *Send) decodeNode(d *decoder, n *yaml.Node, path string) {
	if n.Kind == yaml.ScalarNode {
		if v, ok := d.scalarString(n, path); ok {
			s.Event = v
			d.record(n, path+".event")
		}
		return
	}
	type plain Send
	var p plain
	d.decodeStruct(n, reflect.ValueOf(&p).Elem(), path)
	*s = Send(p)
}

// Burst embeds Send, whose shorthand must not apply to bursts.
func (b *Burst) decodeNode(d *decoder, n *yaml.Node, path string) {
	type plain Burst
	var p plain
	d.decodeStruct(n, reflect.ValueOf(&p).Elem(), path)
	*b = Burst(p)
}

func (h *HTTPProbe) decodeNode(d *decoder, n *yaml.Node, path string) {
	if n.Kind == yaml.ScalarNode {
		v, ok := d.scalarString(n, path)
		if !ok {
			return
		}
		d.record(n, path+".url")
		if m, u, found := strings.Cut(strings.TrimSpace(v), " "); found && isMethod(m) {
			h.Method, h.URL = m, strings.TrimSpace(u)
			return
		}
		h.URL = strings.TrimSpace(v)
		return
	}
	type plain HTTPProbe
	var p plain
	d.decodeStruct(n, reflect.ValueOf(&p).Elem(), path)
	*h = HTTPProbe(p)
}

func isMethod(s string) bool {
	switch s {
	case "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS":
		return true
	}
	return false
}

func (e *ExecProbe) decodeNode(d *decoder, n *yaml.Node, path string) {
	switch n.Kind {
	case yaml.ScalarNode:
		if s, ok := d.scalarString(n, path); ok {
			argv, err := SplitCommand(s)
			if err != nil {
				d.errorf(n, path, "%v", err)
				return
			}
			e.Argv = argv
		}
	case yaml.SequenceNode:
		e.Argv = decodeStrings(d, n, path, "")
	case yaml.MappingNode:
		type plain struct {
			Sh string `yaml:"sh"`
		}
		var p plain
		d.decodeStruct(n, reflect.ValueOf(&p).Elem(), path)
		e.Sh = p.Sh
		if strings.TrimSpace(p.Sh) == "" {
			d.errorf(n, path+".sh", "empty script")
		}
	default:
		d.errorf(n, path, "want a command string, an argv list or {sh: SCRIPT}, got %s", kindName(n))
	}
}

func (r *RotateSecret) decodeNode(d *decoder, n *yaml.Node, path string) {
	switch {
	case n.Kind == yaml.ScalarNode && (n.ShortTag() == "!!null" || n.ShortTag() == "!!bool" && strings.EqualFold(n.Value, "true")):
	case n.Kind == yaml.MappingNode && len(n.Content) == 0:
	default:
		d.errorf(n, path, "want true or {}, got %s", kindName(n))
	}
}

func (p *Payload) decodeNode(d *decoder, n *yaml.Node, path string) {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, "want a mapping (the JSON body object), got %s", kindName(n))
		return
	}
	v, ok := d.value(n, path).(hookdrill.Object)
	if ok {
		p.Object = v
	}
}

func (v *Value) decodeNode(d *decoder, n *yaml.Node, path string) {
	v.V = d.value(n, path)
}

// value converts any node to a JSON-like value: mappings become ordered
// hookdrill.Objects, integers int64, other numbers float64.
func (d *decoder) value(n *yaml.Node, path string) any {
	n = d.resolve(n)
	if d.nodes > maxNodes || !d.enter(n, path) {
		return nil
	}
	defer d.leave()
	d.record(n, path)
	switch n.Kind {
	case yaml.MappingNode:
		o := hookdrill.Object{}
		seen := map[string]bool{}
		for _, kv := range d.pairs(n, path) {
			k, ok := d.keyString(kv[0], path)
			if !ok {
				continue
			}
			if seen[k] {
				d.errorf(kv[0], path+"."+k, "duplicate key %q", k)
				continue
			}
			seen[k] = true
			d.noteTemplate(kv[0], path+"."+k, k)
			o = append(o, hookdrill.Field{Key: k, Value: d.value(kv[1], path+"."+k)})
		}
		return o
	case yaml.SequenceNode:
		out := make([]any, len(n.Content))
		for i, c := range n.Content {
			out[i] = d.value(c, fmt.Sprintf("%s[%d]", path, i))
		}
		return out
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return nil
		case "!!bool":
			b, _ := strconv.ParseBool(strings.ToLower(n.Value))
			return b
		case "!!int":
			i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64)
			if err != nil {
				d.errorf(n, path, "integer %s is out of range", n.Value)
				return nil
			}
			return i
		case "!!float":
			f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
			if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
				d.errorf(n, path, "want a finite number, got %s", n.Value)
				return nil
			}
			return f
		}
		d.noteTemplate(n, path, n.Value)
		return n.Value
	}
	d.errorf(n, path, "unsupported YAML value")
	return nil
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
