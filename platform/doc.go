// Package platform finds a platform profile by name, for configuration
// files, scenarios and command-line flags that name a platform as a string.
//
// Each platform lives in its own package below this one (platform/prolific,
// platform/respondent) and implements hookdrill.Profile. Adding a third
// platform means one new folder under platform/ plus one line in the
// constructors table of platform.go.
package platform
