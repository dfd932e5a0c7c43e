package conformance_test

import (
	"context"
	"io/fs"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/assert"
	"github.com/hookdrill/hookdrill/conform"
	"github.com/hookdrill/hookdrill/internal/exampleplatform"
	"github.com/hookdrill/hookdrill/internal/exampleplatform/conformance"
	"github.com/hookdrill/hookdrill/internal/exampleplatform/reference"
	"github.com/hookdrill/hookdrill/platform"
	"github.com/hookdrill/hookdrill/platform/prolific"
	"github.com/hookdrill/hookdrill/platform/respondent"
	"github.com/hookdrill/hookdrill/receiver"
)

const secret = "conform-example-secret"

// registry holds the two real platforms and the example one, as a core
// package sees them: values, no list.
func registry(t testing.TB) *platform.Registry {
	t.Helper()
	r, err := platform.NewRegistry(
		func() hookdrill.Profile { return prolific.New(prolific.Options{}) },
		func() hookdrill.Profile { return respondent.New(respondent.Options{}) },
		func() hookdrill.Profile { return exampleplatform.New(exampleplatform.Options{}) },
	)
	require.NoError(t, err)
	return r
}

// The suite loads, every check file is named after its id, and the
// control event is the platform's event type and one of its statuses.
func TestSuite(t *testing.T) {
	s := conformance.Suite()
	require.Equal(t, exampleplatform.Name, s.Platform)
	checks, err := s.Load(registry(t))
	require.NoError(t, err)
	require.Len(t, checks, 7)
	for _, c := range checks {
		id := strings.TrimPrefix(c.Check.ID, s.Platform+".")
		require.Equal(t, s.Platform+"/"+id+".yaml", c.File)
		_, err := fs.Stat(s.Files, id+".yaml")
		require.NoError(t, err)
	}
	require.Equal(t, exampleplatform.EventOrderUpdated, s.Control.Type)
	require.Contains(t, exampleplatform.Statuses(), s.Control.Status)
}

// runAgainst runs the example suite against the reference receiver with
// bugs and returns the ids (without the platform prefix) of the checks
// that failed.
func runAgainst(t *testing.T, bugs []receiver.Bug) ([]string, conform.Result) {
	t.Helper()
	url, stop, err := receiver.Start(receiver.Config{Platform: reference.New(), Secret: secret, Bugs: bugs})
	require.NoError(t, err)
	defer stop()
	cfg := conform.Config{
		Suites: conform.Suites{conformance.Suite()}, Registry: registry(t),
		Platform: exampleplatform.Name, Target: url + "/webhook", Secret: secret,
		ProbeApplied: url + "/_state#/processed/{event_id}", ProbeStatus: url + "/_state#/status/{resource_id}",
		Strict: true, Seed: 7,
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := conform.Run(ctx, cfg)
	require.NoError(t, err)
	var failed []string
	for _, sc := range res.Report.Scenarios {
		require.NotEqual(t, assert.Error, sc.Verdict, "%s could not run: %s", sc.Name, sc.Reason)
		require.NotEqual(t, assert.Skip, sc.Verdict, "%s skipped: %s", sc.Name, sc.Reason)
		if sc.Verdict == assert.Fail {
			failed = append(failed, strings.TrimPrefix(sc.Check.ID, exampleplatform.Name+"."))
		}
	}
	sort.Strings(failed)
	return failed, res
}

// TestCorrectReceiverPasses: the correct reference receiver passes every
// check of the example suite, SHOULD ones included.
func TestCorrectReceiverPasses(t *testing.T) {
	failed, res := runAgainst(t, nil)
	require.Empty(t, failed)
	require.True(t, res.OK)
	require.Len(t, res.Report.Scenarios, 7+1, "every check ran, and the preflight")
}

// TestEveryBugIsCaught: each bug of the example catalogue fails exactly
// the checks it declares.
func TestEveryBugIsCaught(t *testing.T) {
	caught := map[string]bool{}
	for _, bug := range receiver.Bugs(reference.New()) {
		for _, id := range bug.Fails {
			caught[id] = true
		}
		t.Run(string(bug.Name), func(t *testing.T) {
			failed, res := runAgainst(t, []receiver.Bug{bug.Name})
			require.Equal(t, bug.Fails, failed)
			require.False(t, res.OK)
		})
	}
	checks, err := conformance.Suite().Load(registry(t))
	require.NoError(t, err)
	for _, c := range checks {
		id := strings.TrimPrefix(c.Check.ID, exampleplatform.Name+".")
		if id == "signature.valid" { // the positive control
			continue
		}
		require.True(t, caught[id], "no bug of the catalogue is caught by %s", c.Check.ID)
	}
}
