package scenarios_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/assert"
	"github.com/hookdrill/hookdrill/platform"
	"github.com/hookdrill/hookdrill/platform/prolific"
	"github.com/hookdrill/hookdrill/platform/respondent"
	"github.com/hookdrill/hookdrill/scenarios"
)

// loader reads scenarios for the platforms they may name. A program uses
// every platform: scenarios.Loader{Platforms: all.Registry()} (package
// platform/all); these tests list the wire packages, as platform/all
// imports packages that import scenarios.
var loader = scenarios.Loader{Platforms: platform.MustRegistry(
	func() hookdrill.Profile { return prolific.New(prolific.Options{}) },
	func() hookdrill.Profile { return respondent.New(respondent.Options{}) },
)}

// A scenario parsed from bytes and run against a receiver that rejects
// everything: the report names the step, the expectation, want and got.
func Example() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer srv.Close()

	sc, err := loader.Parse("example.yaml", []byte(`version: 1
name: example/valid-signature-accepted
platform: prolific
secret: an-example-secret-value
seed: 42
retries: none
steps:
  - id: approved
    send: {event: submission.status.change, status: APPROVED}
    expect: {status: 2xx}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	rep, err := scenarios.Run(context.Background(), scenarios.RunConfig{Target: srv.URL + "/hook"}, []*scenarios.Scenario{sc})
	if err != nil {
		fmt.Println(err)
		return
	}
	r := rep.Scenarios[0]
	fmt.Println(r.Verdict, r.Reason)
	fmt.Println(r.Rerun)
	// Output:
	// fail step 1 approved: status: want 2xx, got 401
	// hookdrill run --seed 42 --run '^example/valid-signature-accepted$' example.yaml
}

// Loading reports every problem of a file at once, each with its position.
func ExampleParse() {
	_, err := loader.Parse("bad.yaml", []byte(`version: 1
name: bad
platform: prolific
steps:
  - send: {event: submission.status.change, status: AWAITING_REVIEW}
  - duplicate: first
  - advance: 2x
`))
	fmt.Println(err)
	// Output:
	// bad.yaml:5:53: step 1: steps[0].send.status: unknown status "AWAITING_REVIEW" for submission.status.change (did you mean "AWAITING REVIEW"?) (valid: "RESERVED", "ACTIVE", "TIMED-OUT", "AWAITING REVIEW", "APPROVED", "PARTIALLY APPROVED", "RETURNED", "REJECTED", "SCREENED OUT", "UNKNOWN")
	// bad.yaml:6:16: step 2: steps[1].duplicate: no step "first" before this one (no earlier step has an id)
	// bad.yaml:7:14: step 3: steps[2].advance: bad duration "2x": want e.g. "500ms", "30s", "10m", "48h", "2d" (units: ns, us, ms, s, m, h, d)
}

// The text report of a run.
func ExampleRun() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
	}))
	defer srv.Close()
	sc, _ := loader.Parse("ok.yaml", []byte(`version: 1
name: example/ok
platform: respondent
secret: 74e811b4-a1cc-4fa7-857b-0df0fce9a5a9
steps:
  - send: SCREENER_RESPONSES.CREATED
    expect: {status: 2xx}
`))
	rep, _ := scenarios.Run(context.Background(), scenarios.RunConfig{Target: srv.URL}, []*scenarios.Scenario{sc})
	fmt.Println(rep.Summary.Passed, "passed,", rep.Summary.Failed, "failed")
	rep.Scenarios[0].Duration, rep.Duration = 0.01, 0.01 // for a stable example
	_ = assert.WriteText(os.Stdout, rep, assert.TextOptions{})
	// Output:
	// 1 passed, 0 failed
	// PASS  example/ok (0.01s)
	//
	// 1 scenario(s): 1 passed, 0 failed, 0 skipped, 0 errors (0.01s)
}
