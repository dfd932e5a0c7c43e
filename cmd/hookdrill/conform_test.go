package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/assert"
)

func runConformCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), append([]string{"conform"}, args...), strings.NewReader(""), &out, &errb,
		func(string) string { return "" })
	if err != nil {
		errb.WriteString(err.Error())
	}
	return exitCode(err), out.String(), errb.String()
}

// TestConformUnreachable: nothing listening at the target is one clear
// message and exit 3 ("could not run"), not a wall of failed checks.
func TestConformUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	code, stdout, stderr := runConformCmd(t, "--platform", "prolific", "--target", "http://"+addr+"/hook", "--secret", "s3cret-value")
	require.Equal(t, 3, code, stderr)
	tassert.Contains(t, stderr, "cannot be reached")
	tassert.Equal(t, 1, strings.Count(stderr, "cannot be reached"), "one message")
	tassert.NotContains(t, stdout, "FAIL")
	tassert.NotContains(t, stderr+stdout, "s3cret-value")
}

// TestConformRootCauseBlocked: a receiver that crashes on every request is
// reported once, as the preflight's failure; the checks that need an
// accepted delivery are blocked by it in text, JSON and JUnit, latency
// checks still pass, and the run fails.
func TestConformRootCauseBlocked(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "KeyError: 'x-prolific-request-signature'", http.StatusInternalServerError)
	}))
	defer srv.Close()
	args := []string{"--platform", "prolific", "--target", srv.URL + "/hook", "--secret", "s3cret-value", "--seed", "3"}

	code, stdout, stderr := runConformCmd(t, args...)
	require.Equal(t, 1, code, stderr)
	tassert.Equal(t, 1, strings.Count("\n"+stdout, "\nFAIL "), "one failure, the root cause:\n%s", stdout)
	tassert.Contains(t, stdout, "FAIL  prolific.preflight")
	tassert.Contains(t, stdout, "crashed on a correct delivery (HTTP 500)")
	tassert.Contains(t, stdout, "BLOCKED prolific.signature.wrong_secret: blocked by prolific.preflight")
	tassert.Contains(t, stdout, "PASS  prolific.latency.single")
	tassert.NotContains(t, stdout, "anyone can forge")

	code, stdout, _ = runConformCmd(t, append(args, "--format", "json")...)
	require.Equal(t, 1, code)
	var rep assert.Report
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
	verdicts := map[string]assert.ScenarioResult{}
	for _, sc := range rep.Scenarios {
		verdicts[sc.Name] = sc
	}
	tassert.Equal(t, assert.Fail, verdicts["prolific.preflight"].Verdict)
	tassert.Equal(t, assert.ObsCrashed, verdicts["prolific.preflight"].Observed)
	tassert.Equal(t, assert.Blocked, verdicts["prolific.signature.valid"].Verdict)
	tassert.Equal(t, "prolific.preflight", verdicts["prolific.signature.valid"].BlockedBy)
	tassert.Equal(t, 1, rep.Summary.Failed)
	tassert.Positive(t, rep.Summary.Blocked)

	code, stdout, _ = runConformCmd(t, append(args, "--format", "junit")...)
	require.Equal(t, 1, code)
	tassert.Contains(t, stdout, `type="blocked"`)
	tassert.Contains(t, stdout, `<property name="blocked_by" value="prolific.preflight"></property>`)
	tassert.Equal(t, 1, strings.Count(stdout, "<failure "), "one failure in JUnit")
}

// TestConformEvents: --events narrows the coverage checks to the types the
// receiver is subscribed to, a coverage failure says how, and an unknown
// type is a usage error.
func TestConformEvents(t *testing.T) {
	only := []string{"--demo", "--platform", "prolific", "--bug", "missing-event-type", "--only", "prolific.coverage.event_types"}
	code, stdout, stderr := runConformCmd(t, only...)
	require.Equal(t, 1, code, stderr)
	tassert.Contains(t, stdout, "If the receiver is not subscribed to study.has_high_return_rate, that is fine: narrow the set with --events submission.status.change,study.status.change,study.progress.change")
	code, stdout, stderr = runConformCmd(t, append(only, "--events", "submission.status.change,study.status.change,study.progress.change")...)
	require.Equal(t, 0, code, stdout+stderr)
	code, _, stderr = runConformCmd(t, "--platform", "prolific", "--target", "http://127.0.0.1:1/x", "--secret", "s", "--events", "submission.created")
	require.Equal(t, 2, code)
	tassert.Contains(t, stderr, "unknown prolific event type submission.created")
}
