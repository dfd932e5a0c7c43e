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
