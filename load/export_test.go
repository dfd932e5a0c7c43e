package load

import "github.com/hookdrill/hookdrill/platform"

var platformLookup = platform.Lookup
