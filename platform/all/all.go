// Package all is the registry of every platform hookdrill knows: the one
// place that lists them. cmd/hookdrill imports it; the core packages never
// do (they take what they need from it: a *platform.Registry of wire
// profiles, mock APIs, reference receivers, conformance suites, load
// profiles). Adding a platform is one folder under platform/ plus one line
// here.
//
// It may import every platform package and the core packages; nothing but
// cmd/hookdrill and tests may import it.
package all

import (
	"errors"

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

// Registry returns the wire profiles of every platform.
func Registry() *platform.Registry {
	return platform.MustRegistry(
		func() hookdrill.Profile { return prolific.New(prolific.Options{}) },
		func() hookdrill.Profile { return respondent.New(respondent.Options{}) },
	)
}

// LoadWorkloads returns every platform's part of load tests: its default
// event mix and built-in profiles (load.Config.Workloads).
func LoadWorkloads() load.Workloads {
	return load.Workloads{prolificload.Workload(), respondentload.Workload()}
}

// References returns every platform's part of the reference receiver.
func References() receiver.Platforms {
	return receiver.Platforms{prolificref.New(), respondentref.New()}
}

// Suites returns every platform's conformance suite.
func Suites() conform.Suites {
	return conform.Suites{prolificconf.Suite(), respondentconf.Suite()}
}

// Mocks returns every platform's scenario mock maker (the scenario runner's
// embedded mock API: scenariomock.Factory(all.Mocks()...)).
func Mocks() []scenariomock.Maker {
	return []scenariomock.Maker{prolificmock.Scenario, respondentmock.Scenario}
}

// MockSettings are the platform mocks' settings of `hookdrill serve` (its
// flags); the zero value is every mock's default.
type MockSettings struct {
	// Prolific: --token, --strict-targets, --create-shape,
	// --allow-unknown-fields, --reuse-confirm-token.
	Token              string
	StrictTargets      bool
	CreateShape        string
	AllowUnknownFields bool
	ReuseConfirmToken  bool
	// Respondent: --api-key, --api-secret, --simulate-fetchable.
	APIKey, APISecret string
	SimulateFetchable bool
}

// MockPlatforms returns every platform's mock API for one mock server
// (mockserver.Config.Platforms), the first being the default platform of
// a trigger, or every setting that cannot work.
func MockPlatforms(s MockSettings) ([]mockserver.Platform, error) {
	pro := prolificmock.Options{Token: s.Token, StrictTargets: s.StrictTargets, CreateShape: prolificmock.CreateShape(s.CreateShape),
		AllowUnknownFields: s.AllowUnknownFields, ReuseConfirmToken: s.ReuseConfirmToken}
	res := respondentmock.Options{APIKey: s.APIKey, APISecret: s.APISecret, SimulateFetchable: s.SimulateFetchable}
	if err := errors.Join(pro.Validate(), res.Validate()); err != nil {
		return nil, err
	}
	return []mockserver.Platform{prolificmock.New(pro), respondentmock.New(res)}, nil
}
