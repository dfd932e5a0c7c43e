package sender_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/platform/prolific"
	"github.com/hookdrill/hookdrill/sender"
)

// trivialReceiver reads the body and answers 200 with no body.
func trivialReceiver() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
	})
}

// BenchmarkSenderThroughput measures signed deliveries per second to a
// trivial local receiver over keep-alive connections, 64 in flight. When
// HOOKDRILL_WRK names a wrk binary, wrk is run against the same receiver
// with the same body and headers in the same process run, and its rate and
// our ratio to it are reported too (make bench-compare). The two take turns
// in wrkRounds rounds, so that a machine whose speed drifts during the run
// (shared virtual machines do) slows both alike; the ratio is the sender's
// total rate over wrk's.
func BenchmarkSenderThroughput(b *testing.B) {
	srv := httptest.NewServer(trivialReceiver())
	defer srv.Close()
	prof := prolific.New(prolific.Options{})
	ev, err := prof.NewEvent(hookdrill.EventSpec{Type: "submission.status.change"}, rand.New(rand.NewPCG(42, 0)), time.Now())
	require.NoError(b, err)
	one := fastPolicy(1)
	s, err := sender.New(sender.Config{Profile: prof, Concurrency: 64, Policy: &one})
	require.NoError(b, err)
	defer s.Close()
	target := hookdrill.Target{URL: srv.URL + "/hook", Secret: secret}
	ctx := context.Background()
	wrk := os.Getenv("HOOKDRILL_WRK")
	rounds := 1
	if wrk != "" && b.N >= wrkRounds*1000 {
		rounds = wrkRounds
	}
	var script string
	if rounds > 1 {
		body, err := prof.Encode(ev)
		require.NoError(b, err)
		h, err := prof.Sign(hookdrill.SignInput{Event: ev, Body: body, Secret: secret, SentAt: time.Now()})
		require.NoError(b, err)
		script = wrkScript(b, body, h)
	}

	b.ReportAllocs()
	b.ResetTimer()
	var elapsed time.Duration
	var wrkReqs float64
	var wrkTime time.Duration
	sem := make(chan struct{}, 256) // keep the queue short; the sender bounds in-flight requests at 64
	hooks := sender.Hooks{OnDone: func(sender.Result) { <-sem }}
	for r := range rounds {
		n := b.N / rounds
		if r == rounds-1 {
			n = b.N - r*(b.N/rounds)
		}
		b.StartTimer()
		start := time.Now()
		for range n {
			sem <- struct{}{}
			_, err := s.Deliver(ctx, sender.Delivery{Event: ev, Target: target, Hooks: hooks})
			if err != nil {
				b.Fatal(err)
			}
		}
		require.NoError(b, s.Wait(ctx))
		d := time.Since(start)
		elapsed += d
		b.StopTimer()
		if rounds > 1 {
			d = max(d.Round(time.Second), time.Second) // wrk counts in whole seconds
			wrkReqs += runWrk(b, wrk, script, srv.URL+"/hook", d) * d.Seconds()
			wrkTime += d
		}
	}
	rate := float64(b.N) / elapsed.Seconds()
	b.ReportMetric(rate, "deliveries/s")
	if rounds > 1 {
		wrkRate := wrkReqs / wrkTime.Seconds()
		b.ReportMetric(wrkRate, "wrk_req/s")
		b.ReportMetric(rate/wrkRate, "x_wrk")
	}
}

// wrkRounds is how many turns the sender and wrk take in
// BenchmarkSenderThroughput.
const wrkRounds = 5

// wrkScript writes a wrk script POSTing body with headers and returns its path.
func wrkScript(b *testing.B, body []byte, h http.Header) string {
	b.Helper()
	script := "wrk.method = \"POST\"\nwrk.body = " + strconv.Quote(string(body)) + "\n"
	for k := range h {
		script += fmt.Sprintf("wrk.headers[%q] = %q\n", k, h.Get(k))
	}
	path := filepath.Join(b.TempDir(), "post.lua")
	require.NoError(b, os.WriteFile(path, []byte(script), 0o600))
	return path
}

// runWrk runs wrk with 64 connections for d with the given script and
// returns its requests per second.
func runWrk(b *testing.B, wrk, script, url string, d time.Duration) float64 {
	b.Helper()
	threads := strconv.Itoa(max(1, runtime.GOMAXPROCS(0)))
	out, err := exec.Command(wrk, "-t", threads, "-c", "64", "-d", strconv.Itoa(int(d.Seconds()))+"s", "-s", script, url).CombinedOutput()
	require.NoError(b, err, "%s", out)
	m := regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`).FindSubmatch(out)
	require.NotNil(b, m, "%s", out)
	rate, err := strconv.ParseFloat(string(m[1]), 64)
	require.NoError(b, err)
	return rate
}
