package platform

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/platform/prolific"
	"github.com/hookdrill/hookdrill/platform/respondent"
)

// ErrUnknownPlatform is returned by Lookup for a name no platform has.
var ErrUnknownPlatform = errors.New("unknown platform")

// constructors builds each platform's profile with default options. A new
// platform adds one line here.
func constructors() map[string]func() hookdrill.Profile {
	return map[string]func() hookdrill.Profile{
		hookdrill.Prolific:   func() hookdrill.Profile { return prolific.New(prolific.Options{}) },
		hookdrill.Respondent: func() hookdrill.Profile { return respondent.New(respondent.Options{}) },
	}
}

// Names returns the platform names Lookup knows, sorted.
func Names() []string {
	return slices.Sorted(maps.Keys(constructors()))
}

// Lookup returns the named platform's profile with default options. An
// unknown name is an error wrapping ErrUnknownPlatform that lists the valid
// names. Names are matched exactly (lower case).
func Lookup(name string) (hookdrill.Profile, error) {
	if c, ok := constructors()[name]; ok {
		return c(), nil
	}
	return nil, fmt.Errorf("platform lookup: %w %q (valid: %s)", ErrUnknownPlatform, name, strings.Join(Names(), ", "))
}

// IdentityKey returns the EventSpec.Extra key of the identity an event of
// eventType names for its resource, which stays the same across every
// event about that resource: Prolific submission.status.change's
// participant_id, Respondent screener-response events' projectId.
func IdentityKey(platform, eventType string) (string, bool) {
	switch {
	case platform == hookdrill.Prolific && eventType == prolific.EventSubmissionStatusChange:
		return prolific.ExtraParticipantID, true
	case platform == hookdrill.Respondent &&
		(eventType == respondent.EventScreenerResponsesCreated || eventType == respondent.EventScreenerResponsesUpdated):
		return respondent.ExtraProjectID, true
	}
	return "", false
}

// Identity returns the identity ev names for its resource (see
// IdentityKey) and its Extra key; ok is false for events without one.
func Identity(ev hookdrill.Event) (key, value string, ok bool) {
	key, ok = IdentityKey(ev.Platform, ev.Type)
	if !ok || ev.ResourceID == "" {
		return "", "", false
	}
	switch ev.Platform {
	case hookdrill.Prolific:
		value = ev.Payload.GetString(prolific.KeyParticipantID)
	case hookdrill.Respondent:
		p, _ := ev.Payload.Get(respondent.KeyPayload)
		po, _ := p.(hookdrill.Object)
		r, _ := po.Get(respondent.KeyResource)
		ro, _ := r.(hookdrill.Object)
		value = ro.GetString(respondent.ExtraProjectID)
	}
	return key, value, value != ""
}

// ForEventType names the platform whose documented catalogue has
// eventType (the platforms' vocabularies never overlap), or "" and false.
func ForEventType(eventType string) (string, bool) {
	for _, name := range Names() {
		p, err := Lookup(name)
		if err != nil {
			continue
		}
		for _, et := range p.EventTypes() {
			if et.Name == eventType {
				return name, true
			}
		}
	}
	return "", false
}
