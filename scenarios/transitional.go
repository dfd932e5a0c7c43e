package scenarios

import (
	"io/fs"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/platform"
)

// The package functions below load with the transitional built-in platform
// list of package platform, so that callers not yet given a registry keep
// working while the layout moves to platform/all (issue 12). They go away
// with platform.Lookup and platform.Names: use a Loader. (No formal
// deprecation notice, so that staticcheck passes while callers move.)

// Parse is Loader.Parse with the built-in platforms.
// Transitional (issue 12): use Loader{Platforms: reg}.Parse.
func Parse(file string, data []byte) (*Scenario, error) {
	return Loader{Platforms: builtinPlatforms()}.Parse(file, data)
}

// Load is Loader.Load with the built-in platforms.
// Transitional (issue 12): use Loader{Platforms: reg}.Load.
func Load(fsys fs.FS, names ...string) ([]*Scenario, error) {
	return Loader{Platforms: builtinPlatforms()}.Load(fsys, names...)
}

// LoadPaths is Loader.LoadPaths with the built-in platforms.
// Transitional (issue 12): use Loader{Platforms: reg}.LoadPaths.
func LoadPaths(paths ...string) ([]*Scenario, error) {
	return Loader{Platforms: builtinPlatforms()}.LoadPaths(paths...)
}

func builtinPlatforms() *platform.Registry {
	var ctors []func() hookdrill.Profile
	for _, name := range platform.Names() {
		ctors = append(ctors, func() hookdrill.Profile {
			p, _ := platform.Lookup(name)
			return p
		})
	}
	return platform.MustRegistry(ctors...)
}
