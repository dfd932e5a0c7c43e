// Package scenarios reads, validates and runs hookdrill scenario files.
//
// A scenario is a versioned YAML file (format version 1) that drives a
// webhook receiver the way a platform would: it sends events
// (any type, status, resource, or a raw payload), duplicates them, delivers
// them out of order, tampers with signatures, loses acknowledgements,
// bursts, moves a simulated clock through days of retries, probes the
// receiver's state over HTTP or with a command, and acts on an embedded mock
// of the platform's API. Each step may carry expectations; the runner turns
// them into verdicts with the assert package.
//
// A Loader reads scenarios for the platforms of its registry
// (Loader.Platforms, from package platform/all in a program): a scenario
// names its platform, whose profile checks its event types, statuses and
// retry presets, builds its events and signs them. The step kinds (send,
// probe, trigger...) are one table (kinds.go): a kind's row holds its
// validation, report summary, expect fields, outputs and run function.
//
// Loading is strict: unknown fields, wrong types, unknown event types or
// statuses, dangling step references and bad durations are errors that
// name file:line:column and the field, with the valid values; every
// problem of a file is reported at once (LoadError). The JSON Schema of the
// format is in package schema.
//
// Strings may refer to values with ${...}:
//
//	${NAME} ${NAME:-default}  environment variable (RunConfig.Getenv)
//	${vars.x}                 a declared variable
//	${fake.objectid}          a seeded fake value (see FakeGenerators)
//	${scenario.seed}          name, platform, seed, target, secret, file
//	${clock.unix}             the scenario clock: unix, unix_ms, rfc3339, iso
//	${STEP.FIELD}             an output of an earlier step (event_id, ...)
//
// "$${" is a literal "${".
//
// Run executes scenarios (concurrently with RunConfig.Parallel, sharded
// with RunConfig.Shard) and returns an assert.Report. RunT runs each
// scenario inside its own go test subtest (so -run selects scenarios
// before they start), reports each step as a subtest of it, and starts
// failure messages with the scenario file and line. Every scenario runs on its own
// sender, journal and clock, seeded from its seed, so a reported seed
// reproduces ids, payloads and retry jitter.
//
// The package owns the scenario format, its loader and its runner, and
// names no platform: platforms come as a *platform.Registry, the embedded
// mock as a MockFactory. It may import the root package, assert, clock,
// sender and platform (the Registry and Identifier types). It must not
// import platform/all, a platform's package (platform/prolific, ...),
// mockserver, receiver, conform, load, report or the CLI.
package scenarios
