package platform_test

import (
	"testing"

	"github.com/hookdrill/hookdrill/platform"
	"github.com/hookdrill/hookdrill/platform/prolific"
	"github.com/hookdrill/hookdrill/platform/respondent"
	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNames(t *testing.T) {
	tassert.Equal(t, []string{"prolific", "respondent"}, platform.Names())
}

func TestLookup(t *testing.T) {
	for _, name := range platform.Names() {
		t.Run(name, func(t *testing.T) {
			p, err := platform.Lookup(name)
			require.NoError(t, err)
			tassert.Equal(t, name, p.Name())
			tassert.NotEmpty(t, p.EventTypes())
			require.NoError(t, p.RetryPolicy().Validate())
			tassert.Contains(t, p.RetryPresets(), p.RetryPolicy().Name)
		})
	}
	p, err := platform.Lookup(prolific.Name)
	require.NoError(t, err)
	tassert.Equal(t, prolific.DefaultOptions(), p.(*prolific.Profile).Options(), "default options")
	r, err := platform.Lookup(respondent.Name)
	require.NoError(t, err)
	tassert.Equal(t, respondent.DefaultOptions(), r.(*respondent.Profile).Options())

	a, _ := platform.Lookup(prolific.Name)
	tassert.NotSame(t, p, a, "a fresh profile per call")
}

func TestLookupUnknown(t *testing.T) {
	for _, name := range []string{"", "Prolific", "mturk"} {
		_, err := platform.Lookup(name)
		require.ErrorIs(t, err, platform.ErrUnknownPlatform)
		tassert.Contains(t, err.Error(), "prolific, respondent")
		tassert.Contains(t, err.Error(), `"`+name+`"`)
	}
}

func TestForEventType(t *testing.T) {
	ForEventType, Names, Lookup := platform.ForEventType, platform.Names, platform.Lookup
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
