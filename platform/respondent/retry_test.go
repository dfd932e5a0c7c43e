package respondent_test

import (
	"testing"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/platform/respondent"
	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPreset(t *testing.T) {
	want := hookdrill.RetryPolicy{Name: "respondent", MaxAttempts: 6, BaseDelay: 10 * time.Minute, Multiplier: 1,
		Jitter: hookdrill.JitterNone, Timeout: 3 * time.Second}
	tassert.Equal(t, want, respondent.DefaultRetryPolicy())
	tassert.Equal(t, map[string]hookdrill.RetryPolicy{"respondent": want}, respondent.RetryPresets())
	require.NoError(t, want.Validate())
	tassert.Equal(t, want, respondent.New(respondent.Options{}).RetryPolicy())
	p := respondent.New(respondent.Options{RequestTimeout: time.Second})
	tassert.Equal(t, time.Second, p.RetryPolicy().Timeout)
	tassert.Equal(t, time.Second, p.RetryPresets()["respondent"].Timeout)
}

// TestSchedule: 5 retries at 10-minute intervals, the last about 50 minutes
// after the first attempt, identical for every seed (no jitter).
func TestSchedule(t *testing.T) {
	pol := respondent.DefaultRetryPolicy()
	for _, rnd := range []bool{false, true} {
		var starts []time.Duration
		elapsed := time.Duration(0)
		for attempt := 1; attempt <= 20; attempt++ {
			starts = append(starts, elapsed)
			var r = seeded(uint64(attempt))
			if !rnd {
				r = nil
			}
			wait, stop := pol.Next(attempt, elapsed, hookdrill.OutcomeTimeout, r)
			if stop {
				break
			}
			tassert.Equal(t, 10*time.Minute, wait)
			elapsed += wait
		}
		tassert.Equal(t, []time.Duration{0, 10 * time.Minute, 20 * time.Minute, 30 * time.Minute, 40 * time.Minute, 50 * time.Minute}, starts)
	}
	// No cut-off: elapsed time alone never stops it.
	_, stop := pol.Next(2, 1000*time.Hour, hookdrill.OutcomeHTTPError, nil)
	tassert.False(t, stop)
	_, stop = pol.Next(1, 0, hookdrill.OutcomeSuccess, nil)
	tassert.True(t, stop)
}
