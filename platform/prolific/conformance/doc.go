// Package conformance is Prolific's conformance suite for package conform:
// one v1 scenario file per check in checks/ (embedded; the check ids are
// prolific.AREA.NAME), the control event (Suite().Control), and, in
// testdata/receivers, the corpus of Prolific receivers written the way people
// write them, each with the verdict a careful reviewer gives every check
// (corpus_test.go asserts those tables through internal/corpustest).
//
// # Imports
//
// It imports conform (for the Suite type) and prolific's wire profile
// (platform/prolific, for its name). It must not import platform/all, the
// reference receiver (platform/prolific/reference) or any other platform's
// packages; its tests may.
package conformance
