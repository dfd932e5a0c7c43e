package main

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
