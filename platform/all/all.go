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
	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/conform"
	"github.com/hookdrill/hookdrill/load"
	"github.com/hookdrill/hookdrill/platform"
	"github.com/hookdrill/hookdrill/platform/prolific"
	prolificconf "github.com/hookdrill/hookdrill/platform/prolific/conformance"
	prolificload "github.com/hookdrill/hookdrill/platform/prolific/loadprofile"
	prolificref "github.com/hookdrill/hookdrill/platform/prolific/reference"
	"github.com/hookdrill/hookdrill/platform/respondent"
	respondentconf "github.com/hookdrill/hookdrill/platform/respondent/conformance"
	respondentload "github.com/hookdrill/hookdrill/platform/respondent/loadprofile"
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
