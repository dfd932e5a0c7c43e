// Package repotest tests the repository's files that are not Go packages,
// the way a user meets them: the README's runnable shell examples (run
// against the reference receiver), the GitHub Action's script
// (scripts/action.sh, run locally against `hookdrill receiver`), the
// Dockerfile's build stage (its exact `go build` line, and that the binary
// is static) and the GoReleaser configuration (a snapshot build, only with
// HOOKDRILL_TEST_RELEASE=1 because it cross-compiles six binaries).
//
// The tests build cmd/hookdrill once into a temporary directory and put it
// on PATH. The package has no code of its own.
package repotest
