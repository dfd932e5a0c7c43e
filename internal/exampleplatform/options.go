package exampleplatform

import (
	"errors"
	"fmt"
	"time"
)

// Option defaults.
const (
	// DefaultRetryPreset is the schedule RetryPolicy returns.
	DefaultRetryPreset = PresetDefault
	// DefaultRequestTimeout bounds one delivery attempt.
	DefaultRequestTimeout = 5 * time.Second
	// DefaultTolerance is the freshness window Verify applies through
	// VerifyOptions, in both directions (stale and future timestamps).
	DefaultTolerance = 5 * time.Minute
)

// Options are the knobs of the example profile. Zero fields take the
// Default* values. New never fails: it replaces invalid fields by their
// defaults, so call Validate first to reject nonsense with a clear error.
type Options struct {
	// RetryPreset names the schedule: PresetDefault ("example") or
	// PresetFast ("example-fast").
	RetryPreset string `json:"retry_preset,omitempty" yaml:"retry_preset"`
	// RequestTimeout bounds each attempt; it replaces the Timeout of every
	// preset this profile returns.
	RequestTimeout time.Duration `json:"request_timeout,omitempty" yaml:"request_timeout"`
	// Tolerance is the freshness window VerifyOptions recommends.
	Tolerance time.Duration `json:"tolerance,omitempty" yaml:"tolerance"`
	// AllowUnknownTypes lets NewEvent build events of types outside the
	// catalogue, with data {"order_id", Extra fields in key order,
	// "status" when set}.
	AllowUnknownTypes bool `json:"allow_unknown_types,omitempty" yaml:"allow_unknown_types"`
}

// DefaultOptions returns the options New uses for zero fields.
func DefaultOptions() Options { return Options{}.withDefaults() }

func validPreset(s string) bool { return s == "" || s == PresetDefault || s == PresetFast }

// withDefaults replaces zero and invalid fields by their defaults.
func (o Options) withDefaults() Options {
	if o.RetryPreset == "" || !validPreset(o.RetryPreset) {
		o.RetryPreset = DefaultRetryPreset
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = DefaultRequestTimeout
	}
	if o.Tolerance <= 0 {
		o.Tolerance = DefaultTolerance
	}
	return o
}

// Validate reports every invalid field. Zero fields are valid: they mean
// the default.
func (o Options) Validate() error {
	var errs []error
	if !validPreset(o.RetryPreset) {
		errs = append(errs, fmt.Errorf("retry_preset %q: valid: %q, %q", o.RetryPreset, PresetDefault, PresetFast))
	}
	if o.RequestTimeout < 0 {
		errs = append(errs, fmt.Errorf("request_timeout must be positive, got %s", o.RequestTimeout))
	}
	if o.Tolerance < 0 {
		errs = append(errs, fmt.Errorf("tolerance must not be negative, got %s", o.Tolerance))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("example options: %w", err)
	}
	return nil
}
