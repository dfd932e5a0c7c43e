package load_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/load"
	"github.com/hookdrill/hookdrill/platform/prolific"
)

func TestWorkloadsLookupProfile(t *testing.T) {
	_, err := testWorkloads.LookupProfile("nope", 0)
	require.EqualError(t, err, `unknown profile "nope" (built-in: study-fill, bulk-approve, respondent-project; or a YAML file)`)
	_, err = testWorkloads.LookupProfile("study-fill", -1)
	require.ErrorContains(t, err, "participants")
	s, err := testWorkloads.LookupProfile("respondent-project", 0)
	require.NoError(t, err)
	require.Equal(t, load.DefaultParticipants, s.Participants)
	require.Equal(t, "respondent", s.Platform)

	m, ok := testWorkloads.Mix("respondent")
	require.True(t, ok)
	require.NotEmpty(t, m)
	_, ok = testWorkloads.Mix("acme")
	require.False(t, ok)

	_, err = load.Profile{Name: "x"}.Scenario(0)
	require.ErrorContains(t, err, "no generator")
}

// TestCustomWorkload: a platform package contributes a profile and a mix
// that load has never heard of.
func TestCustomWorkload(t *testing.T) {
	gen := func(n int, span time.Duration, r *rand.Rand) []load.Item {
		var out []load.Item
		for i := range n {
			out = append(out, load.Item{At: load.Between(r, span, 0, 1), Key: uint64(i),
				Spec: hookdrill.EventSpec{Type: prolific.EventStudyProgressChange, ResourceID: load.ObjectID(r)}})
		}
		return out
	}
	ws := load.Workloads{{Platform: prolific.Name, Mix: load.Mix{{Event: prolific.EventStudyProgressChange}},
		Profiles: []load.Profile{{Name: "tick", Platform: prolific.Name, Participants: 5, Span: time.Second, Generate: gen}}}}
	s, err := ws.LookupProfile("tick", 0)
	require.NoError(t, err)
	items, span, err := s.Schedule(prolific.Name, 1, 0)
	require.NoError(t, err)
	require.Equal(t, time.Second, span)
	require.Len(t, items, 5)
	for i, it := range items {
		require.EqualValues(t, i, it.Seq)
		require.Len(t, it.Spec.ResourceID, 24)
	}
	_, _, err = s.Schedule("respondent", 1, 0)
	require.ErrorContains(t, err, "is for prolific")
}

func TestRunNeedsPlatformsAndAMix(t *testing.T) {
	base := load.Config{Platform: prolific.Name, Target: hookdrill.Target{URL: "http://127.0.0.1:9/h", Secret: "s"},
		Rate: load.Rate{Freq: 1, Per: time.Second}, Duration: time.Millisecond}
	_, err := load.Run(context.Background(), base)
	require.ErrorContains(t, err, "Config.Platforms is nil")

	noMix := base
	noMix.Platforms = testPlatforms
	_, err = load.Run(context.Background(), noMix)
	require.ErrorContains(t, err, "no event mix for platform prolific")

	_, err = load.ParseScenario("f.yaml", []byte("version: 1\nplatform: prolific\n"), nil)
	require.ErrorIs(t, err, load.ErrBadScenario)
	_, err = load.ParseScenario("f.yaml", []byte("version: 1\nplatform: zoom\nphases: []\n"), testPlatforms)
	require.ErrorContains(t, err, `f.yaml:2: platform: want prolific or respondent, got "zoom"`)
}
