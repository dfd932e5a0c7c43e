// Command hookdrill tests webhook receivers for the platforms of
// platform/all: it signs and delivers events exactly like each platform,
// mocks their webhook management APIs, runs YAML scenarios and conformance
// suites.
//
// This package owns the command line only: flags → config → wiring. Each
// command is a cobra command (newRoot, one xxxCmd builder per command)
// whose pflag flags fill a xxxFlags struct; its run method checks them,
// turns them into the library's config (sender.Config, mockserver.Config,
// scenarios.RunConfig, conform.Config, receiver.Config, load.Config,
// report options), calls the library and maps the outcome to an exit code
// (0 passed, 1 failed, 2 usage, 3 could not run). Everything it does is
// available from Go code; behaviour belongs in the library packages.
//
// The platforms come from a *platform.Registry held by app (platform/all's
// in main, via run; tests pass their own to runWith): --platform values and
// their help and completion, --retries presets, the conformance timeouts in
// help, --list outputs. This is the one package besides platform/all and
// tests that may import platform/all.
package main
