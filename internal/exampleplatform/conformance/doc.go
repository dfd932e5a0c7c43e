// Package conformance is the example platform's conformance suite for
// package conform: one v1 scenario file per check in checks/ (embedded; the
// check ids are example.AREA.NAME) and the control event (Suite().Control).
// It is small on purpose: signature valid, wrong secret, missing,
// malformed and stale, and duplicates acknowledged and applied once. It
// has no receiver corpus.
//
// # Imports
//
// It imports conform (for the Suite type) and the example wire profile
// (for its name and event type). It must not import platform/all, the
// reference receiver (internal/exampleplatform/reference) or any
// other platform's packages; its tests may.
package conformance
