package load

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
)

// simulateRun feeds rec a run of the given length at perSecond first
// attempts a second, with log-normal latencies around 5ms (0.3ms to
// over 100ms), on synthetic timestamps: no waiting. every is called after
// each simulated hour.
func simulateRun(rec *recorder, length time.Duration, perSecond int, every func(hour int)) {
	r := rand.New(rand.NewPCG(7, 7))
	start := rec.start
	step := time.Second / time.Duration(perSecond)
	for sec := range int(length / time.Second) {
		for k := range perSecond {
			due := start.Add(time.Duration(sec)*time.Second + time.Duration(k)*step)
			d := &dstate{due: due, typ: "submission.status.change"}
			rec.dispatched(due.Sub(start), 0, false, 0)
			lat := time.Duration(5e6 * math.Exp(r.NormFloat64()))
			a := &hookdrill.Attempt{Number: 1, Started: due.Add(20 * time.Microsecond), Latency: lat,
				Outcome: hookdrill.OutcomeSuccess, Response: &hookdrill.HTTPResponse{Status: 200}}
			rec.attempt(d, a, a.Started.Add(a.Latency))
		}
		if (sec+1)%3600 == 0 && every != nil {
			every((sec + 1) / 3600)
		}
	}
}

func heapNow() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// seriesHeapBound is what a 24-hour run's aggregate may hold on the heap
// at 4 deliveries a second with latencies spread over 0.3-100ms: at most
// MaxPoints points, each a sparse histogram (3.1 MB measured). The dense
// per-second histograms this replaced held 14 MB after one simulated hour
// of the same run.
const seriesHeapBound = 6 << 20

// TestSeriesMemoryBoundedOver24h simulates a 24-hour run at 4 deliveries
// a second and checks, every simulated hour, that the aggregate holds no
// more than seriesHeapBound (heap after GC, and SeriesBytes): the
// over-time series does not grow with the length of the run.
func TestSeriesMemoryBoundedOver24h(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates 1.7M deliveries")
	}
	before := heapNow()
	rec := newRecorder(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), DefaultLateThreshold)
	simulateRun(rec, 24*time.Hour, 4, func(hour int) {
		got := int64(heapNow()) - int64(before)
		require.LessOrEqual(t, got, int64(seriesHeapBound), "after %d simulated hours the aggregate holds %d bytes", hour, got)
		require.LessOrEqual(t, rec.res.SeriesBytes(), seriesHeapBound)
		require.LessOrEqual(t, len(rec.res.Seconds), MaxPoints)
	})
	res := rec.result()
	require.EqualValues(t, 24*3600*4, res.First.Count)
	require.Equal(t, 128, res.SecondsStep, "24h in at most MaxPoints points: one every 128 s")
	require.Len(t, res.Seconds, 675)
	t.Logf("24h at 4/s: series %d bytes (%d points), %.1f bytes per second of run", res.SeriesBytes(), len(res.Seconds),
		float64(res.SeriesBytes())/86400)
	var n uint64
	for _, s := range res.Seconds {
		n += s.Latency.Count()
	}
	require.EqualValues(t, res.First.Count, n, "folding the series loses no value")
	runtime.KeepAlive(rec)
}

// recordAt records one successful first attempt due sec seconds (plus
// frac) into the run, taking lat.
func recordAt(rec *recorder, at, lat time.Duration) {
	due := rec.start.Add(at)
	d := &dstate{due: due, typ: "t"}
	rec.dispatched(at, 0, false, 0)
	a := &hookdrill.Attempt{Number: 1, Started: due, Latency: lat, Outcome: hookdrill.OutcomeSuccess,
		Response: &hookdrill.HTTPResponse{Status: 200}}
	rec.attempt(d, a, due.Add(lat))
}

// TestSeriesFoldsExactly checks that a run outgrowing MaxPoints seconds
// folds its series into a power-of-two step with every count and
// histogram kept: each point equals the seconds it covers merged.
func TestSeriesFoldsExactly(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	rec := newRecorder(start, DefaultLateThreshold)
	const secs = 3*MaxPoints + 17 // step 4
	r := rand.New(rand.NewPCG(1, 2))
	want := map[int]*Histogram{} // by point
	asked := map[int]uint64{}
	for sec := range secs {
		for range 1 + sec%3 {
			lat := time.Duration(r.Int64N(int64(50 * time.Millisecond)))
			recordAt(rec, time.Duration(sec)*time.Second+time.Duration(r.Int64N(int64(time.Second-50*time.Millisecond))), lat)
			if want[sec/4] == nil {
				want[sec/4] = &Histogram{}
			}
			want[sec/4].Record(lat)
			asked[sec/4]++
		}
	}
	res := rec.result()
	require.Equal(t, 4, res.SecondsStep)
	require.Len(t, res.Seconds, (secs+3)/4)
	for i, s := range res.Seconds {
		require.Equal(t, 4*i, s.Second)
		require.Equal(t, asked[i], s.Asked, "point %d", i)
		require.Equal(t, want[i].Count(), s.Latency.Count())
		for _, q := range []float64{0, 0.5, 0.9, 0.99, 1} {
			require.Equal(t, want[i].Quantile(q), s.Latency.Quantile(q), "point %d q %v", i, q)
		}
	}

	// Written and read back: the same series; the text report labels rows
	// by seconds, the HTML names the step.
	var b bytes.Buffer
	require.NoError(t, res.WriteJSON(&b))
	back, err := DecodeResult(withShard(t, b.Bytes()))
	require.NoError(t, err)
	require.Equal(t, 4, back.SecondsStep)
	require.Len(t, back.Seconds, len(res.Seconds))
	var txt strings.Builder
	require.NoError(t, back.WriteText(&txt))
	require.Contains(t, txt.String(), "  0-92  ", "30 rows of 23 points of 4 s")
	require.Contains(t, txt.String(), "  2668-2720  ")
	var page strings.Builder
	require.NoError(t, back.WriteHTML(&page))
	require.Contains(t, page.String(), "one point per 4 s")
	require.Contains(t, page.String(), ">2720 s<")
}

// withShard gives a recorder's JSON the shard a run sets.
func withShard(t *testing.T, data []byte) []byte {
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	m["shards"] = []map[string]int{{"index": 1, "count": 1}}
	out, err := json.Marshal(m)
	require.NoError(t, err)
	return out
}

// TestMergeSeriesOfDifferentSteps merges a short shard (one point a
// second) with a long one (folded): the result has the coarser step and
// every count.
func TestMergeSeriesOfDifferentSteps(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	short, long := newRecorder(start, DefaultLateThreshold), newRecorder(start, DefaultLateThreshold)
	for sec := range 10 {
		recordAt(short, time.Duration(sec)*time.Second, time.Millisecond)
	}
	for sec := range 2*MaxPoints + 1 { // step 4
		recordAt(long, time.Duration(sec)*time.Second, 2*time.Millisecond)
	}
	a, b := short.result(), long.result()
	a.Shards, b.Shards = []Shard{{Index: 1, Count: 2}}, []Shard{{Index: 2, Count: 2}}
	require.Equal(t, 1, a.SecondsStep)
	require.Equal(t, 4, b.SecondsStep)
	for _, order := range [][]Result{{a, b}, {b, a}} {
		m, err := Merge(order...)
		require.NoError(t, err)
		require.Equal(t, 4, m.SecondsStep)
		require.Len(t, m.Seconds, len(b.Seconds))
		require.EqualValues(t, 4+4, m.Seconds[0].Asked, "seconds 0-3 of both shards")
		require.EqualValues(t, 4+2, m.Seconds[2].Asked, "seconds 8-11: 8 and 9 of the short shard")
		require.EqualValues(t, 4, m.Seconds[3].Asked)
		var n uint64
		for _, s := range m.Seconds {
			n += s.Latency.Count()
		}
		require.EqualValues(t, 10+2*MaxPoints+1, n)
	}
	// Merging is not changed by the series of its inputs.
	require.Equal(t, 1, a.SecondsStep)
	require.Len(t, a.Seconds, 10)

	bad := a
	bad.SecondsStep = 3
	_, err := Merge(bad, b)
	require.ErrorContains(t, err, "power of two")
}

// TestReadVersion1Report reads a report written before seconds_step
// (version 1: one entry a second) as version 2 with step 1.
func TestReadVersion1Report(t *testing.T) {
	data, err := os.ReadFile("testdata/report-v1.json")
	require.NoError(t, err)
	res, err := DecodeResult(data)
	require.NoError(t, err)
	require.Equal(t, Version, res.Version)
	require.Equal(t, 1, res.SecondsStep)
	require.Len(t, res.Seconds, 2)
	want := fixedResult()
	want.Shards = []Shard{{Index: 2, Count: 2}}
	res.Shards = []Shard{{Index: 1, Count: 2}}
	m, err := Merge(res, want)
	require.NoError(t, err)
	require.EqualValues(t, 40, m.First.Count)

	for name, in := range map[string]string{
		"step 3":       `{"kind":"hookdrill.load","version":2,"seconds_step":3,"shards":[{"index":1,"count":1}]}`,
		"step 0 in v2": `{"kind":"hookdrill.load","version":2,"shards":[{"index":1,"count":1}]}`,
		"misaligned":   `{"kind":"hookdrill.load","version":2,"seconds_step":2,"shards":[{"index":1,"count":1}],"seconds":[{"second":0},{"second":1}]}`,
		"huge step":    `{"kind":"hookdrill.load","version":2,"seconds_step":2097152,"shards":[{"index":1,"count":1}]}`,
	} {
		_, err := DecodeResult([]byte(in))
		require.ErrorContains(t, err, "second", name)
	}
}

// BenchmarkSeriesMemory simulates a run of HOOKDRILL_SIM (default 24h) at
// HOOKDRILL_SIM_RATE deliveries a second (default 100) on synthetic
// timestamps and reports what the aggregate holds on the heap after GC,
// per second of run and per delivery, and the series alone (SeriesBytes):
//
//	go test -run '^$' -bench SeriesMemory -benchtime 1x ./load/
func BenchmarkSeriesMemory(b *testing.B) {
	length, rate := 24*time.Hour, 100
	if s := os.Getenv("HOOKDRILL_SIM"); s != "" {
		var err error
		length, err = time.ParseDuration(s)
		require.NoError(b, err)
	}
	if s := os.Getenv("HOOKDRILL_SIM_RATE"); s != "" {
		_, err := fmt.Sscan(s, &rate)
		require.NoError(b, err)
	}
	for range b.N {
		before := heapNow()
		rec := newRecorder(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), DefaultLateThreshold)
		simulateRun(rec, length, rate, nil)
		held := float64(int64(heapNow()) - int64(before))
		res := rec.result()
		b.ReportMetric(held, "heap_B")
		b.ReportMetric(held/length.Seconds(), "heap_B/second_of_run")
		b.ReportMetric(held/float64(res.First.Count), "heap_B/delivery")
		b.ReportMetric(float64(res.SeriesBytes()), "series_B")
		b.ReportMetric(float64(len(res.Seconds)), "points")
		runtime.KeepAlive(rec)
	}
}
