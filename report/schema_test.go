package report

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/assert"
	"github.com/hookdrill/hookdrill/schema"
)

// jsonFields lists the JSON names of a struct's fields, embedded structs'
// fields included.
func jsonFields(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			out = append(out, jsonFields(f.Type)...)
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}

// TestReportSchemaCoversTheReport: every field the JSON report can hold is
// described by schema/report-v1.schema.json.
func TestReportSchemaCoversTheReport(t *testing.T) {
	var s struct {
		Properties map[string]any `json:"properties"`
		Defs       map[string]struct {
			Properties map[string]any   `json:"properties"`
			AllOf      []map[string]any `json:"allOf"`
		} `json:"$defs"`
	}
	require.NoError(t, json.Unmarshal(schema.ReportV1(), &s))
	props := func(def string) map[string]any {
		d := s.Defs[def]
		out := map[string]any{}
		for k, v := range d.Properties {
			out[k] = v
		}
		for _, part := range d.AllOf {
			if ref, ok := part["$ref"].(string); ok {
				for k, v := range s.Defs[strings.TrimPrefix(ref, "#/$defs/")].Properties {
					out[k] = v
				}
			}
			if p, ok := part["properties"].(map[string]any); ok {
				for k, v := range p {
					out[k] = v
				}
			}
		}
		return out
	}
	timeline := props("timeline")
	delivery := timeline["deliveries"].(map[string]any)["items"].(map[string]any)["properties"].(map[string]any)
	for _, tc := range []struct {
		typ   reflect.Type
		props map[string]any
	}{
		{reflect.TypeFor[assert.Report](), s.Properties},
		{reflect.TypeFor[assert.RunInfo](), props("run")},
		{reflect.TypeFor[assert.ScenarioResult](), props("scenario")},
		{reflect.TypeFor[assert.Timeline](), timeline},
		{reflect.TypeFor[assert.TimelineDelivery](), delivery},
		{reflect.TypeFor[assert.TimedAttempt](), props("timed_attempt")},
		{reflect.TypeFor[assert.TimelineProbe](), props("timeline_probe")},
	} {
		for _, f := range jsonFields(tc.typ) {
			_, ok := tc.props[f]
			tassert.True(t, ok, "%s field %q is in the schema", tc.typ.Name(), f)
		}
	}
}
