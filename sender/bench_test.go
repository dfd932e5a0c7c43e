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
// our ratio to it are reported too (make bench-compare).
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

	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	sem := make(chan struct{}, 256) // keep the queue short; the sender bounds in-flight requests at 64
	for i := 0; i < b.N; i++ {
		sem <- struct{}{}
		_, err := s.Deliver(ctx, sender.Delivery{Event: ev, Target: target, Hooks: sender.Hooks{OnDone: func(sender.Result) { <-sem }}})
		if err != nil {
			b.Fatal(err)
		}
	}
	require.NoError(b, s.Wait(ctx))
	elapsed := time.Since(start)
	b.StopTimer()
	rate := float64(b.N) / elapsed.Seconds()
	b.ReportMetric(rate, "deliveries/s")

	if wrk := os.Getenv("HOOKDRILL_WRK"); wrk != "" && b.N > 1000 {
		body, err := prof.Encode(ev)
		require.NoError(b, err)
		h, err := prof.Sign(hookdrill.SignInput{Event: ev, Body: body, Secret: secret, SentAt: time.Now()})
		require.NoError(b, err)
		wrkRate := runWrk(b, wrk, srv.URL+"/hook", body, h, 3*time.Second)
		b.ReportMetric(wrkRate, "wrk_req/s")
		b.ReportMetric(rate/wrkRate, "x_wrk")
	}
}

// runWrk runs wrk with 64 connections POSTing body with headers and
// returns its requests per second.
func runWrk(b *testing.B, wrk, url string, body []byte, h http.Header, d time.Duration) float64 {
	b.Helper()
	script := "wrk.method = \"POST\"\nwrk.body = " + strconv.Quote(string(body)) + "\n"
	for k := range h {
		script += fmt.Sprintf("wrk.headers[%q] = %q\n", k, h.Get(k))
	}
	path := filepath.Join(b.TempDir(), "post.lua")
	require.NoError(b, os.WriteFile(path, []byte(script), 0o600))
	threads := strconv.Itoa(max(1, runtime.GOMAXPROCS(0)))
	out, err := exec.Command(wrk, "-t", threads, "-c", "64", "-d", d.String(), "-s", path, url).CombinedOutput()
	require.NoError(b, err, "%s", out)
	m := regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`).FindSubmatch(out)
	require.NotNil(b, m, "%s", out)
	rate, err := strconv.ParseFloat(string(m[1]), 64)
	require.NoError(b, err)
	return rate
}
