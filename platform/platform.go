package platform

import (
	"errors"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/platform/prolific"
	"github.com/hookdrill/hookdrill/platform/respondent"
)

// ErrUnknownPlatform is returned by Lookup for a name no platform has.
var ErrUnknownPlatform = errors.New("unknown platform")

// builtin is the transitional list of the two built-in platforms, so that
// packages not yet taking a *Registry keep working while the layout moves
// to platform/all. TODO(issue 12): delete with the package functions below.
var builtin = MustRegistry(
	func() hookdrill.Profile { return prolific.New(prolific.Options{}) },
	func() hookdrill.Profile { return respondent.New(respondent.Options{}) },
)

// Names returns the built-in platform names, sorted. Deprecated: take a *Registry.
func Names() []string { return builtin.Names() }

// Lookup returns the named built-in profile. Deprecated: take a *Registry.
func Lookup(name string) (hookdrill.Profile, error) { return builtin.Lookup(name) }

// IdentityKey is Registry.IdentityKey on the built-in platforms. Deprecated.
func IdentityKey(platform, eventType string) (string, bool) {
	return builtin.IdentityKey(platform, eventType)
}

// Identity is Registry.Identity on the built-in platforms. Deprecated.
func Identity(ev hookdrill.Event) (key, value string, ok bool) { return builtin.Identity(ev) }

// ForEventType is Registry.ForEventType on the built-in platforms. Deprecated.
func ForEventType(eventType string) (string, bool) { return builtin.ForEventType(eventType) }
