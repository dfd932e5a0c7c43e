// Package mocktest holds what the platforms' mock API tests share: golden
// transcripts of an API conversation (Transcript) and a dispatcher that
// completes deliveries without a network (Dispatcher).
//
// It imports the root package, clock and sender only; it must not import
// mockserver's platform plug-ins, any platform
// package (the platforms' internal mock tests import it, and would form a
// cycle) nor platform/all.
package mocktest
