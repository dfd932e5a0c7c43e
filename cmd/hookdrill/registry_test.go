package main

import (
	"strings"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/platform/all"
	"github.com/hookdrill/hookdrill/platform/prolific"
)

// acme is a test-only platform: prolific's wire profile under another name.
type acme struct{ hookdrill.Profile }

func (acme) Name() string { return "acme" }

func runReg(t *testing.T, set all.Set, args ...string) (string, string, int) {
	t.Helper()
	var out, errb strings.Builder
	err := runWith(t.Context(), set, args, strings.NewReader(""), &out, &errb, nil)
	if err != nil {
		errb.WriteString(errorText(err))
	}
	return out.String(), errb.String(), exitCode(err)
}

// The platforms the CLI offers (help, completion, errors) are the
// registry's, not a list of its own.
func TestPlatformsComeFromTheRegistry(t *testing.T) {
	reg := append(all.Platforms(), all.Platform{Profile: func() hookdrill.Profile { return acme{prolific.New(prolific.Options{})} }})
	out, _, code := runReg(t, reg, "--help")
	require.Equal(t, exitOK, code)
	tassert.Contains(t, out, "hookdrill tests webhook receivers for Acme, Prolific and Respondent:")
	for _, cmd := range []string{"send", "conform", "receiver", "load", "trigger"} {
		out, _, code := runReg(t, reg, cmd, "--help")
		require.Equal(t, exitOK, code, cmd)
		tassert.Contains(t, out, "platform: acme, prolific or respondent (", cmd)
		out, _, _ = runReg(t, reg, "__complete", cmd, "--platform", "")
		tassert.Equal(t, []string{"acme", "prolific", "respondent", ":4"}, strings.Fields(out)[:4], cmd)
	}
	out, _, _ = runReg(t, reg, "send", "--help")
	tassert.Contains(t, out, "acme: prolific, prolific-legacy; prolific: prolific, prolific-legacy; respondent: respondent")
	_, errOut, code := runReg(t, reg, "send", "--target", "http://127.0.0.1:1/x", "--secret", "s", "study.status.change")
	tassert.Equal(t, exitUsage, code)
	tassert.Contains(t, errOut, "--platform is required (valid: acme, prolific, respondent)")

	// Without it, acme is unknown.
	_, errOut, code = runReg(t, all.Set{{Profile: func() hookdrill.Profile { return prolific.New(prolific.Options{}) }}},
		"send", "--platform", "acme", "--target", "http://127.0.0.1:1/x", "--secret", "s", "study.status.change")
	tassert.Equal(t, exitUsage, code)
	tassert.Contains(t, errOut, `unknown platform "acme" (valid: prolific)`)
}

// Event types, statuses, retry presets and --events complete from the
// registry's wire profiles, narrowed by --platform and EVENT_TYPE.
func TestCompletionFromProfiles(t *testing.T) {
	reg := all.Platforms()
	values := func(args ...string) []string {
		t.Helper()
		out, _, code := runReg(t, reg, append([]string{"__complete"}, args...)...)
		require.Equal(t, exitOK, code)
		var vals []string
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			if !strings.HasPrefix(l, ":") {
				name, _, _ := strings.Cut(l, "\t")
				vals = append(vals, name)
			}
		}
		return vals
	}
	everyType := values("trigger", "")
	tassert.Contains(t, everyType, "submission.status.change")
	tassert.Contains(t, everyType, "SCREENER_RESPONSES.CREATED")
	resp := values("send", "--platform", "respondent", "")
	tassert.Contains(t, resp, "SCREENER_RESPONSES.CREATED")
	tassert.NotContains(t, resp, "submission.status.change")
	st := values("send", "--platform", "prolific", "submission.status.change", "--status", "")
	tassert.Contains(t, st, "AWAITING REVIEW")
	tassert.NotContains(t, st, "RECRUITING")
	tassert.Empty(t, values("send", "submission.status.change", ""), "one EVENT_TYPE only")
	tassert.Equal(t, []string{"prolific", "prolific-legacy"}, values("send", "--platform", "prolific", "--retries", ""))
	tassert.Contains(t, values("conform", "--platform", "respondent", "--events", ""), "MESSAGES.CREATED")
}

// serve's platform-specific flags are declared by each platform's mock:
// a set without a platform has none of its flags, and its help no API of it.
func TestServeFlagsComeFromTheMocks(t *testing.T) {
	pro, res := all.Platforms()[0], all.Platforms()[1]
	out, _, code := runReg(t, all.Set{pro}, "serve", "--help")
	require.Equal(t, exitOK, code)
	tassert.Contains(t, out, "--strict-targets")
	tassert.NotContains(t, out, "--api-key")
	tassert.Contains(t, out, "Serves mock Prolific (/api/v1/) webhook management APIs")
	out, _, code = runReg(t, all.Set{res}, "serve", "--help")
	require.Equal(t, exitOK, code)
	tassert.Contains(t, out, "--api-key")
	tassert.NotContains(t, out, "--strict-targets")
	_, errOut, code := runReg(t, all.Set{res}, "serve", "--strict-targets")
	tassert.Equal(t, exitUsage, code)
	tassert.Contains(t, errOut, "strict-targets")
}
