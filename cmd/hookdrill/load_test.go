package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/load"
	prolificref "github.com/hookdrill/hookdrill/platform/prolific/reference"
	"github.com/hookdrill/hookdrill/receiver"
)

func TestLoadCommandWritesReports(t *testing.T) {
	rcv, err := receiver.New(receiver.Config{Platform: prolificref.New(), Secret: cliSecret})
	require.NoError(t, err)
	srv := httptest.NewServer(rcv)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	var files []string
	for _, sh := range []string{"1/2", "2/2"} {
		out := filepath.Join(dir, "load-"+strings.ReplaceAll(sh, "/", "of")+".json")
		files = append(files, out)
		stdout, stderr, code := runCLI(t, map[string]string{"HOOKDRILL_SECRET": cliSecret}, "load", "--platform", "prolific",
			"--target", srv.URL+"/hook", "--rate", "100/s", "--duration", "300ms", "--seed", "5", "--shard", sh,
			"--probe-applied", srv.URL+"/_state", "--probe-sample", "1", "--format", "json", "--out", out)
		require.Equal(t, 0, code, stderr)
		require.Empty(t, stdout)
		require.Contains(t, stderr, "seed 5")
	}
	var rs []io.Reader
	for _, f := range files {
		fh, err := os.Open(f)
		require.NoError(t, err)
		defer fh.Close()
		rs = append(rs, fh)
	}
	merged, err := load.ReadResults(rs...)
	require.NoError(t, err)
	require.EqualValues(t, 30, merged.Asked)
	require.EqualValues(t, 30, merged.Deliveries.Succeeded)
	require.Equal(t, load.VerdictPass, merged.Probe.Verdict)
	require.EqualValues(t, 30, merged.Probe.AppliedOnce)
	require.NotContains(t, readFile(t, files[0]), cliSecret, "the secret never reaches a report")

	// hookdrill report merges the shards the same way (exact histograms).
	mergedOut := filepath.Join(dir, "merged.json")
	_, stderr, code := runCLI(t, nil, "report", "--format", "json", "--out", mergedOut, files[0], files[1])
	require.Equal(t, 0, code, stderr)
	viaCLI, err := load.ReadResults(strings.NewReader(readFile(t, mergedOut)))
	require.NoError(t, err)
	require.Equal(t, merged.Asked, viaCLI.Asked)
	require.Equal(t, merged.Deliveries, viaCLI.Deliveries)
	require.Equal(t, merged.First.Latency.Count(), viaCLI.First.Latency.Count())
	require.Equal(t, merged.First.Latency.Quantile(0.99), viaCLI.First.Latency.Quantile(0.99))
	text, _, code := runCLI(t, nil, "report", files[0], files[1])
	require.Equal(t, 0, code)
	require.Contains(t, text, "Latency (ms, from when due)")
	_, stderr, code = runCLI(t, nil, "report", "--format", "junit", files[0])
	require.Equal(t, 2, code, "a load result has no JUnit form")
	require.Contains(t, stderr, "text, json, html")

	stdout, stderr, code := runCLI(t, nil, "load", "--platform", "prolific", "--target", srv.URL+"/hook", "--secret", cliSecret,
		"--profile", "bulk-approve", "--participants", "20", "--duration", "100ms", "--format", "html")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, "<svg")
	stdout, _, code = runCLI(t, nil, "load", "--platform", "prolific", "--target", srv.URL+"/hook", "--secret", cliSecret,
		"--rate", "50/s", "--duration", "100ms", "--events", "submission.status.change:RETURNED")
	require.Equal(t, 0, code)
	require.Contains(t, stdout, "Latency (ms, from when due)")
	require.Contains(t, stdout, "submission.status.change")
	require.NotContains(t, stdout, cliSecret)
}

func readFile(t *testing.T, p string) string {
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	return string(b)
}

func TestLoadCommandBadInput(t *testing.T) {
	base := []string{"load", "--platform", "prolific", "--target", "http://127.0.0.1:9/hook", "--secret", cliSecret}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--rate", "0/s"}, "must be positive"},
		{[]string{"--rate", "-10/s"}, "must be positive"},
		{[]string{"--rate", "5000000/s"}, "more than 1000000/s"},
		{[]string{"--rate", "fast"}, "want N/s"},
		{[]string{"--rate", "10/s", "--duration", "500us"}, "at least 1ms"},
		{[]string{"--rate", "10/s", "--duration", "-1s"}, "at least 1ms"},
		{[]string{}, "a rate (e.g. 200/s) or a profile is required"},
		{[]string{"--rate", "10/s", "--profile", "study-fill"}, "not both"},
		{[]string{"--profile", "no-such-profile"}, "unknown profile"},
		{[]string{"--rate", "10/s", "--events", "x=0"}, "weight"},
		{[]string{"--rate", "10/s", "--events", "no.such.event"}, "no.such.event"},
		{[]string{"--rate", "10/s", "--shard", "3/2"}, "shard"},
		{[]string{"--rate", "10/s", "--retries", "maybe"}, "retries must be"},
		{[]string{"--rate", "10/s", "--format", "pdf"}, "--format"},
		{[]string{"--rate", "10/s", "--max-in-flight", "0"}, "max-in-flight"},
		{[]string{"--rate", "10/s", "--target", "http://example.com/hook"}, "loopback"},
	} {
		_, stderr, code := runCLI(t, nil, append(base, tc.args...)...)
		require.Equal(t, exitUsage, code, "%v: %s", tc.args, stderr)
		require.Contains(t, stderr, tc.want, tc.args)
	}
	bad := filepath.Join(t.TempDir(), "p.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("version: 1\nplatform: prolific\nphases:\n  - end: 1s\n    count: 1\n    sned: {}\n"), 0o600))
	_, stderr, code := runCLI(t, nil, append(base, "--profile", bad)...)
	require.Equal(t, exitUsage, code)
	require.Contains(t, stderr, "p.yaml:6")
	good := filepath.Join(t.TempDir(), "g.yaml")
	require.NoError(t, os.WriteFile(good, []byte("version: 1\nplatform: prolific\nphases:\n  - end: 1s\n    count: 1\n    send: {event: study.progress.change}\n"), 0o600))
	_, stderr, code = runCLI(t, nil, append(base, "--profile", good, "--duration", "5s")...)
	require.Equal(t, exitUsage, code)
	require.Contains(t, stderr, "phases set its length")
}

func TestLoadCommandReceiverDownAndInterrupt(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.Copy(io.Discard, r.Body) }))
	go func() {
		time.Sleep(200 * time.Millisecond)
		srv.Listener.Close()
		srv.CloseClientConnections()
	}()
	t.Cleanup(srv.Close)
	out := filepath.Join(t.TempDir(), "r.json")
	_, stderr, code := runCLI(t, nil, "load", "--platform", "prolific", "--target", srv.URL, "--secret", cliSecret,
		"--rate", "100/s", "--duration", "20s", "--retries", "none", "--format", "json", "--out", out)
	require.Equal(t, exitFailed, code, stderr)
	require.Contains(t, stderr, "receiver_down")
	res, err := load.DecodeResult([]byte(readFile(t, out)))
	require.NoError(t, err)
	require.True(t, res.Partial)

	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.Copy(io.Discard, r.Body) }))
	t.Cleanup(ok.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	var so, se strings.Builder
	err = run(ctx, []string{"load", "--platform", "prolific", "--target", ok.URL, "--secret", cliSecret, "--rate", "100/s",
		"--duration", "20s"}, strings.NewReader(""), &so, &se, func(string) string { return "" })
	require.Equal(t, exitFailed, exitCode(err))
	require.Contains(t, so.String(), "PARTIAL: cancelled")
}
