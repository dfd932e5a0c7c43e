// Package testkit holds the helpers hookdrill's tests share: golden files
// behind one -update flag (Golden) and fake receivers (Answering, Recording,
// RawServer, KeepAlive, Hanging) that answer, record what they got, keep
// connections alive or never answer,
// each bound to 127.0.0.1 and stopped when the test ends.
//
// Only _test.go files may import it: it registers the -update flag on the
// standard flag set when imported and imports testify. It imports only the
// standard library and testify, never a hookdrill package, so any package's
// tests can use it without an import cycle. A test binary that imports it
// must not define an -update flag of its own (the flag package panics on
// the second definition); TestOneUpdateFlag fails on any test file that
// does, so every golden file in the repository is rewritten by this one.
package testkit
