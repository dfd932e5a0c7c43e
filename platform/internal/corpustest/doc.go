// Package corpustest runs a platform's conformance corpus: receivers
// written the way people write them (platform/NAME/conformance/
// testdata/receivers/RECEIVER/expected.yaml), each with the verdict a
// careful reviewer gives every check. Each platform's conformance package
// calls Run from its corpus test.
//
// It is test support: it imports testing, conform and the test libraries,
// and must not be imported by non-test code. It names no platform: the
// suites, the registry and the corpus directory come from the caller.
package corpustest
