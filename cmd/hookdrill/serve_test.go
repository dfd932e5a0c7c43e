package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
)

// syncBuffer is a bytes.Buffer safe to read while a command writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var baseRE = regexp.MustCompile(`mock server on (http://127\.0\.0\.1:\d+)`)

// startServe runs `hookdrill serve args...` until the test ends and returns
// its base URL, its stdout, and a stop function returning serve's error.
func startServe(t *testing.T, args ...string) (string, *syncBuffer, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, errb := &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), strings.NewReader(""), out, errb,
			func(string) string { return "" })
	}()
	var base string
	require.Eventually(t, func() bool {
		if m := baseRE.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
			return true
		}
		select {
		case err := <-done:
			done <- err
			return true
		default:
		}
		return false
	}, 10*time.Second, 5*time.Millisecond)
	require.NotEmpty(t, base, "serve did not start: %s %s", out.String(), errb.String())
	var once sync.Once
	var stopErr error
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case stopErr = <-done:
			case <-time.After(10 * time.Second):
				stopErr = context.DeadlineExceeded
			}
		})
		return stopErr
	}
	t.Cleanup(func() { _ = stop() })
	return base, out, stop
}

// api calls the mock's platform API with a token.
func api(t *testing.T, method, url, body string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Token t")
	req.Header.Set("x-api-key", "k")
	req.Header.Set("x-api-secret", "s")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

// subscribeVia creates a secret and a confirmed subscription over HTTP.
func subscribeVia(t *testing.T, base, eventType, target string) string {
	t.Helper()
	code, _, b := api(t, "POST", base+"/api/v1/hooks/secrets/", `{"workspace_id": "aaaaaaaaaaaaaaaaaaaaaaaa"}`)
	require.Equal(t, 201, code, "%s", b)
	code, h, b := api(t, "POST", base+"/api/v1/hooks/subscriptions/",
		`{"workspace_id": "aaaaaaaaaaaaaaaaaaaaaaaa", "event_type": "`+eventType+`", "target_url": "`+target+`"}`)
	require.Equal(t, 201, code, "%s", b)
	var sub struct {
		ID string `json:"id"`
	}
	require.NoError(t, json.Unmarshal(b, &sub))
	code, _, b = api(t, "POST", base+"/api/v1/hooks/subscriptions/"+sub.ID+"/", `{"secret": "`+h.Get("X-Hook-Secret")+`"}`)
	require.Equal(t, 200, code, "%s", b)
	return sub.ID
}

func TestServeAndTriggerEndToEnd(t *testing.T) {
	journal := filepath.Join(t.TempDir(), "journal.jsonl")
	base, out, stop := startServe(t, "--seed", "7", "--journal", journal)
	tassert.Contains(t, out.String(), base+"/api/v1/")
	tassert.Contains(t, out.String(), base+"/v1/")
	tassert.Contains(t, out.String(), "seed 7")

	target := statusServer(t, 200)
	subscribeVia(t, base, "submission.status.change", target)

	stdout, stderr, code := runCLI(t, nil, "trigger", "--server", base, "submission.status.change", "--status", "APPROVED")
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	tassert.Contains(t, stdout, "prolific submission.status.change event")
	tassert.Contains(t, stdout, "status APPROVED")
	tassert.Contains(t, stdout, "→ subscription")
	tassert.Contains(t, stdout, "HTTP 200")
	tassert.Contains(t, stdout, "delivered after 1 attempt(s)")

	// JSON output, and the Respondent side.
	code2, _, b := api(t, "POST", base+"/v1/webhooks", `{"url": "`+target+`"}`)
	require.Equal(t, 201, code2, "%s", b)
	stdout, stderr, code = runCLI(t, nil, "trigger", "--server", base, "--platform", "respondent", "--format", "json", "SCREENER_RESPONSES.CREATED")
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	var res struct {
		Event struct {
			Type string `json:"type"`
		} `json:"event"`
		Deliveries []struct {
			WebhookID string `json:"webhook_id"`
		} `json:"deliveries"`
		Ended []hookdrill.Delivery `json:"ended"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &res), stdout)
	tassert.Equal(t, "SCREENER_RESPONSES.CREATED", res.Event.Type)
	require.Len(t, res.Ended, 1)
	tassert.Equal(t, hookdrill.StatusSucceeded, res.Ended[0].Status)

	require.NoError(t, stop())
	f, err := os.Open(journal)
	require.NoError(t, err)
	defer f.Close()
	snap, err := hookdrill.ReadJSONL(f)
	require.NoError(t, err)
	tassert.NotEmpty(t, snap.APICalls())
	tassert.Len(t, snap.Deliveries(), 2)
}

func TestTriggerOutcomes(t *testing.T) {
	base, _, _ := startServe(t, "--clock", "sim", "--seed", "3")
	tests := []struct {
		name     string
		setup    func(t *testing.T)
		args     []string
		exit     int
		inStdout []string
		inStderr []string
	}{
		{"went nowhere", nil, []string{"study.status.change"}, 1, nil, []string{"went nowhere"}},
		{"unknown event type", nil, []string{"study.exploded"}, 2, nil, []string{"study.status.change"}},
		{"unknown status", nil, []string{"study.status.change", "--status", "DONE"}, 2, nil, []string{"AWAITING REVIEW"}},
		{"no event type", nil, nil, 2, nil, []string{"exactly one EVENT_TYPE"}},
		{"submission in a named study", nil, []string{"submission.status.change", "--resource-id", "sub-x", "--study", "study-x"}, 1, nil, []string{"went nowhere"}},
		{"failing receiver on the sim clock", func(t *testing.T) {
			subscribeVia(t, base, "study.progress.change", statusServer(t, 500))
		}, []string{"study.progress.change", "--advance"}, 1,
			[]string{"attempt 13", "HTTP 500", "FAILED after"}, []string{"failed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				tt.setup(t)
			}
			stdout, stderr, code := runCLI(t, nil, append([]string{"trigger", "--server", base}, tt.args...)...)
			require.Equal(t, tt.exit, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			for _, s := range tt.inStdout {
				tassert.Contains(t, stdout, s)
			}
			for _, s := range tt.inStderr {
				tassert.Contains(t, stderr, s)
			}
		})
	}
	// --study linked the submission to its study.
	code, _, b := api(t, "GET", base+"/api/v1/studies/study-x/submissions/", "")
	require.Equal(t, 200, code, "%s", b)
	tassert.Contains(t, string(b), `"id":"sub-x"`)
}

func TestServeCorruptStateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	require.NoError(t, os.WriteFile(path, []byte("{not json"), 0o600))
	_, stderr, code := runCLI(t, nil, "serve", "--addr", "127.0.0.1:0", "--state", path)
	tassert.Equal(t, 2, code)
	tassert.Contains(t, stderr, "corrupt state file")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	tassert.Equal(t, "{not json", string(b), "never replaced")
}

func TestServeBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--clock", "lunar"},
		{"serve", "--create-shape", "list"},
		{"serve", "--event-log-limit", "0"},
		{"serve", "extra-arg"},
	} {
		_, _, code := runCLI(t, nil, args...)
		tassert.Equal(t, 2, code, "%v", args)
	}
}

func TestServeStatePersists(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	base, _, stop := startServe(t, "--state", path)
	id := subscribeVia(t, base, "study.status.change", "http://127.0.0.1:9/x")
	require.NoError(t, stop())
	base, _, _ = startServe(t, "--state", path)
	code, _, b := api(t, "GET", base+"/api/v1/hooks/subscriptions/"+id+"/", "")
	require.Equal(t, 200, code, "%s", b)
	tassert.Contains(t, string(b), `"is_enabled":true`)
}

// BenchmarkServeStartup measures `hookdrill serve` from start to the first
// successful answer (goal: under 100 ms).
func BenchmarkServeStartup(b *testing.B) {
	var total time.Duration
	n := 0
	for b.Loop() {
		ctx, cancel := context.WithCancel(context.Background())
		out := &syncBuffer{}
		done := make(chan error, 1)
		start := time.Now()
		go func() {
			done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, strings.NewReader(""), out, io.Discard,
				func(string) string { return "" })
		}()
		var base string
		for base == "" {
			if m := baseRE.FindStringSubmatch(out.String()); m != nil {
				base = m[1]
			} else {
				time.Sleep(100 * time.Microsecond)
			}
		}
		for {
			resp, err := http.Get(base + "/_hookdrill/info")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == 200 {
					break
				}
			}
		}
		total += time.Since(start)
		n++
		cancel()
		<-done
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(n), "ms/ready")
}

// TestServeReuseConfirmToken: --reuse-confirm-token turns the single-use
// X-Hook-Secret (a second confirmation is a 400) into an idempotent 200.
func TestServeReuseConfirmToken(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want int
	}{{nil, 400}, {[]string{"--reuse-confirm-token"}, 200}} {
		base, _, _ := startServe(t, tc.args...)
		code, _, b := api(t, "POST", base+"/api/v1/hooks/secrets/", `{"workspace_id": "aaaaaaaaaaaaaaaaaaaaaaaa"}`)
		require.Equal(t, 201, code, "%s", b)
		code, h, b := api(t, "POST", base+"/api/v1/hooks/subscriptions/",
			`{"workspace_id": "aaaaaaaaaaaaaaaaaaaaaaaa", "event_type": "study.status.change", "target_url": "https://x.example/h"}`)
		require.Equal(t, 201, code, "%s", b)
		var sub struct {
			ID string `json:"id"`
		}
		require.NoError(t, json.Unmarshal(b, &sub))
		confirm := `{"secret": "` + h.Get("X-Hook-Secret") + `"}`
		code, _, b = api(t, "POST", base+"/api/v1/hooks/subscriptions/"+sub.ID+"/", confirm)
		require.Equal(t, 200, code, "%s", b)
		code, _, b = api(t, "POST", base+"/api/v1/hooks/subscriptions/"+sub.ID+"/", confirm)
		require.Equal(t, tc.want, code, "%v: %s", tc.args, b)
	}
}
