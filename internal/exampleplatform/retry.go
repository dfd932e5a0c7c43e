package exampleplatform

import (
	"time"

	"github.com/hookdrill/hookdrill"
)

// Retry preset names.
const (
	PresetDefault = "example"      // 4 attempts: retries after 1, 5 and 25 minutes
	PresetFast    = "example-fast" // 8 attempts, exponential from 10 s, full jitter, 1 h cut-off
)

// DefaultRetryPolicy is the default schedule: the first attempt and three
// retries, 1, 5 and 25 minutes after the attempt before (base 1 minute,
// multiplier 5), no jitter, no cut-off beyond the attempt count, 5 s per
// attempt.
func DefaultRetryPolicy() hookdrill.RetryPolicy {
	return hookdrill.RetryPolicy{
		Name:        PresetDefault,
		MaxAttempts: 4,
		BaseDelay:   time.Minute,
		Multiplier:  5,
		Jitter:      hookdrill.JitterNone,
		Timeout:     DefaultRequestTimeout,
	}
}

// FastRetryPolicy is the short schedule: 8 attempts, the delay before
// retry n uniformly random in [0, min(10 s * 2^(n-1), 5 min)], no retry
// that would start more than 1 h after the first attempt, 5 s per attempt.
func FastRetryPolicy() hookdrill.RetryPolicy {
	return hookdrill.RetryPolicy{
		Name:        PresetFast,
		MaxAttempts: 8,
		BaseDelay:   10 * time.Second,
		Multiplier:  2,
		MaxDelay:    5 * time.Minute,
		Jitter:      hookdrill.JitterFull,
		Cutoff:      time.Hour,
		Timeout:     DefaultRequestTimeout,
	}
}

// RetryPresets returns both presets by name, with the default 5 s timeout.
func RetryPresets() map[string]hookdrill.RetryPolicy {
	return map[string]hookdrill.RetryPolicy{
		PresetDefault: DefaultRetryPolicy(),
		PresetFast:    FastRetryPolicy(),
	}
}

// RetryPolicy returns the preset Options.RetryPreset names, with
// Options.RequestTimeout as its Timeout.
func (p *Profile) RetryPolicy() hookdrill.RetryPolicy { return p.RetryPresets()[p.opts.RetryPreset] }

// RetryPresets returns both presets with Options.RequestTimeout as their
// Timeout.
func (p *Profile) RetryPresets() map[string]hookdrill.RetryPolicy {
	ps := RetryPresets()
	for name, pol := range ps {
		pol.Timeout = p.opts.RequestTimeout
		ps[name] = pol
	}
	return ps
}
