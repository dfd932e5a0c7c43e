// Package loadprofile is the example platform's part of hookdrill's load
// tests (package load): the default event mix of a constant-rate run and
// the built-in workload profile example-orders, as a load.Workload.
//
// It may import the root package, package load and the example wire
// profile. It must not import platform/all, another platform's packages,
// or the CLI.
package loadprofile
