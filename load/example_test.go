package load_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/load"
	"github.com/hookdrill/hookdrill/platform/prolific"
)

// A load test from Go: 100 signed Prolific deliveries a second for half a
// second against a local receiver, then the headline numbers.
func ExampleRun() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // a real receiver verifies, applies, answers 2xx
	}))
	defer srv.Close()

	// A program passes every platform: Platforms: all.Registry(),
	// Workloads: all.LoadWorkloads() (package platform/all).
	res, err := load.Run(context.Background(), load.Config{
		Platform: prolific.Name, Platforms: testPlatforms, Workloads: testWorkloads,
		Target:   hookdrill.Target{URL: srv.URL + "/webhook", Secret: "example-secret-0123456789"},
		Rate:     load.Rate{Freq: 100, Per: time.Second},
		Duration: 500 * time.Millisecond,
		Seed:     1,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("asked:", res.Asked, "succeeded:", res.Deliveries.Succeeded, "retries:", res.Retry.Count)
	fmt.Println("p99 within", res.Summary.First.RelativeError*100, "% above the true value")
	// Output:
	// asked: 50 succeeded: 50 retries: 0
	// p99 within 0.78125 % above the true value
}
