// Package assert turns what happened during a run into verdicts, and
// verdicts into reports.
//
// Expectations only read records: the attempts and delivery record of one
// delivery (DeliveryExpect), the value a probe returned (ProbeExpect), the
// API calls and notices of a journal Snapshot (CallsExpect). The same checks
// therefore run live, over a saved JSONL journal, in the CLI and inside a
// user's go test.
//
// Each check yields Results: a Verdict (pass, fail, skip, error), a
// one-sentence message, the wanted and the observed value, and for
// delivery checks a summary of the attempt that decided it (request and
// response heads). A scenario's Results, its Severity (MUST or SHOULD) and
// the seed that reproduces it form a ScenarioResult, with the scenario's
// Timeline: every attempt and probe its journal recorded, on its clock
// (BuildTimeline). A run is a Report, written as text (WriteText), JSON
// (WriteJSON, schema version ReportVersion) or JUnit XML (WriteJUnit);
// package report adds HTML and merges reports.
//
// Matchers (Matcher, StatusSet) are the comparison vocabulary shared with
// the scenario format: status classes like "2xx", exact values, numeric
// comparisons, regular expressions, membership.
package assert
