package exampleplatform

import (
	"github.com/hookdrill/hookdrill"
)

// Profile is the example platform's hookdrill.Profile. Build it with New;
// it is immutable and safe for concurrent use.
type Profile struct {
	opts Options
}

var _ hookdrill.Profile = (*Profile)(nil)

// New returns the example profile with opts; zero (and invalid) fields take
// their defaults (see Options).
func New(opts Options) *Profile { return &Profile{opts: opts.withDefaults()} }

// Options returns the effective options, defaults filled in.
func (p *Profile) Options() Options { return p.opts }

// Name returns "example".
func (p *Profile) Name() string { return Name }

// EventTypes returns the catalogue (see the package function).
func (p *Profile) EventTypes() []hookdrill.EventType { return EventTypes() }

// IdentityKey names the EventSpec.Extra key of the identity an
// order.updated event carries for its order (customer_id), which stays the
// same across every event about it (platform.Identifier).
func (p *Profile) IdentityKey(eventType string) (string, bool) {
	if eventType == EventOrderUpdated {
		return ExtraCustomerID, true
	}
	return "", false
}

// Identity returns the customer id ev names, when its type has one.
func (p *Profile) Identity(ev hookdrill.Event) (string, bool) {
	if _, ok := p.IdentityKey(ev.Type); !ok {
		return "", false
	}
	v := dataOf(ev.Payload).GetString(KeyCustomerID)
	return v, v != ""
}
