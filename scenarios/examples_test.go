package scenarios_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/assert"
	"github.com/hookdrill/hookdrill/mockserver/scenariomock"
	"github.com/hookdrill/hookdrill/platform/all"
	prolificref "github.com/hookdrill/hookdrill/platform/prolific/reference"
	respondentref "github.com/hookdrill/hookdrill/platform/respondent/reference"
	"github.com/hookdrill/hookdrill/receiver"
	"github.com/hookdrill/hookdrill/scenarios"
)

const exampleSecret = "example-secret-0123456789"

// runExamples runs testdata/examples/PLATFORM against a reference receiver
// with bugs and returns the report and the names of the failed scenarios.
func runExamples(t *testing.T, platform string, bugs ...receiver.Bug) (assert.Report, []string) {
	t.Helper()
	url, stop, err := receiver.Start(receiver.Config{Platform: mustReference(t, platform), Secret: exampleSecret, Bugs: bugs})
	require.NoError(t, err)
	defer stop()
	env := map[string]string{
		"HOOKDRILL_TARGET":    url + "/" + platform,
		"HOOKDRILL_SECRET":    exampleSecret,
		"HOOKDRILL_STATE_URL": url + "/_state",
	}
	cfg := scenarios.RunConfig{
		Probes: map[string]string{
			"applied": url + "/_state#/processed/{event_id}",
			"status":  url + "/_state#/status/{resource_id}",
		},
		Getenv:   func(k string) string { return env[k] },
		Mock:     scenariomock.Factory(all.Mocks()...),
		Parallel: 1,
	}
	scs, err := loader.Load(os.DirFS("testdata/examples"), platform)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rep, err := scenarios.Run(ctx, cfg, scs)
	require.NoError(t, err)
	var failed []string
	for _, sc := range rep.Scenarios {
		require.NotEqual(t, assert.Error, sc.Verdict, "%s: %s", sc.Name, sc.Reason)
		require.NotEqual(t, assert.Skip, sc.Verdict, "%s: %s", sc.Name, sc.Reason)
		if sc.Verdict == assert.Fail {
			failed = append(failed, sc.Name)
		}
	}
	sort.Strings(failed)
	return rep, failed
}

// TestExamplesPassOnCorrectReceiver: every example passes against the
// correct reference receiver of its platform.
func TestExamplesPassOnCorrectReceiver(t *testing.T) {
	for _, p := range all.References().Names() {
		t.Run(p, func(t *testing.T) {
			rep, failed := runExamples(t, p)
			for _, sc := range rep.Scenarios {
				for _, st := range sc.Steps {
					for _, r := range st.Results {
						if r.Verdict != assert.Pass {
							t.Logf("%s step %d %s: want %s, got %s: %s", sc.Name, st.Index, r.Expectation, r.Want, r.Got, r.Message)
						}
					}
					if st.Error != "" {
						t.Logf("%s step %d: %s", sc.Name, st.Index, st.Error)
					}
				}
			}
			require.Empty(t, failed)
			files, err := filepath.Glob(filepath.Join("testdata/examples", p, "*.yaml"))
			require.NoError(t, err)
			require.Len(t, rep.Scenarios, len(files))
		})
	}
}

// TestExamplesCatchBrokenReceivers: the examples fail on broken receivers,
// exactly the ones about the bug, with a message that names it.
func TestExamplesCatchBrokenReceivers(t *testing.T) {
	tests := []struct {
		platform string
		bug      receiver.Bug
		failed   []string
		message  string // in the text report
	}{
		{prolificref.Name, receiver.BugNoDedup, []string{"prolific/duplicate-applied-once", "prolific/lost-ack-applied-once"}, "want 1, got 2"},
		{prolificref.Name, receiver.BugNoOrdering, []string{"prolific/out-of-order"}, `want "APPROVED", got "ACTIVE"`},
		{prolificref.Name, receiver.Bug5xxOnBadSignature, []string{"prolific/bad-signatures", "prolific/retry-48h"}, "want 4xx, got 500"},
		{prolificref.Name, receiver.BugDedupBeforeVerify, []string{"prolific/retry-48h"}, ""},
		{respondentref.Name, receiver.BugNoDedup, []string{"respondent/duplicate-applied-once", "respondent/lost-ack-applied-once"}, "want 1, got 2"},
		{respondentref.Name, receiver.BugNoOrdering, []string{"respondent/out-of-order"}, ""},
		{respondentref.Name, receiver.BugNoSignatureCheck, []string{"respondent/bad-signatures", "respondent/retry-schedule"}, "want 4xx, got 200"},
	}
	for _, tt := range tests {
		t.Run(tt.platform+"/"+string(tt.bug), func(t *testing.T) {
			rep, failed := runExamples(t, tt.platform, tt.bug)
			require.Equal(t, tt.failed, failed)
			var b strings.Builder
			require.NoError(t, assert.WriteText(&b, rep, assert.TextOptions{}))
			require.Contains(t, b.String(), tt.message)
		})
	}
}

// mustReference returns the reference receiver's part of the named platform.
func mustReference(t testing.TB, name string) receiver.Platform {
	t.Helper()
	p, err := all.References().Lookup(name)
	require.NoError(t, err)
	return p
}
