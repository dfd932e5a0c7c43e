// Package conformance is Respondent's conformance suite for package conform:
// one v1 scenario file per check in checks/ (embedded; the check ids are
// respondent.AREA.NAME), the control event (Suite().Control), and, in
// testdata/receivers, the corpus of Respondent receivers written the way people
// write them, each with the verdict a careful reviewer gives every check
// (corpus_test.go asserts those tables through internal/corpustest).
//
// # Imports
//
// It imports conform (for the Suite type) and respondent's wire profile
// (platform/respondent, for its name). It must not import platform/all, the
// reference receiver (platform/respondent/reference) or any other platform's
// packages; its tests may.
package conformance
