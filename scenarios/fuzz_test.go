package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// FuzzParse: a malformed file never panics, and every rejection is a
// *LoadError whose errors name the file.
func FuzzParse(f *testing.F) {
	for _, dir := range []string{"testdata/valid", "testdata/invalid", "testdata/examples/prolific", "testdata/examples/respondent"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte("version: 1\nname: x\nplatform: prolific\nsteps: [{send: {payload: {a: &a [1, *a]}}}]\n"))
	f.Add([]byte("version: 1\nname: ${\nplatform: respondent\nsteps: [{probe: {http: 'GET ${x.y'}}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := testLoader.Parse("fuzz.yaml", data)
		if err != nil {
			var le *LoadError
			if !errors.As(err, &le) || len(le.Errors) == 0 {
				t.Fatalf("error is not a non-empty *LoadError: %T %v", err, err)
			}
			for _, fe := range le.Errors {
				if fe.File != "fuzz.yaml" || !strings.HasPrefix(fe.Error(), "fuzz.yaml") {
					t.Fatalf("error does not name the file: %v", fe)
				}
			}
			return
		}
		if s.Version != Version || s.Name == "" || len(s.Steps) == 0 {
			t.Fatalf("accepted an incomplete scenario: %+v", s)
		}
	})
}

// FuzzTemplate: reference parsing and expansion never panic.
func FuzzTemplate(f *testing.F) {
	for _, s := range []string{"${A}", "${A:-b}", "$${x}", "${vars.x}", "${fake.uuid}", "${first.event_id}", "${", "${}", "a${b.c}d${e}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_ = checkTemplate(s, refScope{vars: []string{"x"}, varLimit: -1, steps: map[string]string{"first": kindSend}, inStep: true})
		x := &expander{getenv: func(string) string { return "" }, vars: map[string]string{"x": "1"},
			outputs: map[string]map[string]string{"first": {"event_id": "e"}}, scenario: map[string]string{},
			faker: nil, now: nil}
		if strings.Contains(s, "fake.") || strings.Contains(s, "clock.") {
			return // need a faker and a clock; covered by the runner tests
		}
		_, _ = x.expand(s)
	})
}

// FuzzSplitCommand: splitting never panics, and words quoted for display
// (quoteArgv) split back into the same words.
func FuzzSplitCommand(f *testing.F) {
	for _, s := range []string{"printf %s x", `a 'b c' "d \"e\""`, `a ${x.y} "${NAME:-a b}"`, "a\\ b", `a | b`, `'`, `"\\`, "$${x}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		words, err := SplitCommand(s)
		if err != nil {
			return
		}
		if len(words) == 0 {
			t.Fatalf("%q: no words and no error", s)
		}
		for _, w := range words {
			if strings.Contains(w, "$") {
				return // references and their escapes are kept as written, not requoted
			}
		}
		again, err := SplitCommand(quoteArgv(words))
		if err != nil {
			t.Fatalf("%q → %q: %v", s, quoteArgv(words), err)
		}
		if !slices.Equal(words, again) {
			t.Fatalf("%q: %q, requoted %q, split again %q", s, words, quoteArgv(words), again)
		}
	})
}
