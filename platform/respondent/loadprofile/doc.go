// Package loadprofile is Respondent's part of hookdrill's load tests
// (package load): the default event mix of a constant-rate run and the
// built-in workload profile respondent-project, as a load.Workload.
// platform/all lists it; cmd/hookdrill passes it to load.Config.Workloads.
//
// It may import the root package, package load and the wire package
// platform/respondent. It must not import platform/all, another
// platform's packages, or the CLI.
package loadprofile
