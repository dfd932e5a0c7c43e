package assert

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/hookdrill/hookdrill"
)

// Op is a comparison operator of a Matcher.
type Op string

// Operators. Numeric operators compare numbers and strings that spell a
// JSON number (an exec probe printing "2" compares as 2).
const (
	OpEq       Op = "eq"       // equal (numbers by value, objects key by key)
	OpNe       Op = "ne"       // not equal
	OpGt       Op = "gt"       // greater than (numeric)
	OpGte      Op = "gte"      // greater than or equal (numeric)
	OpLt       Op = "lt"       // less than (numeric)
	OpLte      Op = "lte"      // less than or equal (numeric)
	OpIn       Op = "in"       // equal to one of a list
	OpContains Op = "contains" // string contains a substring, or list contains an element
	OpMatch    Op = "match"    // string matches a regular expression (RE2)
	OpExists   Op = "exists"   // true: the value is present; false: it is missing
)

// Ops lists every operator in documentation order.
func Ops() []Op {
	return []Op{OpEq, OpNe, OpGt, OpGte, OpLt, OpLte, OpIn, OpContains, OpMatch, OpExists}
}

// ErrBadMatcher is wrapped by NewMatcher errors.
var ErrBadMatcher = errors.New("bad comparison")

// Cond is one condition of a Matcher.
type Cond struct {
	Op   Op
	Want any // a JSON-like value: nil, bool, string, number, []any, map[string]any
	re   *regexp.Regexp
}

// Matcher holds when all its conditions hold. The zero Matcher always holds.
type Matcher []Cond

// Eq returns a Matcher for equality with v.
func Eq(v any) Matcher { return Matcher{{Op: OpEq, Want: v}} }

// NewMatcher checks and prepares conditions: numeric operators need a
// number, in a list, match a valid regular expression, exists a boolean.
func NewMatcher(conds ...Cond) (Matcher, error) {
	var errs []error
	out := make(Matcher, 0, len(conds))
	for _, c := range conds {
		switch c.Op {
		case OpEq, OpNe, OpContains:
		case OpGt, OpGte, OpLt, OpLte:
			if _, ok := number(c.Want); !ok {
				errs = append(errs, fmt.Errorf("%w: %s needs a number, got %s", ErrBadMatcher, c.Op, Format(c.Want)))
			}
		case OpIn:
			if _, ok := c.Want.([]any); !ok {
				errs = append(errs, fmt.Errorf("%w: in needs a list, got %s", ErrBadMatcher, Format(c.Want)))
			}
		case OpMatch:
			s, ok := c.Want.(string)
			if !ok {
				errs = append(errs, fmt.Errorf("%w: match needs a regular expression string, got %s", ErrBadMatcher, Format(c.Want)))
				break
			}
			re, err := regexp.Compile(s)
			if err != nil {
				errs = append(errs, fmt.Errorf("%w: match: %w", ErrBadMatcher, err))
				break
			}
			c.re = re
		case OpExists:
			if _, ok := c.Want.(bool); !ok {
				errs = append(errs, fmt.Errorf("%w: exists needs true or false, got %s", ErrBadMatcher, Format(c.Want)))
			}
		default:
			errs = append(errs, fmt.Errorf("%w: unknown operator %q (valid: %s)", ErrBadMatcher, c.Op, opNames()))
		}
		out = append(out, c)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

func opNames() string {
	ops := Ops()
	s := make([]string, len(ops))
	for i, o := range ops {
		s[i] = string(o)
	}
	return strings.Join(s, ", ")
}

// Match reports whether got (present=false: the value is missing) meets
// every condition; on failure it returns the first condition that failed.
func (m Matcher) Match(got any, present bool) (bool, Cond) {
	for _, c := range m {
		if !c.match(got, present) {
			return false, c
		}
	}
	return true, Cond{}
}

func (c Cond) match(got any, present bool) bool {
	if c.Op == OpExists {
		want, _ := c.Want.(bool)
		return present == want
	}
	if !present {
		return c.Op == OpNe
	}
	switch c.Op {
	case OpEq:
		return Equal(got, c.Want)
	case OpNe:
		return !Equal(got, c.Want)
	case OpGt, OpGte, OpLt, OpLte:
		g, ok1 := number(got)
		w, ok2 := number(c.Want)
		if !ok1 || !ok2 {
			return false
		}
		cmp := g.Cmp(w)
		switch c.Op {
		case OpGt:
			return cmp > 0
		case OpGte:
			return cmp >= 0
		case OpLt:
			return cmp < 0
		default:
			return cmp <= 0
		}
	case OpIn:
		list, _ := c.Want.([]any)
		for _, w := range list {
			if Equal(got, w) {
				return true
			}
		}
		return false
	case OpContains:
		switch g := got.(type) {
		case string:
			w, ok := c.Want.(string)
			return ok && strings.Contains(g, w)
		case []any:
			for _, e := range g {
				if Equal(e, c.Want) {
					return true
				}
			}
		}
		return false
	case OpMatch:
		re := c.re
		if re == nil {
			s, _ := c.Want.(string)
			var err error
			if re, err = regexp.Compile(s); err != nil {
				return false
			}
		}
		s, ok := got.(string)
		if !ok {
			s = Format(got)
		}
		return re.MatchString(s)
	}
	return false
}

// String describes the condition: "== 1", ">= 2", "matches /^a/".
func (c Cond) String() string {
	switch c.Op {
	case OpEq:
		return Format(c.Want)
	case OpNe:
		return "!= " + Format(c.Want)
	case OpGt:
		return "> " + Format(c.Want)
	case OpGte:
		return ">= " + Format(c.Want)
	case OpLt:
		return "< " + Format(c.Want)
	case OpLte:
		return "<= " + Format(c.Want)
	case OpIn:
		return "one of " + Format(c.Want)
	case OpContains:
		return "contains " + Format(c.Want)
	case OpMatch:
		return "matches /" + fmt.Sprint(c.Want) + "/"
	case OpExists:
		if b, _ := c.Want.(bool); b {
			return "present"
		}
		return "missing"
	}
	return string(c.Op) + " " + Format(c.Want)
}

// String describes the whole matcher ("present", ">= 1 and <= 2").
func (m Matcher) String() string {
	if len(m) == 0 {
		return "anything"
	}
	parts := make([]string, len(m))
	for i, c := range m {
		parts[i] = c.String()
	}
	return strings.Join(parts, " and ")
}

var jsonNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// number converts numbers, and strings that spell a JSON number, to a Rat.
func number(v any) (*big.Rat, bool) {
	var s string
	switch t := v.(type) {
	case int:
		return new(big.Rat).SetInt64(int64(t)), true
	case int64:
		return new(big.Rat).SetInt64(t), true
	case int32:
		return new(big.Rat).SetInt64(int64(t)), true
	case uint64:
		return new(big.Rat).SetInt(new(big.Int).SetUint64(t)), true
	case uint:
		return new(big.Rat).SetInt(new(big.Int).SetUint64(uint64(t))), true
	case float64:
		r := new(big.Rat)
		if r.SetFloat64(t) == nil {
			return nil, false
		}
		return r, true
	case json.Number:
		s = string(t)
	case string:
		s = strings.TrimSpace(t)
	default:
		return nil, false
	}
	if !jsonNumber.MatchString(s) {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(s)
	return r, ok
}

func isNumberType(v any) bool {
	switch v.(type) {
	case int, int32, int64, uint, uint64, float64, json.Number:
		return true
	}
	return false
}

// Equal compares JSON-like values: numbers by value (a string spelling a
// number equals that number), lists element by element, objects (maps or
// hookdrill.Object) key by key regardless of order.
func Equal(a, b any) bool {
	a, b = plain(a), plain(b)
	if isNumberType(a) || isNumberType(b) {
		x, ok1 := number(a)
		y, ok2 := number(b)
		return ok1 && ok2 && x.Cmp(y) == 0
	}
	switch x := a.(type) {
	case nil:
		return b == nil
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case string:
		y, ok := b.(string)
		return ok && x == y
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !Equal(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !Equal(v, w) {
				return false
			}
		}
		return true
	}
	return false
}

// plain converts hookdrill.Object to a map and typed slices to []any.
func plain(v any) any {
	switch t := v.(type) {
	case hookdrill.Object:
		m := make(map[string]any, len(t))
		for _, f := range t {
			m[f.Key] = plain(f.Value)
		}
		return m
	case []string:
		out := make([]any, len(t))
		for i, s := range t {
			out[i] = s
		}
		return out
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[k] = plain(e)
		}
		return m
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = plain(e)
		}
		return out
	}
	return v
}

// Format renders a value for a report: JSON for structures and strings,
// numbers as written.
func Format(v any) string {
	switch t := plain(v).(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(t)
	case json.Number:
		return string(t)
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strconv.Quote(k))
			b.WriteString(": ")
			b.WriteString(Format(t[k]))
		}
		b.WriteByte('}')
		return b.String()
	case []any:
		parts := make([]string, len(t))
		for i, e := range t {
			parts[i] = Format(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	default:
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(t); err != nil {
			return fmt.Sprint(t)
		}
		return strings.TrimSpace(buf.String())
	}
}

// ParseValue decodes JSON text into a JSON-like value with json.Number
// numbers; ok=false when s is not one JSON value.
func ParseValue(s string) (any, bool) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	if dec.More() {
		return nil, false
	}
	var extra any
	if dec.Decode(&extra) == nil {
		return nil, false
	}
	return v, true
}
