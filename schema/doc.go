// Package schema holds the JSON Schemas (draft 2020-12) of hookdrill's file
// formats, embedded so that tools can serve them and written next to this
// file so that editors can use them:
//
//   - scenario-v1.schema.json: scenario files, format version 1. Point your
//     editor at it, e.g. with a first line
//     "# yaml-language-server: $schema=https://…/scenario-v1.schema.json"
//     or a settings mapping of "*.scenario.yaml" / "scenarios/**.yaml".
//   - report-v1.schema.json: the JSON report of "hookdrill run --format json"
//     (assert.ReportVersion 1).
//
// The scenario schema checks structure, value shapes and the platforms'
// event types and statuses. It cannot check what depends on order or on
// other fields: step references (${first.event_id}, duplicate: first), held
// steps without a release, expectation fields that do not apply to a step
// kind, or tampers a platform has no wire form for. hookdrill's loader
// (package scenarios) checks all of that too, and reports each problem with
// file:line:column.
//
// The platform parts of the scenario schema (the platform names, each
// platform's event types, statuses and retry presets) are generated from a
// platform registry by Scenario; the checked-in file is Scenario of the
// built-in platforms, kept so by a test (go test ./schema -update rewrites
// it after a platform changes or is added).
//
// The package may import the root package and platform (the Registry
// type); it must not import platform/all, a platform's package, or any
// other hookdrill package.
package schema
