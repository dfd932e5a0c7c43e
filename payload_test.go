package hookdrill_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hookdrill/hookdrill"
	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The expected strings below were produced by CPython 3 json.dumps (default
// arguments) and Node's JSON.stringify on the same values.

func TestEncodeStrings(t *testing.T) {
	tests := []struct {
		name, in, python, js string
	}{
		{"ascii", "hello", `"hello"`, `"hello"`},
		{"latin", "café", `"caf\u00e9"`, `"café"`},
		{"emoji", "😀", `"\ud83d\ude00"`, `"😀"`},
		{"cjk", "你好", `"\u4f60\u597d"`, `"你好"`},
		{"controls", "\x00\x01\x08\x09\x0a\x0b\x0c\x0d\x1f", `"\u0000\u0001\b\t\n\u000b\f\r\u001f"`, `"\u0000\u0001\b\t\n\u000b\f\r\u001f"`},
		{"quotes and slash", `"'\/`, `"\"'\\/"`, `"\"'\\/"`},
		{"DEL", "\x7f", `"\u007f"`, "\"\x7f\""},
		{"C1 controls", "\u0080\u009f\u00a0", `"\u0080\u009f\u00a0"`, "\"\u0080\u009f\u00a0\""},
		{"line separators", "\u2028\u2029", `"\u2028\u2029"`, "\"\u2028\u2029\""},
		{"BOM", "\ufeff", `"\ufeff"`, "\"\ufeff\""},
		{"spec status", "AWAITING REVIEW", `"AWAITING REVIEW"`, `"AWAITING REVIEW"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			py, err := hookdrill.EncodePython(tt.in)
			require.NoError(t, err)
			tassert.Equal(t, tt.python, string(py))
			js, err := hookdrill.EncodeCompact(tt.in)
			require.NoError(t, err)
			tassert.Equal(t, tt.js, string(js))
		})
	}
}

func TestEncodeStructure(t *testing.T) {
	o := hookdrill.Object{
		{Key: "a", Value: []any{1, 2.5, nil, true, false, hookdrill.Object{}}},
		{Key: "b", Value: hookdrill.Object{{Key: "c", Value: []any{}}}},
		{Key: "é", Value: "x"},
	}
	py, err := hookdrill.EncodePython(o)
	require.NoError(t, err)
	tassert.Equal(t, `{"a": [1, 2.5, null, true, false, {}], "b": {"c": []}, "\u00e9": "x"}`, string(py))
	js, err := hookdrill.EncodeCompact(o)
	require.NoError(t, err)
	tassert.Equal(t, `{"a":[1,2.5,null,true,false,{}],"b":{"c":[]},"é":"x"}`, string(js))

	// Key order is kept, not sorted.
	z := hookdrill.Object{{Key: "z", Value: 1}, {Key: "a", Value: 2}}
	js, err = hookdrill.EncodeCompact(z)
	require.NoError(t, err)
	tassert.Equal(t, `{"z":1,"a":2}`, string(js))
}

func TestEncodeNumbers(t *testing.T) {
	tests := []struct {
		name       string
		in         any
		python, js string
	}{
		{"int", 42, `42`, `42`},
		{"int64", int64(-7), `-7`, `-7`},
		{"json.Number literal kept", json.Number("1.50"), `1.50`, `1.50`},
		{"zero", 0.0, `0.0`, `0`},
		{"one", 1.0, `1.0`, `1`},
		{"negative fraction", -1.5, `-1.5`, `-1.5`},
		{"1e16", 1e16, `1e+16`, `10000000000000000`},
		{"0.0001", 0.0001, `0.0001`, `0.0001`},
		{"large integer", 123456789012345678.0, `1.2345678901234568e+17`, `123456789012345680`},
		{"1e-7", 1e-7, `1e-07`, `1e-7`},
		{"3.14", 3.14, `3.14`, `3.14`},
		{"1e21", 1e21, `1e+21`, `1e+21`},
		{"denormal", 5e-324, `5e-324`, `5e-324`},
		{"1.5e-05", 1.5e-05, `1.5e-05`, `0.000015`},
		{"1e-6", 0.000001, `1e-06`, `0.000001`},
		{"1234567.5", 1234567.5, `1234567.5`, `1234567.5`},
		{"negative zero", math.Copysign(0, -1), `-0.0`, `0`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			py, err := hookdrill.EncodePython(tt.in)
			require.NoError(t, err)
			tassert.Equal(t, tt.python, string(py), "python")
			js, err := hookdrill.EncodeCompact(tt.in)
			require.NoError(t, err)
			tassert.Equal(t, tt.js, string(js), "js")
		})
	}
}

func TestEncodeErrors(t *testing.T) {
	for _, v := range []any{math.NaN(), math.Inf(1), json.Number("1e"), struct{}{}, map[string]any{}} {
		_, err := hookdrill.EncodePython(v)
		tassert.Error(t, err, "%#v", v)
		_, err = hookdrill.EncodeCompact(v)
		tassert.Error(t, err, "%#v", v)
	}
	deep := any("x")
	for range 300 {
		deep = []any{deep}
	}
	_, err := hookdrill.EncodeCompact(deep)
	tassert.Error(t, err)
}

func TestParseObject(t *testing.T) {
	o, err := hookdrill.ParseObject([]byte(`{"b": 1.50, "a": {"z": [true, null, "é"]}, "b": 2}`))
	require.NoError(t, err)
	js, err := hookdrill.EncodeCompact(o)
	require.NoError(t, err)
	tassert.Equal(t, `{"b":2,"a":{"z":[true,null,"é"]}}`, string(js), "order kept; a duplicate key keeps its first position, last value")

	for _, bad := range []string{``, `[]`, `"x"`, `{`, `{"a":1}x`, `{"a":}`, `{1:2}`} {
		_, err := hookdrill.ParseObject([]byte(bad))
		tassert.Error(t, err, bad)
	}
	_, err = hookdrill.ParseObject([]byte(`[1]`))
	tassert.ErrorIs(t, err, hookdrill.ErrNotObject)
}

// FuzzParseObject: whatever ParseObject accepts survives EncodeCompact and
// EncodePython and parses back equal, and agrees with encoding/json on
// validity.
func FuzzParseObject(f *testing.F) {
	for _, s := range []string{`{}`, `{"a": 1}`, `{"a": [1, 2.5e3, -0, null, true, {"b": "\u00e9\ud83d\ude00"}]}`,
		`{"k": "\u0000\u001f\u007f\"\\/"}`, `{"a": 1, "a": 2}`, `{"x": "\xff"}`, `[1]`, `{"a": 1e400}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		o, err := hookdrill.ParseObject(raw)
		if err != nil {
			return
		}
		require.True(t, json.Valid(raw), "ParseObject accepted invalid JSON %q", raw)
		for _, enc := range []func(any) ([]byte, error){hookdrill.EncodeCompact, hookdrill.EncodePython} {
			b, err := enc(o)
			require.NoError(t, err)
			require.True(t, json.Valid(b), "%s", b)
			back, err := hookdrill.ParseObject(b)
			require.NoError(t, err)
			require.Equal(t, o, back)
		}
	})
}

// FuzzEncodeString checks both string encoders on arbitrary input: the
// output is one valid JSON string that decodes to the input (with each
// invalid UTF-8 byte read as U+FFFD, as Python and JavaScript see text),
// Python's is printable ASCII only, and JavaScript's escapes nothing but
// quotes, backslashes and control characters.
func FuzzEncodeString(f *testing.F) {
	for _, s := range []string{"", "hello", "café 😀", "\x00\x1f\x7f\"\\", "\xff\xfe", "\u2028", "a\"b\\c\nd"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := string([]rune(s))
		py, err := hookdrill.EncodePython(s)
		require.NoError(t, err)
		js, err := hookdrill.EncodeCompact(s)
		require.NoError(t, err)
		for name, out := range map[string][]byte{"python": py, "js": js} {
			var got string
			require.NoError(t, json.Unmarshal(out, &got), "%s: %q", name, out)
			require.Equal(t, want, got, "%s: %q", name, out)
		}
		for _, c := range py {
			require.True(t, c >= 0x20 && c < 0x7f, "python output %q has byte %#x", py, c)
		}
		require.True(t, utf8.Valid(js), "js output %q", js)
		if !strings.ContainsAny(want, "\"\\") && !strings.ContainsFunc(want, func(r rune) bool { return r < 0x20 }) {
			require.Equal(t, `"`+want+`"`, string(js), "js escapes only what it must")
		}
	})
}
