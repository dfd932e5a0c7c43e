package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/assert"
	"github.com/hookdrill/hookdrill/internal/testkit"
)

// runCLI runs "hookdrill run ARGS" and returns stdout, stderr and the exit
// code.
func runRunCLI(t *testing.T, getenv map[string]string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &environ{stdin: strings.NewReader(""), stdout: &out, stderr: &errb,
		getenv: func(k string) string { return getenv[k] }}
	err := runRun(context.Background(), args, env)
	if err != nil {
		errb.WriteString(errorText(err)) // as main prints it
	}
	return out.String(), errb.String(), exitCode(err)
}

// writeScenario writes a scenario file into dir.
func writeScenario(t *testing.T, dir, name, src string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(src), 0o644))
	return p
}

const scenarioOK = `version: 1
name: cli/ok
platform: prolific
target: ${TARGET}
secret: cli-secret-0123456789
seed: 5
steps:
  - id: ev
    send: {event: submission.status.change, status: APPROVED}
    expect: {status: 2xx}
`

const scenarioTwo = `version: 1
name: cli/two
platform: respondent
target: ${TARGET}
secret: cli-secret-0123456789
retries: none
steps:
  - send: SCREENER_RESPONSES.CREATED
    expect: {status: 2xx}
`

func TestRunCommandPasses(t *testing.T) {
	srv, n := testkit.Answering(t, 200)
	dir := t.TempDir()
	writeScenario(t, dir, "ok.yaml", scenarioOK)
	writeScenario(t, dir, "two.yml", scenarioTwo)
	writeScenario(t, dir, "notes.txt", "ignored")
	out, errOut, code := runRunCLI(t, map[string]string{"TARGET": srv.URL + "/hook"}, dir)
	require.Equal(t, exitOK, code, errOut+out)
	tassert.Contains(t, out, "PASS  cli/ok (")
	tassert.Contains(t, out, "PASS  cli/two (")
	tassert.Contains(t, out, "2 scenario(s): 2 passed, 0 failed, 0 skipped, 0 errors")
	tassert.Equal(t, int64(2), n.Load())
	tassert.Empty(t, errOut, "no progress output when stderr is not a terminal")
}

func TestRunCommandFailsWithRerun(t *testing.T) {
	srv, _ := testkit.Answering(t, 401)
	dir := t.TempDir()
	file := writeScenario(t, dir, "ok.yaml", scenarioOK)
	_, errOut, code := runRunCLI(t, nil, "--target", srv.URL+"/hook", "--var", "api_key=abc", "--retries-not-a-flag")
	tassert.Equal(t, exitUsage, code, "unknown flag")
	tassert.Contains(t, errOut, "retries-not-a-flag")
	out, _, code := runRunCLI(t, nil, file, "--target", srv.URL+"/hook", "--var", "api_key=abc", "--var", "x=1")
	require.Equal(t, exitFailed, code, out)
	tassert.Contains(t, out, "FAIL  cli/ok")
	tassert.Contains(t, out, "expect status: want 2xx, got 401")
	tassert.Contains(t, out, ": POST "+srv.URL+"/hook → 401 Unauthorized")
	tassert.Contains(t, out, "seed: 5")
	tassert.Contains(t, out, "rerun: hookdrill run --target "+srv.URL+"/hook --var api_key=REDACTED --var x=1 --seed 5 --run '^cli/ok$' "+file)
}

func TestRunCommandFormats(t *testing.T) {
	srv, _ := testkit.Answering(t, 200)
	dir := t.TempDir()
	file := writeScenario(t, dir, "ok.yaml", scenarioOK)
	env := map[string]string{"TARGET": srv.URL}

	out, _, code := runRunCLI(t, env, "--format", "json", file)
	require.Equal(t, exitOK, code)
	rep, err := assert.ReadJSON(strings.NewReader(out))
	require.NoError(t, err)
	tassert.Equal(t, 1, rep.Summary.Passed)
	tassert.Equal(t, uint64(5), rep.Scenarios[0].Seed)

	junit := filepath.Join(dir, "report.xml")
	_, errOut, code := runRunCLI(t, env, "--format", "junit", "--out", junit, file)
	require.Equal(t, exitOK, code)
	f, err := os.Open(junit)
	require.NoError(t, err)
	defer f.Close()
	suites, err := assert.ReadJUnit(f)
	require.NoError(t, err)
	tassert.Equal(t, 1, suites.Tests)
	tassert.Equal(t, "cli/ok", suites.Suites[0].Cases[0].Name)
	tassert.Contains(t, errOut, "1 scenario(s): 1 passed", "a summary on stderr when the report goes to a file")
}

func TestRunCommandSelection(t *testing.T) {
	srv, n := testkit.Answering(t, 200)
	dir := t.TempDir()
	writeScenario(t, dir, "ok.yaml", scenarioOK)
	writeScenario(t, dir, "two.yaml", scenarioTwo)
	env := map[string]string{"TARGET": srv.URL}

	out, _, code := runRunCLI(t, env, "--list", dir)
	require.Equal(t, exitOK, code)
	tassert.Contains(t, out, "cli/ok")
	tassert.Contains(t, out, "cli/two")

	out, _, code = runRunCLI(t, env, "-run", "two$", dir)
	require.Equal(t, exitOK, code)
	tassert.NotContains(t, out, "cli/ok")
	tassert.Equal(t, int64(1), n.Load())

	first, _, _ := runRunCLI(t, env, "--list", "--shard", "1/2", dir)
	second, _, _ := runRunCLI(t, env, "--list", "--shard", "2/2", dir)
	tassert.Contains(t, first, "cli/ok")
	tassert.NotContains(t, first, "cli/two")
	tassert.Contains(t, second, "cli/two")

	_, errOut, code := runRunCLI(t, env, "-run", "nothing", dir)
	tassert.Equal(t, exitUsage, code)
	_ = errOut
}

func TestRunCommandUsageAndLoadErrors(t *testing.T) {
	dir := t.TempDir()
	bad := writeScenario(t, dir, "bad.yaml", "version: 1\nname: bad\nplatform: prolifc\nsteps:\n  - advance: 1x\n")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no files", nil, "needs at least one scenario"},
		{"bad format", []string{"--format", "pdf", bad}, "--format must be"},
		{"bad shard", []string{"--shard", "3/2", bad}, "--shard"},
		{"bad regexp", []string{"-run", "(", bad}, "run:"},
		{"bad probe", []string{"--probe-applied", "ftp://x", bad}, `probe "applied"`},
		{"bad var", []string{"--var", "novalue", bad}, "NAME=VALUE"},
		{"load errors", []string{bad}, "2 problem(s) in scenario files"},
		{"missing file", []string{filepath.Join(dir, "nope.yaml")}, "no such file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			env := &environ{stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
			err := runRun(context.Background(), tc.args, env)
			require.Error(t, err)
			tassert.Equal(t, exitUsage, exitCode(err))
			tassert.Contains(t, err.Error()+errb.String(), tc.want)
		})
	}
	_, errOut, _ := runRunCLI(t, nil, bad)
	tassert.Contains(t, errOut, "bad.yaml:3:11: platform: unknown platform \"prolifc\"")
	tassert.Contains(t, errOut, "bad.yaml:5:14: step 1: steps[0].advance: bad duration \"1x\"")
}

func TestRunCommandScenarioError(t *testing.T) {
	dir := t.TempDir()
	file := writeScenario(t, dir, "env.yaml", scenarioOK)
	out, errOut, code := runRunCLI(t, nil, file) // ${TARGET} is not set
	tassert.Equal(t, exitProblem, code, "a scenario that could not run: exit 3")
	tassert.Contains(t, out, "ERROR cli/ok: target: bad reference ${TARGET}: environment variable TARGET is not set")
	_ = errOut
}

func TestRunCommandJournal(t *testing.T) {
	srv, _ := testkit.Answering(t, 200)
	dir := t.TempDir()
	file := writeScenario(t, dir, "ok.yaml", scenarioOK)
	jdir := filepath.Join(dir, "journals")
	_, errOut, code := runRunCLI(t, map[string]string{"TARGET": srv.URL}, "--journal", jdir, file)
	require.Equal(t, exitOK, code, errOut)
	f, err := os.Open(filepath.Join(jdir, "cli_ok.jsonl"))
	require.NoError(t, err)
	defer f.Close()
	snap, err := hookdrill.ReadJSONL(f)
	require.NoError(t, err)
	tassert.Len(t, snap.Attempts(""), 1)
	tassert.NotContains(t, snap.Attempts("")[0].Request.Header.Get("X-Prolific-Request-Signature"), "cli-secret")
}

func TestKVFlag(t *testing.T) {
	k := kvFlag{}
	require.NoError(t, k.Set("a=b=c"))
	tassert.Equal(t, "b=c", k["a"])
	tassert.Error(t, k.Set("=x"))
	tassert.Equal(t, "cli_ok.jsonl", journalName("cli/ok"))
}

// TestRunShardRunsItsWholeSlice: --shard i/n runs every scenario of slice i
// (the command once sharded the slice a second time, so shard 2/3 of 12
// scenarios ran 1 instead of 4).
func TestRunShardRunsItsWholeSlice(t *testing.T) {
	srv, _ := testkit.Answering(t, 200)
	dir := t.TempDir()
	for i := range 7 {
		writeScenario(t, dir, fmt.Sprintf("s%d.yaml", i), strings.Replace(scenarioOK, "cli/ok", fmt.Sprintf("cli/s%d", i), 1))
	}
	var got []string
	for i := 1; i <= 3; i++ {
		out, _, code := runRunCLI(t, map[string]string{"TARGET": srv.URL}, "--shard", fmt.Sprintf("%d/3", i), "--format", "json", dir)
		require.Equal(t, 0, code, out)
		rep, err := assert.ReadJSON(strings.NewReader(out))
		require.NoError(t, err)
		require.Len(t, rep.Runs, 1)
		tassert.Equal(t, fmt.Sprintf("%d/3", i), rep.Runs[0].Shard)
		for _, sc := range rep.Scenarios {
			got = append(got, sc.Name)
			tassert.Equal(t, i, (sc.Position-1)%3+1, "position %d lands in shard %d", sc.Position, i)
		}
		want := []int{3, 2, 2}[i-1]
		tassert.Len(t, rep.Scenarios, want, "shard %d/3 of 7", i)
	}
	sort.Strings(got)
	tassert.Equal(t, []string{"cli/s0", "cli/s1", "cli/s2", "cli/s3", "cli/s4", "cli/s5", "cli/s6"}, got)
}
