package loadprofile_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/internal/exampleplatform"
	"github.com/hookdrill/hookdrill/internal/exampleplatform/loadprofile"
	"github.com/hookdrill/hookdrill/load"
)

// TestProfilesBuildValidEvents: every event the built-in profile or the
// default mix schedules is one the wire profile builds, and every order's
// events come in the order created, then paid or cancelled, then refunded.
func TestProfilesBuildValidEvents(t *testing.T) {
	prof := exampleplatform.New(exampleplatform.Options{})
	rnd := rand.New(rand.NewPCG(1, 2))
	s, err := load.Workloads{loadprofile.Workload()}.LookupProfile(loadprofile.Orders, 300)
	require.NoError(t, err)
	items, _, err := s.Schedule(exampleplatform.Name, 3, 0)
	require.NoError(t, err)
	require.Greater(t, len(items), 600)
	rank := map[string]int{"created": 0, "paid": 1, "cancelled": 1, "refunded": 2}
	last := map[string]int{}
	for _, it := range items {
		_, err := prof.NewEvent(it.Spec, rnd, time.Now())
		require.NoError(t, err, "%s %s", it.Spec.Type, it.Spec.Status)
		r, seen := last[it.Spec.ResourceID]
		require.True(t, !seen || rank[it.Spec.Status] > r, "order %s: %s after rank %d", it.Spec.ResourceID, it.Spec.Status, r)
		last[it.Spec.ResourceID] = rank[it.Spec.Status]
	}
	require.Len(t, last, 300)
	for _, e := range loadprofile.DefaultMix() {
		_, err := prof.NewEvent(hookdrill.EventSpec{Type: e.Event, Status: e.Status, Extra: e.Extra}, rnd, time.Now())
		require.NoError(t, err, "%s %s", e.Event, e.Status)
	}
	mix, ok := load.Workloads{loadprofile.Workload()}.Mix(exampleplatform.Name)
	require.True(t, ok)
	require.Equal(t, loadprofile.DefaultMix(), mix)
}

// TestScheduleReproducible: one seed, one schedule.
func TestScheduleReproducible(t *testing.T) {
	s, err := load.Workloads{loadprofile.Workload()}.LookupProfile(loadprofile.Orders, 50)
	require.NoError(t, err)
	a, _, err := s.Schedule(exampleplatform.Name, 9, time.Minute)
	require.NoError(t, err)
	b, _, err := s.Schedule(exampleplatform.Name, 9, time.Minute)
	require.NoError(t, err)
	require.Equal(t, a, b)
	c, _, err := s.Schedule(exampleplatform.Name, 10, time.Minute)
	require.NoError(t, err)
	require.NotEqual(t, a, c)
}
