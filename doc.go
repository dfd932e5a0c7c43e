// Package hookdrill holds the domain vocabulary shared by every other package:
// events and their ordered payloads, delivery targets, attempt outcomes, retry
// policies, the platform Profile interface, and the append-only Journal that
// records everything that happened during a run.
//
// Data moves one way: the sender and the mock server append to a Journal;
// assertions and reports only read snapshots of it. The same checks therefore
// run live, from a saved JSONL journal, in the CLI, and inside a user's own
// go test.
package hookdrill
