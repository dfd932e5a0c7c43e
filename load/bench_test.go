package load_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/internal/testkit"
	"github.com/hookdrill/hookdrill/load"
	"github.com/hookdrill/hookdrill/platform/prolific"
)

// The load benchmarks run hookdrill load and vegeta (as a library, from
// the Go module proxy) against the same local receiver in the same
// process run, taking turns in many short rounds, so that a shared machine
// whose speed drifts slows both alike; run them once each:
//
//	go test -run '^$' -bench 'BenchmarkLoad' -benchtime 1x ./load/
//
// They only ever target the httptest server on 127.0.0.1.

const (
	benchPhase = time.Second
	benchConns = 64
)

// benchRounds returns HOOKDRILL_BENCH_ROUNDS, def when unset.
func benchRounds(tb testing.TB, def int) int {
	s := os.Getenv("HOOKDRILL_BENCH_ROUNDS")
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	require.NoError(tb, err)
	require.Positive(tb, n)
	return n
}

// median returns the median of xs.
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
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
// d and returns requests per second, the latency histogram (vegeta's
// definition: from when a worker takes the request up to the end of the
// answer) and, at a fixed rate, latency from each request's intended start
// (the attack's start plus its sequence number times the interval, the
// start estimated as the earliest such offset), hookdrill's definition.
func runVegeta(tb testing.TB, tr vegeta.Targeter, rate vegeta.Rate, d time.Duration) (float64, *load.Histogram, *load.Histogram, int) {
	atk := vegeta.NewAttacker(vegeta.Workers(benchConns), vegeta.MaxWorkers(benchConns), vegeta.Connections(benchConns),
		vegeta.KeepAlive(true))
	var h, due load.Histogram
	var n, bad int
	var first, last time.Time
	type hit struct {
		seq     uint64
		at      time.Time
		latency time.Duration
	}
	var hits []hit
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
		hits = append(hits, hit{res.Seq, res.Timestamp, res.Latency})
	}
	window := d
	if rate.Freq == 0 {
		window = last.Sub(first)
	} else if len(hits) > 0 {
		interval := rate.Per / time.Duration(rate.Freq)
		base := hits[0].at.Add(-time.Duration(hits[0].seq) * interval)
		for _, x := range hits {
			if b := x.at.Add(-time.Duration(x.seq) * interval); b.Before(base) {
				base = b
			}
		}
		for _, x := range hits {
			due.Record(x.at.Add(x.latency).Sub(base.Add(time.Duration(x.seq) * interval)))
		}
	}
	return float64(n) / window.Seconds(), &h, &due, bad
}

func loadConfig(url string, rate load.Rate, d time.Duration) load.Config {
	return load.Config{
		Platform: prolific.Name, Platforms: testPlatforms, Target: hookdrill.Target{URL: url, Secret: secret},
		Rate: rate, Duration: d, Seed: 1, MaxInFlight: benchConns, Retries: load.RetriesNone,
		Events:   load.Mix{{Event: prolific.EventSubmissionStatusChange, Status: prolific.StatusApproved}},
		MaxQueue: 1 << 20, Drain: 10 * time.Second,
	}
}

// BenchmarkLoadMaxRateVsVegeta finds the highest rate each tool sustains
// with 64 requests in flight: vegeta with rate 0 (its max) and hookdrill
// load with --rate max, both closed loops, hookdrill signing every request
// afresh and journaling it. The tools take turns in HOOKDRILL_BENCH_ROUNDS
// (default 10) rounds of benchPhase after a warm-up (the one going first
// alternates); x_vegeta is hookdrill's mean rate over vegeta's,
// x_vegeta_round_median the median of the per-round ratios (each hookdrill round over the vegeta round next
// to it). Then hookdrill load is run in its open model at vegeta's maximum
// rate, to show that it holds that schedule: open_kept is the fraction of
// that run's first attempts that started within the lateness threshold
// (2ms) of their due time, open_sent_per_asked its achieved rate over the
// asked one.
func BenchmarkLoadMaxRateVsVegeta(b *testing.B) {
	srv, _ := testkit.Answering(b, http.StatusOK)
	tr := vegetaTarget(b, srv.URL+"/hook")
	rounds := benchRounds(b, 10)
	vegetaRound := func() float64 {
		r, _, _, bad := runVegeta(b, tr, vegeta.Rate{Freq: 0}, benchPhase)
		require.Zero(b, bad)
		return r
	}
	hookdrillRound := func() float64 {
		res, err := load.Run(context.Background(), loadConfig(srv.URL+"/hook", load.Rate{Max: true}, benchPhase))
		require.NoError(b, err)
		require.Zero(b, res.Deliveries.Failed)
		return res.SentRate
	}
	vegetaRound() // warm-up
	hookdrillRound()
	var vRate, hRate float64
	var ratios []float64
	for i := range rounds {
		var v, h float64
		if i%2 == 0 {
			v = vegetaRound()
			h = hookdrillRound()
		} else {
			h = hookdrillRound()
			v = vegetaRound()
		}
		vRate += v / float64(rounds)
		hRate += h / float64(rounds)
		ratios = append(ratios, h/v)
	}
	b.ReportMetric(vRate, "vegeta_max_req/s")
	b.ReportMetric(hRate, "hookdrill_max_req/s")
	b.ReportMetric(hRate/vRate, "x_vegeta")
	b.ReportMetric(median(ratios), "x_vegeta_round_median")
	if os.Getenv("HOOKDRILL_BENCH_VERBOSE") != "" {
		b.Logf("per-round hookdrill/vegeta: %.2f", ratios)
	}

	open, err := load.Run(context.Background(), loadConfig(srv.URL+"/hook", load.Rate{Freq: int64(vRate), Per: time.Second}, 2*benchPhase))
	require.NoError(b, err)
	b.ReportMetric(open.SentRate/open.AskedRate, "open_sent_per_asked")
	b.ReportMetric(open.Lateness.StartDelay.FractionAtOrBelow(open.Lateness.Threshold), "open_kept")
	b.ReportMetric(float64(open.Lateness.StartDelay.Quantile(0.99))/1e6, "open_start_delay_p99_ms")
}

// BenchmarkLoadLatencyVsVegeta runs both tools at a fixed rate both hold
// (HOOKDRILL_BENCH_RATE, default 1000/s) against the same receiver, with
// the same body and headers (vegeta's signed once) and the same number of
// connections (64), and compares their p50 and p99. The tools take turns
// in many short rounds (HOOKDRILL_BENCH_ROUNDS, default 12, of 1s each,
// after one warm-up round each; the one going first alternates), and the
// medians of the per-round percentiles are compared, so that a shared
// machine whose load drifts during the run shifts both alike and a noisy
// round does not decide the result.
//
// Latency definitions: vegeta times a request from when its worker takes
// it up (before building the request) to the end of the answer's body;
// hookdrill's like-for-like number is its service time (from the request's
// first byte, after signing, to the end of the answer): p50_ratio and
// p99_ratio are hookdrill's medians over vegeta's. hookdrill's latency
// from the due time (what its report leads with: it adds this machine's
// lag in starting the request, and signing) is compared with the same
// definition applied to vegeta's results, from each request's intended
// start (due_p50_ratio, due_p99_ratio).
//
// Receivers: fixed service times of 2ms and 20ms (sleep), where the
// receiver dominates and both tools must report the same latency if they
// measure it right; and a trivial one, where latency is mostly each
// client's own HTTP stack and scheduling (hookdrill's lean client is not
// vegeta's net/http), shown for reference. With the 2ms and 20ms receivers
// the tools also run together ("-together"): each at half the rate, at the
// same time, so that a stall of the machine hits both tools' requests
// alike; taking turns, a stall hits one tool's round only, and decides
// that round's p99. "-control" runs vegeta in hookdrill's place: its
// ratios are how far two runs of the same tool differ on this machine, the
// noise floor any comparison of the two tools sits on. The pooled_*
// metrics are over every kept round's requests at once (histograms merged).
func BenchmarkLoadLatencyVsVegeta(b *testing.B) {
	rate := load.Rate{Freq: 1000, Per: time.Second}
	if s := os.Getenv("HOOKDRILL_BENCH_RATE"); s != "" {
		var err error
		rate, err = load.ParseRate(s)
		require.NoError(b, err)
	}
	rounds := benchRounds(b, 12)
	for _, tc := range []struct {
		name     string
		delay    time.Duration
		together bool
		control  bool // vegeta against itself: how far two runs of one tool differ here
	}{{"service-2ms", 2 * time.Millisecond, false, false}, {"service-2ms-together", 2 * time.Millisecond, true, false},
		{"service-2ms-control", 2 * time.Millisecond, false, true},
		{"service-20ms", 20 * time.Millisecond, false, false}, {"service-20ms-together", 20 * time.Millisecond, true, false},
		{"service-20ms-control", 20 * time.Millisecond, false, true},
		{"trivial", 0, false, false}} {
		b.Run(tc.name, func(b *testing.B) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				if tc.delay > 0 {
					time.Sleep(tc.delay)
				}
				w.WriteHeader(http.StatusOK)
			}))
			b.Cleanup(srv.Close)
			latencyVsVegeta(b, srv.URL+"/hook", rate, rounds, tc.together, tc.control)
		})
	}
}

const latencyPhase = time.Second

func latencyVsVegeta(b *testing.B, url string, rate load.Rate, rounds int, together, control bool) {
	tr := vegetaTarget(b, url)
	ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
	if together { // half the rate each, at the same time
		rate.Freq = max(rate.Freq/2, 1)
	}
	var v50, v99, vd50, vd99, h50, h99, d50, d99 []float64
	// The pools merge every kept round's histogram: their percentiles are
	// over all the rounds' requests at once (12,000 at the defaults, so p99
	// is the 120th slowest, not the 10th of one round), which a stall of the
	// machine moves far less than one round's p99.
	var poolV, poolVD, poolH, poolD load.Histogram
	var poolMu sync.Mutex
	vegetaRound := func(keep bool) error {
		_, h, due, bad := runVegeta(b, tr, vegeta.Rate{Freq: int(rate.Freq), Per: rate.Per}, latencyPhase)
		if bad != 0 {
			return fmt.Errorf("vegeta: %d requests failed", bad)
		}
		if keep {
			poolMu.Lock()
			v50, v99 = append(v50, ms(h.Quantile(0.5))), append(v99, ms(h.Quantile(0.99)))
			vd50, vd99 = append(vd50, ms(due.Quantile(0.5))), append(vd99, ms(due.Quantile(0.99)))
			poolV.Merge(h)
			poolVD.Merge(due)
			poolMu.Unlock()
		}
		return nil
	}
	hookdrillRound := func(keep bool) error {
		if control { // vegeta in hookdrill's place: its "service" and "due" are vegeta's latency and from-due
			_, h, due, bad := runVegeta(b, tr, vegeta.Rate{Freq: int(rate.Freq), Per: rate.Per}, latencyPhase)
			if bad != 0 {
				return fmt.Errorf("vegeta (control): %d requests failed", bad)
			}
			if keep {
				poolMu.Lock()
				h50, h99 = append(h50, ms(h.Quantile(0.5))), append(h99, ms(h.Quantile(0.99)))
				d50, d99 = append(d50, ms(due.Quantile(0.5))), append(d99, ms(due.Quantile(0.99)))
				poolH.Merge(h)
				poolD.Merge(due)
				poolMu.Unlock()
			}
			return nil
		}
		res, err := load.Run(context.Background(), loadConfig(url, rate, latencyPhase))
		if err != nil {
			return err
		}
		if res.Deliveries.Failed != 0 {
			return fmt.Errorf("hookdrill: %d deliveries failed", res.Deliveries.Failed)
		}
		if keep {
			poolMu.Lock()
			h50, h99 = append(h50, ms(res.First.Service.Quantile(0.5))), append(h99, ms(res.First.Service.Quantile(0.99)))
			d50, d99 = append(d50, ms(res.First.Latency.Quantile(0.5))), append(d99, ms(res.First.Latency.Quantile(0.99)))
			poolH.Merge(&res.First.Service)
			poolD.Merge(&res.First.Latency)
			poolMu.Unlock()
		}
		return nil
	}
	round := func(i int, keep bool) {
		runtime.GC() // each round starts without the garbage of the last one
		if together {
			var wg sync.WaitGroup
			var verr, herr error
			wg.Add(2)
			go func() { defer wg.Done(); verr = vegetaRound(keep) }()
			go func() { defer wg.Done(); herr = hookdrillRound(keep) }()
			wg.Wait()
			require.NoError(b, verr)
			require.NoError(b, herr)
			return
		}
		if i%2 == 0 {
			require.NoError(b, vegetaRound(keep))
			runtime.GC()
			require.NoError(b, hookdrillRound(keep))
		} else {
			require.NoError(b, hookdrillRound(keep))
			runtime.GC()
			require.NoError(b, vegetaRound(keep))
		}
	}
	round(0, false) // warm-up: first connections, first GC
	for i := range rounds {
		round(i, true)
	}
	med := median
	b.ReportMetric(med(v50), "vegeta_p50_ms")
	b.ReportMetric(med(v99), "vegeta_p99_ms")
	b.ReportMetric(med(h50), "hookdrill_p50_ms")
	b.ReportMetric(med(h99), "hookdrill_p99_ms")
	b.ReportMetric(med(h50)/med(v50), "p50_ratio")
	b.ReportMetric(med(h99)/med(v99), "p99_ratio")
	b.ReportMetric(med(d50), "hookdrill_from_due_p50_ms")
	b.ReportMetric(med(d99), "hookdrill_from_due_p99_ms")
	b.ReportMetric(med(vd50), "vegeta_from_due_p50_ms")
	b.ReportMetric(med(vd99), "vegeta_from_due_p99_ms")
	b.ReportMetric(med(d50)/med(vd50), "due_p50_ratio")
	b.ReportMetric(med(d99)/med(vd99), "due_p99_ratio")
	pq := func(h *load.Histogram, q float64) float64 { return ms(h.Quantile(q)) }
	b.ReportMetric(pq(&poolH, 0.5)/pq(&poolV, 0.5), "pooled_p50_ratio")
	b.ReportMetric(pq(&poolH, 0.99)/pq(&poolV, 0.99), "pooled_p99_ratio")
	b.ReportMetric(pq(&poolD, 0.5)/pq(&poolVD, 0.5), "pooled_due_p50_ratio")
	b.ReportMetric(pq(&poolD, 0.99)/pq(&poolVD, 0.99), "pooled_due_p99_ratio")
	b.ReportMetric(pq(&poolV, 0.99), "pooled_vegeta_p99_ms")
	b.ReportMetric(pq(&poolH, 0.99), "pooled_hookdrill_p99_ms")
	if os.Getenv("HOOKDRILL_BENCH_VERBOSE") != "" {
		b.Logf("per round (ms): vegeta p50 %v p99 %v, from due p50 %v p99 %v; hookdrill service p50 %v p99 %v, from due p50 %v p99 %v",
			v50, v99, vd50, vd99, h50, h99, d50, d99)
	}
}

// BenchmarkLoadMemory runs at a rate the receiver keeps up with
// (HOOKDRILL_BENCH_RATE, default 2000/s) for HOOKDRILL_SOAK (default 6s),
// measuring the live heap after a GC every second, and reports the
// least-squares slope of heap against deliveries sent from the second
// second on: the bytes each delivery leaves behind (near zero: the journal
// is drained as the run goes; the over-time series grows by a sparse
// histogram a second up to MaxPoints points, then stays at that size: see
// BenchmarkSeriesMemory for a simulated 24-hour run), and the peak heap.
func BenchmarkLoadMemory(b *testing.B) {
	srv, _ := testkit.Answering(b, http.StatusOK)
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
	verbose := os.Getenv("HOOKDRILL_BENCH_VERBOSE") != ""
	cfg.Progress = func(p load.Progress) {
		if p.Elapsed >= 2*time.Second {
			xs, ys = append(xs, float64(p.Sent)), append(ys, heap())
			if verbose && len(xs)%60 == 0 {
				b.Logf("%v: %d sent, heap %.2f MB", p.Elapsed.Round(time.Second), p.Sent, ys[len(ys)-1]/1e6)
			}
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
	b.ReportMetric(float64(res.SeriesBytes())/float64(len(res.Seconds)), "series_B/point")
}
