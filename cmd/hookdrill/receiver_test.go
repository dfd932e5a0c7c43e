package main

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var receiverRE = regexp.MustCompile(`reference receiver on (http://127\.0\.0\.1:\d+)`)

// startReceiver runs `hookdrill receiver args...` and returns its base URL
// and stdout; the receiver stops when the test ends.
func startReceiver(t *testing.T, args ...string) (string, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, errb := &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"receiver", "--addr", "127.0.0.1:0"}, args...), strings.NewReader(""), out, errb,
			func(k string) string { return map[string]string{"HOOKDRILL_SECRET": cliSecret}[k] })
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			tassert.NoError(t, err)
		case <-time.After(10 * time.Second):
			t.Error("receiver did not stop")
		}
	})
	var base string
	require.Eventually(t, func() bool {
		m := receiverRE.FindStringSubmatch(out.String())
		if m != nil {
			base = m[1]
		}
		return m != nil
	}, 10*time.Second, 5*time.Millisecond, "receiver did not start: %s", errb.String())
	return base, out.String()
}

func TestReceiverCommand(t *testing.T) {
	base, out := startReceiver(t, "--platform", "prolific")
	tassert.Contains(t, out, "correct prolific reference receiver")
	tassert.NotContains(t, out, cliSecret, "the secret is redacted")
	tassert.Contains(t, out, "--probe-applied '"+base+"/_state#/processed/{event_id}'")

	// A correctly signed delivery is applied; a tampered one rejected.
	_, errOut, code := runCLI(t, nil, "send", "--platform", "prolific", "--target", base+"/webhook", "--secret", cliSecret,
		"--event-id", "0123456789abcdef01234567", "submission.status.change", "--status", "APPROVED")
	require.Equal(t, exitOK, code, errOut)
	_, _, code = runCLI(t, nil, "send", "--platform", "prolific", "--target", base+"/webhook", "--secret", cliSecret,
		"--max-attempts", "1", "--tamper", "flip_signature", "submission.status.change")
	require.Equal(t, exitFailed, code)

	resp, err := http.Get(base + "/_state")
	require.NoError(t, err)
	defer resp.Body.Close()
	var st struct {
		Processed map[string]int `json:"processed"`
		Rejected  int            `json:"rejected"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&st))
	tassert.Equal(t, map[string]int{"0123456789abcdef01234567": 1}, st.Processed)
	tassert.Equal(t, 1, st.Rejected)
}

func TestReceiverCommandBugAndUsage(t *testing.T) {
	_, out := startReceiver(t, "--platform", "respondent", "--bug", "no-dedup,slow")
	tassert.Contains(t, out, "deliberately broken (no-dedup, slow) respondent reference receiver")

	for _, args := range [][]string{
		{"receiver"},
		{"receiver", "--platform", "stripe"},
		{"receiver", "--platform", "respondent", "--bug", "no-timestamp-check"},
		{"receiver", "--platform", "prolific", "extra"},
	} {
		_, errOut, code := runCLI(t, map[string]string{"HOOKDRILL_SECRET": "s"}, args...)
		tassert.Equal(t, exitUsage, code, "%v: %s", args, errOut)
	}
}

// Every command answers -h with its usage and exit 0, and an unknown flag
// with exit 2.
func TestEveryCommandHelpAndBadFlag(t *testing.T) {
	for _, name := range commandNames() {
		if name == "version" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			out, errOut, code := runCLI(t, nil, name, "-h")
			tassert.Equal(t, exitOK, code)
			tassert.Empty(t, errOut, "help goes to stdout")
			// What it does, the exit table, usage, flags documented with two dashes.
			tassert.Regexp(t, `(?s)^[^\n]+\n.*\nExit status \(every command\):\n  0 .*\n  3 .*\nUsage:\n  hookdrill `+name+`.*\nFlags:\n.*      --`, out)
			for _, h := range [][]string{{name, "--help"}, {"help", name}} {
				again, _, code := runCLI(t, nil, h...)
				tassert.Equal(t, exitOK, code)
				tassert.Equal(t, out, again, "%v", h)
			}
			out, errOut, code = runCLI(t, nil, name, "--no-such-flag")
			tassert.Equal(t, exitUsage, code)
			tassert.Empty(t, out)
			tassert.Equal(t, "hookdrill: unknown flag --no-such-flag\nRun 'hookdrill "+name+" --help' for usage.\n", errOut)
		})
	}
}
