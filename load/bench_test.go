package load_test

import (
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/load"
	"github.com/hookdrill/hookdrill/platform/prolific"
)

// The load benchmarks run hookdrill load and vegeta (as a library, from
// the Go module proxy) against the same trivial local receiver in the same
// process run, taking turns, so that a shared machine whose speed drifts
// slows both alike. Each phase lasts benchPhase; run them once each:
//
//	go test -run '^$' -bench 'BenchmarkLoad' -benchtime 1x ./load/
//
// They only ever target the httptest server on 127.0.0.1.

const (
	benchPhase  = 2 * time.Second
	benchRounds = 3
	benchConns  = 64
)

func trivialReceiver(tb testing.TB) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
	}))
	tb.Cleanup(srv.Close)
	return srv
}

// vegetaTarget is one signed submission.status.change delivery as vegeta
// sends it: the same body and headers, signed once (vegeta cannot sign).
func vegetaTarget(tb testing.TB, url string) vegeta.Targeter {
	prof := prolific.New(prolific.Options{})
	ev, err := prof.NewEvent(hookdrill.EventSpec{Type: prolific.EventSubmissionStatusChange, Status: prolific.StatusApproved},
		rand.New(rand.NewPCG(1, 1)), time.Now())
	require.NoError(tb, err)
	body, err := prof.Encode(ev)
	require.NoError(tb, err)
	h, err := prof.Sign(hookdrill.SignInput{Event: ev, Body: body, Secret: secret, SentAt: time.Now()})
	require.NoError(tb, err)
	return vegeta.NewStaticTargeter(vegeta.Target{Method: http.MethodPost, URL: url, Body: body, Header: h})
}

// runVegeta attacks at rate (Freq 0: as fast as benchConns workers go) for
// d and returns requests per second and the latency histogram.
func runVegeta(tb testing.TB, tr vegeta.Targeter, rate vegeta.Rate, d time.Duration) (float64, *load.Histogram, int) {
	atk := vegeta.NewAttacker(vegeta.Workers(benchConns), vegeta.MaxWorkers(benchConns), vegeta.Connections(benchConns),
		vegeta.KeepAlive(true))
	var h load.Histogram
	var n, bad int
	var first, last time.Time
	for res := range atk.Attack(tr, rate, d, "bench") {
		if first.IsZero() || res.Timestamp.Before(first) {
			first = res.Timestamp
		}
		if res.Timestamp.After(last) {
			last = res.Timestamp
		}
		n++
		if res.Code != http.StatusOK {
			bad++
			continue
		}
		h.Record(res.Latency)
	}
	window := d
	if rate.Freq == 0 {
		window = last.Sub(first)
	}
	return float64(n) / window.Seconds(), &h, bad
}

func loadConfig(url string, rate load.Rate, d time.Duration) load.Config {
	return load.Config{
		Platform: hookdrill.Prolific, Target: hookdrill.Target{URL: url, Secret: secret},
		Rate: rate, Duration: d, Seed: 1, MaxInFlight: benchConns, Retries: load.RetriesNone,
		Events:   load.Mix{{Event: prolific.EventSubmissionStatusChange, Status: prolific.StatusApproved}},
		MaxQueue: 1 << 20, Drain: 10 * time.Second,
	}
}

// BenchmarkLoadMaxRateVsVegeta finds the highest rate each tool sustains
// with 64 requests in flight: vegeta with rate 0 (its max) and hookdrill
// load with --rate max, both closed loops, hookdrill signing every request
// afresh and journaling it. Then hookdrill load is run in its open model
// at vegeta's maximum rate, to show that it holds that schedule:
// open_kept is the fraction of that run's first attempts that started
// within the lateness threshold (2ms) of their due time, open_sent_per_asked its
// achieved rate over the asked one.
func BenchmarkLoadMaxRateVsVegeta(b *testing.B) {
	srv := trivialReceiver(b)
	tr := vegetaTarget(b, srv.URL+"/hook")
	var vRate, hRate float64
	for range benchRounds {
		r, _, bad := runVegeta(b, tr, vegeta.Rate{Freq: 0}, benchPhase)
		require.Zero(b, bad)
		vRate += r / benchRounds
		res, err := load.Run(context.Background(), loadConfig(srv.URL+"/hook", load.Rate{Max: true}, benchPhase))
		require.NoError(b, err)
		require.Zero(b, res.Deliveries.Failed)
		hRate += res.SentRate / benchRounds
	}
	b.ReportMetric(vRate, "vegeta_max_req/s")
	b.ReportMetric(hRate, "hookdrill_max_req/s")
	b.ReportMetric(hRate/vRate, "x_vegeta")

	open, err := load.Run(context.Background(), loadConfig(srv.URL+"/hook", load.Rate{Freq: int64(vRate), Per: time.Second}, benchPhase))
	require.NoError(b, err)
	b.ReportMetric(open.SentRate/open.AskedRate, "open_sent_per_asked")
	b.ReportMetric(open.Lateness.StartDelay.FractionAtOrBelow(open.Lateness.Threshold), "open_kept")
	b.ReportMetric(float64(open.Lateness.StartDelay.Quantile(0.99))/1e6, "open_start_delay_p99_ms")
}

// BenchmarkLoadLatencyVsVegeta runs both tools at a fixed rate both hold
// (HOOKDRILL_BENCH_RATE, default 2000/s) and reports their p50 and p99.
// vegeta times a request from when its worker sent it; the like-for-like
// hookdrill number is its service time (p50_ratio, p99_ratio: hookdrill's
// over vegeta's). hookdrill's latency from the due time, which adds any
// lag of this machine in starting the request, is reported beside it.
//
// Two receivers: a trivial one, where latency is mostly each client's own
// HTTP stack (hookdrill's lean client is not vegeta's net/http, so the
// numbers may differ by more than the measurement error), and one that
// takes 1ms per request, where the receiver dominates and both tools must
// report the same latency if they measure it right.
func BenchmarkLoadLatencyVsVegeta(b *testing.B) {
	rate := load.Rate{Freq: 2000, Per: time.Second}
	if s := os.Getenv("HOOKDRILL_BENCH_RATE"); s != "" {
		var err error
		rate, err = load.ParseRate(s)
		require.NoError(b, err)
	}
	for _, tc := range []struct {
		name  string
		delay time.Duration
	}{{"trivial", 0}, {"delay-1ms", time.Millisecond}} {
		b.Run(tc.name, func(b *testing.B) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				if tc.delay > 0 {
					time.Sleep(tc.delay)
				}
				w.WriteHeader(http.StatusOK)
			}))
			b.Cleanup(srv.Close)
			latencyVsVegeta(b, srv.URL+"/hook", rate)
		})
	}
}

func latencyVsVegeta(b *testing.B, url string, rate load.Rate) {
	tr := vegetaTarget(b, url)
	var vh, hs, hd load.Histogram
	for range benchRounds {
		_, h, bad := runVegeta(b, tr, vegeta.Rate{Freq: int(rate.Freq), Per: rate.Per}, benchPhase)
		require.Zero(b, bad)
		vh.Merge(h)
		res, err := load.Run(context.Background(), loadConfig(url, rate, benchPhase))
		require.NoError(b, err)
		require.Zero(b, res.Deliveries.Failed)
		hs.Merge(&res.First.Service)
		hd.Merge(&res.First.Latency)
	}
	ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
	b.ReportMetric(ms(vh.Quantile(0.5)), "vegeta_p50_ms")
	b.ReportMetric(ms(vh.Quantile(0.99)), "vegeta_p99_ms")
	b.ReportMetric(ms(hs.Quantile(0.5)), "hookdrill_p50_ms")
	b.ReportMetric(ms(hs.Quantile(0.99)), "hookdrill_p99_ms")
	b.ReportMetric(float64(hs.Quantile(0.5))/float64(vh.Quantile(0.5)), "p50_ratio")
	b.ReportMetric(float64(hs.Quantile(0.99))/float64(vh.Quantile(0.99)), "p99_ratio")
	b.ReportMetric(ms(hd.Quantile(0.5)), "hookdrill_from_due_p50_ms")
	b.ReportMetric(ms(hd.Quantile(0.99)), "hookdrill_from_due_p99_ms")
}

// BenchmarkLoadMemory runs at a rate the receiver keeps up with
// (HOOKDRILL_BENCH_RATE, default 2000/s) for HOOKDRILL_SOAK (default 6s),
// measuring the live heap after a GC every second, and reports the
// least-squares slope of heap against deliveries sent from the second
// second on: the bytes each delivery leaves behind (near zero: the journal
// is drained as the run goes; only the per-second histograms grow, with
// time rather than deliveries), and the peak heap.
func BenchmarkLoadMemory(b *testing.B) {
	srv := trivialReceiver(b)
	rate := load.Rate{Freq: 2000, Per: time.Second}
	if s := os.Getenv("HOOKDRILL_BENCH_RATE"); s != "" {
		var err error
		rate, err = load.ParseRate(s)
		require.NoError(b, err)
	}
	soak := 6 * time.Second
	if s := os.Getenv("HOOKDRILL_SOAK"); s != "" {
		var err error
		soak, err = time.ParseDuration(s)
		require.NoError(b, err)
	}
	heap := func() float64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return float64(m.HeapAlloc)
	}
	cfg := loadConfig(srv.URL+"/hook", rate, soak)
	var xs, ys []float64
	cfg.Progress = func(p load.Progress) {
		if p.Elapsed >= 2*time.Second {
			xs, ys = append(xs, float64(p.Sent)), append(ys, heap())
		}
	}
	res, err := load.Run(context.Background(), cfg)
	require.NoError(b, err)
	require.GreaterOrEqual(b, len(xs), 2, "run at least 3s")
	var mx, my float64
	for i := range xs {
		mx, my = mx+xs[i]/float64(len(xs)), my+ys[i]/float64(len(ys))
	}
	var num, den, peak float64
	for i := range xs {
		num += (xs[i] - mx) * (ys[i] - my)
		den += (xs[i] - mx) * (xs[i] - mx)
		peak = max(peak, ys[i])
	}
	b.ReportMetric(num/den, "heap_B/delivery")
	b.ReportMetric(ys[0]/1e6, "heap_at_2s_MB")
	b.ReportMetric(peak/1e6, "heap_peak_MB")
	b.ReportMetric(res.SentRate, "sent/s")
	b.ReportMetric(float64(res.First.Count), "deliveries")
}
