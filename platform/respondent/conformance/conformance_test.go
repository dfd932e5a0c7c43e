package conformance_test

import (
	"io/fs"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/platform/all"
	"github.com/hookdrill/hookdrill/platform/respondent"
	"github.com/hookdrill/hookdrill/platform/respondent/conformance"
)

// The suite loads, every check file is named after its id, and the
// control event is one of the platform's documented types and statuses.
func TestSuite(t *testing.T) {
	s := conformance.Suite()
	require.Equal(t, respondent.Name, s.Platform)
	checks, err := s.Load(all.Registry())
	require.NoError(t, err)
	require.NotEmpty(t, checks)
	for _, c := range checks {
		require.Equal(t, s.Platform+"/"+c.Check.ID[len(s.Platform)+1:]+".yaml", c.File)
		_, err := fs.Stat(s.Files, c.Check.ID[len(s.Platform)+1:]+".yaml")
		require.NoError(t, err)
	}
	found := false
	for _, et := range respondent.New(respondent.Options{}).EventTypes() {
		if et.Name == s.Control.Type {
			found = true
			require.Contains(t, et.Statuses, s.Control.Status)
		}
	}
	require.True(t, found, "control type %q is documented", s.Control.Type)
}
