package all_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/platform/all"
)

// TestLoadWorkloads: every platform has a workload with a default mix, and
// every workload and profile is for a registered platform.
func TestLoadWorkloads(t *testing.T) {
	reg, ws := all.Registry(), all.LoadWorkloads()
	for _, name := range reg.Names() {
		m, ok := ws.Mix(name)
		require.True(t, ok, "platform %s has no default load mix", name)
		require.NotEmpty(t, m)
	}
	seen := map[string]bool{}
	for _, w := range ws {
		require.True(t, reg.Has(w.Platform), "workload for unknown platform %q", w.Platform)
		for _, p := range w.Profiles {
			require.Equal(t, w.Platform, p.Platform, p.Name)
			require.False(t, seen[p.Name], "profile %s listed twice", p.Name)
			seen[p.Name] = true
		}
	}
}
