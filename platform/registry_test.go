package platform_test

import (
	"testing"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/platform"
	"github.com/hookdrill/hookdrill/platform/prolific"
	"github.com/hookdrill/hookdrill/platform/respondent"
	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewRegistryRejects(t *testing.T) {
	p := func() hookdrill.Profile { return prolific.New(prolific.Options{}) }
	for name, ctors := range map[string][]func() hookdrill.Profile{
		"duplicate": {p, p},
		"nil":       {nil},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := platform.NewRegistry(ctors...)
			require.Error(t, err)
		})
	}
}

func TestRegistryIdentity(t *testing.T) {
	r := platform.MustRegistry(
		func() hookdrill.Profile { return prolific.New(prolific.Options{}) },
		func() hookdrill.Profile { return respondent.New(respondent.Options{}) })
	tassert.Equal(t, []string{"prolific", "respondent"}, r.Names())
	k, ok := r.IdentityKey("prolific", prolific.EventSubmissionStatusChange)
	tassert.True(t, ok)
	tassert.Equal(t, prolific.ExtraParticipantID, k)
	_, ok = r.IdentityKey("prolific", prolific.EventStudyStatusChange)
	tassert.False(t, ok)
	_, ok = r.IdentityKey("nope", prolific.EventSubmissionStatusChange)
	tassert.False(t, ok)
	var nilReg *platform.Registry
	_, err := nilReg.Lookup("prolific")
	require.ErrorIs(t, err, platform.ErrUnknownPlatform)
}
