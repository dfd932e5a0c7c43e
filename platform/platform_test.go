package platform_test

import (
	"github.com/hookdrill/hookdrill"
	"testing"

	"github.com/hookdrill/hookdrill/platform"
	"github.com/hookdrill/hookdrill/platform/prolific"
	"github.com/hookdrill/hookdrill/platform/respondent"
	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// builtin is a registry of the two built-in platforms, built from their
// wire packages.
func builtin() *platform.Registry {
	return platform.MustRegistry(
		func() hookdrill.Profile { return prolific.New(prolific.Options{}) },
		func() hookdrill.Profile { return respondent.New(respondent.Options{}) })
}

func TestNames(t *testing.T) {
	tassert.Equal(t, []string{"prolific", "respondent"}, builtin().Names())
}

func TestLookup(t *testing.T) {
	for _, name := range builtin().Names() {
		t.Run(name, func(t *testing.T) {
			p, err := builtin().Lookup(name)
			require.NoError(t, err)
			tassert.Equal(t, name, p.Name())
			tassert.NotEmpty(t, p.EventTypes())
			require.NoError(t, p.RetryPolicy().Validate())
			tassert.Contains(t, p.RetryPresets(), p.RetryPolicy().Name)
		})
	}
	p, err := builtin().Lookup(prolific.Name)
	require.NoError(t, err)
	tassert.Equal(t, prolific.DefaultOptions(), p.(*prolific.Profile).Options(), "default options")
	r, err := builtin().Lookup(respondent.Name)
	require.NoError(t, err)
	tassert.Equal(t, respondent.DefaultOptions(), r.(*respondent.Profile).Options())

	a, _ := builtin().Lookup(prolific.Name)
	tassert.NotSame(t, p, a, "a fresh profile per call")
}

func TestLookupUnknown(t *testing.T) {
	for _, name := range []string{"", "Prolific", "mturk"} {
		_, err := builtin().Lookup(name)
		require.ErrorIs(t, err, platform.ErrUnknownPlatform)
		tassert.Contains(t, err.Error(), "prolific, respondent")
		tassert.Contains(t, err.Error(), `"`+name+`"`)
	}
}

func TestForEventType(t *testing.T) {
	reg := builtin()
	ForEventType, Names, Lookup := reg.ForEventType, reg.Names, reg.Lookup
	for _, tc := range []struct{ event, want string }{
		{"submission.status.change", "prolific"},
		{"SCREENER_RESPONSES.CREATED", "respondent"},
		{"nope", ""},
	} {
		got, ok := ForEventType(tc.event)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("ForEventType(%q) = %q, %v; want %q", tc.event, got, ok, tc.want)
		}
	}
	// The vocabularies never overlap.
	seen := map[string]string{}
	for _, n := range Names() {
		p, err := Lookup(n)
		if err != nil {
			t.Fatal(err)
		}
		for _, et := range p.EventTypes() {
			if other, dup := seen[et.Name]; dup {
				t.Errorf("%s is both %s's and %s's", et.Name, other, n)
			}
			seen[et.Name] = n
		}
	}
}
