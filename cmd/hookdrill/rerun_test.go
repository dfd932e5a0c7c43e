package main

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	prolificref "github.com/hookdrill/hookdrill/platform/prolific/reference"
	"github.com/hookdrill/hookdrill/receiver"
)

// shellWords splits a rerun command line as bash would, with
// HOOKDRILL_SECRET (and HOOKDRILL_OLD_SECRET) set in its environment:
// what a user pasting it gets.
func shellWords(t *testing.T, line string, env ...string) []string {
	t.Helper()
	cmd := exec.Command("bash", "-c", `args=(`+line+`); printf '%s\0' "${args[@]}"`)
	cmd.Env = env
	out, err := cmd.Output()
	require.NoError(t, err, line)
	words := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	require.Equal(t, "hookdrill", words[0], line)
	return words[1:]
}

var reRerun = regexp.MustCompile(`(?m)^\s*rerun: (hookdrill [^\n]*?)(?:  \(.*)?$`)

// A run's rerun line, pasted into a shell where HOOKDRILL_SECRET is set,
// reruns the failing scenario with the same target, probes and seed; the
// secret itself is never printed.
func TestRunRerunPastes(t *testing.T) {
	const secret = "rerun-secret-0123456789abcdef"
	url, stop, err := receiver.Start(receiver.Config{Platform: prolificref.New(), Secret: secret, Bugs: []receiver.Bug{receiver.Bug("no-dedup")}})
	require.NoError(t, err)
	t.Cleanup(stop)
	dir := t.TempDir()
	file := writeScenario(t, dir, "dup once.yaml", `version: 1
name: rerun/dup
platform: prolific
retries: none
steps:
  - id: first
    send: {event: submission.status.change, status: APPROVED}
    expect: {status: 2xx}
  - duplicate: first
    expect: {status: 2xx}
  - probe: {use: applied, event: first}
    expect: {value: 1}
`)
	out, errOut, code := runCLI(t, nil, "run", "--target", url+"/webhook", "--secret", secret,
		"--probe-applied", url+"/_state#/processed/{event_id}", file)
	require.Equal(t, exitFailed, code, out+errOut)
	tassert.NotContains(t, out+errOut, secret)
	m := reRerun.FindStringSubmatch(out)
	require.NotNil(t, m, out)
	tassert.Contains(t, m[1], `--secret "$HOOKDRILL_SECRET"`)
	tassert.Contains(t, m[1], "--probe-applied '"+url+"/_state#/processed/{event_id}'")
	args := shellWords(t, m[1], "HOOKDRILL_SECRET="+secret)
	tassert.Contains(t, args, file, "the real path, one word despite its space")
	again, errOut, code := runCLI(t, nil, args...)
	require.Equal(t, exitFailed, code, again+errOut)
	tassert.Contains(t, again, "FAIL  rerun/dup")
	tassert.Contains(t, again, "1 scenario(s): 0 passed, 1 failed")
}

// conform's rerun line carries the target, the probes and the secrets as
// shell variables; pasted, it reruns the one check, which fails again.
func TestConformRerunPastes(t *testing.T) {
	const secret, old = "conform-secret-0123456789ab", "conform-old-secret-0123456789"
	url, stop, err := receiver.Start(receiver.Config{Platform: prolificref.New(), Secret: secret, OldSecrets: []string{old},
		Bugs: []receiver.Bug{receiver.Bug("no-dedup")}})
	require.NoError(t, err)
	t.Cleanup(stop)
	env := map[string]string{"HOOKDRILL_SECRET": secret, "HOOKDRILL_OLD_SECRET": old}
	out, errOut, code := runCLI(t, env, "conform", "--platform", "prolific", "--target", url+"/webhook",
		"--probe-applied", url+"/_state#/processed/{event_id}", "--probe-status", url+"/_state#/status/{resource_id}")
	require.Equal(t, exitFailed, code, out+errOut)
	tassert.NotContains(t, out+errOut, secret)
	tassert.NotContains(t, out+errOut, old)
	var line string
	for _, m := range reRerun.FindAllStringSubmatch(out, -1) {
		if strings.Contains(m[1], "--only prolific.idempotency.duplicate_applied_once ") {
			line = m[1]
		}
	}
	require.NotEmpty(t, line, out)
	tassert.Contains(t, line, `--secret "$HOOKDRILL_SECRET" --old-secret "$HOOKDRILL_OLD_SECRET"`)
	tassert.Contains(t, line, "--probe-applied '"+url+"/_state#/processed/{event_id}'")
	args := shellWords(t, line, "HOOKDRILL_SECRET="+secret, "HOOKDRILL_OLD_SECRET="+old)
	again, errOut, code := runCLI(t, nil, args...)
	require.Equal(t, exitFailed, code, again+errOut)
	tassert.Regexp(t, `(?m)^FAIL  prolific\.idempotency\.duplicate_applied_once`, again)
	tassert.NotContains(t, again, "SKIP")
}
