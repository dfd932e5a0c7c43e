package prolific

import (
	"time"

	"github.com/hookdrill/hookdrill"
)

// Retry preset names.
const (
	PresetCurrent = "prolific"        // 13 attempts, 48 h cut-off (docs.prolific.com)
	PresetLegacy  = "prolific-legacy" // 12 attempts, 24 h cut-off (beta docs, disabling page)
)

// CurrentRetryPolicy is the currently documented schedule (spec 2.7): 13
// attempts (1 + 12 retries), the delay before retry n uniformly random in
// [0, 2^(n-1) min] (exponential backoff, full jitter), no retry that would
// start more than 48 h after the first attempt, 10 s per attempt.
func CurrentRetryPolicy() hookdrill.RetryPolicy {
	return hookdrill.RetryPolicy{
		Name:        PresetCurrent,
		MaxAttempts: 13,
		BaseDelay:   time.Minute,
		Multiplier:  2,
		Jitter:      hookdrill.JitterFull,
		Cutoff:      48 * time.Hour,
		Timeout:     DefaultRequestTimeout,
	}
}

// LegacyRetryPolicy is the older published schedule: 12 attempts over at
// most 24 h, otherwise as CurrentRetryPolicy.
func LegacyRetryPolicy() hookdrill.RetryPolicy {
	p := CurrentRetryPolicy()
	p.Name = PresetLegacy
	p.MaxAttempts = 12
	p.Cutoff = 24 * time.Hour
	return p
}

// RetryPresets returns both presets by name, with the spec's 10 s timeout.
func RetryPresets() map[string]hookdrill.RetryPolicy {
	return map[string]hookdrill.RetryPolicy{
		PresetCurrent: CurrentRetryPolicy(),
		PresetLegacy:  LegacyRetryPolicy(),
	}
}

// RetryPolicy returns the preset Options.RetryPreset names, with
// Options.RequestTimeout as its Timeout.
func (p *Profile) RetryPolicy() hookdrill.RetryPolicy {
	return p.RetryPresets()[p.opts.RetryPreset]
}

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
