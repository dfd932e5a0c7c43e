package scenarios

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/assert"
)

// evilValues try to run "touch F" in every way a shell would: command
// substitution, backticks, a command separator, breaking out of single or
// double quotes, a newline.
var evilValues = map[string]string{
	"dollar-paren": "$(touch F)",
	"backticks":    "`touch F`",
	"semicolon":    "x; touch F; #",
	"single-quote": "'; touch F; '",
	"double-quote": `"; touch F; "`,
	"newline":      "x\ntouch F\n",
	"everything":   "'\"$(touch F)`touch F`;touch F\n'\"",
}

// injectionSources are the ways a value reaches a probe: a variable, an
// environment reference, a step output (the resource of a send step), a
// value the receiver returned (an http probe), with the environment
// variable each is exported as.
var injectionSources = []struct{ name, ref, env string }{
	{"var", "${vars.evil}", "HOOKDRILL_VAR_EVIL"},
	{"env", "${EVIL}", "EVIL"},
	{"step-output", "${s.resource_id}", "HOOKDRILL_STEP_S_RESOURCE_ID"},
	{"receiver-value", "${p.value}", "HOOKDRILL_STEP_P_VALUE"},
}

// TestExecProbeNeverRunsValues substitutes hostile values into exec
// probes, in every quoting context of the command string, the argv list,
// the sh: form (through the environment) and the runner's probe
// templates: the file F never appears, and where the value is a whole
// word the command receives it byte for byte.
func TestExecProbeNeverRunsValues(t *testing.T) {
	_, srv := newMiniReceiver(t, "prolific")
	// exact: the command's output must be the value itself.
	contexts := []struct {
		name  string
		probe string // %s: the reference (or env name for sh)
		sh    bool
		exact bool
	}{
		{"bare word", `{exec: "printf %%s %s"}`, false, true},
		{"single quotes", `{exec: "printf %%s '%s'"}`, false, true},
		{"double quotes", `{exec: "printf %%s \"%s\""}`, false, true},
		{"inside quoted SQL", `{exec: "printf %%s \"select status from t where id='%s'\""}`, false, false},
		{"glued to text", `{exec: "printf %%s x%sx"}`, false, false},
		{"argv list", `{exec: [printf, "%%s", "%s"]}`, false, true},
		{"argv list quoted SQL", `{exec: [printf, "%%s", "id='%s'"]}`, false, false},
		{"sh script, quoted env", `{exec: {sh: 'printf %%s "$%s"'}}`, true, true},
		{"sh script, unquoted env", `{exec: {sh: 'printf %%s $%s'}}`, true, false},
		{"sh script, eval-free braces", `{exec: {sh: 'printf %%s "$${%s}"'}}`, true, true},
	}
	for vname, tmpl := range evilValues {
		for _, c := range contexts {
			t.Run(vname+"/"+c.name, func(t *testing.T) {
				f := filepath.Join(t.TempDir(), "F")
				evil := strings.ReplaceAll(tmpl, "F", f)
				vals := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
					_ = json.NewEncoder(w).Encode(map[string]string{"v": evil})
				}))
				defer vals.Close()
				var steps strings.Builder
				for i, src := range injectionSources {
					arg := src.ref
					if c.sh {
						arg = src.env
					}
					expect := "{exit: 0}"
					if c.exact { // the command got the value byte for byte (checked before the report is redacted)
						expect = `{exit: 0, value: "${vars.want}"}`
					}
					fmt.Fprintf(&steps, "  - id: x%d\n    probe: "+c.probe+"\n    expect: %s\n", i, arg, expect)
				}
				yml := `version: 1
name: inject
platform: prolific
vars: {evil: "", vals: "", want: ""}
steps:
  - id: s
    send: {event: submission.status.change, status: APPROVED, resource: "${vars.evil}"}
  - id: p
    probe: {http: "GET ${vars.vals}#/v"}
` + steps.String()
				cfg := testConfig(srv)
				cfg.Vars = map[string]string{"evil": evil, "vals": vals.URL, "want": probeValueOf(evil)}
				cfg.Getenv = func(k string) string {
					if k == "EVIL" {
						return evil
					}
					return ""
				}
				if c.sh {
					t.Setenv("EVIL", evil) // the script reads hookdrill's own environment
				}
				r := runOne(t, cfg, mustParse(t, yml))
				_, err := os.Stat(f)
				require.True(t, os.IsNotExist(err), "the value ran as code: %s exists\n%s", f, reportText(r))
				require.Equal(t, assert.Pass, r.Verdict, reportText(r))
			})
		}
	}
}

// TestProbeTemplateNeverRunsValues does the same for the runner's probe
// templates (--probe-applied exec:..., sh:...), whose {event_id} and
// {resource_id} come from the scenario and the receiver.
func TestProbeTemplateNeverRunsValues(t *testing.T) {
	_, srv := newMiniReceiver(t, "prolific")
	templates := []struct {
		name, tpl string
		exact     bool
	}{
		{"bare", "exec:printf %s {event_id}", true},
		{"single quotes", "exec:printf %s '{event_id}'", true},
		{"double quotes", `exec:printf %s "{event_id}"`, true},
		{"README sqlite form", `exec:printf %s "select status from submissions where id='{resource_id}'"`, false},
		{"sh with env", `sh:printf %s "$HOOKDRILL_EVENT_ID"`, true},
	}
	for vname, tmpl := range evilValues {
		for _, c := range templates {
			t.Run(vname+"/"+c.name, func(t *testing.T) {
				f := filepath.Join(t.TempDir(), "F")
				evil := strings.ReplaceAll(tmpl, "F", f)
				yml := `version: 1
name: inject-template
platform: prolific
vars: {evil: ""}
steps:
  - id: a
    probe: {use: t, event_id: "${vars.evil}", resource_id: "${vars.evil}"}
    expect: {exit: 0}
`
				cfg := testConfig(srv)
				cfg.Vars = map[string]string{"evil": evil}
				cfg.Probes = map[string]string{"t": c.tpl}
				r := runOne(t, cfg, mustParse(t, yml))
				_, err := os.Stat(f)
				require.True(t, os.IsNotExist(err), "the value ran as code: %s exists\n%s", f, reportText(r))
				require.Equal(t, assert.Pass, r.Verdict, reportText(r))
				if c.exact {
					tassert.Equal(t, probeValueOf(evil), r.Steps[0].Outputs[OutValue])
				}
			})
		}
	}
}

func TestSplitCommand(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		err  string
	}{
		{"printf %s x", []string{"printf", "%s", "x"}, ""},
		{"  a\t b\n c ", []string{"a", "b", "c"}, ""},
		{`a 'b c' "d e"`, []string{"a", "b c", "d e"}, ""},
		{`a "say \"hi\" \\ \n"`, []string{"a", `say "hi" \ \n`}, ""},
		{`a 'it''s'`, []string{"a", "its"}, ""},
		{`a '' ""`, []string{"a", "", ""}, ""},
		{`a b\ c`, []string{"a", "b c"}, ""},
		{`sqlite3 app.db "select s from t where id='${x.id}'"`, []string{"sqlite3", "app.db", "select s from t where id='${x.id}'"}, ""},
		{`a ${NAME:-two words} b`, []string{"a", "${NAME:-two words}", "b"}, ""},
		{`a '${x.y}' "${x.y}"`, []string{"a", "${x.y}", "${x.y}"}, ""},
		{`a $${HOME}`, []string{"a", "$${HOME}"}, ""},
		{`a '|;&<>()$'`, []string{"a", "|;&<>()$"}, ""},
		{"a | b", nil, `"|" is shell syntax`},
		{"a; b", nil, `";" is shell syntax`},
		{"a && b", nil, `"&" is shell syntax`},
		{"a > f", nil, `">" is shell syntax`},
		{"a $(b)", nil, `"$" is shell syntax`},
		{"a `b`", nil, "\"`\" is shell syntax"},
		{"a $HOME", nil, `"$" is shell syntax`},
		{`a 'b`, nil, "unterminated '"},
		{`a "b`, nil, `unterminated "`},
		{`a ${x`, nil, "unterminated"},
		{`a \`, nil, "escapes nothing"},
		{"   ", nil, "empty command"},
	}
	for _, tc := range tests {
		got, err := SplitCommand(tc.in)
		if tc.err != "" {
			tassert.ErrorContains(t, err, tc.err, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		tassert.Equal(t, tc.want, got, tc.in)
	}
}

func TestExecProbeLoaderRefusesCode(t *testing.T) {
	tests := []struct{ name, probe, field, msg string }{
		{"ref in sh script", `{exec: {sh: 'echo ${a.event_id}'}}`, "steps[1].probe.exec.sh", "never substituted into a shell script"},
		{"env ref in sh script", `{exec: {sh: 'echo ${HOME}'}}`, "steps[1].probe.exec.sh", "never substituted into a shell script"},
		{"ref in sh -c argv", `{exec: [sh, -c, 'echo ${a.event_id}']}`, "steps[1].probe.exec[2]", "not substituted into a script"},
		{"ref in bash -c string", `{exec: "bash -ec 'echo ${a.event_id}'"}`, "steps[1].probe.exec", "not substituted into a script"},
		{"ref in env sh -c", `{exec: [env, A=1, /bin/sh, -c, 'echo ${a.event_id}']}`, "steps[1].probe.exec[4]", "not substituted into a script"},
		{"program from a step output", `{exec: ["${a.event_id}", x]}`, "steps[1].probe.exec[0]", "comes from a step output"},
		{"shell syntax in string", `{exec: "echo ${a.event_id} | wc -c"}`, "steps[1].probe.exec", "shell syntax"},
		{"empty sh", `{exec: {sh: ""}}`, "steps[1].probe.exec.sh", "empty script"},
		{"unknown key", `{exec: {bash: "x"}}`, "steps[1].probe.exec.bash", "unknown field"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := "version: 1\nname: x\nplatform: prolific\nsteps:\n  - id: a\n    send: study.progress.change\n  - probe: " + tc.probe + "\n"
			_, err := testLoader.Parse("x.yaml", []byte(src))
			require.Error(t, err)
			var le *LoadError
			require.ErrorAs(t, err, &le)
			found := false
			for _, fe := range le.Errors {
				if fe.Field == tc.field && strings.Contains(fe.Msg, tc.msg) {
					found = true
					tassert.Equal(t, 7, fe.Line, "line of %s", fe.Field)
				}
			}
			tassert.True(t, found, "want %s: %s in %v", tc.field, tc.msg, err)
		})
	}
	// The shell's own ${NAME} is written $${NAME}, and plain $NAME is fine.
	_, err := testLoader.Parse("ok.yaml", []byte("version: 1\nname: x\nplatform: prolific\nsteps:\n  - probe: {exec: {sh: 'echo \"$${HOOKDRILL_EVENT_ID}\" $HOME'}}\n"))
	require.NoError(t, err)
}

func TestProbeTemplateRefusesCode(t *testing.T) {
	for _, tc := range []struct{ tpl, msg string }{
		{`sh:echo {event_id}`, "never substituted into a shell script"},
		{`exec:sh -c 'echo {event_id}'`, "not substituted into a script"},
		{`exec:{event_id} x`, "program may not be"},
		{`exec:echo {event_id} | wc`, "shell syntax"},
	} {
		_, err := parseProbeTemplate(tc.tpl)
		tassert.ErrorContains(t, err, tc.msg, tc.tpl)
	}
}

func TestEnvName(t *testing.T) {
	tassert.Equal(t, "HOOKDRILL_STEP_FIRST_SEND_EVENT_ID", EnvName("step", "first-send", "event_id"))
	tassert.Equal(t, "HOOKDRILL_VAR_OLD_SECRET", EnvName("var", "old_secret"))
}

// probeValueOf is the value of a probe that printed s: the trimmed text,
// or the string it spells when it is a JSON string literal.
func probeValueOf(s string) string {
	s = strings.TrimSpace(s)
	var v string
	if json.Unmarshal([]byte(s), &v) == nil {
		return v
	}
	return s
}
