package schema

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/internal/testkit"
	"github.com/hookdrill/hookdrill/platform"
	"github.com/hookdrill/hookdrill/platform/prolific"
	"github.com/hookdrill/hookdrill/platform/respondent"
)

// builtin are the built-in platforms (platform/all lists the same; it
// imports packages that import this one).
var builtin = platform.MustRegistry(
	func() hookdrill.Profile { return prolific.New(prolific.Options{}) },
	func() hookdrill.Profile { return respondent.New(respondent.Options{}) },
)

// TestScenarioSchemaIsGenerated: the checked-in scenario schema is
// Scenario of the built-in platforms. After changing a platform's
// catalogue (or adding one), run go test ./schema -update.
func TestScenarioSchemaIsGenerated(t *testing.T) {
	got, err := Scenario(builtin)
	require.NoError(t, err)
	// Not testkit.Golden: the file is checked in beside the package (not
	// under testdata/) and embedded, so the test compares the embedded copy
	// the binary ships and names the first stale line of a long schema.
	if testkit.Updating() {
		require.NoError(t, os.WriteFile("scenario-v1.schema.json", got, 0o644))
		return
	}
	want := strings.Split(string(ScenarioV1()), "\n")
	lines := strings.Split(string(got), "\n")
	for i := range max(len(want), len(lines)) {
		var w, g string
		if i < len(want) {
			w = want[i]
		}
		if i < len(lines) {
			g = lines[i]
		}
		if w != g {
			t.Fatalf("scenario-v1.schema.json is stale (run go test ./schema -update): line %d is\n\t%s\nwant (generated)\n\t%s", i+1, w, g)
		}
	}
}

type renamed struct {
	hookdrill.Profile
	name string
}

func (r renamed) Name() string { return r.name }

// TestScenarioSchemaFollowsTheRegistry: the platform enum, the
// per-platform conditionals and $defs and the preset list are the
// registry's, whatever platforms it holds.
func TestScenarioSchemaFollowsTheRegistry(t *testing.T) {
	reg := platform.MustRegistry(
		func() hookdrill.Profile { return respondent.New(respondent.Options{}) },
		func() hookdrill.Profile { return renamed{Profile: prolific.New(prolific.Options{}), name: "acme"} },
	)
	b, err := Scenario(reg)
	require.NoError(t, err)
	var doc struct {
		Properties map[string]struct {
			Enum []string `json:"enum"`
		} `json:"properties"`
		AllOf []struct {
			If struct {
				Properties struct {
					Platform struct {
						Const string `json:"const"`
					} `json:"platform"`
				} `json:"properties"`
			} `json:"if"`
		} `json:"allOf"`
		Defs map[string]json.RawMessage `json:"$defs"`
	}
	require.NoError(t, json.Unmarshal(b, &doc))
	require.Equal(t, []string{"acme", "respondent"}, doc.Properties["platform"].Enum)
	require.Len(t, doc.AllOf, 2)
	require.Equal(t, "acme", doc.AllOf[0].If.Properties.Platform.Const)
	for _, d := range []string{"acmeEventType", "acmeSend", "acmeStep", "respondentEventType", "respondentSend", "respondentStep", "send", "step"} {
		require.Contains(t, doc.Defs, d)
	}
	for _, d := range []string{"prolificEventType", "prolificSend", "prolificStep"} {
		require.NotContains(t, doc.Defs, d, "a platform the registry does not hold")
	}
	require.Contains(t, string(doc.Defs["acmeEventType"]), `"submission.status.change"`)
	require.Contains(t, string(doc.Defs["retries"]), "A preset (prolific, prolific-legacy, respondent, none)")

	_, err = Scenario(nil)
	require.Error(t, err)
}

func TestOrderedRoundTrip(t *testing.T) {
	src := "{\n  \"b\": [\n    1.50,\n    \"<&>\",\n    true,\n    null\n  ],\n  \"a\": {},\n  \"c\": []\n}"
	v, err := decodeOrdered([]byte(src))
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, writeOrdered(&b, v, ""))
	require.Equal(t, src, b.String(), "order, number text and < & > kept")
	_, err = decodeOrdered([]byte(`{} x`))
	require.Error(t, err)
}
