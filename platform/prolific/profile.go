package prolific

import (
	"github.com/hookdrill/hookdrill"
)

// Profile is Prolific's hookdrill.Profile. Build it with New; it is
// immutable and safe for concurrent use.
type Profile struct {
	opts Options
	macs macCache
}

var _ hookdrill.Profile = (*Profile)(nil)

// New returns the Prolific profile with opts; zero (and invalid) fields take
// their defaults (see Options).
func New(opts Options) *Profile {
	opts = opts.withDefaults()
	opts.Metadata = opts.Metadata.Clone() // the caller may reuse its Object
	return &Profile{opts: opts}
}

// Options returns the effective options, defaults filled in.
func (p *Profile) Options() Options {
	o := p.opts
	o.Metadata = o.Metadata.Clone()
	return o
}

// Name returns "prolific".
func (p *Profile) Name() string { return Name }

// EventTypes returns the documented catalogue (see the package function).
func (p *Profile) EventTypes() []hookdrill.EventType { return EventTypes() }

// Name is the platform's name in scenarios, flags, journals and reports.
const Name = "prolific"

// IdentityKey names the EventSpec.Extra key of the identity a
// submission.status.change event carries for its submission
// (participant_id), which stays the same across every event about it.
func (p *Profile) IdentityKey(eventType string) (string, bool) {
	if eventType == EventSubmissionStatusChange {
		return ExtraParticipantID, true
	}
	return "", false
}

// Identity returns the participant id ev names, when its type has one.
func (p *Profile) Identity(ev hookdrill.Event) (string, bool) {
	if _, ok := p.IdentityKey(ev.Type); !ok {
		return "", false
	}
	v := ev.Payload.GetString(KeyParticipantID)
	return v, v != ""
}
