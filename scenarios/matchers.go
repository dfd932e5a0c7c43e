package scenarios

import (
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/assert"
)

// StatusList is one status spelling or a list: 200, "2xx", [2xx, 409].
type StatusList struct {
	Set assert.StatusSet
	Raw []string
}

func (s *StatusList) decodeNode(d *decoder, n *yaml.Node, path string) {
	var items []*yaml.Node
	switch n.Kind {
	case yaml.ScalarNode:
		items = []*yaml.Node{n}
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			d.errorf(n, path, "empty status list: want %s", assert.StatusHint)
			return
		}
		items = n.Content
	default:
		d.errorf(n, path, "want a status (%s) or a list of them, got %s", assert.StatusHint, kindName(n))
		return
	}
	for i, it := range items {
		it = d.resolve(it)
		p := path
		if n.Kind == yaml.SequenceNode {
			p = fmt.Sprintf("%s[%d]", path, i)
			d.record(it, p)
		}
		if it.Kind != yaml.ScalarNode || (it.ShortTag() != "!!int" && it.ShortTag() != "!!str") {
			d.errorf(it, p, "want a status (%s), got %s", assert.StatusHint, kindName(it))
			continue
		}
		m, err := assert.ParseStatus(it.Value)
		if err != nil {
			d.errorf(it, p, "unknown status %q: want %s", it.Value, assert.StatusHint)
			continue
		}
		s.Set = append(s.Set, m)
		s.Raw = append(s.Raw, it.Value)
	}
}

// Selector picks the attempts that per-attempt expectations apply to.
type Selector struct{ assert.Selector }

func (s *Selector) decodeNode(d *decoder, n *yaml.Node, path string) {
	if n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!int" && n.ShortTag() != "!!str") {
		d.errorf(n, path, "want %s, got %s", assert.SelectorHint, kindName(n))
		return
	}
	sel, err := assert.ParseSelector(n.Value)
	if err != nil {
		d.errorf(n, path, "unknown attempt %q: want %s", n.Value, assert.SelectorHint)
		return
	}
	s.Selector = sel
}

// Cond is one comparison of a Matcher, before ${...} expansion.
type Cond struct {
	Op    assert.Op
	Value any
}

// Matcher is a value comparison: a plain value means equality; a mapping
// of operators combines comparisons ({gte: 1, lte: 3}).
type Matcher struct {
	Conds []Cond
}

func (m *Matcher) decodeNode(d *decoder, n *yaml.Node, path string) {
	if n.Kind != yaml.MappingNode {
		m.Conds = []Cond{{Op: assert.OpEq, Value: d.value(n, path)}}
		return
	}
	if len(n.Content) == 0 {
		d.errorf(n, path, "empty comparison: want a value or operators (%s)", opList())
		return
	}
	for _, kv := range d.pairs(n, path) {
		k, ok := d.keyString(kv[0], path)
		if !ok {
			continue
		}
		op := assert.Op(k)
		if !isOp(op) {
			d.errorf(kv[0], path+"."+k, "unknown comparison %q%s (valid: %s; to compare with an object write {eq: {...}})",
				k, suggest(k, opNames()), opList())
			continue
		}
		val := d.value(kv[1], path+"."+k)
		c := Cond{Op: op, Value: val}
		if !hasTemplate(val) {
			if _, err := assert.NewMatcher(assert.Cond{Op: op, Want: jsonLike(val)}); err != nil {
				d.errorf(d.resolve(kv[1]), path+"."+k, "%s", strings.TrimPrefix(err.Error(), assert.ErrBadMatcher.Error()+": "))
				continue
			}
		}
		m.Conds = append(m.Conds, c)
	}
}

func isOp(op assert.Op) bool {
	for _, o := range assert.Ops() {
		if o == op {
			return true
		}
	}
	return false
}

func opNames() []string {
	ops := assert.Ops()
	out := make([]string, len(ops))
	for i, o := range ops {
		out[i] = string(o)
	}
	return out
}

func opList() string { return strings.Join(opNames(), ", ") }

// PathMatcher compares the value at a JSON path.
type PathMatcher struct {
	Path    string
	Matcher Matcher
	Line    int
}

// PathMatchers are JSON expectations in file order.
type PathMatchers []PathMatcher

func (p *PathMatchers) decodeNode(d *decoder, n *yaml.Node, path string) {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, "want a mapping of JSON paths (\"/processed/ID\" or \"processed.ID\") to values, got %s", kindName(n))
		return
	}
	for _, kv := range d.pairs(n, path) {
		k, ok := d.keyString(kv[0], path)
		if !ok {
			continue
		}
		fp := path + "[" + strconv.Quote(k) + "]"
		d.record(kv[0], fp)
		d.noteTemplate(kv[0], fp, k)
		if !strings.Contains(k, "${") {
			if _, err := assert.ParsePath(k); err != nil {
				d.errorf(kv[0], fp, "%v", err)
				continue
			}
		}
		var m Matcher
		vn := d.resolve(kv[1])
		m.decodeNode(d, vn, fp)
		*p = append(*p, PathMatcher{Path: k, Matcher: m, Line: kv[0].Line})
	}
}

// jsonLike converts decoded YAML values (Objects, int64) into what the
// assert package compares (map[string]any and numbers).
func jsonLike(v any) any {
	switch t := v.(type) {
	case hookdrill.Object:
		m := make(map[string]any, len(t))
		for _, f := range t {
			m[f.Key] = jsonLike(f.Value)
		}
		return m
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = jsonLike(e)
		}
		return out
	}
	return v
}

// hasTemplate reports whether a decoded value holds a ${...} reference.
func hasTemplate(v any) bool {
	switch t := v.(type) {
	case string:
		return strings.Contains(t, "${")
	case hookdrill.Object:
		for _, f := range t {
			if hasTemplate(f.Value) || strings.Contains(f.Key, "${") {
				return true
			}
		}
	case []any:
		for _, e := range t {
			if hasTemplate(e) {
				return true
			}
		}
	}
	return false
}
