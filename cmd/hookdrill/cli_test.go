package main

import (
	"os"
	"strings"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVersion(t *testing.T) {
	out, _, code := runCLI(t, nil, "--version")
	require.Equal(t, exitOK, code)
	again, _, code := runCLI(t, nil, "version")
	require.Equal(t, exitOK, code)
	tassert.Equal(t, out, again)
	tassert.Equal(t, "hookdrill "+versionString()+"\n", out)
	// -v is --verbose in the commands, never the version.
	_, errOut, code := runCLI(t, nil, "-v")
	tassert.Equal(t, exitUsage, code)
	tassert.Equal(t, "hookdrill: unknown flag -v\nRun 'hookdrill --help' for usage.\n", errOut)

	// The -X main.version ldflag wins over build info.
	old := version
	t.Cleanup(func() { version = old })
	version = "v9.8.7"
	out, _, _ = runCLI(t, nil, "--version")
	tassert.Equal(t, "hookdrill v9.8.7\n", out)
}

// Usage errors: one line of error, one line saying where the help is, on
// stderr only; suggestions for misspelt commands and flags.
func TestUsageErrorsAreShortWithSuggestions(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"conform", "--platfrom", "prolific"}, "hookdrill: unknown flag --platfrom (did you mean --platform?)\nRun 'hookdrill conform --help' for usage.\n"},
		{[]string{"sned"}, "hookdrill: unknown command \"sned\" (did you mean \"send\"?)\nRun 'hookdrill --help' for usage.\n"},
		{[]string{"run"}, "hookdrill: run needs at least one scenario FILE or DIR\nRun 'hookdrill run --help' for usage.\n"},
		{[]string{"send", "--max-attempts", "x"}, ""},
		{[]string{"trigger", "--color", "sometimes", "x"}, "hookdrill: --color must be auto, always or never, got \"sometimes\"\nRun 'hookdrill trigger --help' for usage.\n"},
	} {
		out, errOut, code := runCLI(t, nil, tc.args...)
		tassert.Equal(t, exitUsage, code, "%v", tc.args)
		tassert.Empty(t, out, "%v", tc.args)
		if tc.want != "" {
			tassert.Equal(t, tc.want, errOut, "%v", tc.args)
		}
		tassert.Equal(t, 2, strings.Count(errOut, "\n"), "%v: %s", tc.args, errOut)
	}
}

// --flag=value, --flag value and the single-dash spellings Go's flag
// package accepted all parse the same.
func TestFlagSpellings(t *testing.T) {
	var outs []string
	for _, args := range [][]string{
		{"run", "--list", "--run", "dup", "../../scenarios/testdata/examples/prolific"},
		{"run", "--list", "--run=dup", "../../scenarios/testdata/examples/prolific"},
		{"run", "-list", "-run", "dup", "../../scenarios/testdata/examples/prolific"},
		{"run", "-list", "-run=dup", "../../scenarios/testdata/examples/prolific"},
	} {
		out, errOut, code := runCLI(t, nil, args...)
		require.Equal(t, exitOK, code, "%v: %s", args, errOut)
		outs = append(outs, out)
	}
	for _, o := range outs[1:] {
		tassert.Equal(t, outs[0], o)
	}
	tassert.Contains(t, outs[0], "dup")
	tassert.NotContains(t, outs[0], "retry")
}

func TestCompletion(t *testing.T) {
	for _, sh := range []string{"bash", "zsh", "fish"} {
		out, errOut, code := runCLI(t, nil, "completion", sh)
		require.Equal(t, exitOK, code, errOut)
		tassert.Contains(t, out, "hookdrill", sh)
	}
	// The completion engine knows commands, flags and flag values.
	out, _, code := runCLI(t, nil, "__complete", "con")
	require.Equal(t, exitOK, code)
	tassert.Contains(t, out, "conform")
	out, _, _ = runCLI(t, nil, "__complete", "conform", "--pl")
	tassert.Contains(t, out, "--platform")
	out, _, _ = runCLI(t, nil, "__complete", "conform", "--demo", "--bug", "no-")
	tassert.Contains(t, out, "no-dedup")
}

func TestClosest(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{"AWAITING_REVIEW", "AWAITING REVIEW"},
		{"awaiting review", "AWAITING REVIEW"},
		{"APROVED", "APPROVED"},
		{"zzz", ""},
		{"APPROVED", ""},
	} {
		tassert.Equal(t, tc.want, closest(tc.got, []string{"ACTIVE", "AWAITING REVIEW", "APPROVED"}), tc.got)
	}
}

// Misspelt bug names and statuses get a suggestion.
func TestBugAndStatusSuggestions(t *testing.T) {
	_, errOut, code := runCLI(t, nil, "conform", "--demo", "--bug", "no-dedupe")
	tassert.Equal(t, exitUsage, code)
	tassert.Contains(t, errOut, `unknown prolific bug "no-dedupe" (did you mean "no-dedup"?)`)
	_, errOut, code = runCLI(t, nil, "send", "--platform", "prolific", "--target", "http://127.0.0.1:1/x", "--secret", "s",
		"--status", "AWAITING_REVIEW", "submission.status.change")
	tassert.Equal(t, exitUsage, code)
	tassert.Contains(t, errOut, `unknown status "AWAITING_REVIEW" for submission.status.change (did you mean "AWAITING REVIEW"?)`)
}

// --demo --bug NAME for a bug only one platform's receiver has runs that
// platform only (it used to be a usage error for the other one).
func TestDemoBugOfOnePlatform(t *testing.T) {
	for bug, plat := range map[string]string{"string-values-only": "respondent", "rejects-spaced-status": "prolific"} {
		other := map[string]string{"respondent": "prolific", "prolific": "respondent"}[plat]
		out, errOut, code := runCLI(t, nil, "conform", "--demo", "--bug", bug)
		tassert.Equal(t, exitFailed, code, errOut)
		tassert.Contains(t, out, "== "+plat+" conformance", bug)
		tassert.NotContains(t, out, "== "+other+" conformance", bug)
	}
}

// --color always colours the verdicts of a text report on stdout; never a
// file or JSON; auto leaves a non-terminal (and NO_COLOR) alone.
func TestColor(t *testing.T) {
	const green, red = "\x1b[32mPASS\x1b[0m", "\x1b[31mFAIL\x1b[0m"
	out, _, code := runCLI(t, nil, "conform", "--demo", "--bug", "no-dedup", "--platform", "prolific", "--color", "always")
	require.Equal(t, exitFailed, code)
	tassert.Contains(t, out, green+"  prolific.")
	tassert.Contains(t, out, red+"  prolific.idempotency.")
	tassert.Contains(t, out, "\x1b[31mFAILED\x1b[0m: ")
	for _, args := range [][]string{
		{"--color", "never"},
		{"--color", "auto"},
		{},
		{"--color=always", "--format", "json"},
		{"--color", "always", "--format", "junit"},
	} {
		out, _, _ := runCLI(t, map[string]string{"NO_COLOR": ""}, append([]string{"conform", "--demo", "--platform", "prolific"}, args...)...)
		tassert.NotContains(t, out, "\x1b[", "%v", args)
	}
	file := t.TempDir() + "/r.txt"
	_, _, code = runCLI(t, nil, "conform", "--demo", "--platform", "prolific", "--color", "always", "--out", file)
	require.Equal(t, exitOK, code)
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	tassert.Contains(t, string(b), "PASS  prolific.")
	tassert.NotContains(t, string(b), "\x1b[")
	// NO_COLOR turns auto off even where it would colour.
	on, err := colorOn("auto", &environ{stdout: os.Stdout, getenv: func(k string) string { return map[string]string{"NO_COLOR": "1"}[k] }})
	require.NoError(t, err)
	tassert.False(t, on)
}

// --quiet drops the informational lines on stderr.
func TestQuiet(t *testing.T) {
	_, errOut, code := runCLI(t, nil, "conform", "--demo", "--platform", "prolific")
	require.Equal(t, exitOK, code)
	tassert.Contains(t, errOut, "demo: bundled correct prolific reference receiver")
	out, errOut, code := runCLI(t, nil, "conform", "--demo", "--platform", "prolific", "--quiet")
	require.Equal(t, exitOK, code)
	tassert.Empty(t, errOut)
	tassert.Contains(t, out, "PASSED")
	_, errOut, _ = runCLI(t, nil, "-q", "conform", "--demo", "--platform", "prolific")
	tassert.Empty(t, errOut)
}

// -v is the shorthand of --verbose (and the Go-flag spelling --v still
// parses).
func TestVerboseSpellings(t *testing.T) {
	for _, v := range []string{"-v", "--verbose", "--verbose=true"} {
		out, errOut, code := runCLI(t, nil, "conform", "--demo", "--platform", "prolific", "--only", "prolific.signature.valid", v)
		require.Equal(t, exitOK, code, "%s: %s", v, errOut)
		tassert.Contains(t, out, "PASS step 1 correct", v)
	}
	out, _, _ := runCLI(t, nil, "conform", "--demo", "--platform", "prolific", "--only", "prolific.signature.valid")
	tassert.NotContains(t, out, "PASS step 1 correct")
}
