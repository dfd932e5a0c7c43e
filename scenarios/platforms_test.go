package scenarios

import (
	"context"
	"testing"
	"testing/fstest"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/assert"
	"github.com/hookdrill/hookdrill/platform"
	"github.com/hookdrill/hookdrill/platform/prolific"
	"github.com/hookdrill/hookdrill/platform/respondent"
)

// renamed is a wire profile under another name: a platform the scenarios
// package has never heard of.
type renamed struct {
	hookdrill.Profile
	name string
}

func (r renamed) Name() string { return r.name }

func acmeRegistry() *platform.Registry {
	return platform.MustRegistry(func() hookdrill.Profile {
		return renamed{Profile: prolific.New(prolific.Options{}), name: "acme"}
	})
}

func TestLoaderWithoutPlatforms(t *testing.T) {
	src := []byte("version: 1\nname: x\nplatform: prolific\nsteps: [{advance: 1h}]\n")
	_, err := Loader{}.Parse("x.yaml", src)
	require.ErrorIs(t, err, ErrNoPlatforms)
	tassert.ErrorContains(t, err, "Loader.Platforms is nil")
	_, err = Loader{}.Load(fstest.MapFS{"x.yaml": {Data: src}}, "x.yaml")
	tassert.ErrorIs(t, err, ErrNoPlatforms)
	_, err = Loader{}.LoadPaths("testdata/valid")
	tassert.ErrorIs(t, err, ErrNoPlatforms)
}

// TestLoaderPlatforms: the platform names a scenario may use, the valid
// list in errors and the check id examples come from the Loader's
// registry, not from a built-in list.
func TestLoaderPlatforms(t *testing.T) {
	onlyRespondent := Loader{Platforms: platform.MustRegistry(func() hookdrill.Profile { return respondent.New(respondent.Options{}) })}
	_, err := onlyRespondent.Parse("x.yaml", []byte("version: 1\nname: x\nplatform: prolific\nsteps: [{advance: 1h}]\n"))
	tassert.EqualError(t, err, `x.yaml:3:11: platform: unknown platform "prolific" (valid: respondent)`)

	acme := Loader{Platforms: acmeRegistry()}
	sc, err := acme.Parse("x.yaml", []byte("version: 1\nname: x\nplatform: acme\nsteps: [{send: submission.status.change}]\n"))
	require.NoError(t, err)
	tassert.Equal(t, "acme", sc.Platform)
	_, err = acme.Parse("x.yaml", []byte("version: 1\nname: x\nplatform: acme\nsteps: [{send: NOT.A.TYPE}]\n"))
	tassert.ErrorContains(t, err, `unknown acme event type "NOT.A.TYPE"`, "the named platform's catalogue checks the events")

	for _, tc := range []struct{ plat, check, want string }{
		{"acme", "{severity: MUST}", "check: missing id (e.g. acme.signature.valid)"},
		{"acme", "{id: Bad, severity: MUST}", `check.id: bad check id "Bad": want dotted lower-case words, e.g. acme.signature.valid`},
		{"nope", "{severity: MUST}", "check: missing id (e.g. myplatform.signature.valid)"},
	} {
		_, err := acme.Parse("x.yaml", []byte("version: 1\nname: x\nplatform: "+tc.plat+"\ncheck: "+tc.check+"\nsteps: [{advance: 1h}]\n"))
		tassert.ErrorContains(t, err, tc.want)
	}
}

// TestRunPlatforms: a scenario runs with the registry it was loaded with;
// RunConfig.Platforms overrides it; a scenario with neither is an ERROR
// naming the field.
func TestRunPlatforms(t *testing.T) {
	m, srv := newMiniReceiver(t, prolific.Name)
	sc, err := Loader{Platforms: acmeRegistry()}.Parse("x.yaml", []byte(`version: 1
name: acme
platform: acme
steps:
  - send: {event: submission.status.change, status: APPROVED}
    expect: {status: 2xx}
`))
	require.NoError(t, err)
	cfg := RunConfig{Target: srv.URL, Secret: testSecret, Seed: 1}
	res := RunScenario(context.Background(), cfg, sc)
	require.Equal(t, assert.Pass, res.Verdict, reportText(res))
	tassert.Equal(t, 1, m.requests)

	cfg.Platforms = testPlatforms // knows no "acme"
	res = RunScenario(context.Background(), cfg, sc)
	tassert.Equal(t, assert.Error, res.Verdict)
	tassert.Contains(t, res.Reason, `unknown platform "acme"`)

	literal := &Scenario{Name: "literal", Platform: prolific.Name, Steps: []Step{{Advance: &Duration{D: 1}}}}
	res = RunScenario(context.Background(), RunConfig{}, literal)
	tassert.Equal(t, assert.Error, res.Verdict)
	tassert.Contains(t, res.Reason, "RunConfig.Platforms is nil")
	res = RunScenario(context.Background(), RunConfig{Platforms: testPlatforms, Target: srv.URL, Secret: testSecret}, literal)
	tassert.Equal(t, assert.Pass, res.Verdict, res.Reason)
}
