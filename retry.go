package hookdrill

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// Jitter selects how a RetryPolicy randomises waits.
type Jitter string

// Jitter modes.
const (
	JitterNone Jitter = "none" // wait exactly the computed delay
	JitterFull Jitter = "full" // wait uniformly in [0, computed delay]
)

// RetryPolicy decides when a failed delivery is tried again. It is a value
// with a pure Next method: no clock, no state, randomness passed in.
type RetryPolicy struct {
	// Name identifies the preset ("prolific", "prolific-legacy", "respondent", "custom").
	Name string `json:"name" yaml:"name"`
	// MaxAttempts counts the first attempt: 13 means 1 + 12 retries.
	MaxAttempts int `json:"max_attempts" yaml:"max_attempts"`
	// BaseDelay is the (maximum) delay before the first retry.
	BaseDelay time.Duration `json:"base_delay" yaml:"base_delay"`
	// Multiplier scales the delay for each further retry (2 doubles; 1 is fixed).
	Multiplier float64 `json:"multiplier" yaml:"multiplier"`
	// MaxDelay caps one delay; 0 means no cap.
	MaxDelay time.Duration `json:"max_delay,omitempty" yaml:"max_delay"`
	// Jitter randomises each delay.
	Jitter Jitter `json:"jitter" yaml:"jitter"`
	// Cutoff stops retrying when the next attempt would start later than
	// this long after the first attempt; 0 means no cut-off.
	Cutoff time.Duration `json:"cutoff,omitempty" yaml:"cutoff"`
	// Timeout bounds each attempt, from connect to the last response byte.
	Timeout time.Duration `json:"timeout" yaml:"timeout"`
}

// Validate reports nonsensical settings.
func (p RetryPolicy) Validate() error {
	var errs []error
	if p.MaxAttempts < 1 {
		errs = append(errs, fmt.Errorf("max_attempts must be at least 1, got %d", p.MaxAttempts))
	}
	if p.MaxAttempts > 1 && p.BaseDelay < 0 {
		errs = append(errs, fmt.Errorf("base_delay must not be negative, got %s", p.BaseDelay))
	}
	if p.Multiplier < 1 {
		errs = append(errs, fmt.Errorf("multiplier must be at least 1, got %g", p.Multiplier))
	}
	if p.MaxDelay < 0 || p.Cutoff < 0 {
		errs = append(errs, errors.New("max_delay and cutoff must not be negative"))
	}
	if p.Timeout <= 0 {
		errs = append(errs, fmt.Errorf("timeout must be positive, got %s", p.Timeout))
	}
	switch p.Jitter {
	case JitterNone, JitterFull:
	default:
		errs = append(errs, fmt.Errorf("jitter must be %q or %q, got %q", JitterNone, JitterFull, p.Jitter))
	}
	return errors.Join(errs...)
}

// MaxDelayBefore returns the un-jittered delay before retry n (n >= 1).
func (p RetryPolicy) MaxDelayBefore(n int) time.Duration {
	d := float64(p.BaseDelay)
	for i := 1; i < n; i++ {
		d *= p.Multiplier
		if p.MaxDelay > 0 && d >= float64(p.MaxDelay) {
			return p.MaxDelay
		}
		if d > float64(1<<62) {
			return time.Duration(1 << 62)
		}
	}
	if p.MaxDelay > 0 && time.Duration(d) > p.MaxDelay {
		return p.MaxDelay
	}
	return time.Duration(d)
}

// Next decides what follows attempt number attempt (1-based), which ended
// with outcome, elapsed after the first attempt started. It returns the wait
// before the next attempt, or stop=true when the delivery is over: on
// success, on an outcome that is not retried, when attempts are used up, or
// when the next attempt would fall after the cut-off. rnd may be nil only
// when Jitter is none.
func (p RetryPolicy) Next(attempt int, elapsed time.Duration, outcome Outcome, rnd *rand.Rand) (wait time.Duration, stop bool) {
	if !outcome.Retryable() || attempt >= p.MaxAttempts {
		return 0, true
	}
	wait = p.MaxDelayBefore(attempt)
	if p.Jitter == JitterFull && wait > 0 && rnd != nil {
		wait = time.Duration(rnd.Int64N(int64(wait) + 1))
	}
	if p.Cutoff > 0 && elapsed+wait > p.Cutoff {
		return 0, true
	}
	return wait, false
}
