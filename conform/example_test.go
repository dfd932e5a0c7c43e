package conform_test

import (
	"context"
	"fmt"
	"io"

	"github.com/hookdrill/hookdrill/assert"
	"github.com/hookdrill/hookdrill/conform"
	"github.com/hookdrill/hookdrill/platform/all"
	prolificref "github.com/hookdrill/hookdrill/platform/prolific/reference"
	"github.com/hookdrill/hookdrill/receiver"
)

// The README's "conformance suite from Go" snippet, against a reference
// receiver that accepts deliveries without a signature: on an ordinary
// failure err is nil and the message comes from the result's counts (the
// snippet used to print "<nil>" there).
func ExampleRun() {
	url, stop, err := receiver.Start(receiver.Config{Platform: prolificref.New(), Secret: "test-secret",
		Bugs: []receiver.Bug{receiver.BugIgnoresMissingSignature}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer stop()
	res, err := conform.Run(context.Background(), conform.Config{
		Suites: all.Suites(), Registry: all.Registry(),
		Platform: "prolific", Target: url + "/webhooks/prolific", Secret: "test-secret",
		ProbeApplied: url + "/_state#/processed/{event_id}", Strict: true, Seed: 1,
	})
	if err != nil {
		fmt.Printf("conformance could not run: %v\n", err)
		return
	}
	if !res.OK {
		_ = assert.WriteText(io.Discard, res.Report, assert.TextOptions{}) // os.Stderr in a test
		fmt.Printf("conformance failed: %d MUST and %d SHOULD check(s) failed, %d could not run (seed %d)\n",
			res.MustFailed, res.ShouldFailed, res.Errors, res.Seed)
	}
	// Output:
	// conformance failed: 1 MUST and 0 SHOULD check(s) failed, 0 could not run (seed 1)
}
