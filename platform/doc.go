// Package platform is the registry type the core packages use to find a
// platform's wire profile by name: scenarios, load runs, conformance runs
// and command-line flags name a platform as a string, and look it up in the
// *Registry they were given. It never lists platforms itself.
//
// Layout: everything hookdrill knows about one platform lives in one
// folder below this one. platform/NAME is its wire profile (a
// hookdrill.Profile: catalogue, payloads, serialisation, headers, signing
// and verification, retry presets); platform/NAME/mock its mock API (a
// mockserver.Platform); platform/NAME/reference its part of the reference
// receiver (a receiver.Platform); platform/NAME/conformance its conformance
// suite (a conform.Suite) and receiver corpus; platform/NAME/loadprofile
// its part of load runs (a load.Workload). platform/all lists the
// platforms, one entry each: adding a platform is one folder plus that
// entry, with no edit to any core package (internal/exampleplatform
// is the test-only proof).
//
// Imports: the root package only. It must not import any platform's
// package (they may import it) nor platform/all.
package platform
