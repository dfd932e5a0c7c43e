package scenarios

import (
	"strings"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLoaderBoundsCounts: every count and duration a scenario sets is
// bounded, and going over is an error naming file, line and field.
func TestLoaderBoundsCounts(t *testing.T) {
	tests := []struct{ name, step, field, msg string }{
		{"max_attempts", "send: study.progress.change\n    retries: {max_attempts: 1000000}", "steps[0].retries.max_attempts", "at most 100"},
		{"max_attempts zero", "send: study.progress.change\n    retries: {max_attempts: 0}", "steps[0].retries.max_attempts", "at least 1"},
		{"multiplier", "send: study.progress.change\n    retries: {multiplier: 1000}", "steps[0].retries.multiplier", "at most 100"},
		{"cutoff", "send: study.progress.change\n    retries: {cutoff: 1000d}", "steps[0].retries.cutoff", "at most 366d"},
		{"max_delay", "send: study.progress.change\n    retries: {max_delay: 1000d}", "steps[0].retries.max_delay", "at most 366d"},
		{"base_delay", "send: study.progress.change\n    retries: {base_delay: 1000d}", "steps[0].retries.base_delay", "at most 366d"},
		{"attempt timeout", "send: study.progress.change\n    retries: {timeout: 2h}", "steps[0].retries.timeout", "at most 10m"},
		{"burst count", "burst: {event: study.progress.change, count: 20000}", "steps[0].burst.count", "from 1 to 10000"},
		{"burst concurrency", "burst: {event: study.progress.change, count: 5000, concurrency: 5000}", "steps[0].burst.concurrency", "at most 1000"},
		{"tamper attempts", "send: study.progress.change\n    tamper: {kinds: [wrong_secret], attempts: 5000}", "steps[0].tamper.attempts", "at most 100"},
		{"tamper skew", "send: study.progress.change\n    tamper: {kinds: [wrong_secret], skew: 1000d}", "steps[0].tamper.skew", "at most 366d"},
		{"lost_ack", "send: study.progress.change\n    fault: {lost_ack: 5000}", "steps[0].fault.lost_ack", "at most 100"},
		{"fault delay", "send: study.progress.change\n    fault: {delay: 1000d}", "steps[0].fault.delay", "at most 366d"},
		{"fault timeout", "send: study.progress.change\n    fault: {timeout: 1h}", "steps[0].fault.timeout", "at most 10m"},
		{"occurred", "send: {event: study.progress.change, occurred: -1000d}", "steps[0].send.occurred", "at most 366d"},
		{"advance", "advance: 1000d", "steps[0].advance", "at most 366d"},
		{"wait", "wait: 11m", "steps[0].wait", "1ms to 10m"},
		{"probe timeout", "probe: {exec: [true], timeout: 1h}", "steps[0].probe.timeout", "at most 10m"},
		{"probe interval", "probe: {exec: [true], interval: 1h}", "steps[0].probe.interval", "at most 10m"},
		{"probe eventually", "probe: {exec: [true], eventually: 1h}", "steps[0].probe.eventually", "at most 10m"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := "version: 1\nname: x\nplatform: prolific\nsteps:\n  - " + tc.step + "\n"
			_, err := testLoader.Parse("limits.yaml", []byte(src))
			require.Error(t, err)
			var le *LoadError
			require.ErrorAs(t, err, &le)
			var hit *FieldError
			for _, fe := range le.Errors {
				if fe.Field == tc.field {
					hit = fe
				}
			}
			require.NotNil(t, hit, "want an error on %s, got %v", tc.field, err)
			tassert.Contains(t, hit.Msg, tc.msg)
			tassert.Equal(t, "limits.yaml", hit.File)
			tassert.GreaterOrEqual(t, hit.Line, 5)
			tassert.Contains(t, hit.Error(), "limits.yaml:")
		})
	}
	t.Run("scenario timeout", func(t *testing.T) {
		_, err := testLoader.Parse("limits.yaml", []byte("version: 1\nname: x\nplatform: prolific\ntimeout: 2d\nsteps:\n  - wait: 1s\n"))
		require.ErrorContains(t, err, "limits.yaml:4:10: timeout: at most 1d, got 2d")
	})
	t.Run("steps", func(t *testing.T) {
		src := "version: 1\nname: x\nplatform: prolific\nsteps:\n" + strings.Repeat("  - wait: 1ms\n", MaxSteps+1)
		_, err := testLoader.Parse("limits.yaml", []byte(src))
		require.ErrorContains(t, err, "steps: at most 10000 steps")
	})
	// The platforms' own schedules stay well inside the limits.
	_, err := testLoader.Parse("ok.yaml", []byte("version: 1\nname: x\nplatform: prolific\nsteps:\n  - send: study.progress.change\n    retries: {preset: prolific, max_attempts: 13, cutoff: 2d, timeout: 10s}\n"))
	require.NoError(t, err)
}
