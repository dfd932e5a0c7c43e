package repotest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/hookdrill/hookdrill/assert"
	"github.com/hookdrill/hookdrill/platform/all"
)

const actionSecret = "action-secret-0123456789"

// actionRun is one run of scripts/action.sh as the composite action runs
// it: inputs as INPUT_* environment variables, GitHub's files in a temp
// directory.
type actionRun struct {
	code    int
	stdout  string
	stderr  string
	outputs map[string]string
	summary string
	dir     string // the working directory (where a relative junit lands)
}

func runAction(t *testing.T, env map[string]string) actionRun {
	t.Helper()
	needTool(t, "bash")
	needTool(t, "curl")
	dir := t.TempDir()
	work := filepath.Join(dir, "work")
	require.NoError(t, os.Mkdir(work, 0o755))
	outFile, sumFile := filepath.Join(dir, "output"), filepath.Join(dir, "summary")
	cmd := exec.Command(filepath.Join(root, "scripts", "action.sh"))
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "GITHUB_OUTPUT="+outFile, "GITHUB_STEP_SUMMARY="+sumFile,
		"RUNNER_TEMP="+dir, "GITHUB_ACTION_PATH="+root, "HOOKDRILL_BIN="+hookdrillBin())
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := actionRun{stdout: stdout.String(), stderr: stderr.String(), outputs: map[string]string{}, dir: work}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	if b, err := os.ReadFile(outFile); err == nil {
		for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			if k, v, ok := strings.Cut(l, "="); ok {
				r.outputs[k] = v
			}
		}
	}
	if b, err := os.ReadFile(sumFile); err == nil {
		r.summary = string(b)
	}
	return r
}

func readJUnit(t *testing.T, path string) assert.JUnitSuites {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	s, err := assert.ReadJUnit(f)
	require.NoError(t, err)
	return s
}

// TestActionConform: the action's script against the reference receiver:
// a correct receiver passes with a JUnit report; a broken one fails the
// step (exit 1) unless fail is false, and the exit-code output says 1.
func TestActionConform(t *testing.T) {
	good := startReceiver(t, "prolific", actionSecret)
	bad := startReceiver(t, "respondent", actionSecret, "ignores-missing-signature")

	r := runAction(t, map[string]string{"INPUT_COMMAND": "conform", "INPUT_PLATFORM": "prolific",
		"INPUT_TARGET": good + "/webhook", "HOOKDRILL_SECRET": actionSecret, "INPUT_WAIT": "5",
		"INPUT_PROBE_APPLIED": good + "/_state#/processed/{event_id}", "INPUT_PROBE_STATUS": good + "/_state#/status/{resource_id}",
		"INPUT_JUNIT": "reports/conform.xml", "INPUT_STRICT": "true"})
	require.Equal(t, 0, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	tassert.Equal(t, map[string]string{"junit": "reports/conform.xml", "exit-code": "0"}, r.outputs)
	j := readJUnit(t, filepath.Join(r.dir, "reports/conform.xml"))
	checks, err := all.Suites().List(all.Registry(), "prolific")
	require.NoError(t, err)
	n := len(checks) + 1 // the preflight is a row of its own
	tassert.Equal(t, n, j.Tests)
	tassert.Zero(t, j.Failures+j.Errors)
	tassert.Less(t, j.Skipped, 2, "the probes were passed (only --old-secret is missing)")
	tassert.Contains(t, r.stdout, fmt.Sprintf("%d checks, 0 failed", n))
	tassert.Contains(t, r.summary, fmt.Sprintf("%d checks, 0 failed", n))
	tassert.NotContains(t, r.stdout+r.stderr+r.summary, actionSecret, "the secret is never printed")

	for _, fail := range []string{"true", "false"} {
		r = runAction(t, map[string]string{"INPUT_PLATFORM": "respondent", "INPUT_TARGET": bad + "/webhook",
			"HOOKDRILL_SECRET": actionSecret, "INPUT_FAIL": fail})
		want := 1
		if fail == "false" {
			want = 0
		}
		require.Equal(t, want, r.code, "fail=%s\nstdout:\n%s\nstderr:\n%s", fail, r.stdout, r.stderr)
		tassert.Equal(t, "1", r.outputs["exit-code"])
		j = readJUnit(t, filepath.Join(r.dir, "hookdrill-junit.xml"))
		tassert.Equal(t, 1, j.Failures, "signature.missing fails")
		tassert.Contains(t, r.stderr, "::error title=hookdrill::hookdrill conform:")
	}
}

// TestActionRun: `run` with scenario files, one per line, in a directory
// whose name has a space; the secret reaches the scenario.
func TestActionRun(t *testing.T) {
	base := startReceiver(t, "prolific", actionSecret)
	dir := filepath.Join(t.TempDir(), "my scenarios")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "approved.yaml"), []byte(`version: 1
name: ci/approved-applied-once
platform: prolific
steps:
  - id: first
    send: {event: submission.status.change, status: APPROVED}
    expect: {status: 2xx}
  - duplicate: first
    expect: {status: 2xx}
  - probe: {use: applied, event: first}
    expect: {value: 1}
`), 0o644))
	r := runAction(t, map[string]string{"INPUT_COMMAND": "run", "INPUT_TARGET": base + "/webhook",
		"HOOKDRILL_SECRET": actionSecret, "INPUT_SCENARIOS": "\n  " + dir + "/approved.yaml  \n\n",
		"INPUT_PROBE_APPLIED": base + "/_state#/processed/{event_id}", "INPUT_ARGS": "--seed\n7"})
	require.Equal(t, 0, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	j := readJUnit(t, filepath.Join(r.dir, "hookdrill-junit.xml"))
	tassert.Equal(t, 1, j.Tests)
	tassert.Zero(t, j.Failures+j.Errors+j.Skipped)
	tassert.Contains(t, r.stdout, "1 checks, 0 failed")
	// run reads $HOOKDRILL_SECRET itself: the script never puts it in argv.
	script, err := os.ReadFile(filepath.Join(root, "scripts", "action.sh"))
	require.NoError(t, err)
	tassert.NotContains(t, string(script), "--secret")
}

// TestActionInputsAreNotCode: hostile inputs are data. Nothing they spell
// runs, invalid ones are refused with exit 2, and an annotation cannot be
// split into a second workflow command.
func TestActionInputsAreNotCode(t *testing.T) {
	base := startReceiver(t, "prolific", actionSecret)
	canary := filepath.Join(t.TempDir(), "pwned")
	inject := []string{"$(touch " + canary + ")", "`touch " + canary + "`", "; touch " + canary, "' ; touch " + canary + " #"}
	tests := []struct {
		name string
		env  map[string]string
		code int
	}{
		{"command", map[string]string{"INPUT_COMMAND": "conform; touch " + canary}, 2},
		{"platform", map[string]string{"INPUT_PLATFORM": "prolific$(touch " + canary + ")", "INPUT_TARGET": base}, 2},
		{"strict", map[string]string{"INPUT_PLATFORM": "prolific", "INPUT_TARGET": base, "INPUT_STRICT": "true;touch " + canary}, 2},
		{"wait", map[string]string{"INPUT_PLATFORM": "prolific", "INPUT_TARGET": base, "INPUT_WAIT": "1$(touch " + canary + ")"}, 2},
		{"version", map[string]string{"HOOKDRILL_BIN": "", "INPUT_VERSION": "v1.0.0$(touch " + canary + ")",
			"INPUT_PLATFORM": "prolific", "INPUT_TARGET": base}, 2},
		{"target newline", map[string]string{"INPUT_PLATFORM": "prolific", "INPUT_TARGET": base + "\n::add-mask::x"}, 2},
		// Accepted by the checks, then only ever an argv element: hookdrill
		// refuses them as arguments (usage, exit 2).
		{"args", map[string]string{"INPUT_PLATFORM": "prolific", "INPUT_TARGET": base + "/webhook", "HOOKDRILL_SECRET": actionSecret,
			"INPUT_ARGS": strings.Join(inject, "\n")}, 2},
		{"probe", map[string]string{"INPUT_PLATFORM": "prolific", "INPUT_TARGET": base + "/webhook", "HOOKDRILL_SECRET": actionSecret,
			"INPUT_PROBE_APPLIED": base + "/_state#/processed/{event_id}$(touch " + canary + ")"}, -1},
		{"scenarios", map[string]string{"INPUT_COMMAND": "run", "INPUT_TARGET": base + "/webhook", "HOOKDRILL_SECRET": actionSecret,
			"INPUT_SCENARIOS": strings.Join(inject, "\n")}, 2},
		{"secret", map[string]string{"INPUT_COMMAND": "run", "INPUT_TARGET": base + "/webhook",
			"HOOKDRILL_SECRET": "$(touch " + canary + ")", "INPUT_SCENARIOS": "/nonexistent.yaml"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, ok := tt.env["INPUT_WAIT"]; !ok {
				tt.env["INPUT_WAIT"] = "0"
			}
			_ = os.Remove(canary)
			r := runAction(t, tt.env)
			if tt.code >= 0 {
				tassert.Equal(t, tt.code, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
			}
			_, err := os.Stat(canary)
			require.True(t, os.IsNotExist(err), "an input ran as shell code")
			for _, l := range strings.Split(r.stdout+r.stderr, "\n") {
				tassert.False(t, strings.HasPrefix(l, "::add-mask::"), "an input started a workflow command: %q", l)
			}
		})
	}
}

// TestActionWaitsForTheReceiver: with nothing listening, the script gives
// up after wait seconds with "could not run" (3) and says why.
func TestActionWaitsForTheReceiver(t *testing.T) {
	r := runAction(t, map[string]string{"INPUT_PLATFORM": "prolific", "INPUT_TARGET": "http://127.0.0.1:1/webhook", "INPUT_WAIT": "1"})
	tassert.Equal(t, 3, r.code)
	tassert.Equal(t, "3", r.outputs["exit-code"])
	tassert.Contains(t, r.stderr, "no receiver answers at http://127.0.0.1:1/webhook after 1s")
}

// TestActionInstallsFromSource: without a binary or a version, the script
// builds hookdrill from the action's own checkout (its ref).
func TestActionInstallsFromSource(t *testing.T) {
	if testing.Short() {
		t.Skip("builds hookdrill")
	}
	base := startReceiver(t, "respondent", actionSecret)
	r := runAction(t, map[string]string{"HOOKDRILL_BIN": "", "INPUT_PLATFORM": "respondent", "INPUT_TARGET": base + "/webhook",
		"HOOKDRILL_SECRET": actionSecret, "INPUT_ARGS": "--only\nrespondent.signature.valid"})
	require.Equal(t, 0, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	tassert.Contains(t, r.stdout, "building from the action's source")
	tassert.Contains(t, r.stdout, "2 checks, 0 failed", "the check and the preflight")
}

// TestActionYAML: every input reaches the script through env (none is
// interpolated into a run: line, where it would be shell code), every
// input the script reads is declared, and the outputs come from the
// script's step.
func TestActionYAML(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, "action.yml"))
	require.NoError(t, err)
	var a struct {
		Inputs  map[string]map[string]string `yaml:"inputs"`
		Outputs map[string]map[string]string `yaml:"outputs"`
		Runs    struct {
			Using string `yaml:"using"`
			Steps []struct {
				ID    string            `yaml:"id"`
				Run   string            `yaml:"run"`
				Shell string            `yaml:"shell"`
				Uses  string            `yaml:"uses"`
				Env   map[string]string `yaml:"env"`
			} `yaml:"steps"`
		} `yaml:"runs"`
	}
	require.NoError(t, yaml.Unmarshal(b, &a))
	require.Equal(t, "composite", a.Runs.Using)
	script, err := os.ReadFile(filepath.Join(root, "scripts", "action.sh"))
	require.NoError(t, err)
	passed := map[string]bool{}
	for _, st := range a.Runs.Steps {
		require.NotContains(t, st.Run, "${{", "step %q: an expression in run: is shell code", st.ID)
		for k, v := range st.Env {
			if name, ok := strings.CutPrefix(v, "${{ inputs."); ok {
				name = strings.TrimSuffix(name, " }}")
				passed[name] = true
				tassert.Contains(t, string(script), k, "the script reads %s", k)
			}
		}
	}
	for name := range a.Inputs {
		if name == "setup-go" {
			continue // used by the setup-go step's if:
		}
		tassert.True(t, passed[name], "input %q reaches the script", name)
		tassert.NotEmpty(t, a.Inputs[name]["description"], "input %q is described", name)
	}
	for name, o := range a.Outputs {
		tassert.Equal(t, "${{ steps.hookdrill.outputs."+name+" }}", o["value"])
		tassert.Contains(t, string(script), "output "+name+" ", "the script sets %s", name)
	}
}
