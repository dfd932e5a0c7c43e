package main

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	prolificref "github.com/hookdrill/hookdrill/platform/prolific/reference"
	"github.com/hookdrill/hookdrill/receiver"
)

// The exit table is in every --help.
func TestHelpHasExitTableAndEnvironment(t *testing.T) {
	out, _, code := runCLI(t, nil, "--help")
	require.Equal(t, exitOK, code)
	tassert.Contains(t, out, exitTable)
	tassert.Contains(t, out, "HOOKDRILL_SECRET")
	tassert.Contains(t, out, "NO_COLOR")
	for _, name := range commandNames() {
		if name == "version" {
			continue
		}
		out, _, _ := runCLI(t, nil, name, "--help")
		tassert.Contains(t, out, exitTable, name)
		tassert.NotContains(t, out, "Exit 0", "%s: one table, not a sentence of its own", name)
	}
}

// run takes its secret and target from HOOKDRILL_SECRET and
// HOOKDRILL_TARGET (it used to report "target: secret is empty").
func TestRunHonoursEnvironment(t *testing.T) {
	const secret = "env-secret-0123456789abcdef"
	url, stop, err := receiver.Start(receiver.Config{Platform: prolificref.New(), Secret: secret})
	require.NoError(t, err)
	t.Cleanup(stop)
	file := filepath.Join(t.TempDir(), "s.yaml")
	require.NoError(t, os.WriteFile(file, []byte(`version: 1
name: env/approved
platform: prolific
retries: none
steps:
  - send: {event: submission.status.change, status: APPROVED}
    expect: {status: 2xx}
`), 0o644))
	env := map[string]string{"HOOKDRILL_SECRET": secret, "HOOKDRILL_TARGET": url + "/webhook"}
	out, errOut, code := runCLI(t, env, "run", file)
	require.Equal(t, exitOK, code, out+errOut)
	tassert.NotContains(t, out+errOut, secret)
	// A wrong secret from the environment is used too: the receiver refuses.
	env["HOOKDRILL_SECRET"] = "another-secret-0123456789"
	out, _, code = runCLI(t, env, "run", file)
	tassert.Equal(t, exitFailed, code, out)
	// Flags win over the environment.
	out, _, code = runCLI(t, env, "run", "--secret", secret, file)
	tassert.Equal(t, exitOK, code, out)
}

// Exit 3 means hookdrill could not run: nothing to talk to, or a scenario
// that could not start.
func TestExitCouldNotRun(t *testing.T) {
	dead := "http://127.0.0.1:1/hook"
	_, errOut, code := runCLI(t, nil, "send", "--platform", "prolific", "--target", dead, "--secret", "s", "--max-attempts", "2", "submission.status.change")
	tassert.Equal(t, exitProblem, code, errOut)
	tassert.Contains(t, errOut, "hookdrill: could not reach "+dead+": connection_refused on every attempt")

	_, errOut, code = runCLI(t, nil, "trigger", "--server", "http://127.0.0.1:1", "submission.status.change")
	tassert.Equal(t, exitProblem, code, errOut)
	tassert.Equal(t, "hookdrill: no hookdrill server at http://127.0.0.1:1: start one with `hookdrill serve`\n", errOut)
	_, errOut, code = runCLI(t, map[string]string{"HOOKDRILL_SERVER": "http://127.0.0.1:1"}, "trigger", "submission.status.change")
	tassert.Equal(t, exitProblem, code, errOut)
	tassert.Contains(t, errOut, "no hookdrill server at http://127.0.0.1:1")

	file := filepath.Join(t.TempDir(), "s.yaml")
	require.NoError(t, os.WriteFile(file, []byte("version: 1\nname: x\nplatform: prolific\ntarget: "+dead+"\nsteps:\n  - send: submission.status.change\n    expect: {status: 2xx}\n"), 0o644))
	out, _, code := runCLI(t, nil, "run", file) // no secret anywhere: the scenario cannot run
	tassert.Equal(t, exitProblem, code, out)
	tassert.Contains(t, out, "ERROR x: target: secret is empty")

	// A report file that cannot be read is an I/O problem (3); one that is
	// not a report is invalid input (2).
	_, errOut, code = runCLI(t, nil, "report", filepath.Join(t.TempDir(), "missing.json"))
	tassert.Equal(t, exitProblem, code, errOut)
	bad := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte("not json"), 0o644))
	_, errOut, code = runCLI(t, nil, "report", bad)
	tassert.Equal(t, exitUsage, code, errOut)
}

// trigger infers the platform from the event type.
func TestTriggerInfersPlatform(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Platform string `json:"platform"`
		}
		b, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(b, &req)
		got = append(got, req.Platform)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		_, _ = io.WriteString(w, `{"error":{"message":"stop here"}}`)
	}))
	t.Cleanup(srv.Close)
	for _, ev := range []string{"SCREENER_RESPONSES.CREATED", "submission.status.change"} {
		runCLI(t, nil, "trigger", "--server", srv.URL, ev)
	}
	runCLI(t, nil, "trigger", "--server", srv.URL, "--platform", "prolific", "SCREENER_RESPONSES.CREATED")
	tassert.Equal(t, []string{"respondent", "prolific", "prolific"}, got)
}

// send --format json writes durations in seconds, as the reports do.
func TestSendJSONSeconds(t *testing.T) {
	url := statusServer(t, 200)
	out, errOut, code := runCLI(t, nil, "send", "--platform", "prolific", "--target", url, "--secret", cliSecret, "--format", "json", "submission.status.change")
	require.Equal(t, exitOK, code, errOut)
	tassert.NotContains(t, out, "_ns\"")
	var doc struct {
		Policy   map[string]any   `json:"policy"`
		Attempts []map[string]any `json:"attempts"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc), out)
	tassert.Equal(t, 10.0, doc.Policy["timeout_s"], "Prolific's 10 s timeout")
	require.Len(t, doc.Attempts, 1)
	lat, ok := doc.Attempts[0]["latency_s"].(float64)
	tassert.True(t, ok && lat > 0 && lat < 10, "latency in seconds: %v", doc.Attempts[0]["latency_s"])
	tassert.False(t, strings.Contains(out, `"timeout":`))
}

// A port in use: the server commands could not run (exit 3).
func TestPortInUseExit3(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	for _, args := range [][]string{
		{"receiver", "--platform", "prolific", "--secret", "s", "--addr", ln.Addr().String()},
		{"serve", "--addr", ln.Addr().String()},
	} {
		_, errOut, code := runCLI(t, nil, args...)
		tassert.Equal(t, exitProblem, code, "%v: %s", args, errOut)
	}
}
