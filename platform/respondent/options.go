package respondent

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Encoding names a body serialisation.
type Encoding string

// Body encodings.
const (
	// EncodingCompact is JavaScript JSON.stringify form: no whitespace,
	// non-ASCII as UTF-8. Respondent's sample verifier hashes
	// JSON.stringify(body), so only this form verifies both ways (R2).
	EncodingCompact Encoding = "compact"
	// EncodingPython is Python's json.dumps form, for testing a receiver
	// against a body that re-serialisation does not reproduce.
	EncodingPython Encoding = "python"
)

// Supported MAC algorithms, as named in the signature header.
const (
	AlgorithmSHA256 = "sha256"
	AlgorithmSHA512 = "sha512"
)

// Algorithms returns the algorithms Sign and Verify accept: the allow-list
// a correct receiver applies to the header's algorithm name.
func Algorithms() []string { return []string{AlgorithmSHA256, AlgorithmSHA512} }

// Option defaults: the spec's choices for what Respondent does not document.
const (
	// DefaultAlgorithm names the HMAC algorithm; the header carries it and
	// the docs do not state it (R1).
	DefaultAlgorithm = AlgorithmSHA256
	// DefaultRequestTimeout is the documented "respond within 3 seconds" (R3).
	DefaultRequestTimeout = 3 * time.Second
	// DefaultParentIDRemovalDate is when the deprecated parentId leaves
	// screener-response payloads: "February 2027" (R10).
	DefaultParentIDRemovalDate = "2027-02-01"
	// DefaultSenderType is senderType of MESSAGES.CREATED; only participant
	// messages produce events and the value is undocumented (R9).
	DefaultSenderType = "PARTICIPANT"
	// DefaultEncoding is JSON.stringify form (R2).
	DefaultEncoding = EncodingCompact
)

// DefaultParentIDRemoval returns DefaultParentIDRemovalDate as a UTC time.
func DefaultParentIDRemoval() time.Time {
	t, _ := time.Parse(time.DateOnly, DefaultParentIDRemovalDate) // constant, known to parse
	return t
}

// Options are the knobs of the Respondent profile. Zero fields take the
// Default* values. New never fails: it also replaces invalid fields by their
// defaults, so call Validate first to reject nonsense with a clear error.
type Options struct {
	// Algorithm is the signature algorithm: "sha256" (default) or "sha512".
	// SignInput.Algorithm overrides it per attempt.
	Algorithm string `json:"algorithm,omitempty" yaml:"algorithm"`
	// RequestTimeout bounds each attempt (R3). It replaces the Timeout of
	// the presets this profile returns.
	RequestTimeout time.Duration `json:"request_timeout,omitempty" yaml:"request_timeout"`
	// ParentIDRemoval is when parentId disappears: screener-response events
	// created before it carry both projectId and parentId, later ones only
	// projectId (R10). Default DefaultParentIDRemovalDate.
	ParentIDRemoval time.Time `json:"parent_id_removal,omitzero" yaml:"parent_id_removal"`
	// FirstRecruitingOldValue is the oldValue of a project's first
	// transition to RECRUITING (PROJECTS.UPDATED, status RECRUITING, no
	// Extra oldValue). Empty, the default, omits the oldValue key as the
	// older documentation example does ([INF], spec 4.3).
	FirstRecruitingOldValue string `json:"first_recruiting_old_value,omitempty" yaml:"first_recruiting_old_value"`
	// SenderType is senderType of MESSAGES.CREATED (R9).
	SenderType string `json:"sender_type,omitempty" yaml:"sender_type"`
	// Encoding is the body serialisation (R2).
	Encoding Encoding `json:"encoding,omitempty" yaml:"encoding"`
	// AllowUnknownTypes lets NewEvent build events of types outside the
	// catalogue (a future event type), with a resource of
	// {"id", Extra fields in key order}.
	AllowUnknownTypes bool `json:"allow_unknown_types,omitempty" yaml:"allow_unknown_types"`
}

// DefaultOptions returns the options New uses for zero fields.
func DefaultOptions() Options { return Options{}.withDefaults() }

// withDefaults replaces zero and invalid fields by their defaults.
func (o Options) withDefaults() Options {
	if !slices.Contains(Algorithms(), o.Algorithm) {
		o.Algorithm = DefaultAlgorithm
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = DefaultRequestTimeout
	}
	if o.ParentIDRemoval.IsZero() {
		o.ParentIDRemoval = DefaultParentIDRemoval()
	}
	if o.FirstRecruitingOldValue != "" && !slices.Contains(RecruitingStatuses(), o.FirstRecruitingOldValue) {
		o.FirstRecruitingOldValue = ""
	}
	if o.SenderType == "" {
		o.SenderType = DefaultSenderType
	}
	if o.Encoding != EncodingCompact && o.Encoding != EncodingPython {
		o.Encoding = DefaultEncoding
	}
	return o
}

// Validate reports every invalid field. Zero fields are valid: they mean
// the default.
func (o Options) Validate() error {
	var errs []error
	if o.Algorithm != "" && !slices.Contains(Algorithms(), o.Algorithm) {
		errs = append(errs, fmt.Errorf("algorithm %q: valid: %q, %q", o.Algorithm, AlgorithmSHA256, AlgorithmSHA512))
	}
	if o.RequestTimeout < 0 {
		errs = append(errs, fmt.Errorf("request_timeout must be positive, got %s", o.RequestTimeout))
	}
	if o.FirstRecruitingOldValue != "" && !slices.Contains(RecruitingStatuses(), o.FirstRecruitingOldValue) {
		errs = append(errs, fmt.Errorf("first_recruiting_old_value %q: valid: empty (omit), %q, %q, %q",
			o.FirstRecruitingOldValue, RecruitingStatuses()[0], RecruitingStatuses()[1], RecruitingStatuses()[2]))
	}
	switch o.Encoding {
	case "", EncodingCompact, EncodingPython:
	default:
		errs = append(errs, fmt.Errorf("encoding %q: valid: %q, %q", o.Encoding, EncodingCompact, EncodingPython))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("respondent options: %w", err)
	}
	return nil
}
