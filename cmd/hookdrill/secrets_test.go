package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Planted secrets: none of them may appear in any output of a run.
const (
	plantSigning = "SIGNING-SECRET-aaaa1111"
	plantOld     = "OLD-SECRET-bbbb2222"
	plantEnvCred = "ENV-CRED-cccc3333" // in $DB_CRED: a name that does not look secret, used in an exec probe
	plantURLPass = "URLPASS-dddd4444"
	plantQuery   = "QTOKEN-eeee5555"
	plantBadURL  = "UNPARSABLE-PASS-ffff6666"
)

var planted = []string{plantSigning, plantOld, plantEnvCred, plantURLPass, plantQuery, plantBadURL}

// leakyReceiver echoes what it gets: a redirect whose Location repeats the
// request's query, the request body, and a state document holding the
// probe's query.
func leakyReceiver(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Method == http.MethodGet {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"echo": "`+r.URL.RawQuery+`", "n": 0}`)
			return
		}
		w.Header().Set("Location", "/next?"+r.URL.RawQuery)
		w.WriteHeader(http.StatusFound)
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

const leakyScenario = `version: 1
name: leaky
platform: prolific
target: ${TARGET}
secret: ${SIGNING}
seed: 9
vars: {old_secret: "", state: ""}
steps:
  - id: ev
    send:
      event: submission.status.change
      payload: {resource_id: "${scenario.secret}", old: "${vars.old_secret}", event_type: x.y}
    retries: none
    expect: {status: 2xx}
  - id: cmd
    probe: {exec: [printf, '%s', "${DB_CRED} ${scenario.secret} ${vars.old_secret}"]}
    expect: {value: nothing}
  - probe: {http: "GET ${vars.state}#/n"}
    expect: {value: 1}
  - probe: {exec: [definitely-not-a-program-hookdrill, "${DB_CRED}"]}
`

// TestRunNeverPrintsSecrets plants a signing secret, an old secret, an
// environment credential, a URL password and a URL query token, lets a
// receiver echo them back, and greps every sink of "hookdrill run": the
// text, JSON and JUnit reports, the journals, stderr and the returned
// errors.
func TestRunNeverPrintsSecrets(t *testing.T) {
	srv := leakyReceiver(t)
	dir := t.TempDir()
	file := writeScenario(t, dir, "leaky.yaml", leakyScenario)
	host := strings.TrimPrefix(srv.URL, "http://")
	target := "http://hook:" + plantURLPass + "@" + host + "/hook?token=" + plantQuery
	state := "http://probe:" + plantURLPass + "@" + host + "/state?token=" + plantQuery
	env := map[string]string{"TARGET": target, "SIGNING": plantSigning, "DB_CRED": plantEnvCred}

	var sinks []string
	for _, format := range []string{"text", "json", "junit"} {
		jdir := filepath.Join(dir, "journal-"+format)
		out := filepath.Join(dir, "report."+format)
		stdout, stderr, err := runCLIErr(t, env, "--format", format, "--out", out, "--journal", jdir, "-v",
			"--var", "old_secret="+plantOld, "--var", "state="+state, "--probe-applied", state+"#/n", file)
		require.Error(t, err, "the scenario fails, so that every detail is reported")
		report, rerr := os.ReadFile(out)
		require.NoError(t, rerr)
		journals, _ := filepath.Glob(filepath.Join(jdir, "*.jsonl"))
		require.Len(t, journals, 1)
		jb, jerr := os.ReadFile(journals[0])
		require.NoError(t, jerr)
		require.Contains(t, string(jb), `"kind":"probe"`, "the journal holds the probes")
		require.Contains(t, string(report), "Location", "the report shows the redirect")
		sinks = append(sinks, stdout, stderr, err.Error(), string(report), string(jb))
	}
	// A target that does not parse, from a flag and from a file.
	bad := "http://user:" + plantBadURL + "@" + host + ":notaport/hook"
	_, stderr, err := runCLIErr(t, env, "--target", bad, "--secret", plantSigning, file)
	require.Error(t, err)
	sinks = append(sinks, stderr, err.Error())
	badFile := writeScenario(t, dir, "bad.yaml", strings.Replace(leakyScenario, "target: ${TARGET}", "target: "+bad, 1))
	_, stderr, err = runCLIErr(t, env, badFile)
	require.Error(t, err)
	sinks = append(sinks, stderr, err.Error())
	_, stderr, err = runCLIErr(t, map[string]string{"TARGET": bad, "SIGNING": plantSigning, "DB_CRED": plantEnvCred},
		"--var", "old_secret="+plantOld, file)
	require.Error(t, err)
	sinks = append(sinks, stderr, err.Error())

	for i, s := range sinks {
		for _, p := range planted {
			tassert.NotContains(t, s, p, "sink %d leaks %s:\n%s", i, p, s)
		}
	}
}

func runCLIErr(t *testing.T, getenv map[string]string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &environ{stdin: strings.NewReader(""), stdout: &out, stderr: &errb,
		getenv: func(k string) string { return getenv[k] }}
	err := runRun(context.Background(), args, env)
	return out.String(), errb.String(), err
}

// TestSendNeverPrintsSecrets: "hookdrill send" against a receiver that
// redirects to the target's query and echoes the body, in text and JSON,
// with a journal; and an unparsable target with a password.
func TestSendNeverPrintsSecrets(t *testing.T) {
	srv := leakyReceiver(t)
	host := strings.TrimPrefix(srv.URL, "http://")
	target := "http://hook:" + plantURLPass + "@" + host + "/hook?token=" + plantQuery
	dir := t.TempDir()
	var sinks []string
	for _, format := range []string{"text", "json"} {
		jpath := filepath.Join(dir, format+".jsonl")
		stdout, stderr, _ := runCLI(t, nil, "send", "--platform", "prolific", "--target", target, "--secret", plantSigning,
			"--retries", "prolific", "--max-attempts", "2", "--format", format, "--journal", jpath, "submission.status.change")
		jb, err := os.ReadFile(jpath)
		require.NoError(t, err)
		require.Contains(t, string(jb), "Location")
		sinks = append(sinks, stdout, stderr, string(jb))
	}
	stdout, stderr, code := runCLI(t, nil, "send", "--platform", "prolific", "--target", "http://u:"+plantBadURL+"@h:x:y/", "--secret", plantSigning, "submission.status.change")
	require.Equal(t, exitUsage, code)
	sinks = append(sinks, stdout, stderr)
	for i, s := range sinks {
		for _, p := range planted {
			tassert.NotContains(t, s, p, "sink %d leaks %s:\n%s", i, p, s)
		}
	}
}

// TestRunEscapesReceiverBody: a receiver answering with ESC sequences,
// NUL and invalid UTF-8 reaches the text report (and send's output) only
// escaped.
func TestRunEscapesReceiverBody(t *testing.T) {
	evil := "\x1b[2J\x1b]0;pwned\x07\x00\xff\xc2\x9b31m"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, evil)
	}))
	t.Cleanup(srv.Close)
	file := writeScenario(t, t.TempDir(), "ok.yaml", scenarioOK)
	stdout, _, code := runRunCLI(t, map[string]string{"TARGET": srv.URL}, "-v", file)
	require.Equal(t, exitFailed, code)
	send, _, _ := runCLI(t, nil, "send", "--platform", "prolific", "--target", srv.URL, "--secret", plantSigning, "--retries", "prolific", "--max-attempts", "1", "submission.status.change")
	for _, out := range []string{stdout, send} {
		for _, c := range []string{"\x1b", "\x00", "\x07", "\xff", "\u009b"} {
			tassert.NotContains(t, out, c)
		}
	}
	tassert.Contains(t, stdout, `\x1b[2J`, "the body is shown, escaped")
}

// TestConformNeverPrintsSecrets: conform's usage errors and stderr for a
// target that does not parse keep its password out.
func TestConformNeverPrintsSecrets(t *testing.T) {
	stdout, stderr, code := runCLI(t, nil, "conform", "--platform", "prolific", "--target", "http://u:"+plantBadURL+"@h:x:y/",
		"--secret", plantSigning, "--old-secret", plantOld, "--probe-applied", "http://p:"+plantURLPass+"@h/s?token="+plantQuery+"#/n")
	require.NotEqual(t, 0, code, stderr)
	for _, s := range []string{stdout, stderr} {
		for _, p := range planted {
			tassert.NotContains(t, s, p)
		}
	}
}
