package main

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/mockserver"
)

// readJournal reads a JSONL journal file as it is now.
func readJournal(t *testing.T, path string) hookdrill.Snapshot {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	snap, err := hookdrill.ReadJSONL(f)
	require.NoError(t, err)
	return snap
}

// TestServeJournalAppendedAsItGoes: every answered API call is already in
// the journal file while the server runs (a crash loses none of them).
func TestServeJournalAppendedAsItGoes(t *testing.T) {
	journal := filepath.Join(t.TempDir(), "journal.jsonl")
	base, _, _ := startServe(t, "--journal", journal)
	subscribeVia(t, base, "study.status.change", "http://127.0.0.1:9/x")
	calls := readJournal(t, journal).APICalls()
	require.Len(t, calls, 3, "secret, subscription, confirmation: written before they were answered")
	fi, err := os.Stat(journal)
	require.NoError(t, err)
	tassert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
}

// TestServeJournalCheckedAtStart: an unwritable --journal is a usage error
// at once, not a surprise at shutdown.
func TestServeJournalCheckedAtStart(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "link.jsonl")
	require.NoError(t, os.Symlink(filepath.Join(dir, "elsewhere"), link))
	for _, path := range []string{filepath.Join(dir, "missing", "j.jsonl"), dir, link} {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		var out, errb syncBuffer
		start := time.Now()
		err := run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--journal", path}, strings.NewReader(""), &out, &errb, nil)
		cancel()
		tassert.Equal(t, 2, exitCode(err), "%s: %v", path, err)
		tassert.Less(t, time.Since(start), 2*time.Second, path)
		tassert.NotContains(t, out.String(), "mock server on", "never started")
	}
}

// TestServeNonLoopbackNeedsToken: listening beyond loopback without a
// token is refused before anything listens.
func TestServeNonLoopbackNeedsToken(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "192.0.2.1:0"} {
		_, stderr, code := runCLI(t, nil, "serve", "--addr", addr)
		tassert.Equal(t, 2, code, addr)
		tassert.Contains(t, stderr, "--token is required", addr)
	}
	for addr, want := range map[string][]string{"0.0.0.0:1": {"*"}, ":1": {"*"}, "[::]:1": {"*"},
		"192.0.2.1:8787": {"192.0.2.1"}, "mock.lan:8787": {"mock.lan"}} {
		warning, hosts, err := exposure(addr, "tok")
		require.NoError(t, err, addr)
		tassert.Contains(t, warning, "WARNING", addr)
		tassert.Equal(t, want, hosts, addr)
	}
	for _, addr := range []string{"127.0.0.1:0", "localhost:8787", "[::1]:0"} {
		warning, hosts, err := exposure(addr, "")
		require.NoError(t, err, addr)
		tassert.Empty(t, warning)
		tassert.Nil(t, hosts)
	}
	for host, want := range map[string]bool{"127.0.0.1": true, "::1": true, "localhost": true, "127.0.0.2": true,
		"": false, "0.0.0.0": false, "::": false, "10.0.0.1": false, "example.com": false} {
		tassert.Equal(t, want, isLoopback(host), host)
	}
}

// slowTarget answers 200 after delay (or when the test ends), and signals
// each request's arrival on got.
func slowTarget(t *testing.T, delay time.Duration) (string, chan struct{}) {
	t.Helper()
	got := make(chan struct{}, 16)
	end := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- struct{}{}
		select {
		case <-time.After(delay):
		case <-end:
		}
		w.WriteHeader(200)
	}))
	t.Cleanup(func() { close(end); srv.Close() })
	return srv.URL + "/hook", got
}

// serveWithSignals runs serve with an injected second-signal channel.
func serveWithSignals(t *testing.T, args ...string) (base string, interrupt func(), second func(), done chan error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	out := &syncBuffer{}
	sig := make(chan chan<- os.Signal, 1)
	env := &environ{stdin: strings.NewReader(""), stdout: out, stderr: out, getenv: func(string) string { return "" },
		notify: func(c chan<- os.Signal) { sig <- c }, stop: func(chan<- os.Signal) {}}
	done = make(chan error, 1)
	go func() { done <- runServe(ctx, append([]string{"--addr", "127.0.0.1:0"}, args...), env) }()
	require.Eventually(t, func() bool {
		if m := baseRE.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
			return true
		}
		return false
	}, 10*time.Second, 5*time.Millisecond)
	second = func() {
		select {
		case c := <-sig:
			c <- os.Interrupt
		case <-time.After(10 * time.Second):
			t.Fatal("serve never listened for a second signal")
		}
	}
	return base, cancel, second, done
}

// triggerNoWait triggers an event on a running serve.
func triggerNoWait(t *testing.T, base, eventType string) mockserver.TriggerResult {
	t.Helper()
	c, err := mockserver.NewClient(base, nil)
	require.NoError(t, err)
	res, err := c.Trigger(context.Background(), mockserver.TriggerRequest{EventType: eventType})
	require.NoError(t, err)
	require.Len(t, res.Deliveries, 1)
	return res
}

// TestServeGraceLetsAttemptsFinish: on SIGTERM an attempt in flight is
// answered and recorded as delivered, as the README says.
func TestServeGraceLetsAttemptsFinish(t *testing.T) {
	journal := filepath.Join(t.TempDir(), "journal.jsonl")
	target, got := slowTarget(t, 700*time.Millisecond)
	base, interrupt, _, done := serveWithSignals(t, "--journal", journal, "--grace", "5s")
	subscribeVia(t, base, "study.status.change", target)
	triggerNoWait(t, base, "study.status.change")
	<-got
	interrupt()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
	ds := readJournal(t, journal).Deliveries()
	require.Len(t, ds, 1)
	tassert.Equal(t, hookdrill.StatusSucceeded, ds[0].Status, "the attempt in flight finished")
}

// TestServeSecondSignalStopsAtOnce: a second signal cancels what is still
// in flight instead of waiting out the grace.
func TestServeSecondSignalStopsAtOnce(t *testing.T) {
	journal := filepath.Join(t.TempDir(), "journal.jsonl")
	target, got := slowTarget(t, time.Minute)
	base, interrupt, second, done := serveWithSignals(t, "--journal", journal, "--grace", "1m")
	subscribeVia(t, base, "study.status.change", target)
	triggerNoWait(t, base, "study.status.change")
	<-got
	interrupt()
	start := time.Now()
	second()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop at the second signal")
	}
	tassert.Less(t, time.Since(start), 10*time.Second)
	ds := readJournal(t, journal).Deliveries()
	require.Len(t, ds, 1)
	tassert.NotEqual(t, hookdrill.StatusSucceeded, ds[0].Status)
}

// TestServersShedHalfSentBodies: serve and receiver, with a small bound,
// outlive 40 connections that each send half a body: the stalled ones are
// closed (shed at once or after the read timeout) and a normal request is
// answered afterwards.
func TestServersShedHalfSentBodies(t *testing.T) {
	limits := []string{"--max-conns", "4", "--read-timeout", "300ms", "--read-header-timeout", "300ms"}
	for _, cmd := range [][]string{
		{"serve"},
		{"receiver", "--platform", "prolific", "--secret", "0123456789abcdef0123456789abcdef"},
	} {
		t.Run(cmd[0], func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			out := &syncBuffer{}
			done := make(chan error, 1)
			args := append(append(append([]string{}, cmd...), "--addr", "127.0.0.1:0"), limits...)
			go func() { done <- run(ctx, args, strings.NewReader(""), out, out, nil) }()
			re := regexp.MustCompile(`on (http://127\.0\.0\.1:\d+)`)
			var base string
			require.Eventually(t, func() bool {
				if m := re.FindStringSubmatch(out.String()); m != nil {
					base = m[1]
					return true
				}
				return false
			}, 10*time.Second, 5*time.Millisecond, out.String())
			addr := strings.TrimPrefix(base, "http://")
			var conns []net.Conn
			defer func() {
				for _, c := range conns {
					c.Close()
				}
			}()
			for range 40 {
				c, err := net.Dial("tcp", addr)
				require.NoError(t, err)
				conns = append(conns, c)
				_, _ = io.WriteString(c, "POST /_hookdrill/reset HTTP/1.1\r\nHost: "+addr+"\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
			}
			for _, c := range conns {
				require.NoError(t, c.SetReadDeadline(time.Now().Add(5*time.Second)))
				_, err := io.ReadAll(c)
				var ne net.Error
				require.False(t, errors.As(err, &ne) && ne.Timeout(), "closed by the server, not by our deadline")
			}
			require.Eventually(t, func() bool {
				resp, err := http.Get(base + "/_state")
				if err != nil {
					return false
				}
				resp.Body.Close()
				return resp.StatusCode < 500
			}, 5*time.Second, 20*time.Millisecond)
			cancel()
			<-done
		})
	}
}
