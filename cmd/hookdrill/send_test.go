package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/internal/testkit"
)

// runCLI runs hookdrill in-process and returns stdout, stderr and the exit code.
func runCLI(t *testing.T, env map[string]string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(""), &out, &errb, func(k string) string { return env[k] })
	if err != nil {
		errb.WriteString(errorText(err))
	}
	return out.String(), errb.String(), exitCode(err)
}

// statusServer is a receiver answering codes in turn; its URL ends in /hook.
func statusServer(t *testing.T, codes ...int) string {
	t.Helper()
	srv, _ := testkit.Answering(t, codes...)
	return srv.URL + "/hook"
}

const cliSecret = "cGNqFPb6y0RT3XO9XVSessBDYIbHQ-test"

func TestSendExitCodes(t *testing.T) {
	tests := []struct {
		name     string
		codes    []int
		args     []string
		exit     int
		inStdout []string
		inStderr []string
	}{
		{"delivered first time", []int{200}, []string{"--platform", "prolific", "submission.status.change", "--status", "APPROVED"}, 0,
			[]string{"attempt  1", "HTTP 200", "delivered after 1 attempt(s)"}, nil},
		{"delivered after retries", []int{500, 503, 204}, []string{"--platform", "respondent", "PROJECTS.UPDATED"}, 0,
			[]string{"attempt  3", "retry in 10m0s", "delivered after 3 attempt(s) at t+20m0s simulated"}, nil},
		{"finally failed", []int{500}, []string{"--platform", "respondent", "MESSAGES.CREATED"}, 1,
			[]string{"attempt  6", "FAILED after 6 attempt(s)"}, []string{"all 6 attempts failed"}},
		{"one attempt only", []int{500}, []string{"--platform", "prolific", "--max-attempts", "1", "study.progress.change"}, 1,
			[]string{"FAILED after 1 attempt(s)"}, nil},
		{"legacy preset", []int{500}, []string{"--platform", "prolific", "--retries", "prolific-legacy", "study.status.change"}, 1,
			[]string{"policy prolific-legacy (12 attempts", "cut-off 24h0m0s"}, nil},
		{"unknown platform", []int{200}, []string{"--platform", "qualtrics", "x"}, 2, nil, []string{"prolific", "respondent"}},
		{"unknown event type", []int{200}, []string{"--platform", "prolific", "study.exploded"}, 2, nil, []string{`"study.status.change"`}},
		{"unknown status", []int{200}, []string{"--platform", "prolific", "submission.status.change", "--status", "AWAITING_REVIEW"}, 2, nil, []string{`"AWAITING REVIEW"`}},
		{"unknown preset", []int{200}, []string{"--platform", "prolific", "--retries", "hourly", "study.status.change"}, 2, nil, []string{"prolific-legacy"}},
		{"unsupported tamper", []int{200}, []string{"--platform", "respondent", "--tamper", "stale_timestamp", "PROJECTS.UPDATED"}, 2, nil, []string{"signs no timestamp"}},
		{"no event type", []int{200}, []string{"--platform", "prolific"}, 2, nil, []string{"exactly one EVENT_TYPE"}},
		{"bad format", []int{200}, []string{"--platform", "prolific", "--format", "xml", "study.status.change"}, 2, nil, []string{"text or json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := statusServer(t, tt.codes...)
			args := append([]string{"send", "--target", url, "--secret", cliSecret, "--seed", "7"}, tt.args...)
			out, errOut, code := runCLI(t, nil, args...)
			tassert.Equal(t, tt.exit, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
			for _, s := range tt.inStdout {
				tassert.Contains(t, out, s)
			}
			for _, s := range tt.inStderr {
				tassert.Contains(t, errOut, s)
			}
			tassert.NotContains(t, out+errOut, cliSecret, "the secret is never printed")
		})
	}
}

func TestSendBadTargetAndSecret(t *testing.T) {
	tests := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--target", "ftp://x/", "--secret", "s"}, nil, "scheme must be http or https"},
		{[]string{"--target", "http://127.0.0.1:1/"}, nil, "secret is empty"},
		{[]string{"--secret", "s"}, nil, "target URL is empty"},
	}
	for _, tt := range tests {
		_, errOut, code := runCLI(t, tt.env, append([]string{"send", "--platform", "prolific", "study.status.change"}, tt.args...)...)
		tassert.Equal(t, 2, code)
		tassert.Contains(t, errOut, tt.want)
	}
	// The secret may come from the environment instead of the command line.
	url := statusServer(t, 200)
	_, _, code := runCLI(t, map[string]string{"HOOKDRILL_SECRET": cliSecret}, "send", "--platform", "prolific", "--target", url, "study.status.change")
	tassert.Equal(t, 0, code)
}

func TestSendJSONAndJournal(t *testing.T) {
	url := statusServer(t, 500, 200)
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	out, errOut, code := runCLI(t, nil, "send", "--platform", "prolific", "--target", url, "--secret", cliSecret,
		"--seed", "11", "--format", "json", "--journal", path, "submission.status.change")
	require.Equal(t, 0, code, errOut)
	var got struct {
		Seed     uint64              `json:"seed"`
		Status   string              `json:"status"`
		Attempts []hookdrill.Attempt `json:"attempts"`
		Event    struct {
			ID string `json:"id"`
		} `json:"event"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &got), out)
	tassert.Equal(t, uint64(11), got.Seed)
	tassert.Equal(t, "SUCCEEDED", got.Status)
	require.Len(t, got.Attempts, 2)
	tassert.Contains(t, got.Attempts[1].Request.Header, "X-Event-ID", "the journal shows the header name as sent")
	tassert.Equal(t, []string{got.Event.ID}, hookdrill.HeaderValues(got.Attempts[1].Request.Header, "X-Event-ID"))

	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	snap, err := hookdrill.ReadJSONL(f)
	require.NoError(t, err)
	tassert.Len(t, snap.Attempts(""), 2)
	tassert.Len(t, snap.Deliveries(), 1)

	// The same seed gives the same event id.
	out2, _, _ := runCLI(t, nil, "send", "--platform", "prolific", "--target", url, "--secret", cliSecret, "--seed", "11", "--format", "json", "submission.status.change")
	var again struct {
		Event struct{ ID string } `json:"event"`
	}
	require.NoError(t, json.Unmarshal([]byte(out2), &again))
	tassert.Equal(t, got.Event.ID, again.Event.ID)
}

func TestUsage(t *testing.T) {
	out, _, code := runCLI(t, nil)
	tassert.Equal(t, 2, code)
	tassert.Contains(t, out, "send")
	_, errOut, code := runCLI(t, nil, "frobnicate")
	tassert.Equal(t, 2, code)
	tassert.Contains(t, errOut, `unknown command "frobnicate"`)
	out, _, code = runCLI(t, nil, "send", "-h")
	tassert.Equal(t, 0, code)
	tassert.Contains(t, out, "--platform")
}

// Two sends about the same submission (different seeds, statuses) name the
// same participant, as two Prolific events about one submission do.
func TestSendKeepsTheSubmissionsParticipant(t *testing.T) {
	url := statusServer(t, 200)
	participant := func(seed, status string) string {
		t.Helper()
		out, errOut, code := runCLI(t, nil, "send", "--platform", "prolific", "--target", url, "--secret", cliSecret,
			"--seed", seed, "--format", "json", "--resource-id", "6394cee383e14a167638b3a1", "--status", status, "submission.status.change")
		require.Equal(t, 0, code, errOut)
		var got struct {
			Event struct {
				Payload map[string]any `json:"payload"`
			} `json:"event"`
		}
		require.NoError(t, json.Unmarshal([]byte(out), &got), out)
		return got.Event.Payload["participant_id"].(string)
	}
	first := participant("1", "ACTIVE")
	require.NotEmpty(t, first)
	tassert.Equal(t, first, participant("2", "AWAITING REVIEW"))
	tassert.Equal(t, first, participant("3", "APPROVED"))
}
