package respondent

import (
	"github.com/hookdrill/hookdrill"
)

// Profile is Respondent's hookdrill.Profile. Build it with New; it is
// immutable and safe for concurrent use.
type Profile struct {
	opts Options
}

var _ hookdrill.Profile = (*Profile)(nil)

// New returns the Respondent profile with opts; zero (and invalid) fields
// take their defaults (see Options).
func New(opts Options) *Profile { return &Profile{opts: opts.withDefaults()} }

// Options returns the effective options, defaults filled in.
func (p *Profile) Options() Options { return p.opts }

// Name returns "respondent".
func (p *Profile) Name() string { return hookdrill.Respondent }

// EventTypes returns the catalogue (see the package function).
func (p *Profile) EventTypes() []hookdrill.EventType { return EventTypes() }
