package scenarios

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"gopkg.in/yaml.v3"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/assert"
	"github.com/hookdrill/hookdrill/internal/testkit"
	"github.com/hookdrill/hookdrill/schema"
)

// invalidFiles lists testdata/invalid/*.yaml.
func invalidFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/invalid/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	return files
}

// validFiles lists every scenario file that must load: testdata/valid and
// the runnable examples.
func validFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, dir := range []string{"testdata/valid", "testdata/examples"} {
		require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && IsScenarioFile(p) {
				files = append(files, p)
			}
			return err
		}))
	}
	require.NotEmpty(t, files)
	return files
}

func TestLoadValid(t *testing.T) {
	for _, f := range validFiles(t) {
		t.Run(f, func(t *testing.T) {
			scs, err := testLoader.LoadPaths(f)
			require.NoError(t, err)
			require.Len(t, scs, 1)
			s := scs[0]
			tassert.Equal(t, Version, s.Version)
			tassert.NotEmpty(t, s.Name)
			tassert.NotEmpty(t, s.Steps)
			for i, st := range s.Steps {
				tassert.Equal(t, i, st.Index)
				tassert.Positive(t, st.Line)
				tassert.NotEmpty(t, st.Kind())
			}
		})
	}
}

// TestLoadInvalidGolden checks the exact error list of every invalid file:
// each error names file:line:column and the field, and every problem of a
// file is reported at once.
func TestLoadInvalidGolden(t *testing.T) {
	for _, f := range invalidFiles(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			_, err = testLoader.Parse(f, data)
			require.Error(t, err)
			var le *LoadError
			require.True(t, errors.As(err, &le))
			got := err.Error() + "\n"
			golden := strings.TrimSuffix(f, ".yaml") + ".golden"
			testkit.Golden(t, golden, []byte(got)) // go test ./scenarios -run TestLoadInvalidGolden -update rewrites it
			for _, fe := range le.Errors {
				tassert.Equal(t, f, fe.File)
				tassert.Positive(t, fe.Line, "every error has a line: %s", fe)
			}
		})
	}
}

func TestLoadErrorsAreSortedAndComplete(t *testing.T) {
	_, err := testLoader.Parse("x.yaml", []byte("version: 1\nname: x\nplatform: nope\nsteps:\n  - advance: 1x\n  - wait: 5\n"))
	var le *LoadError
	require.True(t, errors.As(err, &le))
	require.Len(t, le.Errors, 3)
	tassert.Equal(t, "x.yaml:3:11: platform: unknown platform \"nope\" (valid: prolific, respondent)", le.Errors[0].Error())
	tassert.Equal(t, 5, le.Errors[1].Line)
	tassert.Equal(t, 6, le.Errors[2].Line)
	tassert.Len(t, le.Unwrap(), 3)
}

func TestLoadFS(t *testing.T) {
	fsys := fstest.MapFS{
		"a/one.yaml":   {Data: []byte("version: 1\nname: one\nplatform: prolific\nsteps: [{advance: 1h}]\n")},
		"a/two.yml":    {Data: []byte("version: 1\nname: two\nplatform: respondent\nsteps: [{wait: 1ms}]\n")},
		"a/readme.txt": {Data: []byte("not a scenario")},
		"b/dup.yaml":   {Data: []byte("version: 1\nname: one\nplatform: prolific\nsteps: [{advance: 1h}]\n")},
	}
	scs, err := testLoader.Load(fsys, "a")
	require.NoError(t, err)
	require.Len(t, scs, 2)
	tassert.Equal(t, "a/one.yaml", scs[0].File)
	tassert.Equal(t, "two", scs[1].Name)

	_, err = testLoader.Load(fsys, "a", "b")
	require.Error(t, err)
	tassert.Contains(t, err.Error(), `b/dup.yaml:2:7: name: scenario name "one" is also used by a/one.yaml:1`)

	_, err = testLoader.Load(fsys, "missing")
	tassert.ErrorContains(t, err, "missing: load: file does not exist")

	_, err = testLoader.Load(fstest.MapFS{"empty/x.txt": {}}, "empty")
	tassert.ErrorContains(t, err, "no scenario files")
}

func TestParseEdgeCases(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"empty", "", "empty file"},
		{"two documents", "version: 1\n---\nversion: 1\n", "more than one YAML document"},
		{"scalar", "hello", "want a scenario mapping"},
		{"duplicate key", "version: 1\nversion: 1\n", "version: duplicate key"},
		{"alias bomb", aliasBomb(), "more than"},
		{"huge", strings.Repeat("#", MaxFileBytes+1), "larger than"},
		{"merge key", "version: 1\nname: m\nplatform: prolific\nx: &e {status: 2xx}\nsteps: [{send: study.progress.change, expect: {<<: *e}}]\n", `unknown field "x"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := testLoader.Parse("f.yaml", []byte(tc.src))
			require.Error(t, err)
			tassert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestMergeKeys(t *testing.T) {
	src := `version: 1
name: merge
platform: prolific
steps:
  - send: study.progress.change
    expect: &ok {status: 2xx, within: 2s}
  - send: study.progress.change
    expect: {<<: *ok, within: 5s}
`
	scs, err := testLoader.Parse("m.yaml", []byte(src))
	require.NoError(t, err)
	e := scs.Steps[1].Expect
	require.NotNil(t, e.Status)
	tassert.Equal(t, "2xx", e.Status.Set.String())
	tassert.Equal(t, 5*time.Second, e.Within.D, "explicit keys win over merged ones")
}

// aliasBomb nests aliases ten deep, ten wide: 10^9 nodes if expanded.
func aliasBomb() string {
	var b strings.Builder
	b.WriteString("version: 1\nname: bomb\nplatform: prolific\nbomb:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n")
	prev := "a"
	for i := 0; i < 8; i++ {
		name := string(rune('b' + i))
		b.WriteString("  " + name + ": &" + name + " [")
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*" + prev)
		}
		b.WriteString("]\n")
		prev = name
	}
	b.WriteString("steps:\n  - send: {payload: {x: *" + prev + "}}\n")
	return b.String()
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		err  bool
	}{
		{"10m", 10 * time.Minute, false},
		{"48h", 48 * time.Hour, false},
		{"2d", 48 * time.Hour, false},
		{"1d12h", 36 * time.Hour, false},
		{"-10m", -10 * time.Minute, false},
		{"-1d", -24 * time.Hour, false},
		{"500ms", 500 * time.Millisecond, false},
		{"1.5h", 90 * time.Minute, false},
		{"0", 0, false},
		{"", 0, true},
		{"1.5d", 0, true},
		{"5", 0, true},
		{"10 minutes", 0, true},
		{"1d-2h", 0, true},
		{"d", 0, true},
		{"1001d", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseDuration(tc.in)
			if tc.err {
				tassert.ErrorIs(t, err, ErrBadDuration)
				return
			}
			require.NoError(t, err)
			tassert.Equal(t, tc.want, got)
			back, err := ParseDuration(FormatDuration(got))
			require.NoError(t, err)
			tassert.Equal(t, got, back, "FormatDuration round-trips")
		})
	}
}

// schemaFile reads testdata markers: "# schema: reject|accept|unparsable".
func schemaMarker(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	line, _ := bufio.NewReader(f).ReadString('\n')
	m, ok := strings.CutPrefix(strings.TrimSpace(line), "# schema: ")
	require.True(t, ok, "%s must start with a '# schema: reject|accept (why)|unparsable' line", path)
	return strings.Fields(m)[0]
}

// yamlValue converts a YAML file to the JSON-like value the schema sees,
// with the loader's own scalar rules (timestamps stay text).
func yamlValue(t *testing.T, data []byte) any {
	t.Helper()
	var doc yaml.Node
	require.NoError(t, yaml.Unmarshal(data, &doc))
	d := &decoder{pos: positions{}}
	return d.value(doc.Content[0], "")
}

func loadSchema(t *testing.T) *jsonSchema {
	t.Helper()
	s, err := parseJSONSchema(schema.ScenarioV1())
	require.NoError(t, err)
	return s
}

// TestSchemaAgreesWithLoader: the JSON Schema accepts every valid file and
// rejects every invalid file marked "reject". Files marked "accept" are
// invalid only for reasons a JSON Schema cannot express (step references,
// ${...} references, per-step expectation rules, platform tamper support):
// the loader rejects them, the schema accepts them, and the test checks
// both, so the marker cannot lie.
func TestSchemaAgreesWithLoader(t *testing.T) {
	s := loadSchema(t)
	for _, f := range validFiles(t) {
		t.Run("valid/"+filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			tassert.Empty(t, s.validate(yamlValue(t, data)))
		})
	}
	for _, f := range invalidFiles(t) {
		t.Run("invalid/"+filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			_, lerr := testLoader.Parse(f, data)
			require.Error(t, lerr, "the loader rejects every invalid file")
			switch m := schemaMarker(t, f); m {
			case "unparsable":
				require.Error(t, yaml.Unmarshal(data, &yaml.Node{}))
			case "reject":
				tassert.NotEmpty(t, s.validate(yamlValue(t, data)), "the schema must reject %s", f)
			case "accept":
				tassert.Empty(t, s.validate(yamlValue(t, data)), "marked accept: the schema cannot see this file's problems")
			default:
				t.Fatalf("unknown marker %q", m)
			}
		})
	}
}

// TestSchemaCatalogue: the schema's event types and statuses are the
// platforms' catalogues.
func TestSchemaCatalogue(t *testing.T) {
	s := loadSchema(t)
	defs := s.root["$defs"].(map[string]any)
	for _, name := range testPlatforms.Names() {
		t.Run(name, func(t *testing.T) {
			prof, err := testPlatforms.Lookup(name)
			require.NoError(t, err)
			types := defs[name+"EventType"].(map[string]any)["anyOf"].([]any)[0].(map[string]any)["enum"].([]any)
			var want []any
			for _, et := range prof.EventTypes() {
				want = append(want, et.Name)
			}
			tassert.Equal(t, want, types, "$defs.%sEventType", name)
			for _, et := range prof.EventTypes() {
				src := []byte("version: 1\nname: x\nplatform: " + name + "\nsteps:\n  - send: {event: \"" + et.Name + "\", status: \"NOT A STATUS\"}\n")
				errs := s.validate(yamlValue(t, src))
				tassert.NotEmpty(t, errs, "%s: a wrong status is rejected", et.Name)
				for _, st := range et.Statuses {
					src := []byte("version: 1\nname: x\nplatform: " + name + "\nsteps:\n  - send: {event: \"" + et.Name + "\", status: \"" + st + "\"}\n")
					tassert.Empty(t, s.validate(yamlValue(t, src)), "%s %s", et.Name, st)
					_, err := testLoader.Parse("x.yaml", src)
					tassert.NoError(t, err, "%s %s", et.Name, st)
				}
			}
		})
	}
}

func TestSchemaValidatorSelfCheck(t *testing.T) {
	s, err := parseJSONSchema([]byte(`{"type": "object", "additionalProperties": false, "required": ["a"],
		"properties": {"a": {"type": "integer", "minimum": 1}, "b": {"oneOf": [{"type": "string"}, {"enum": [1]}]},
		"c": {"if": {"type": "string"}, "then": {"pattern": "^x"}, "else": {"not": {"type": "null"}}}},
		"$defs": {}}`))
	require.NoError(t, err)
	tassert.Empty(t, s.validate(map[string]any{"a": 1.0, "b": "s", "c": "xy"}))
	for _, bad := range []map[string]any{
		{},                       // required
		{"a": 0.0},               // minimum
		{"a": 1.5},               // integer
		{"a": 1.0, "z": 1.0},     // additionalProperties
		{"a": 1.0, "b": 2.0},     // oneOf
		{"a": 1.0, "c": "y"},     // if/then
		{"a": 1.0, "c": nil},     // if/else not
		{"a": 1.0, "b": []any{}}, // oneOf type
	} {
		tassert.NotEmpty(t, s.validate(bad), "%v", bad)
	}
	unique, err := parseJSONSchema([]byte(`{"uniqueItems": true}`))
	require.NoError(t, err)
	tassert.Empty(t, unique.validate([]any{}))
	tassert.NotEmpty(t, unique.validate([]any{1.0, 1.0}), "every standard keyword is checked")

	// Unknown keywords fail loudly: the standard ignores them, so a
	// misspelt keyword in our schemas would silently check nothing.
	tassert.Equal(t, []string{"/properties/a/requried"}, unknownKeywords(map[string]any{
		"properties": map[string]any{"a": map[string]any{"requried": []any{"x"}, "enum": []any{map[string]any{"free": 1}}}}}))
	for name, b := range map[string][]byte{"scenario": schema.ScenarioV1(), "report": schema.ReportV1()} {
		var doc any
		require.NoError(t, json.Unmarshal(b, &doc))
		tassert.Empty(t, unknownKeywords(doc), "%s schema: keywords draft 2020-12 does not define", name)
	}

	// A schema that is not valid against the draft's meta-schema is refused.
	_, err = parseJSONSchema([]byte(`{"type": "objekt"}`))
	tassert.Error(t, err)

	// Patterns are ECMA-262, as the standard says: \d, \cX and lookahead
	// work; a Go-only construct such as (?P<name>) is rejected.
	ecma, err := parseJSONSchema([]byte(`{"type": "string", "pattern": "^(?!x)\\d+\\cJ?$"}`))
	require.NoError(t, err)
	tassert.Empty(t, ecma.validate("123"))
	tassert.NotEmpty(t, ecma.validate("x123"))
	_, err = parseJSONSchema([]byte(`{"type": "string", "pattern": "(?P<n>a)"}`))
	tassert.Error(t, err, "RE2-only syntax is not ECMA-262")
}

func TestReportSchema(t *testing.T) {
	s, err := parseJSONSchema(schema.ReportV1())
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, writeSampleReport(&b))
	v, ok := jsonValue(b.Bytes())
	require.True(t, ok)
	tassert.Empty(t, s.validate(v))
}

func TestStepKindsCoverSchema(t *testing.T) {
	s := loadSchema(t)
	defs := s.root["$defs"].(map[string]any)
	var kinds []string
	for _, alt := range defs["step"].(map[string]any)["oneOf"].([]any) {
		kinds = append(kinds, alt.(map[string]any)["required"].([]any)[0].(string))
	}
	tassert.Equal(t, StepKinds(), kinds)
	for _, f := range structFields(reflect.TypeFor[Step]()) {
		_, ok := defs["step"].(map[string]any)["properties"].(map[string]any)[f.name]
		tassert.True(t, ok, "step field %q is in the schema", f.name)
	}
	for _, f := range structFields(reflect.TypeFor[Expect]()) {
		_, ok := defs["expect"].(map[string]any)["properties"].(map[string]any)[f.name]
		tassert.True(t, ok, "expect field %q is in the schema", f.name)
	}
	for _, f := range structFields(reflect.TypeFor[Scenario]()) {
		_, ok := s.root["properties"].(map[string]any)[f.name]
		tassert.True(t, ok, "scenario field %q is in the schema", f.name)
	}
	tassert.True(t, slices.Contains(StepKinds(), "send"))
}

// TestReportSchemaVerdicts: a conformance report with every verdict, a
// matched control, an observation and a blocked check validates against
// report-v1, and the schema lists every verdict (an old schema that knew
// only pass/fail/skip/error rejects it).
func TestReportSchemaVerdicts(t *testing.T) {
	s, err := parseJSONSchema(schema.ReportV1())
	require.NoError(t, err)
	att := &assert.AttemptSummary{DeliveryID: "d1", EventID: "e1", EventType: "submission.status.change", Number: 1,
		Outcome: hookdrill.OutcomeHTTPError, Request: assert.HTTPSummary{Method: "POST", URL: "http://127.0.0.1:1/h"},
		Response: &assert.HTTPSummary{Status: 401}}
	rep := assert.Report{Version: assert.ReportVersion, Tool: "hookdrill", Started: time.Unix(0, 0).UTC()}
	for _, v := range assert.Verdicts() {
		sc := assert.ScenarioResult{Name: "prolific.x." + string(v), File: "f.yaml", Platform: "prolific", Verdict: v,
			Check: &assert.Check{ID: "prolific.x." + string(v), Severity: assert.Must}, Started: rep.Started}
		switch v {
		case assert.Inconclusive:
			sc.Control = &assert.Control{Verdict: assert.Fail, Observed: assert.Observe(att), Attempt: att}
		case assert.Blocked:
			sc.BlockedBy = "prolific.preflight"
		case assert.Fail:
			sc.Observed = assert.ObsRefused
		}
		rep.Scenarios = append(rep.Scenarios, sc)
	}
	rep.Tally()
	require.Equal(t, 1, rep.Summary.Blocked)
	require.Equal(t, 1, rep.Summary.Inconclusive)
	var b bytes.Buffer
	require.NoError(t, assert.WriteJSON(&b, rep))
	v, ok := jsonValue(b.Bytes())
	require.True(t, ok)
	tassert.Empty(t, s.validate(v))
	for _, f := range []string{"observed", "blocked_by", "control"} {
		_, ok := s.root["$defs"].(map[string]any)["scenario"].(map[string]any)["properties"].(map[string]any)[f]
		tassert.True(t, ok, "scenario field %q is in the schema", f)
	}
}
