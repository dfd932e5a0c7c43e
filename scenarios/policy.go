package scenarios

import (
	"fmt"

	"github.com/hookdrill/hookdrill"
)

// resolvePolicy applies r (a preset and overrides) on top of base (default:
// the platform's policy).
func resolvePolicy(prof hookdrill.Profile, r *Retries, base *hookdrill.RetryPolicy) (hookdrill.RetryPolicy, error) {
	pol := prof.RetryPolicy()
	if base != nil {
		pol = *base
	}
	if r == nil {
		return pol, nil
	}
	switch r.Preset {
	case "":
	case PresetNone:
		pol.Name, pol.MaxAttempts = PresetNone, 1
	default:
		p, ok := prof.RetryPresets()[r.Preset]
		if !ok {
			return pol, fmt.Errorf("retries: unknown preset %q for %s", r.Preset, prof.Name())
		}
		pol = p
	}
	if r.MaxAttempts > 0 {
		pol.MaxAttempts = r.MaxAttempts
	}
	if r.BaseDelay != nil {
		pol.BaseDelay = r.BaseDelay.D
	}
	if r.Multiplier != 0 {
		pol.Multiplier = r.Multiplier
	}
	if r.MaxDelay != nil {
		pol.MaxDelay = r.MaxDelay.D
	}
	if r.Jitter != "" {
		pol.Jitter = hookdrill.Jitter(r.Jitter)
	}
	if r.Cutoff != nil {
		pol.Cutoff = r.Cutoff.D
	}
	if r.Timeout != nil {
		pol.Timeout = r.Timeout.D
	}
	if err := pol.Validate(); err != nil {
		return pol, fmt.Errorf("retries: %w", err)
	}
	return pol, nil
}
