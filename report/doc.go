// Package report reads, merges and writes hookdrill's reports.
//
// Write renders an assert.Report in any of the formats the CLI offers:
// text, JSON, JUnit XML and a self-contained HTML page (WriteHTML) with a
// delivery timeline per scenario. Merge combines several reports (the
// shards of "hookdrill run --shard i/n" from a CI matrix, both platforms of
// "hookdrill conform") into one with the right totals.
//
// Decode reads hookdrill JSON documents of any kind. Each document's
// top-level "kind" field selects the Kind that merges and writes it
// (Kinds); a report written before the field existed is of kind
// assert.ReportKind. Other kinds of results (e.g. load-test results) plug
// in as one more Kind, without changing the command that uses them.
package report
