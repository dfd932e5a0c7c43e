package load

import (
	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/platform"
	"github.com/hookdrill/hookdrill/platform/prolific"
	"github.com/hookdrill/hookdrill/platform/respondent"
)

// testPlatforms are the wire profiles of the package's own tests (the
// built-in load profiles live in platform/*/loadprofile, which import
// this package: their tests are there).
var testPlatforms = platform.MustRegistry(
	func() hookdrill.Profile { return prolific.New(prolific.Options{}) },
	func() hookdrill.Profile { return respondent.New(respondent.Options{}) },
)

// testMix is an event mix for schedule tests.
var testMix = Mix{
	{Event: prolific.EventSubmissionStatusChange, Status: prolific.StatusApproved, Weight: 8},
	{Event: prolific.EventSubmissionStatusChange, Status: prolific.StatusReturned, Weight: 1},
	{Event: prolific.EventStudyProgressChange, Weight: 2},
}
