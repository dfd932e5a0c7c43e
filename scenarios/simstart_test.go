package scenarios_test

import (
	"context"
	"os"
	"testing"
	"time"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/assert"
	"github.com/hookdrill/hookdrill/clock"
	"github.com/hookdrill/hookdrill/mockserver/scenariomock"
	"github.com/hookdrill/hookdrill/platform/all"
	prolificref "github.com/hookdrill/hookdrill/platform/prolific/reference"
	"github.com/hookdrill/hookdrill/receiver"
	"github.com/hookdrill/hookdrill/scenarios"
)

// TestDisablingExampleAtAnyTimeOfDay: Prolific counts failing UTC calendar
// days, so the disabling example fixes where its simulated clock starts
// (sim_start) and gives the same verdict whatever the time of day it runs.
// Without sim_start it failed late in the day: the first two triggers'
// retries spanned five calendar days and the third trigger found the
// subscription already disabled.
func TestDisablingExampleAtAnyTimeOfDay(t *testing.T) {
	data, err := os.ReadFile("testdata/examples/prolific/disabling.yaml")
	require.NoError(t, err)
	day := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	for _, at := range []time.Duration{30 * time.Second, 12 * time.Hour, 23*time.Hour + 50*time.Minute} {
		now := day.Add(at)
		t.Run(now.Format("15:04"), func(t *testing.T) {
			// The receiver checks request timestamps against the same wall clock.
			url, stop, err := receiver.Start(receiver.Config{Platform: prolificref.New(), Secret: exampleSecret, Clock: clock.NewSim(now)})
			require.NoError(t, err)
			defer stop()
			sc, err := loader.Parse("prolific/disabling.yaml", data)
			require.NoError(t, err)
			env := map[string]string{"HOOKDRILL_TARGET": url + "/prolific", "HOOKDRILL_SECRET": exampleSecret}
			res := scenarios.RunScenario(context.Background(), scenarios.RunConfig{
				Getenv: func(k string) string { return env[k] }, Mock: scenariomock.Factory(all.Mocks()...),
				WallNow: func() time.Time { return now },
			}, sc)
			tassert.Equal(t, assert.Pass, res.Verdict, res.Reason)
		})
	}
}

func TestSimStartIsValidated(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"sim_start: tomorrow\n", `sim_start: want an RFC 3339 instant`},
		{"sim_start: 2026-01-05T00:00:00Z\nclock: real\n", `sim_start: only a simulated clock`},
	} {
		_, err := loader.Parse("s.yaml", []byte("version: 1\nname: s\nplatform: prolific\n"+tc.yaml+"steps:\n  - send: submission.status.change\n"))
		require.Error(t, err, tc.yaml)
		tassert.Contains(t, err.Error(), tc.want)
		tassert.Contains(t, err.Error(), "s.yaml:", "the error names the file and line")
	}
	_, err := loader.Parse("s.yaml", []byte("version: 1\nname: s\nplatform: prolific\nsim_start: 2026-01-05T00:00:00Z\nsteps:\n  - send: submission.status.change\n"))
	require.NoError(t, err)
}
