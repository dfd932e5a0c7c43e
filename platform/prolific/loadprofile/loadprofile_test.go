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
	"github.com/hookdrill/hookdrill/platform/prolific"
	"github.com/hookdrill/hookdrill/platform/prolific/loadprofile"
)

// next statuses a submission may take from each status (spec 3.5).
var lifecycle = map[string][]string{
	"":                            {prolific.StatusReserved},
	prolific.StatusReserved:       {prolific.StatusActive},
	prolific.StatusActive:         {prolific.StatusAwaitingReview, prolific.StatusReturned, prolific.StatusTimedOut, prolific.StatusScreenedOut},
	prolific.StatusAwaitingReview: {prolific.StatusApproved, prolific.StatusRejected, prolific.StatusPartiallyApproved, prolific.StatusReturned},
}

func lookup(t *testing.T, name string, n int) *load.Scenario {
	t.Helper()
	s, err := load.Workloads{loadprofile.Workload()}.LookupProfile(name, n)
	require.NoError(t, err)
	return s
}

func TestStudyFillFollowsTheSubmissionLifecycle(t *testing.T) {
	p := lookup(t, loadprofile.StudyFill, 500)
	items, span, err := p.Schedule(prolific.Name, 11, time.Minute)
	require.NoError(t, err)
	require.Equal(t, time.Minute, span)
	last := map[string]string{}
	keyOf := map[string]uint64{}
	approved := 0
	for i, it := range items {
		require.EqualValues(t, i, it.Seq)
		require.Less(t, it.At, span)
		if i > 0 {
			require.GreaterOrEqual(t, it.At, items[i-1].At, "sorted by time")
		}
		if it.Spec.Type != prolific.EventSubmissionStatusChange {
			continue
		}
		sub := it.Spec.ResourceID
		require.Contains(t, lifecycle[last[sub]], it.Spec.Status, "submission %s: %q after %q", sub, it.Spec.Status, last[sub])
		last[sub] = it.Spec.Status
		if k, ok := keyOf[sub]; ok {
			require.Equal(t, k, it.Key, "a submission's events share a shard key")
		}
		keyOf[sub] = it.Key
		if it.Spec.Status == prolific.StatusApproved {
			approved++
		}
	}
	require.Len(t, last, 500)
	require.InDelta(t, 500*0.88*0.94, approved, 40)
	for _, s := range last {
		require.NotContains(t, []string{prolific.StatusReserved, prolific.StatusActive, prolific.StatusAwaitingReview}, s, "every submission reaches an end")
	}
	again, _, err := p.Schedule(prolific.Name, 11, time.Minute)
	require.NoError(t, err)
	require.Equal(t, items, again, "seeded")
	other, _, _ := p.Schedule(prolific.Name, 12, time.Minute)
	require.NotEqual(t, items, other)
	_, _, err = p.Schedule("respondent", 11, 0)
	require.ErrorContains(t, err, "is for prolific")
}

// TestProfilesBuildValidEvents: every event a built-in profile or the
// default mix schedules is one the wire profile builds.
func TestProfilesBuildValidEvents(t *testing.T) {
	prof := prolific.New(prolific.Options{})
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, p := range loadprofile.Profiles() {
		t.Run(p.Name, func(t *testing.T) {
			require.Equal(t, prolific.Name, p.Platform)
			s := lookup(t, p.Name, 200)
			items, _, err := s.Schedule(prolific.Name, 3, 0)
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

// TestSchedulesUnchanged: the profiles and the mix moved here from package
// load (issue 12) and play exactly the schedules they played there (the
// hashes were taken from package load before the move).
func TestSchedulesUnchanged(t *testing.T) {
	for _, tc := range []struct {
		name string
		seed uint64
		span time.Duration
		want string
	}{
		{loadprofile.StudyFill, 7, time.Minute, "84621e4f6095802f110096c74eb85c68b6bd176536eb98ea60d5d112c5b66a61"},
		{loadprofile.StudyFill, 8, 0, "df7452489db1b0d1e004880c461f6605af6c2b75554a96327b0aa2195ab84647"},
		{loadprofile.BulkApprove, 7, time.Minute, "59673705db947b3a3a1a3df2831b13596dea0216763af94dd13b0fbfa546f398"},
		{loadprofile.BulkApprove, 8, 0, "2a9f1032fad0875b41bccbe0d58448954f601209ed964a561b8432f53e6b62d4"},
	} {
		items, _, err := lookup(t, tc.name, 300).Schedule(prolific.Name, tc.seed, tc.span)
		require.NoError(t, err)
		require.Equal(t, tc.want, fmt.Sprintf("%x", sha256.Sum256([]byte(fmt.Sprintf("%+v", items)))), "%s seed %d", tc.name, tc.seed)
	}
	require.Equal(t, "b49ae138652a23ac5c553944b8a65bcdef9bc743793d970b2f2b487f9b800c59",
		fmt.Sprintf("%x", sha256.Sum256([]byte(fmt.Sprintf("%+v", loadprofile.DefaultMix())))))
}
