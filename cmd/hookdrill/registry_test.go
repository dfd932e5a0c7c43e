package main

import (
	"strings"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/platform"
	"github.com/hookdrill/hookdrill/platform/prolific"
	"github.com/hookdrill/hookdrill/platform/respondent"
)

// acme is a test-only platform: prolific's wire profile under another name.
type acme struct{ hookdrill.Profile }

func (acme) Name() string { return "acme" }

func runReg(t *testing.T, reg *platform.Registry, args ...string) (string, string, int) {
	t.Helper()
	var out, errb strings.Builder
	err := runWith(t.Context(), reg, args, strings.NewReader(""), &out, &errb, nil)
	if err != nil {
		errb.WriteString(errorText(err))
	}
	return out.String(), errb.String(), exitCode(err)
}

// The platforms the CLI offers (help, completion, errors) are the
// registry's, not a list of its own.
func TestPlatformsComeFromTheRegistry(t *testing.T) {
	reg := platform.MustRegistry(
		func() hookdrill.Profile { return prolific.New(prolific.Options{}) },
		func() hookdrill.Profile { return respondent.New(respondent.Options{}) },
		func() hookdrill.Profile { return acme{prolific.New(prolific.Options{})} },
	)
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
	_, errOut, code = runReg(t, platform.MustRegistry(func() hookdrill.Profile { return prolific.New(prolific.Options{}) }),
		"send", "--platform", "acme", "--target", "http://127.0.0.1:1/x", "--secret", "s", "study.status.change")
	tassert.Equal(t, exitUsage, code)
	tassert.Contains(t, errOut, `unknown platform "acme" (valid: prolific)`)
}
