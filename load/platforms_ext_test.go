package load_test

import (
	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/load"
	"github.com/hookdrill/hookdrill/platform"
	"github.com/hookdrill/hookdrill/platform/prolific"
	prolificload "github.com/hookdrill/hookdrill/platform/prolific/loadprofile"
	"github.com/hookdrill/hookdrill/platform/respondent"
	respondentload "github.com/hookdrill/hookdrill/platform/respondent/loadprofile"
)

// testPlatforms and testWorkloads are what cmd/hookdrill takes from
// platform/all, listed from the platforms' packages.
var (
	testPlatforms = platform.MustRegistry(
		func() hookdrill.Profile { return prolific.New(prolific.Options{}) },
		func() hookdrill.Profile { return respondent.New(respondent.Options{}) },
	)
	testWorkloads = load.Workloads{prolificload.Workload(), respondentload.Workload()}
)
