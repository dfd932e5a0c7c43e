package load

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestBucketsCoverEveryValue(t *testing.T) {
	prev := -1
	for _, v := range []int64{0, 1, 127, 128, 129, 255, 256, 257, 1000, 1 << 20, 1<<40 + 12345, math.MaxInt64 - 1, math.MaxInt64} {
		i := bucketOf(v)
		require.GreaterOrEqual(t, i, prev, "buckets increase with the value (%d)", v)
		prev = i
		require.GreaterOrEqual(t, bucketHigh(i), v, "bucket %d holds %d", i, v)
		if i > 0 {
			require.Less(t, bucketHigh(i-1), v, "the bucket before %d ends below %d", i, v)
		}
		if v >= subBuckets {
			require.LessOrEqual(t, float64(bucketHigh(i)-v)/float64(v), RelativeError)
		}
	}
}

func TestQuantileWithinStatedError(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, dist := range []struct {
		name string
		draw func() time.Duration
	}{
		{"uniform 0-10ms", func() time.Duration { return time.Duration(r.Int64N(int64(10 * time.Millisecond))) }},
		{"lognormal around 2ms", func() time.Duration { return time.Duration(math.Exp(r.NormFloat64()*1.5) * 2e6) }},
		{"tiny", func() time.Duration { return time.Duration(r.Int64N(300)) }},
	} {
		t.Run(dist.name, func(t *testing.T) {
			var h Histogram
			vals := make([]int64, 20000)
			for i := range vals {
				d := dist.draw()
				vals[i] = int64(d)
				h.Record(d)
			}
			slices.Sort(vals)
			for _, q := range []float64{0.5, 0.9, 0.99, 0.999, 1} {
				exact := vals[int(math.Ceil(q*float64(len(vals))))-1]
				got := int64(h.Quantile(q))
				require.GreaterOrEqual(t, got, exact, "q=%g never below the true value", q)
				require.LessOrEqual(t, float64(got-exact), RelativeError*float64(exact)+1, "q=%g within the stated error", q)
			}
			require.Equal(t, time.Duration(vals[0]), h.Min())
			require.Equal(t, time.Duration(vals[len(vals)-1]), h.Max())
		})
	}
}

func TestFractionAtOrBelow(t *testing.T) {
	var h Histogram
	for i := range 100 {
		h.Record(time.Duration(i) * time.Millisecond)
	}
	require.InDelta(t, 0.5, h.FractionAtOrBelow(49*time.Millisecond+time.Millisecond/2), 0.02)
	require.Equal(t, 1.0, h.FractionAtOrBelow(time.Second))
	require.Equal(t, 0.01, h.FractionAtOrBelow(0))
	require.Zero(t, (&Histogram{}).FractionAtOrBelow(time.Second))
}

func TestMergeIsExact(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var all, a, b Histogram
	for i := range 5000 {
		d := time.Duration(r.Int64N(int64(time.Second)))
		if i%3 == 0 {
			d = time.Duration(r.Int64N(1000)) // a different range, so the slices must realign
		}
		all.Record(d)
		if i%2 == 0 {
			a.Record(d)
		} else {
			b.Record(d)
		}
	}
	var m Histogram
	m.Merge(&a)
	m.Merge(&b)
	m.Merge(nil)
	m.Merge(&Histogram{})
	require.Equal(t, all.Count(), m.Count())
	for _, q := range []float64{0.1, 0.5, 0.9, 0.99, 0.999} {
		require.Equal(t, all.Quantile(q), m.Quantile(q))
	}
	ja, _ := json.Marshal(all)
	jm, _ := json.Marshal(m)
	require.JSONEq(t, string(ja), string(jm))
}

func TestHistogramJSONRoundTripAndChecks(t *testing.T) {
	var h Histogram
	for _, d := range []time.Duration{0, 5, 300, time.Millisecond, 3 * time.Second} {
		h.Record(d)
	}
	b, err := json.Marshal(h)
	require.NoError(t, err)
	var back Histogram
	require.NoError(t, json.Unmarshal(b, &back))
	require.Equal(t, h.Count(), back.Count())
	require.Equal(t, h.Quantile(0.5), back.Quantile(0.5))
	require.Equal(t, h.Max(), back.Max())

	var empty Histogram
	b, _ = json.Marshal(empty)
	require.NoError(t, json.Unmarshal(b, &back))
	require.Zero(t, back.Count())

	for name, bad := range map[string]string{
		"precision":     `{"sub_bucket_bits":5,"count":0,"buckets":[]}`,
		"count":         `{"sub_bucket_bits":7,"count":3,"min_ns":1,"max_ns":1,"buckets":[[1,1]]}`,
		"order":         `{"sub_bucket_bits":7,"count":2,"min_ns":1,"max_ns":5,"buckets":[[5,1],[1,1]]}`,
		"range":         `{"sub_bucket_bits":7,"count":1,"min_ns":1,"max_ns":1,"buckets":[[99999999,1]]}`,
		"min outside":   `{"sub_bucket_bits":7,"count":1,"min_ns":7,"max_ns":7,"buckets":[[1,1]]}`,
		"not an object": `[1,2]`,
	} {
		require.ErrorIs(t, json.Unmarshal([]byte(bad), &back), ErrBadHistogram, name)
	}
}

func FuzzHistogramJSON(f *testing.F) {
	f.Add([]byte(`{"sub_bucket_bits":7,"count":2,"min_ns":1,"max_ns":300,"sum_ns":301,"buckets":[[1,1],[150,1]]}`))
	f.Add([]byte(`{"sub_bucket_bits":7,"count":0,"buckets":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var h Histogram
		if err := json.Unmarshal(data, &h); err != nil {
			return
		}
		// Whatever was accepted is consistent.
		q := h.Quantile(0.99)
		require.LessOrEqual(t, q, h.Max())
		require.GreaterOrEqual(t, q, h.Min())
		b, err := json.Marshal(h)
		require.NoError(t, err)
		var again Histogram
		require.NoError(t, json.Unmarshal(b, &again))
		require.Equal(t, h.Count(), again.Count())
	})
}

// BenchmarkHistogramRecord records log-normal latencies around 5ms (the
// sparse buckets are searched; a new bucket is inserted):
//
//	go test -run '^$' -bench HistogramRecord ./load/
func BenchmarkHistogramRecord(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	vals := make([]time.Duration, 4096)
	for i := range vals {
		vals[i] = time.Duration(5e6 * math.Exp(r.NormFloat64()))
	}
	var h Histogram
	b.ReportAllocs()
	for i := range b.N {
		h.Record(vals[i&4095])
	}
	b.ReportMetric(float64(h.Buckets()), "buckets")
}

func TestCompactKeepsEveryCount(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	var h Histogram
	for range 5000 {
		h.Record(time.Duration(5e6 * math.Exp(r.NormFloat64())))
	}
	want := h.Clone()
	require.Greater(t, cap(h.idx), len(h.idx), "inserting leaves spare capacity")
	before := h.Bytes()
	h.compact()
	require.Equal(t, len(h.idx), cap(h.idx))
	require.Equal(t, len(h.cnt), cap(h.cnt))
	require.Less(t, h.Bytes(), before)
	for _, q := range []float64{0, 0.1, 0.5, 0.9, 0.99, 0.999, 1} {
		require.Equal(t, want.Quantile(q), h.Quantile(q))
	}
	h.Record(time.Nanosecond) // still usable
	require.Equal(t, want.Count()+1, h.Count())
}
