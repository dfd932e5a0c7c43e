package load_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/internal/testkit"
	"github.com/hookdrill/hookdrill/load"
	"github.com/hookdrill/hookdrill/platform/prolific"
	prolificload "github.com/hookdrill/hookdrill/platform/prolific/loadprofile"
	prolificref "github.com/hookdrill/hookdrill/platform/prolific/reference"
	"github.com/hookdrill/hookdrill/receiver"
)

const secret = "load-test-secret-value-0123456789"

func baseConfig(url string) load.Config {
	return load.Config{
		Platform: prolific.Name, Platforms: testPlatforms, Workloads: testWorkloads,
		Target:   hookdrill.Target{URL: url, Secret: secret},
		Rate:     load.Rate{Freq: 200, Per: time.Second},
		Duration: 500 * time.Millisecond,
		Seed:     7,
	}
}

func TestRunConstantRate(t *testing.T) {
	srv, n := testkit.Answering(t, http.StatusOK)
	res, err := load.Run(context.Background(), baseConfig(srv.URL))
	require.NoError(t, err)
	require.Equal(t, load.StopCompleted, res.StopReason)
	require.False(t, res.Partial)
	require.EqualValues(t, 100, res.Asked)
	require.EqualValues(t, 100, res.First.Count)
	require.EqualValues(t, 100, n.Load())
	require.EqualValues(t, 100, res.Deliveries.Succeeded)
	require.EqualValues(t, 100, res.First.Statuses[200])
	require.EqualValues(t, 0, res.Retry.Count)
	require.InDelta(t, 200, res.AskedRate, 0.01)
	// Sent over the schedule's span or longer if starts slipped: never above
	// the asked rate, and not far below it unless the machine stalls.
	require.LessOrEqual(t, res.SentRate, 200.0+1e-9)
	require.Greater(t, res.SentRate, 100.0)
	require.Greater(t, res.Summary.First.P50, 0.0)
	var byEvent uint64
	for _, s := range res.ByEvent {
		byEvent += s.Count
	}
	require.EqualValues(t, 100, byEvent)
}

func TestRunReceiverDiesMidRun(t *testing.T) {
	srv, _ := testkit.Answering(t, http.StatusOK)
	cfg := baseConfig(srv.URL)
	cfg.Duration = 10 * time.Second
	cfg.Retries = load.RetriesNone
	cfg.DeadAfter = 200 * time.Millisecond
	go func() {
		time.Sleep(300 * time.Millisecond)
		srv.Listener.Close()
		srv.CloseClientConnections()
	}()
	begin := time.Now()
	res, err := load.Run(context.Background(), cfg)
	require.NoError(t, err)
	require.Less(t, time.Since(begin), 5*time.Second, "the run ends when the receiver is gone")
	require.True(t, res.Partial)
	require.Equal(t, load.StopReceiverDown, res.StopReason)
	require.Contains(t, res.StopDetail, "stopped accepting connections")
	require.NotNil(t, res.ReceiverDown)
	require.Positive(t, res.Deliveries.Succeeded)
	require.Positive(t, res.Deliveries.Failed)
	require.Positive(t, res.Skipped)
	require.Equal(t, res.Asked, res.Dispatched+res.Dropped+res.Skipped)
	require.Positive(t, res.First.Outcomes[hookdrill.OutcomeRefused]+res.First.Outcomes[hookdrill.OutcomeReset])
}

func TestRunCancelledWritesPartialReport(t *testing.T) {
	srv, _ := testkit.Answering(t, http.StatusOK)
	cfg := baseConfig(srv.URL)
	cfg.Duration = 10 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	begin := time.Now()
	res, err := load.Run(ctx, cfg)
	require.NoError(t, err)
	require.Less(t, time.Since(begin), 3*time.Second)
	require.True(t, res.Partial)
	require.Equal(t, load.StopCancelled, res.StopReason)
	require.Positive(t, res.First.Count)
	require.Positive(t, res.Skipped)
	require.Equal(t, res.Asked, res.Dispatched+res.Dropped+res.Skipped)
	var b bytes.Buffer
	require.NoError(t, res.WriteJSON(&b))
	back, err := load.ReadResult(&b)
	require.NoError(t, err)
	require.True(t, back.Partial)
	require.Equal(t, res.First.Count, back.First.Count)
}

// failFirst answers 503 to the first attempt of every event and 200 to
// later ones.
func failFirst(t *testing.T) *httptest.Server {
	var mu sync.Mutex
	seen := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		id := r.Header.Get("X-Event-ID")
		mu.Lock()
		again := seen[id]
		seen[id] = true
		mu.Unlock()
		if !again {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestRunRetriesOnThePlatformScheduleAreReportedApart(t *testing.T) {
	srv := failFirst(t)
	cfg := baseConfig(srv.URL)
	cfg.Rate = load.Rate{Freq: 50, Per: time.Second}
	cfg.Duration = 400 * time.Millisecond
	cfg.RetrySpeedup = 600 // Prolific's first retry (up to 1 min) within 100ms
	res, err := load.Run(context.Background(), cfg)
	require.NoError(t, err)
	require.False(t, res.Partial, res.StopDetail)
	require.EqualValues(t, 20, res.First.Count)
	require.EqualValues(t, 20, res.First.Statuses[503])
	require.EqualValues(t, 20, res.First.Outcomes[hookdrill.OutcomeHTTPError])
	require.EqualValues(t, 20, res.Retry.Count)
	require.EqualValues(t, 20, res.Retry.Statuses[200])
	require.EqualValues(t, 20, res.Deliveries.Succeeded)
	require.EqualValues(t, 20, res.Deliveries.Retried)
	require.EqualValues(t, 20, res.Retry.Latency.Count())
	require.Less(t, res.Retry.Latency.Max(), time.Second, "retry latency runs from the retry's due time, not the first attempt's")

	cfg.Retries = load.RetriesNone
	srv2 := failFirst(t)
	cfg.Target.URL = srv2.URL
	res, err = load.Run(context.Background(), cfg)
	require.NoError(t, err)
	require.EqualValues(t, 0, res.Retry.Count)
	require.EqualValues(t, 20, res.Deliveries.Failed)
}

// TestRunMeasuresFromTheDueTime is the coordinated-omission check: a
// receiver that serves one request every 40ms, asked for 100/s with one
// request in flight, falls further behind with every delivery. A closed
// loop would report ~40ms for all; the open model reports the growing wait.
func TestRunMeasuresFromTheDueTime(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		time.Sleep(40 * time.Millisecond)
	}))
	t.Cleanup(srv.Close)
	cfg := baseConfig(srv.URL)
	cfg.Rate = load.Rate{Freq: 100, Per: time.Second}
	cfg.Duration = 300 * time.Millisecond
	cfg.MaxInFlight = 1
	cfg.Retries = load.RetriesNone
	res, err := load.Run(context.Background(), cfg)
	require.NoError(t, err)
	require.EqualValues(t, 30, res.First.Count)
	// The last of 30 deliveries is due at 290ms and served at about
	// 30*40ms = 1.2s: about 900ms late.
	require.Greater(t, res.First.Latency.Max(), 700*time.Millisecond)
	require.Greater(t, res.First.Latency.Quantile(0.5), 200*time.Millisecond)
	require.Positive(t, res.Lateness.AtCap)
	require.Less(t, res.SentRate, 0.5*res.AskedRate)
	var b bytes.Buffer
	require.NoError(t, res.WriteText(&b))
	require.Contains(t, b.String(), "schedule NOT kept: the receiver held every slot")

	cfg.MaxQueue = 3
	res, err = load.Run(context.Background(), cfg)
	require.NoError(t, err)
	require.Positive(t, res.Dropped, "a bounded queue drops what does not fit")
	require.Equal(t, res.Asked, res.Dispatched+res.Dropped)
}

func TestRunProbeAppliedExactlyOnce(t *testing.T) {
	rcv, err := receiver.New(receiver.Config{Platform: prolificref.New(), Secret: secret})
	require.NoError(t, err)
	srv := httptest.NewServer(rcv)
	t.Cleanup(srv.Close)
	cfg := baseConfig(srv.URL + "/hook")
	cfg.ProbeURL = srv.URL + "/_state"
	cfg.ProbeSample = 0.5
	res, err := load.Run(context.Background(), cfg)
	require.NoError(t, err)
	require.NotNil(t, res.Probe)
	require.Equal(t, load.VerdictPass, res.Probe.Verdict, res.Probe.Errors)
	require.InDelta(t, 50, res.Probe.Sampled, 20)
	require.Equal(t, res.Probe.Sampled, res.Probe.AppliedOnce)

	// A receiver that acknowledges every event but loses one in ten.
	var n atomic.Int64
	var mu sync.Mutex
	applied := map[string]int{}
	lossy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			mu.Lock()
			defer mu.Unlock()
			json.NewEncoder(w).Encode(map[string]any{"processed": applied})
			return
		}
		io.Copy(io.Discard, r.Body)
		if n.Add(1)%10 != 0 {
			mu.Lock()
			applied[r.Header.Get("X-Event-ID")]++
			mu.Unlock()
		}
	}))
	t.Cleanup(lossy.Close)
	cfg.Target.URL, cfg.ProbeURL, cfg.ProbeSample = lossy.URL, lossy.URL, 1
	res, err = load.Run(context.Background(), cfg)
	require.NoError(t, err)
	require.Equal(t, load.VerdictFail, res.Probe.Verdict)
	require.EqualValues(t, 10, res.Probe.Lost)
	require.NotEmpty(t, res.Probe.Examples)

	// A probe that answers something else is inconclusive, not a pass.
	cfg.Target.URL, cfg.ProbeURL = srv.URL+"/hook", srv.URL+"/hook"
	res, err = load.Run(context.Background(), cfg)
	require.NoError(t, err)
	require.Equal(t, load.VerdictInconclusive, res.Probe.Verdict)
	require.NotEmpty(t, res.Probe.Errors)
}

func TestShardsMergeIntoTheWholeRun(t *testing.T) {
	srv, n := testkit.Answering(t, http.StatusOK)
	var reports []io.Reader
	for i := 1; i <= 3; i++ {
		cfg := baseConfig(srv.URL)
		cfg.Shard = load.Shard{Index: i, Count: 3}
		res, err := load.Run(context.Background(), cfg)
		require.NoError(t, err)
		var b bytes.Buffer
		require.NoError(t, res.WriteJSON(&b))
		reports = append(reports, &b)
	}
	merged, err := load.ReadResults(reports...)
	require.NoError(t, err)
	require.EqualValues(t, 100, merged.Asked)
	require.EqualValues(t, 100, merged.First.Count)
	require.EqualValues(t, 100, merged.First.Latency.Count())
	require.EqualValues(t, 100, n.Load())
	require.Len(t, merged.Shards, 3)
	require.InDelta(t, 200, merged.AskedRate, 0.1, "shards run side by side: rates add")
	var perSecond uint64
	for _, s := range merged.Seconds {
		perSecond += s.Latency.Count()
	}
	require.EqualValues(t, 100, perSecond)

	_, err = load.Merge(merged, merged)
	require.ErrorContains(t, err, "appears twice")
	_, err = load.ReadResult(strings.NewReader(`{"kind":"hookdrill.scenarios","version":1}`))
	require.ErrorIs(t, err, load.ErrNotLoad)
	_, err = load.ReadResult(strings.NewReader(`{"kind":"hookdrill.load","version":9}`))
	require.ErrorContains(t, err, "version 9")
}

func TestRunProfileAndMaxRate(t *testing.T) {
	srv, n := testkit.Answering(t, http.StatusOK)
	cfg := baseConfig(srv.URL)
	cfg.Rate = load.Rate{}
	p, err := testWorkloads.LookupProfile(prolificload.BulkApprove, 40)
	require.NoError(t, err)
	cfg.Scenario = p
	cfg.Duration = 200 * time.Millisecond
	res, err := load.Run(context.Background(), cfg)
	require.NoError(t, err)
	require.EqualValues(t, 41, res.First.Count)
	require.EqualValues(t, 41, n.Load())
	require.Contains(t, res.Schedule, "bulk-approve")

	cfg = baseConfig(srv.URL)
	cfg.Rate = load.Rate{Max: true}
	cfg.Duration = 200 * time.Millisecond
	cfg.MaxInFlight = 4
	res, err = load.Run(context.Background(), cfg)
	require.NoError(t, err)
	require.Positive(t, res.First.Count)
	require.Zero(t, res.AskedRate)
	require.Positive(t, res.SentRate)
	var b bytes.Buffer
	require.NoError(t, res.WriteHTML(&b))
	require.Contains(t, b.String(), "<svg")
	require.NotContains(t, b.String(), "<script")
	require.NotContains(t, b.String(), "http://"+"cdn")
}

func TestDetect(t *testing.T) {
	require.True(t, load.Detect([]byte(`{"kind":"hookdrill.load","version":1}`)))
	require.False(t, load.Detect([]byte(`{"kind":"hookdrill.scenarios"}`)))
	require.False(t, load.Detect([]byte(`not json`)))
}

func TestRunReportsProgress(t *testing.T) {
	srv, _ := testkit.Answering(t, http.StatusOK)
	cfg := baseConfig(srv.URL)
	cfg.ProgressEvery = 100 * time.Millisecond
	var mu sync.Mutex
	var got []load.Progress
	cfg.Progress = func(p load.Progress) { mu.Lock(); got = append(got, p); mu.Unlock() }
	_, err := load.Run(context.Background(), cfg)
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	require.GreaterOrEqual(t, len(got), 3)
	last := got[len(got)-1]
	require.Positive(t, last.Sent)
	require.Equal(t, 500*time.Millisecond, last.Span)
	line := load.FormatProgress(last)
	require.Contains(t, line, "sent ")
	require.NotContains(t, line, "\n")
}

func TestRunStreamsTheJournal(t *testing.T) {
	srv, _ := testkit.Answering(t, http.StatusOK)
	cfg := baseConfig(srv.URL)
	var buf syncBuffer
	cfg.Journal = &buf
	res, err := load.Run(context.Background(), cfg)
	require.NoError(t, err)
	snap, err := hookdrill.ReadJSONL(strings.NewReader(buf.String()))
	require.NoError(t, err)
	require.Len(t, snap.Attempts(""), int(res.First.Count))
	require.Len(t, snap.Deliveries(), int(res.Deliveries.Succeeded))
	require.NotContains(t, buf.String(), secret)
}

// syncBuffer is a bytes.Buffer safe for the run's writer goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// slowEvents builds every event slowly, like a profile whose payloads
// take time to make.
type slowEvents struct {
	hookdrill.Profile
	delay time.Duration
}

func (p slowEvents) NewEvent(spec hookdrill.EventSpec, rnd *rand.Rand, now time.Time) (hookdrill.Event, error) {
	time.Sleep(p.delay)
	return p.Profile.NewEvent(spec, rnd, now)
}

// TestRunBuildsEventsBeforeTheyAreDue: with events that take 40ms to
// build, at 10/s, every delivery but the first still starts on time:
// the event is built while waiting for its due time, not after it, so
// building it is not counted as the receiver's latency (it was: every
// start was 40ms late).
func TestRunBuildsEventsBeforeTheyAreDue(t *testing.T) {
	srv, n := testkit.Answering(t, http.StatusOK)
	cfg := baseConfig(srv.URL)
	cfg.Profile = slowEvents{Profile: prolific.New(prolific.Options{}), delay: 40 * time.Millisecond}
	cfg.Rate = load.Rate{Freq: 10, Per: time.Second}
	cfg.Duration = time.Second
	res, err := load.Run(context.Background(), cfg)
	require.NoError(t, err)
	require.EqualValues(t, 10, n.Load())
	sd := &res.Lateness.StartDelay
	require.EqualValues(t, 10, sd.Count())
	require.Less(t, sd.Quantile(0.5), 20*time.Millisecond, "start delay p50 %v: events built after they were due", sd.Quantile(0.5))
}
