package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/assert"
	"github.com/hookdrill/hookdrill/internal/testkit"
	"github.com/hookdrill/hookdrill/platform/all"
	prolificref "github.com/hookdrill/hookdrill/platform/prolific/reference"
	"github.com/hookdrill/hookdrill/receiver"
	"github.com/hookdrill/hookdrill/schema"
)

func reportSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema.ReportV1()))
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	require.NoError(t, c.AddResource("mem://report.json", doc))
	sch, err := c.Compile("mem://report.json")
	require.NoError(t, err)
	return sch
}

// conform --demo --format json (both platforms) writes one report
// document valid against report-v1.schema.json (it used to be a bare
// array of two).
func TestConformDemoJSONIsOneReport(t *testing.T) {
	out, errOut, code := runCLI(t, nil, "conform", "--demo", "--format", "json")
	require.Equal(t, exitOK, code, errOut)
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(out)))
	require.NoError(t, err, out)
	require.NoError(t, reportSchema(t).Validate(inst))
	var rep struct {
		Runs []struct {
			Platform string `json:"platform"`
		} `json:"runs"`
		Scenarios []struct {
			Platform string `json:"platform"`
		} `json:"scenarios"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	require.Len(t, rep.Runs, 2)
	tassert.Equal(t, "prolific", rep.Runs[0].Platform)
	tassert.Equal(t, "respondent", rep.Runs[1].Platform)
	plats := map[string]int{}
	for _, sc := range rep.Scenarios {
		plats[sc.Platform]++
	}
	tassert.Positive(t, plats["prolific"])
	tassert.Positive(t, plats["respondent"])
}

// One invalid scenario file among valid ones: the valid ones run, the
// report (here JUnit, to a file) lists the invalid file as an error, and
// the exit status is 2. It used to write no report at all.
func TestRunInvalidFileAmongValidOnes(t *testing.T) {
	srv, _ := testkit.Answering(t, 200)
	dir := t.TempDir()
	writeScenario(t, dir, "ok.yaml", scenarioOK)
	bad := writeScenario(t, dir, "bad.yaml", "version: 1\nname: bad\nplatform: prolific\nsteps:\n  - sned: x\n")
	out := filepath.Join(t.TempDir(), "junit.xml")
	_, errOut, code := runCLI(t, map[string]string{"TARGET": srv.URL + "/hook"}, "run", "--format", "junit", "--out", out, dir)
	tassert.Equal(t, exitUsage, code, errOut)
	tassert.Contains(t, errOut, bad+":5:5: step 1: steps[0].sned: unknown field")
	b, err := os.ReadFile(out)
	require.NoError(t, err, "the report is written")
	j, err := assert.ReadJUnit(bytes.NewReader(b))
	require.NoError(t, err)
	tassert.Equal(t, 2, j.Tests)
	tassert.Equal(t, 1, j.Errors)
	var cases []string
	for _, s := range j.Suites {
		for _, c := range s.Cases {
			cases = append(cases, c.Name)
			if c.Name == bad {
				require.NotNil(t, c.Error)
				tassert.Contains(t, c.Error.Message, "invalid scenario file: "+bad+":5:5")
			}
		}
	}
	tassert.ElementsMatch(t, []string{"cli/ok", bad}, cases)
}

// The progress line's total is the number of checks that run (it was 0).
func TestConformProgressTotal(t *testing.T) {
	a := newApp(all.Platforms(), &environ{})
	checks, err := all.Suites().List(all.Registry(), "prolific")
	require.NoError(t, err)
	require.Greater(t, len(checks), 10)
	tassert.Equal(t, len(checks), a.checkTotal("prolific", nil))
	tassert.Equal(t, 2, a.checkTotal("prolific", []string{checks[0].ID, checks[3].ID}))
	var b bytes.Buffer
	prog := assert.NewProgress(&b, true, a.checkTotal("prolific", nil))
	prog.Done(assert.ScenarioResult{Name: checks[0].ID, Verdict: assert.Pass})
	tassert.Contains(t, b.String(), fmt.Sprintf("[1/%d] 0 failed", len(checks)))
}

// In the CLI the skip hints name flags (conform.Run names Config fields).
func TestConformSkipHintsNameFlags(t *testing.T) {
	url, stop, err := receiver.Start(receiver.Config{Platform: prolificref.New(), Secret: cliSecret})
	require.NoError(t, err)
	t.Cleanup(stop)
	out, errOut, code := runCLI(t, map[string]string{"HOOKDRILL_SECRET": cliSecret}, "conform", "--platform", "prolific", "--target", url,
		"--only", "prolific.signature.rotated_secret,prolific.idempotency.duplicate_applied_once")
	require.Equal(t, exitOK, code, errOut)
	tassert.Contains(t, out, "needs --old-secret")
	tassert.Contains(t, out, "needs --probe-applied")
	tassert.NotContains(t, out, "Config.")
}

// run's skip hints name its flags, variables included.
func TestRunSkipHintsNameFlags(t *testing.T) {
	srv, _ := testkit.Answering(t, 200)
	dir := t.TempDir()
	writeScenario(t, dir, "needs.yaml", `version: 1
name: cli/needs
platform: prolific
target: `+srv.URL+`
secret: cli-secret-0123456789
requires: [vars.old_secret, probe.applied]
vars: {old_secret: ""}
steps:
  - id: ev
    send: study.progress.change
  - probe: {use: applied, event: ev}
    expect: {value: 1}
`)
	out, errOut, code := runCLI(t, nil, "run", dir)
	require.Equal(t, exitOK, code, errOut)
	tassert.Contains(t, out, "needs --var old_secret=VALUE, --probe-applied")
	tassert.NotContains(t, out, "RunConfig")
}
