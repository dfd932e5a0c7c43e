package prolific

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hookdrill/hookdrill"
)

// Encoding names a body serialisation.
type Encoding string

// Body encodings.
const (
	// EncodingPython is Python's default json.dumps: ", " and ": "
	// separators, non-ASCII escaped. Prolific's documented verifier
	// re-serialises with json.dumps, so only this form verifies both ways
	// (spec 2.2, P8).
	EncodingPython Encoding = "python"
	// EncodingCompact is JavaScript JSON.stringify form, for testing a
	// receiver against a body that re-serialisation does not reproduce.
	EncodingCompact Encoding = "compact"
)

// Option defaults: the spec's choices for what Prolific does not document.
const (
	// DefaultRetryPreset is the current documented schedule (P1).
	DefaultRetryPreset = PresetCurrent
	// DefaultRequestTimeout bounds one delivery attempt (P2, [INF]).
	DefaultRequestTimeout = 10 * time.Second
	// DefaultUserAgent is sent as User-Agent; Prolific documents none ([INF]).
	DefaultUserAgent = "Prolific-Webhooks/1.0"
	// DefaultTolerance is the freshness window we recommend receivers apply
	// to X-Prolific-Request-Timestamp. Prolific documents none (spec 2.3);
	// it is what VerifyOptions returns, not something the sender enforces.
	DefaultTolerance = 5 * time.Minute
	// DefaultEncoding is Python's json.dumps form (P8).
	DefaultEncoding = EncodingPython
	// DefaultTimestampUnit makes both timestamp headers integer seconds (P5).
	DefaultTimestampUnit = time.Second
)

// NoUserAgent as Options.UserAgent sends no User-Agent header at all.
const NoUserAgent = "-"

// Options are the knobs of the Prolific profile. Zero fields take the
// Default* values. New never fails: it also replaces invalid fields by their
// defaults, so call Validate first to reject nonsense with a clear error.
type Options struct {
	// RetryPreset names the retry schedule: PresetCurrent ("prolific", 13
	// attempts, 48 h cut-off) or PresetLegacy ("prolific-legacy", 12
	// attempts, 24 h). Spec 2.7, P1.
	RetryPreset string `json:"retry_preset,omitempty" yaml:"retry_preset"`
	// RequestTimeout bounds each attempt, connect to last response byte
	// (P2). It replaces the Timeout of every preset this profile returns.
	RequestTimeout time.Duration `json:"request_timeout,omitempty" yaml:"request_timeout"`
	// UserAgent is the User-Agent header value; NoUserAgent omits it.
	UserAgent string `json:"user_agent,omitempty" yaml:"user_agent"`
	// Tolerance is the receiver freshness window VerifyOptions recommends
	// (both directions: stale and future timestamps).
	Tolerance time.Duration `json:"tolerance,omitempty" yaml:"tolerance"`
	// Encoding is the body serialisation (P8).
	Encoding Encoding `json:"encoding,omitempty" yaml:"encoding"`
	// TimestampUnit is the unit of X-Prolific-Request-Timestamp and
	// X-Timestamp: time.Second (default, P5) or time.Millisecond. Event
	// times are truncated to it, since that is what the wire shows.
	TimestampUnit time.Duration `json:"timestamp_unit,omitempty" yaml:"timestamp_unit"`
	// XTimestampPerAttempt, when true, sets X-Timestamp to each attempt's
	// request time like X-Prolific-Request-Timestamp. Default false: the
	// event's creation time, constant over retries (P6).
	XTimestampPerAttempt bool `json:"x_timestamp_per_attempt,omitempty" yaml:"x_timestamp_per_attempt"`
	// Metadata is the "metadata" object of study.status.change and
	// study.has_high_return_rate; nil sends {} (P9).
	Metadata hookdrill.Object `json:"metadata,omitempty" yaml:"-"`
	// AllowUnknownTypes lets NewEvent build events of types outside the
	// documented catalogue (a future event type), as
	// {"resource_id", "event_type", Extra fields in key order, "status"}.
	AllowUnknownTypes bool `json:"allow_unknown_types,omitempty" yaml:"allow_unknown_types"`
}

// DefaultOptions returns the options New uses for zero fields.
func DefaultOptions() Options { return Options{}.withDefaults() }

// withDefaults replaces zero and invalid fields by their defaults: New does
// not fail, so a caller that skipped Validate still gets a working profile.
func (o Options) withDefaults() Options {
	if !validPreset(o.RetryPreset) || o.RetryPreset == "" {
		o.RetryPreset = DefaultRetryPreset
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = DefaultRequestTimeout
	}
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent
	}
	if o.Tolerance <= 0 {
		o.Tolerance = DefaultTolerance
	}
	if !validEncoding(o.Encoding) || o.Encoding == "" {
		o.Encoding = DefaultEncoding
	}
	if !validUnit(o.TimestampUnit) || o.TimestampUnit == 0 {
		o.TimestampUnit = DefaultTimestampUnit
	}
	return o
}

func validPreset(s string) bool { return s == "" || s == PresetCurrent || s == PresetLegacy }
func validEncoding(e Encoding) bool {
	return e == "" || e == EncodingPython || e == EncodingCompact
}
func validUnit(u time.Duration) bool { return u == 0 || u == time.Second || u == time.Millisecond }

// Validate reports every invalid field. Zero fields are valid: they mean
// the default.
func (o Options) Validate() error {
	var errs []error
	if !validPreset(o.RetryPreset) {
		errs = append(errs, fmt.Errorf("retry_preset %q: valid: %q, %q", o.RetryPreset, PresetCurrent, PresetLegacy))
	}
	if o.RequestTimeout < 0 {
		errs = append(errs, fmt.Errorf("request_timeout must be positive, got %s", o.RequestTimeout))
	}
	if strings.ContainsFunc(o.UserAgent, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		errs = append(errs, fmt.Errorf("user_agent %q contains control characters", o.UserAgent))
	}
	if _, err := hookdrill.EncodeCompact(o.Metadata); err != nil {
		errs = append(errs, fmt.Errorf("metadata: %w", err))
	}
	if o.Tolerance < 0 {
		errs = append(errs, fmt.Errorf("tolerance must not be negative, got %s", o.Tolerance))
	}
	if !validEncoding(o.Encoding) {
		errs = append(errs, fmt.Errorf("encoding %q: valid: %q, %q", o.Encoding, EncodingPython, EncodingCompact))
	}
	if !validUnit(o.TimestampUnit) {
		errs = append(errs, fmt.Errorf("timestamp_unit must be 1s or 1ms, got %s", o.TimestampUnit))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("prolific options: %w", err)
	}
	return nil
}
