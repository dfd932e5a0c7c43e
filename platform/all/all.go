package all

import (
	"errors"

	"github.com/spf13/pflag"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/conform"
	"github.com/hookdrill/hookdrill/load"
	"github.com/hookdrill/hookdrill/mockserver"
	"github.com/hookdrill/hookdrill/mockserver/scenariomock"
	"github.com/hookdrill/hookdrill/platform"
	"github.com/hookdrill/hookdrill/platform/prolific"
	prolificconf "github.com/hookdrill/hookdrill/platform/prolific/conformance"
	prolificload "github.com/hookdrill/hookdrill/platform/prolific/loadprofile"
	prolificmock "github.com/hookdrill/hookdrill/platform/prolific/mock"
	prolificref "github.com/hookdrill/hookdrill/platform/prolific/reference"
	"github.com/hookdrill/hookdrill/platform/respondent"
	respondentconf "github.com/hookdrill/hookdrill/platform/respondent/conformance"
	respondentload "github.com/hookdrill/hookdrill/platform/respondent/loadprofile"
	respondentmock "github.com/hookdrill/hookdrill/platform/respondent/mock"
	respondentref "github.com/hookdrill/hookdrill/platform/respondent/reference"
	"github.com/hookdrill/hookdrill/receiver"
)

// Platform is everything hookdrill knows about one platform: its wire
// profile and its part of each core package. Each field comes from the
// platform's own folder (platform/NAME, platform/NAME/mock, .../reference,
// .../conformance, .../loadprofile).
type Platform struct {
	// Profile builds the wire profile with default options (sender,
	// scenarios, load, conform, send).
	Profile func() hookdrill.Profile
	// Mock declares the platform mock's own `hookdrill serve` flags on fs
	// and returns the constructor that builds the mock from their values
	// once fs is parsed (token: serve's --token, the API token to require,
	// for the platforms whose API takes one). Nil: no mock API. Flag names
	// are shared by every platform's mock on one command line, so they must
	// not repeat another platform's (TestEachEntryIsOnePlatform declares
	// them all on one flag set).
	Mock func(fs *pflag.FlagSet) func(token string) (mockserver.Platform, error)
	// Scenario makes the embedded mock of a scenario with `mock: true`.
	Scenario scenariomock.Maker
	// Reference is the platform's part of the reference receiver.
	Reference receiver.Platform
	// Suite is the platform's embedded conformance suite.
	Suite conform.Suite
	// Workload is the platform's part of load runs: its default event mix
	// and built-in profiles.
	Workload load.Workload
}

// Set is a list of platforms, with each core package's view of it.
type Set []Platform

// Platforms returns every platform hookdrill knows: THE list.
func Platforms() Set {
	return Set{
		{Profile: func() hookdrill.Profile { return prolific.New(prolific.Options{}) }, Mock: prolificmock.ServeFlags, Scenario: prolificmock.Scenario, Reference: prolificref.New(), Suite: prolificconf.Suite(), Workload: prolificload.Workload()},
		{Profile: func() hookdrill.Profile { return respondent.New(respondent.Options{}) }, Mock: respondentmock.ServeFlags, Scenario: respondentmock.Scenario, Reference: respondentref.New(), Suite: respondentconf.Suite(), Workload: respondentload.Workload()},
	}
}

// Registry returns the set's wire profiles (scenarios.Loader, load.Config,
// conform.Config). A set whose profiles share a name is a programming
// mistake in the list, and panics.
func (s Set) Registry() *platform.Registry {
	ctors := make([]func() hookdrill.Profile, len(s))
	for i, p := range s {
		ctors[i] = p.Profile
	}
	return platform.MustRegistry(ctors...)
}

// References returns the set's reference-receiver parts.
func (s Set) References() receiver.Platforms {
	out := receiver.Platforms{}
	for _, p := range s {
		if p.Reference != nil {
			out = append(out, p.Reference)
		}
	}
	return out
}

// Suites returns the set's conformance suites.
func (s Set) Suites() conform.Suites {
	out := conform.Suites{}
	for _, p := range s {
		if p.Suite.Files != nil {
			out = append(out, p.Suite)
		}
	}
	return out
}

// Workloads returns the set's load-run parts.
func (s Set) Workloads() load.Workloads {
	out := load.Workloads{}
	for _, p := range s {
		if p.Workload.Platform != "" {
			out = append(out, p.Workload)
		}
	}
	return out
}

// Mocks returns the set's scenario mock makers
// (scenariomock.Factory(set.Mocks()...)).
func (s Set) Mocks() []scenariomock.Maker {
	var out []scenariomock.Maker
	for _, p := range s {
		if p.Scenario.New != nil {
			out = append(out, p.Scenario)
		}
	}
	return out
}

// MockFlags declares every mock's serve flags on fs and returns the
// constructor of the set's mock APIs for one mock server
// (mockserver.Config.Platforms), in the set's order (the first is the
// default platform of a trigger), or of every setting that cannot work.
func (s Set) MockFlags(fs *pflag.FlagSet) func(token string) ([]mockserver.Platform, error) {
	var builders []func(string) (mockserver.Platform, error)
	for _, p := range s {
		if p.Mock != nil {
			builders = append(builders, p.Mock(fs))
		}
	}
	return func(token string) ([]mockserver.Platform, error) {
		var out []mockserver.Platform
		var errs []error
		for _, b := range builders {
			m, err := b(token)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			out = append(out, m)
		}
		if err := errors.Join(errs...); err != nil {
			return nil, err
		}
		return out, nil
	}
}

// DefaultMocks returns the set's mock APIs with every setting at its
// default (e.g. to describe them in help).
func (s Set) DefaultMocks() ([]mockserver.Platform, error) {
	return s.MockFlags(pflag.NewFlagSet("defaults", pflag.ContinueOnError))("")
}

// Registry is Platforms().Registry().
func Registry() *platform.Registry { return Platforms().Registry() }

// LoadWorkloads is Platforms().Workloads().
func LoadWorkloads() load.Workloads { return Platforms().Workloads() }

// References is Platforms().References().
func References() receiver.Platforms { return Platforms().References() }

// Suites is Platforms().Suites().
func Suites() conform.Suites { return Platforms().Suites() }

// Mocks is Platforms().Mocks().
func Mocks() []scenariomock.Maker { return Platforms().Mocks() }
