package prolific_test

import (
	"testing"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/platform/prolific"
	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPresets(t *testing.T) {
	cur, leg := prolific.CurrentRetryPolicy(), prolific.LegacyRetryPolicy()
	tassert.Equal(t, hookdrill.RetryPolicy{Name: "prolific", MaxAttempts: 13, BaseDelay: time.Minute, Multiplier: 2,
		Jitter: hookdrill.JitterFull, Cutoff: 48 * time.Hour, Timeout: 10 * time.Second}, cur)
	tassert.Equal(t, hookdrill.RetryPolicy{Name: "prolific-legacy", MaxAttempts: 12, BaseDelay: time.Minute, Multiplier: 2,
		Jitter: hookdrill.JitterFull, Cutoff: 24 * time.Hour, Timeout: 10 * time.Second}, leg)
	for name, pol := range prolific.RetryPresets() {
		require.NoError(t, pol.Validate(), name)
		tassert.Equal(t, name, pol.Name)
	}
	tassert.Len(t, prolific.RetryPresets(), 2)

	// The profile's default honours the options.
	tassert.Equal(t, cur, prolific.New(prolific.Options{}).RetryPolicy())
	p := prolific.New(prolific.Options{RetryPreset: prolific.PresetLegacy, RequestTimeout: 2 * time.Second})
	want := leg
	want.Timeout = 2 * time.Second
	tassert.Equal(t, want, p.RetryPolicy())
	for _, pol := range p.RetryPresets() {
		tassert.Equal(t, 2*time.Second, pol.Timeout)
	}
}

// TestScheduleArithmetic is the spec 2.7 table: max delay and cumulative
// worst case before retry n.
func TestScheduleArithmetic(t *testing.T) {
	table := []struct{ retry, maxMin, cumMin int }{
		{1, 1, 1}, {2, 2, 3}, {3, 4, 7}, {4, 8, 15}, {5, 16, 31}, {6, 32, 63}, {7, 64, 127},
		{8, 128, 255}, {9, 256, 511}, {10, 512, 1023}, {11, 1024, 2047}, {12, 2048, 4095},
	}
	pol := prolific.CurrentRetryPolicy()
	cum := time.Duration(0)
	for _, row := range table {
		d := pol.MaxDelayBefore(row.retry)
		cum += d
		tassert.Equal(t, time.Duration(row.maxMin)*time.Minute, d, "retry %d", row.retry)
		tassert.Equal(t, time.Duration(row.cumMin)*time.Minute, cum, "cumulative before retry %d", row.retry)
	}
}

// worstCase follows Next with every wait at its maximum (jitter disabled).
func worstCase(pol hookdrill.RetryPolicy) (attempts int, elapsed time.Duration) {
	pol.Jitter = hookdrill.JitterNone
	attempts = 1
	for attempts <= 100 {
		wait, stop := pol.Next(attempts, elapsed, hookdrill.OutcomeHTTPError, nil)
		if stop {
			return attempts, elapsed
		}
		elapsed += wait
		attempts++
	}
	return attempts, elapsed
}

func TestCutoff(t *testing.T) {
	tests := []struct {
		name         string
		pol          hookdrill.RetryPolicy
		wantAttempts int
		wantLast     time.Duration // start of the last attempt after the first
	}{
		// Retry 12 would start at 4095 min > 48 h: 12 attempts, the last at 2047 min.
		{"current, worst case", prolific.CurrentRetryPolicy(), 12, 2047 * time.Minute},
		// Retry 11 would start at 2047 min > 24 h: 11 attempts, the last at 1023 min.
		{"legacy, worst case", prolific.LegacyRetryPolicy(), 11, 1023 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, last := worstCase(tt.pol)
			tassert.Equal(t, tt.wantAttempts, n)
			tassert.Equal(t, tt.wantLast, last)
		})
	}
	pol := prolific.CurrentRetryPolicy()
	t.Run("attempt 13 is the last", func(t *testing.T) {
		_, stop := pol.Next(13, time.Hour, hookdrill.OutcomeTimeout, seeded(1))
		tassert.True(t, stop)
		_, stop = pol.Next(12, time.Hour, hookdrill.OutcomeTimeout, seeded(1))
		tassert.False(t, stop)
	})
	t.Run("past the cut-off", func(t *testing.T) {
		_, stop := pol.Next(2, 48*time.Hour+time.Nanosecond, hookdrill.OutcomeTimeout, seeded(1))
		tassert.True(t, stop)
	})
	t.Run("success and local errors stop", func(t *testing.T) {
		for _, o := range []hookdrill.Outcome{hookdrill.OutcomeSuccess, hookdrill.OutcomeLocalError, hookdrill.OutcomeCancelled} {
			_, stop := pol.Next(1, 0, o, seeded(1))
			tassert.True(t, stop, o)
		}
	})
}

func TestJitter(t *testing.T) {
	for _, pol := range prolific.RetryPresets() {
		t.Run(pol.Name, func(t *testing.T) {
			schedule := func(seed uint64) []time.Duration {
				rnd := seeded(seed)
				var waits []time.Duration
				elapsed := time.Duration(0)
				for attempt := 1; attempt <= pol.MaxAttempts; attempt++ {
					wait, stop := pol.Next(attempt, elapsed, hookdrill.OutcomeHTTPError, rnd)
					if stop {
						break
					}
					waits = append(waits, wait)
					elapsed += wait
				}
				return waits
			}
			tassert.Equal(t, schedule(99), schedule(99), "same seed, same waits")
			tassert.NotEqual(t, schedule(99), schedule(100))

			// No jittered wait exceeds its maximum, and the waits are spread
			// over [0, max] rather than pinned to it.
			belowHalf := 0
			for seed := uint64(1); seed <= 300; seed++ {
				rnd := seeded(seed)
				for attempt := 1; attempt < pol.MaxAttempts; attempt++ {
					wait, stop := pol.Next(attempt, 0, hookdrill.OutcomeHTTPError, rnd)
					require.False(t, stop)
					max := pol.MaxDelayBefore(attempt)
					require.GreaterOrEqual(t, wait, time.Duration(0))
					require.LessOrEqual(t, wait, max, "attempt %d seed %d", attempt, seed)
					if wait < max/2 {
						belowHalf++
					}
				}
			}
			total := 300 * (pol.MaxAttempts - 1)
			tassert.Greater(t, belowHalf, total/4, "full jitter: many waits below half the max")
			tassert.Less(t, belowHalf, 3*total/4)
		})
	}
}
