package loadprofile_test

import (
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/load"
	"github.com/hookdrill/hookdrill/platform/respondent"
	"github.com/hookdrill/hookdrill/platform/respondent/loadprofile"
)

func lookup(t *testing.T, name string, n int) *load.Scenario {
	t.Helper()
	s, err := load.Workloads{loadprofile.Workload()}.LookupProfile(name, n)
	require.NoError(t, err)
	return s
}

// TestProfilesBuildValidEvents: every event the built-in profile or the
// default mix schedules is one the wire profile builds.
func TestProfilesBuildValidEvents(t *testing.T) {
	prof := respondent.New(respondent.Options{})
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, p := range loadprofile.Profiles() {
		t.Run(p.Name, func(t *testing.T) {
			require.Equal(t, respondent.Name, p.Platform)
			items, _, err := lookup(t, p.Name, 200).Schedule(respondent.Name, 3, 0)
			require.NoError(t, err)
			require.Greater(t, len(items), 200)
			for _, it := range items {
				_, err := prof.NewEvent(it.Spec, rnd, time.Now())
				require.NoError(t, err, "%s %s", it.Spec.Type, it.Spec.Status)
			}
		})
	}
	for _, e := range loadprofile.DefaultMix() {
		_, err := prof.NewEvent(hookdrill.EventSpec{Type: e.Event, Status: e.Status, Extra: e.Extra}, rnd, time.Now())
		require.NoError(t, err, "%s %s", e.Event, e.Status)
	}
}

// TestSchedulesUnchanged: the profile and the mix moved here from package
// load (issue 12) and play exactly the schedules they played there (the
// hashes were taken from package load before the move).
func TestSchedulesUnchanged(t *testing.T) {
	for _, tc := range []struct {
		seed uint64
		span time.Duration
		want string
	}{
		{7, time.Minute, "d3086575db6a553b2319362c0f968f23101af7dd370d4750520cb64fd76d016c"},
		{8, 0, "c0a2bba615c31ab6177469f00e43c8accfd5121a3d4a1ee1782231d191aa1a92"},
	} {
		items, _, err := lookup(t, loadprofile.Project, 300).Schedule(respondent.Name, tc.seed, tc.span)
		require.NoError(t, err)
		require.Equal(t, tc.want, fmt.Sprintf("%x", sha256.Sum256([]byte(fmt.Sprintf("%+v", items)))), "seed %d", tc.seed)
	}
	require.Equal(t, "f05b9f04cc0ca518d0d530adef84c44eca0feb972dc50a10b05e6ebc208a3560",
		fmt.Sprintf("%x", sha256.Sum256([]byte(fmt.Sprintf("%+v", loadprofile.DefaultMix())))))
}
