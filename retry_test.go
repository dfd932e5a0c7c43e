package hookdrill_test

import (
	"math/rand/v2"
	"testing"
	"time"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
)

var doubling = hookdrill.RetryPolicy{Name: "t", MaxAttempts: 5, BaseDelay: time.Minute, Multiplier: 2,
	Jitter: hookdrill.JitterNone, Timeout: time.Second}

func TestRetryPolicyNext(t *testing.T) {
	capped := doubling
	capped.MaxDelay = 3 * time.Minute
	cut := doubling
	cut.Cutoff = 5 * time.Minute
	tests := []struct {
		name     string
		p        hookdrill.RetryPolicy
		attempt  int
		elapsed  time.Duration
		outcome  hookdrill.Outcome
		wantWait time.Duration
		wantStop bool
	}{
		{"first retry waits the base delay", doubling, 1, 0, hookdrill.OutcomeHTTPError, time.Minute, false},
		{"delays double", doubling, 3, 0, hookdrill.OutcomeTimeout, 4 * time.Minute, false},
		{"last attempt stops", doubling, 5, 0, hookdrill.OutcomeHTTPError, 0, true},
		{"success stops", doubling, 1, 0, hookdrill.OutcomeSuccess, 0, true},
		{"local errors are not retried", doubling, 1, 0, hookdrill.OutcomeLocalError, 0, true},
		{"cancelled is not retried", doubling, 1, 0, hookdrill.OutcomeCancelled, 0, true},
		{"redirects are retried", doubling, 1, 0, hookdrill.OutcomeRedirect, time.Minute, false},
		{"max delay caps", capped, 4, 0, hookdrill.OutcomeRefused, 3 * time.Minute, false},
		{"inside the cut-off", cut, 2, 3 * time.Minute, hookdrill.OutcomeReset, 2 * time.Minute, false},
		{"past the cut-off stops", cut, 3, 3 * time.Minute, hookdrill.OutcomeReset, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wait, stop := tt.p.Next(tt.attempt, tt.elapsed, tt.outcome, nil)
			tassert.Equal(t, tt.wantWait, wait)
			tassert.Equal(t, tt.wantStop, stop)
		})
	}
}

// Full jitter stays within [0, delay], is reproducible from the seed, and
// actually varies.
func TestRetryPolicyFullJitter(t *testing.T) {
	p := doubling
	p.Jitter = hookdrill.JitterFull
	draw := func(seed uint64) []time.Duration {
		rnd := rand.New(rand.NewPCG(seed, 1))
		var out []time.Duration
		for n := 1; n < p.MaxAttempts; n++ {
			w, stop := p.Next(n, 0, hookdrill.OutcomeHTTPError, rnd)
			require.False(t, stop)
			require.GreaterOrEqual(t, w, time.Duration(0))
			require.LessOrEqual(t, w, p.MaxDelayBefore(n))
			out = append(out, w)
		}
		return out
	}
	tassert.Equal(t, draw(7), draw(7))
	tassert.NotEqual(t, draw(7), draw(8))
}

func TestRetryPolicyMaxDelayBeforeSaturates(t *testing.T) {
	p := doubling
	p.Multiplier = 1e6
	tassert.Equal(t, time.Duration(1<<62), p.MaxDelayBefore(50), "no overflow into negative waits")
	fixed := doubling
	fixed.Multiplier = 1
	tassert.Equal(t, time.Minute, fixed.MaxDelayBefore(6))
}

func TestRetryPolicyValidate(t *testing.T) {
	require.NoError(t, doubling.Validate())
	bad := []func(p *hookdrill.RetryPolicy){
		func(p *hookdrill.RetryPolicy) { p.MaxAttempts = 0 },
		func(p *hookdrill.RetryPolicy) { p.BaseDelay = -1 },
		func(p *hookdrill.RetryPolicy) { p.Multiplier = 0.5 },
		func(p *hookdrill.RetryPolicy) { p.MaxDelay = -1 },
		func(p *hookdrill.RetryPolicy) { p.Cutoff = -1 },
		func(p *hookdrill.RetryPolicy) { p.Timeout = 0 },
		func(p *hookdrill.RetryPolicy) { p.Jitter = "half" },
	}
	for i, mutate := range bad {
		p := doubling
		mutate(&p)
		tassert.Error(t, p.Validate(), "case %d", i)
	}
}
