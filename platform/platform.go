package platform

import "errors"

// ErrUnknownPlatform is returned by Registry.Lookup for a name no platform
// has.
var ErrUnknownPlatform = errors.New("unknown platform")
