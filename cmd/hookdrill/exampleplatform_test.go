package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/internal/exampleplatform"
	exampleconf "github.com/hookdrill/hookdrill/internal/exampleplatform/conformance"
	exampleload "github.com/hookdrill/hookdrill/internal/exampleplatform/loadprofile"
	examplemock "github.com/hookdrill/hookdrill/internal/exampleplatform/mock"
	exampleref "github.com/hookdrill/hookdrill/internal/exampleplatform/reference"
	"github.com/hookdrill/hookdrill/platform/all"
)

// Issue 12's proof: a third platform (internal/exampleplatform, test-only)
// added as one folder plus the one entry below works with send, receiver,
// conform, run and serve, with no edit to any core package.
func withExample() all.Set {
	return append(all.Platforms(), all.Platform{
		Profile:   func() hookdrill.Profile { return exampleplatform.New(exampleplatform.Options{}) },
		Mock:      examplemock.ServeFlags,
		Scenario:  examplemock.Scenario,
		Reference: exampleref.New(),
		Suite:     exampleconf.Suite(),
		Workload:  exampleload.Workload(),
	})
}

// startWith runs a long-lived command (receiver, serve) with set until the
// test ends and returns the first submatch of ready in its stdout.
func startWith(t *testing.T, set all.Set, ready *regexp.Regexp, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, errb := &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- runWith(ctx, set, args, strings.NewReader(""), out, errb, func(string) string { return "" })
	}()
	var once sync.Once
	t.Cleanup(func() {
		once.Do(cancel)
		select {
		case err := <-done:
			tassert.NoError(t, err)
		case <-time.After(10 * time.Second):
			t.Error(args[0], " did not stop")
		}
	})
	var m []string
	require.Eventually(t, func() bool {
		m = ready.FindStringSubmatch(out.String())
		return m != nil
	}, 10*time.Second, 5*time.Millisecond, "%s did not start: %s", args[0], errb.String())
	return m[1]
}

func receiverState(t *testing.T, base string) map[string]any {
	t.Helper()
	resp, err := http.Get(base + "/_state")
	require.NoError(t, err)
	defer resp.Body.Close()
	var st map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&st))
	return st
}

func TestExamplePlatformSendAndReceiver(t *testing.T) {
	set := withExample()
	base := startWith(t, set, receiverRE, "receiver", "--platform", "example", "--secret", cliSecret, "--addr", "127.0.0.1:0")

	out, errOut, code := runReg(t, set, "send", "--platform", "example", "--target", base+"/webhook", "--secret", cliSecret,
		"order.updated", "--status", exampleplatform.StatusPaid)
	require.Equal(t, exitOK, code, out+errOut)
	tassert.NotContains(t, out+errOut, cliSecret)
	_, _, code = runReg(t, set, "send", "--platform", "example", "--target", base+"/webhook", "--secret", cliSecret,
		"--max-attempts", "1", "--tamper", "flip_signature", "order.updated")
	tassert.Equal(t, exitFailed, code, "a tampered signature is refused")

	st := receiverState(t, base)
	tassert.EqualValues(t, 2, st["received"])
	tassert.EqualValues(t, 1, st["rejected"])
	tassert.Len(t, st["processed"], 1)

	// Without the entry, the platform is unknown.
	_, errOut, code = runReg(t, all.Platforms(), "send", "--platform", "example", "--target", base+"/webhook",
		"--secret", cliSecret, "order.updated")
	tassert.Equal(t, exitUsage, code)
	tassert.Contains(t, errOut, `unknown platform "example"`)
}

func TestExamplePlatformConform(t *testing.T) {
	set := withExample()
	out, errOut, code := runReg(t, set, "conform", "--platform", "example", "--list")
	require.Equal(t, exitOK, code, errOut)
	tassert.Contains(t, out, "example.signature.valid")

	out, errOut, code = runReg(t, set, "conform", "--platform", "example", "--demo", "--seed", "5")
	require.Equal(t, exitOK, code, out+errOut)
	tassert.Contains(t, out, "example.signature.stale")

	// A receiver that skips signature checks fails the suite's MUST checks.
	out, errOut, code = runReg(t, set, "conform", "--platform", "example", "--demo", "--bug", "no-signature-check", "--seed", "5")
	tassert.Equal(t, exitFailed, code, out+errOut)
	tassert.Contains(t, out, "example.signature.wrong_secret")
}

const exampleScenario = `version: 1
name: example order paid twice is applied once
platform: example
target: ${TARGET}
secret: ${SECRET}
retries: {preset: none}
steps:
  - id: first
    send: {event: order.updated, status: paid}
    expect: {status: 2xx}
  - duplicate: first
    expect: {status: 2xx}
  - probe: {use: applied, event: first, default: 0}
    expect: {value: 1}
`

const exampleMockScenario = `version: 1
name: example endpoint disabled gets nothing
platform: example
target: ${TARGET}
secret: ${SECRET}
mock: true
retries: {preset: none}
steps:
  - id: sub
    subscribe: {event: order.updated}
  - trigger: {event: order.updated, status: paid}
    expect: {status: 2xx}
  - disable: sub
  - trigger: {event: order.updated, status: refunded}
    expect: {count: 0}
`

func TestExamplePlatformRun(t *testing.T) {
	set := withExample()
	base := startWith(t, set, receiverRE, "receiver", "--platform", "example", "--secret", cliSecret, "--addr", "127.0.0.1:0")
	dir := t.TempDir()
	for name, body := range map[string]string{"plain.yaml": exampleScenario, "mock.yaml": exampleMockScenario} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600))
	}
	out, errOut, code := runReg(t, set, "run", "--target", base+"/webhook", "--secret", cliSecret,
		"--probe-applied", base+"/_state#/processed/{event_id}", dir)
	require.Equal(t, exitOK, code, out+errOut)
	tassert.Contains(t, out, "example order paid twice is applied once")
	tassert.Contains(t, out, "example endpoint disabled gets nothing")
}

var exampleServeRE = regexp.MustCompile(`mock server on (http://127\.0\.0\.1:\d+)`)

func TestExamplePlatformServe(t *testing.T) {
	set := withExample()
	rcv := startWith(t, set, receiverRE, "receiver", "--platform", "example", "--secret", cliSecret, "--addr", "127.0.0.1:0")
	base := startWith(t, set, exampleServeRE, "serve", "--addr", "127.0.0.1:0", "--seed", "9")

	call := func(method, url, body string) (int, []byte) {
		t.Helper()
		req, err := http.NewRequest(method, url, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer t")
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	code, b := call("POST", base+examplemock.Prefix+"endpoints", `{"url": "`+rcv+`/webhook", "secret": "`+cliSecret+`"}`)
	require.Equal(t, http.StatusCreated, code, "%s", b)

	out, errOut, exit := runReg(t, set, "trigger", "--server", base, "--wait", "5s", "order.updated", "--status", exampleplatform.StatusPaid)
	require.Equal(t, exitOK, exit, out+errOut)
	require.Eventually(t, func() bool {
		st := receiverState(t, rcv)
		p, _ := st["processed"].(map[string]any)
		return len(p) == 1
	}, 5*time.Second, 10*time.Millisecond)

	// The control API's info lists the platform; its API errors are its own shape.
	code, b = call("GET", base+"/_hookdrill/info", "")
	require.Equal(t, http.StatusOK, code)
	tassert.Contains(t, string(b), `"example"`)
	code, b = call("GET", base+examplemock.Prefix+"endpoints/nope", "")
	tassert.Equal(t, http.StatusNotFound, code)
	tassert.True(t, bytes.Contains(b, []byte(`"error"`)), "%s", b)
}

func TestExamplePlatformLoad(t *testing.T) {
	set := withExample()
	base := startWith(t, set, receiverRE, "receiver", "--platform", "example", "--secret", cliSecret, "--addr", "127.0.0.1:0")
	out, errOut, code := runReg(t, set, "load", "--platform", "example", "--target", base+"/webhook", "--secret", cliSecret,
		"--rate", "100/s", "--duration", "300ms", "--format", "json")
	require.Equal(t, exitOK, code, out+errOut)
	var res struct {
		Platform   string `json:"platform"`
		Deliveries struct {
			Succeeded int `json:"succeeded"`
		} `json:"deliveries"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &res), out)
	tassert.Equal(t, "example", res.Platform)
	tassert.Positive(t, res.Deliveries.Succeeded)
	tassert.EqualValues(t, res.Deliveries.Succeeded, receiverState(t, base)["received"])
}
