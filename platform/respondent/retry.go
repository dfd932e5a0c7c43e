package respondent

import (
	"time"

	"github.com/hookdrill/hookdrill"
)

// PresetDefault names Respondent's only retry schedule.
const PresetDefault = "respondent"

// DefaultRetryPolicy is the documented schedule (spec 4.2, R3): the first
// attempt and up to 5 retries, 10 minutes apart, no jitter or backoff, no
// cut-off beyond the attempt count, 3 s per attempt.
func DefaultRetryPolicy() hookdrill.RetryPolicy {
	return hookdrill.RetryPolicy{
		Name:        PresetDefault,
		MaxAttempts: 6,
		BaseDelay:   10 * time.Minute,
		Multiplier:  1,
		Jitter:      hookdrill.JitterNone,
		Timeout:     DefaultRequestTimeout,
	}
}

// RetryPresets returns Respondent's presets by name (one), with the
// spec's 3 s timeout.
func RetryPresets() map[string]hookdrill.RetryPolicy {
	return map[string]hookdrill.RetryPolicy{PresetDefault: DefaultRetryPolicy()}
}

// RetryPolicy returns DefaultRetryPolicy with Options.RequestTimeout.
func (p *Profile) RetryPolicy() hookdrill.RetryPolicy { return p.RetryPresets()[PresetDefault] }

// RetryPresets returns the presets with Options.RequestTimeout as their
// Timeout.
func (p *Profile) RetryPresets() map[string]hookdrill.RetryPolicy {
	ps := RetryPresets()
	for name, pol := range ps {
		pol.Timeout = p.opts.RequestTimeout
		ps[name] = pol
	}
	return ps
}
