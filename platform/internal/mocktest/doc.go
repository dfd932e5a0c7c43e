// Package mocktest holds what the platforms' mock API tests share: golden
// transcripts of an API conversation (Transcript).
//
// It imports the standard library only; it must not import any platform
// package (the platforms' internal mock tests import it, and would form a
// cycle) nor platform/all.
package mocktest
