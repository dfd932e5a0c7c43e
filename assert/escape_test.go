package assert

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	tassert "github.com/stretchr/testify/assert"
)

func TestEscapeControl(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text, ünïcödé ✓", "plain text, ünïcödé ✓"},
		{"line\nnext\ttab", "line\nnext\ttab"},
		{"\x1b[2J\x1b]0;title\x07", `\x1b[2J\x1b]0;title\x07`},
		{"nul\x00byte", `nul\0byte`},
		{"cr\rover", `cr\x0dover`},
		{"del\x7f", `del\x7f`},
		{"c1 \u009b31m", `c1 \u009b31m`},
		{"bad \xff\xfe utf8 \xc3", `bad \xff\xfe utf8 \xc3`},
		{"bidi \u202eevil\u202c", `bidi \u202eevil\u202c`},
	}
	for _, tc := range tests {
		got := EscapeControl(tc.in)
		tassert.Equal(t, tc.want, got, "%q", tc.in)
		tassert.True(t, utf8.ValidString(got))
	}
}

func FuzzEscapeControl(f *testing.F) {
	for _, s := range []string{"", "\x1b[31m", "\x00", "\xff", "\u009b", "ok\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := EscapeControl(s)
		if !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8 out of %q", s)
		}
		for _, r := range got {
			if needsEscape(r, utf8.RuneLen(r)) {
				t.Fatalf("%q left %U raw", s, r)
			}
		}
	})
}

// TestWriteTextEscapesReceiverData: a receiver's body with ESC sequences,
// NUL and invalid UTF-8 reaches the text report only escaped.
func TestWriteTextEscapesReceiverData(t *testing.T) {
	evil := "\x1b[2J\x1b]0;pwned\x07\x00\xff\u009b31m"
	a := &AttemptSummary{Number: 1, Outcome: "http_error",
		Request:  HTTPSummary{Method: "POST", URL: "http://127.0.0.1/hook", Header: map[string]string{"X-Event-Id": "e"}, Body: "{}"},
		Response: &HTTPSummary{Status: 500, Header: map[string]string{"Content-Type": evil, "Location": evil}, Body: evil}}
	rep := Report{Scenarios: []ScenarioResult{{Name: "s", Verdict: Fail, Reason: evil, Steps: []StepResult{{Index: 1, Kind: "send",
		Verdict: Fail, Error: evil, Results: []Result{{Expectation: "status", Verdict: Fail, Want: "2xx", Got: evil, Message: evil, Attempt: a,
			Probe: &ProbeSummary{Kind: "http", Target: "GET x", Output: evil, Error: evil}}}}}}}}
	var b bytes.Buffer
	tassert.NoError(t, WriteText(&b, rep, TextOptions{Verbose: true}))
	out := b.String()
	for _, c := range []string{"\x1b", "\x00", "\x07", "\xff", "\u009b"} {
		tassert.NotContains(t, out, c)
	}
	tassert.True(t, utf8.ValidString(out))
	tassert.Contains(t, out, `\x1b[2J`)
	var ab bytes.Buffer
	WriteAttemptText(&ab, "", a)
	tassert.NotContains(t, ab.String(), "\x1b")
	tassert.False(t, strings.ContainsRune(ScenarioLine(&ScenarioResult{Name: "n", Verdict: Error, Reason: evil}), 0x1b))
}
