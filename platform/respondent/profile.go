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
func (p *Profile) Name() string { return Name }

// EventTypes returns the catalogue (see the package function).
func (p *Profile) EventTypes() []hookdrill.EventType { return EventTypes() }

// Name is the platform's name in scenarios, flags, journals and reports.
const Name = "respondent"

// IdentityKey names the EventSpec.Extra key of the identity a screener
// response event carries for its response (projectId), which stays the
// same across every event about it.
func (p *Profile) IdentityKey(eventType string) (string, bool) {
	if eventType == EventScreenerResponsesCreated || eventType == EventScreenerResponsesUpdated {
		return ExtraProjectID, true
	}
	return "", false
}

// Identity returns the project id ev names, when its type has one.
func (p *Profile) Identity(ev hookdrill.Event) (string, bool) {
	if _, ok := p.IdentityKey(ev.Type); !ok {
		return "", false
	}
	pl, _ := ev.Payload.Get(KeyPayload)
	po, _ := pl.(hookdrill.Object)
	r, _ := po.Get(KeyResource)
	ro, _ := r.(hookdrill.Object)
	v := ro.GetString(ExtraProjectID)
	return v, v != ""
}
