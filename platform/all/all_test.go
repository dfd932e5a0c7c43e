package all_test

import (
	"testing"

	"github.com/spf13/pflag"
	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/platform/all"
)

// Every entry's parts are the same platform's: a part registered under
// another entry (a copy-paste slip in the list) fails here.
func TestEachEntryIsOnePlatform(t *testing.T) {
	set := all.Platforms()
	require.Len(t, set, len(set.Registry().Names()), "one entry per platform name")
	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	for _, p := range set {
		name := p.Profile().Name()
		t.Run(name, func(t *testing.T) {
			tassert.Equal(t, name, p.Reference.Name(), "reference part")
			tassert.Equal(t, name, p.Suite.Platform, "suite")
			tassert.Equal(t, name, p.Workload.Platform, "workload")
			tassert.Equal(t, name, p.Scenario.Name, "scenario mock")
			m, err := p.Mock(fs)("")
			require.NoError(t, err, "the mock's defaults are valid")
			tassert.Equal(t, name, m.Name(), "mock")
		})
	}
	mocks, err := set.DefaultMocks()
	require.NoError(t, err)
	require.Len(t, mocks, len(set))
}
