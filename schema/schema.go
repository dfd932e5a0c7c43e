package schema

import _ "embed"

//go:embed scenario-v1.schema.json
var scenarioV1 []byte

//go:embed report-v1.schema.json
var reportV1 []byte

// ScenarioV1 returns a copy of the scenario schema.
func ScenarioV1() []byte { return append([]byte(nil), scenarioV1...) }

// ReportV1 returns a copy of the report schema.
func ReportV1() []byte { return append([]byte(nil), reportV1...) }
