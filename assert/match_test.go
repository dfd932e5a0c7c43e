package assert

import (
	"encoding/json"
	"errors"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
)

func TestParseStatus(t *testing.T) {
	tests := []struct {
		in      string
		want    StatusMatch
		wantErr bool
	}{
		{"2xx", StatusMatch{Class: 2}, false},
		{"4XX", StatusMatch{Class: 4}, false},
		{" 5xx ", StatusMatch{Class: 5}, false},
		{"200", StatusMatch{Code: 200}, false},
		{"599", StatusMatch{Code: 599}, false},
		{"6xx", StatusMatch{}, true},
		{"0xx", StatusMatch{}, true},
		{"99", StatusMatch{}, true},
		{"600", StatusMatch{}, true},
		{"ok", StatusMatch{}, true},
		{"", StatusMatch{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseStatus(tc.in)
			if tc.wantErr {
				require.Error(t, err)
				tassert.True(t, errors.Is(err, ErrBadStatus))
				return
			}
			require.NoError(t, err)
			tassert.Equal(t, tc.want, got)
		})
	}
}

func TestStatusSetMatch(t *testing.T) {
	s := MustStatus("2xx", "409")
	tassert.True(t, s.Match(200))
	tassert.True(t, s.Match(299))
	tassert.True(t, s.Match(409))
	tassert.False(t, s.Match(410))
	tassert.False(t, s.Match(302))
	tassert.Equal(t, "2xx or 409", s.String())
	tassert.Panics(t, func() { MustStatus("nope") })
}

func num(s string) json.Number { return json.Number(s) }

func TestEqual(t *testing.T) {
	tests := []struct {
		name string
		a, b any
		want bool
	}{
		{"ints", 1, int64(1), true},
		{"int vs float", 1, 1.0, true},
		{"json number", num("2"), 2, true},
		{"numeric string", "2", num("2"), true},
		{"numeric string padded", " 2 ", 2, true},
		{"two strings are text", "2", "2.0", false},
		{"non numeric string", "two", 2, false},
		{"big ints", num("12345678901234567890"), num("12345678901234567890"), true},
		{"big ints differ", num("12345678901234567890"), num("12345678901234567891"), false},
		{"strings", "a", "a", true},
		{"bools", true, true, true},
		{"bool vs string", true, "true", false},
		{"nil", nil, nil, true},
		{"nil vs zero", nil, 0, false},
		{"lists", []any{1, "a"}, []any{num("1"), "a"}, true},
		{"lists len", []any{1}, []any{1, 2}, false},
		{"maps", map[string]any{"a": 1, "b": "x"}, map[string]any{"b": "x", "a": num("1")}, true},
		{"maps differ", map[string]any{"a": 1}, map[string]any{"a": 2}, false},
		{"object vs map", hookdrill.Object{{Key: "a", Value: 1}}, map[string]any{"a": 1}, true},
		{"string list", []string{"a"}, []any{"a"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tassert.Equal(t, tc.want, Equal(tc.a, tc.b))
			tassert.Equal(t, tc.want, Equal(tc.b, tc.a), "symmetric")
		})
	}
}

func TestMatcher(t *testing.T) {
	mk := func(conds ...Cond) Matcher {
		t.Helper()
		m, err := NewMatcher(conds...)
		require.NoError(t, err)
		return m
	}
	tests := []struct {
		name    string
		m       Matcher
		got     any
		present bool
		want    bool
	}{
		{"eq", Eq(1), num("1"), true, true},
		{"eq missing", Eq(0), nil, false, false},
		{"ne missing", mk(Cond{Op: OpNe, Want: 1}), nil, false, true},
		{"gt", mk(Cond{Op: OpGt, Want: 1}), 2, true, true},
		{"gt equal", mk(Cond{Op: OpGt, Want: 1}), 1, true, false},
		{"gte", mk(Cond{Op: OpGte, Want: 1}), 1, true, true},
		{"lt", mk(Cond{Op: OpLt, Want: 1}), 0, true, true},
		{"lte string number", mk(Cond{Op: OpLte, Want: 1}), "1", true, true},
		{"lt not a number", mk(Cond{Op: OpLt, Want: 1}), "x", true, false},
		{"range", mk(Cond{Op: OpGte, Want: 1}, Cond{Op: OpLte, Want: 3}), 2, true, true},
		{"range out", mk(Cond{Op: OpGte, Want: 1}, Cond{Op: OpLte, Want: 3}), 4, true, false},
		{"in", mk(Cond{Op: OpIn, Want: []any{"A", "B"}}), "B", true, true},
		{"in miss", mk(Cond{Op: OpIn, Want: []any{"A", "B"}}), "C", true, false},
		{"contains string", mk(Cond{Op: OpContains, Want: "REVIEW"}), "AWAITING REVIEW", true, true},
		{"contains list", mk(Cond{Op: OpContains, Want: 2}), []any{1, 2}, true, true},
		{"contains miss", mk(Cond{Op: OpContains, Want: "x"}), "abc", true, false},
		{"match", mk(Cond{Op: OpMatch, Want: "^[0-9a-f]{24}$"}), "6394cee483e14a167638b36c", true, true},
		{"match number", mk(Cond{Op: OpMatch, Want: "^4"}), 42, true, true},
		{"exists", mk(Cond{Op: OpExists, Want: true}), nil, true, true},
		{"exists missing", mk(Cond{Op: OpExists, Want: true}), nil, false, false},
		{"not exists", mk(Cond{Op: OpExists, Want: false}), nil, false, true},
		{"zero matcher", Matcher{}, "anything", true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ok, failed := tc.m.Match(tc.got, tc.present)
			tassert.Equal(t, tc.want, ok)
			if !ok {
				tassert.NotEmpty(t, failed.Op, "the failing condition is returned")
			}
		})
	}
}

func TestNewMatcherErrors(t *testing.T) {
	tests := []struct {
		name string
		c    Cond
		msg  string
	}{
		{"gt string", Cond{Op: OpGt, Want: "a"}, "gt needs a number"},
		{"in scalar", Cond{Op: OpIn, Want: 1}, "in needs a list"},
		{"bad regexp", Cond{Op: OpMatch, Want: "("}, "match:"},
		{"match number", Cond{Op: OpMatch, Want: 1}, "regular expression string"},
		{"exists string", Cond{Op: OpExists, Want: "yes"}, "true or false"},
		{"unknown", Cond{Op: "approx", Want: 1}, "unknown operator"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewMatcher(tc.c)
			require.Error(t, err)
			tassert.ErrorIs(t, err, ErrBadMatcher)
			tassert.Contains(t, err.Error(), tc.msg)
		})
	}
}

func TestMatcherString(t *testing.T) {
	m, err := NewMatcher(Cond{Op: OpGte, Want: 1}, Cond{Op: OpLte, Want: 3})
	require.NoError(t, err)
	tassert.Equal(t, ">= 1 and <= 3", m.String())
	tassert.Equal(t, `"APPROVED"`, Eq("APPROVED").String())
	tassert.Equal(t, "anything", Matcher{}.String())
	tassert.Equal(t, "missing", Matcher{{Op: OpExists, Want: false}}.String())
}

func TestFormat(t *testing.T) {
	tassert.Equal(t, `{"a": 1, "b": ["x", null]}`, Format(map[string]any{"b": []any{"x", nil}, "a": 1}))
	tassert.Equal(t, `"<tag>"`, Format("<tag>"))
	tassert.Equal(t, "1.5", Format(1.5))
	tassert.Equal(t, "12345678901234567890", Format(num("12345678901234567890")))
}

func TestParseValue(t *testing.T) {
	v, ok := ParseValue(`{"processed": {"a": 2}}`)
	require.True(t, ok)
	tassert.Equal(t, map[string]any{"processed": map[string]any{"a": num("2")}}, v)
	_, ok = ParseValue(`APPROVED`)
	tassert.False(t, ok)
	_, ok = ParseValue(`1 2`)
	tassert.False(t, ok, "two values are not one JSON value")
	v, ok = ParseValue(" 3\n")
	require.True(t, ok)
	tassert.Equal(t, num("3"), v)
}

func TestPath(t *testing.T) {
	doc := map[string]any{
		"processed": map[string]any{"abc": 1, "a/b": 2, "m~n": 3},
		"items":     []any{map[string]any{"id": "x"}},
		"status":    map[string]any{"r1": "AWAITING REVIEW"},
	}
	tests := []struct {
		path  string
		want  any
		found bool
	}{
		{"/processed/abc", 1, true},
		{"processed.abc", 1, true},
		{"/processed/a~1b", 2, true},
		{"/processed/m~0n", 3, true},
		{"/items/0/id", "x", true},
		{"items.0.id", "x", true},
		{"/items/1/id", nil, false},
		{"/items/01/id", nil, false},
		{"/items/-1", nil, false},
		{"/processed/missing", nil, false},
		{"/status/r1/deeper", nil, false},
		{"", doc, true},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			p, err := ParsePath(tc.path)
			require.NoError(t, err)
			got, found := p.Lookup(doc)
			tassert.Equal(t, tc.found, found)
			if tc.found {
				tassert.True(t, Equal(tc.want, got) || tc.path == "", "got %v", got)
			}
		})
	}
	for _, bad := range []string{"#/processed", "a..b", "/a~2b", ".a"} {
		_, err := ParsePath(bad)
		tassert.ErrorIs(t, err, ErrBadPath, bad)
	}
}

func TestWorse(t *testing.T) {
	tassert.Equal(t, Pass, Worse("", Pass))
	tassert.Equal(t, Fail, Worse(Pass, Fail))
	tassert.Equal(t, Error, Worse(Error, Fail))
	tassert.Equal(t, Fail, Worse(Skip, Fail))
	tassert.Equal(t, Skip, Worse(Pass, Skip))
	tassert.Equal(t, Pass, Worst(nil))
	tassert.Equal(t, Fail, Worst([]Result{{Verdict: Pass}, {Verdict: Fail}}))
}

func FuzzParsePath(f *testing.F) {
	for _, s := range []string{"", "/a/b", "a.b", "/a~1b/~0", "#/x", "a..b", "/0/1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePath(s)
		if err != nil {
			return
		}
		_, _ = p.Lookup(map[string]any{"a": []any{1, map[string]any{"b": 2}}})
		_ = p.String()
	})
}

func FuzzMatcher(f *testing.F) {
	f.Add("eq", "1", "1")
	f.Add("match", "^a", "abc")
	f.Add("gte", "2", "10")
	f.Add("in", `["a","b"]`, `"a"`)
	f.Fuzz(func(t *testing.T, op, want, got string) {
		w, ok := ParseValue(want)
		if !ok {
			w = want
		}
		g, ok := ParseValue(got)
		if !ok {
			g = got
		}
		m, err := NewMatcher(Cond{Op: Op(op), Want: w})
		if err != nil {
			return
		}
		_, _ = m.Match(g, true)
		_, _ = m.Match(g, false)
		_ = m.String()
		if Op(op) == OpEq {
			if ok, _ := m.Match(w, true); !ok && Equal(w, w) {
				t.Fatalf("eq matcher rejects its own value %#v", w)
			}
		}
	})
}
