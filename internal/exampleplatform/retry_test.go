package exampleplatform_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/internal/exampleplatform"
	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPresets(t *testing.T) {
	def, fast := exampleplatform.DefaultRetryPolicy(), exampleplatform.FastRetryPolicy()
	tassert.Equal(t, hookdrill.RetryPolicy{Name: "example", MaxAttempts: 4, BaseDelay: time.Minute, Multiplier: 5,
		Jitter: hookdrill.JitterNone, Timeout: 5 * time.Second}, def)
	tassert.Equal(t, hookdrill.RetryPolicy{Name: "example-fast", MaxAttempts: 8, BaseDelay: 10 * time.Second, Multiplier: 2,
		MaxDelay: 5 * time.Minute, Jitter: hookdrill.JitterFull, Cutoff: time.Hour, Timeout: 5 * time.Second}, fast)
	tassert.Len(t, exampleplatform.RetryPresets(), 2)
	for name, pol := range exampleplatform.RetryPresets() {
		require.NoError(t, pol.Validate(), name)
		tassert.Equal(t, name, pol.Name)
	}

	tassert.Equal(t, def, exampleplatform.New(exampleplatform.Options{}).RetryPolicy())
	p := exampleplatform.New(exampleplatform.Options{RetryPreset: exampleplatform.PresetFast, RequestTimeout: 2 * time.Second})
	want := fast
	want.Timeout = 2 * time.Second
	tassert.Equal(t, want, p.RetryPolicy())
	for _, pol := range p.RetryPresets() {
		tassert.Equal(t, 2*time.Second, pol.Timeout)
	}
}

// TestDefaultSchedule follows Next on the default preset: retries 1, 5 and
// 25 minutes apart, then stop; no jitter, so no randomness is needed.
func TestDefaultSchedule(t *testing.T) {
	pol := exampleplatform.DefaultRetryPolicy()
	tests := []struct {
		attempt  int
		outcome  hookdrill.Outcome
		wantWait time.Duration
		wantStop bool
	}{
		{1, hookdrill.OutcomeHTTPError, time.Minute, false},
		{2, hookdrill.OutcomeHTTPError, 5 * time.Minute, false},
		{3, hookdrill.OutcomeTimeout, 25 * time.Minute, false},
		{4, hookdrill.OutcomeHTTPError, 0, true},
		{1, hookdrill.OutcomeSuccess, 0, true},
	}
	for _, tt := range tests {
		wait, stop := pol.Next(tt.attempt, 0, tt.outcome, nil)
		tassert.Equal(t, tt.wantWait, wait, "after attempt %d (%s)", tt.attempt, tt.outcome)
		tassert.Equal(t, tt.wantStop, stop, "after attempt %d (%s)", tt.attempt, tt.outcome)
	}
}

// TestFastSchedule: the maximum delays double from 10 s and cap at 5 min;
// jittered waits stay within them; the 1 h cut-off ends the schedule.
func TestFastSchedule(t *testing.T) {
	pol := exampleplatform.FastRetryPolicy()
	table := []struct {
		retry int
		max   time.Duration
	}{{1, 10 * time.Second}, {2, 20 * time.Second}, {3, 40 * time.Second}, {4, 80 * time.Second},
		{5, 160 * time.Second}, {6, 5 * time.Minute}, {7, 5 * time.Minute}}
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, row := range table {
		tassert.Equal(t, row.max, pol.MaxDelayBefore(row.retry), "retry %d", row.retry)
		for range 50 {
			wait, stop := pol.Next(row.retry, 0, hookdrill.OutcomeRefused, rnd)
			require.False(t, stop)
			require.True(t, wait >= 0 && wait <= row.max, "retry %d wait %s", row.retry, wait)
		}
	}
	_, stop := pol.Next(8, 0, hookdrill.OutcomeHTTPError, rnd)
	tassert.True(t, stop, "8 attempts at most")
	_, stop = pol.Next(2, time.Hour, hookdrill.OutcomeHTTPError, rnd)
	tassert.True(t, stop, "past the cut-off")
}
