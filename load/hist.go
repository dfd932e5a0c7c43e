package load

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"time"
	"unsafe"
)

// Histogram precision. Values below 2^SubBucketBits nanoseconds (128 ns)
// are counted exactly; above, each power of two is split into 2^SubBucketBits
// buckets of equal width, so a value and the upper bound of its bucket (what
// Quantile reports) differ by less than 1/2^SubBucketBits = 0.78 % of the
// value. Reported quantiles are never below the true ones.
const (
	SubBucketBits = 7
	// RelativeError bounds (reported-true)/true for every quantile.
	RelativeError = 1.0 / (1 << SubBucketBits)
)

const subBuckets = 1 << SubBucketBits

// Histogram counts latencies in log-linear buckets. Only non-empty
// buckets are stored (sorted bucket indexes and their counts, 10 bytes a
// bucket), so a histogram of few values is small whatever their spread:
// a run keeps one per point of its over-time series. The JSON form lists
// the same non-empty buckets. Two histograms merge exactly: bucket counts
// add, minimum and maximum are exact. The zero value is empty and ready to
// use; it is not safe for concurrent use.
type Histogram struct {
	idx []uint16 // bucket indexes of the non-empty buckets, increasing
	cnt []uint64 // cnt[i] counts bucket idx[i]
	n   uint64
	min int64
	max int64
	sum float64 // nanoseconds, for the mean
}

// bucketOf returns the bucket index of v >= 0.
func bucketOf(v int64) int {
	if v < subBuckets {
		return int(v)
	}
	e := bits.Len64(uint64(v)) - 1 - SubBucketBits // >= 0
	return (e+1)<<SubBucketBits + int(uint64(v)>>uint(e)) - subBuckets
}

// bucketHigh returns the largest value counted in bucket i.
func bucketHigh(i int) int64 {
	if i < subBuckets {
		return int64(i)
	}
	e := i>>SubBucketBits - 1
	m := int64(i&(subBuckets-1)) + subBuckets
	hi := (m+1)<<uint(e) - 1
	if hi < 0 { // the top bucket of int64
		return math.MaxInt64
	}
	return hi
}

// maxBucket is the index of the bucket holding math.MaxInt64 (it fits in
// the uint16 indexes).
var maxBucket = bucketOf(math.MaxInt64)

// Record counts one value; negative values count as 0.
func (h *Histogram) Record(d time.Duration) { h.RecordN(d, 1) }

// RecordN counts a value n times.
func (h *Histogram) RecordN(d time.Duration, n uint64) {
	if n == 0 {
		return
	}
	v := max(int64(d), 0)
	h.add(uint16(bucketOf(v)), n)
	if h.n == 0 || v < h.min {
		h.min = v
	}
	if v > h.max {
		h.max = v
	}
	h.n += n
	h.sum += float64(v) * float64(n)
}

// add adds n to bucket i's count.
func (h *Histogram) add(i uint16, n uint64) {
	pos, found := slices.BinarySearch(h.idx, i)
	if found {
		h.cnt[pos] += n
		return
	}
	h.idx = slices.Insert(h.idx, pos, i)
	h.cnt = slices.Insert(h.cnt, pos, n)
}

// compact gives h storage of its exact size (inserting new buckets leaves
// spare capacity: up to twice what is used).
func (h *Histogram) compact() {
	if cap(h.idx) == len(h.idx) && cap(h.cnt) == len(h.cnt) {
		return
	}
	idx, cnt := make([]uint16, len(h.idx)), make([]uint64, len(h.cnt))
	copy(idx, h.idx)
	copy(cnt, h.cnt)
	h.idx, h.cnt = idx, cnt
}

// Count returns how many values were recorded.
func (h *Histogram) Count() uint64 { return h.n }

// Buckets returns how many buckets are non-empty.
func (h *Histogram) Buckets() int { return len(h.idx) }

// Bytes returns the memory h holds: its own size and its bucket storage.
func (h *Histogram) Bytes() int {
	return int(unsafe.Sizeof(*h)) + 2*cap(h.idx) + 8*cap(h.cnt)
}

// Min returns the smallest value recorded (exact), 0 when empty.
func (h *Histogram) Min() time.Duration { return time.Duration(h.min) }

// Max returns the largest value recorded (exact), 0 when empty.
func (h *Histogram) Max() time.Duration { return time.Duration(h.max) }

// Mean returns the mean of the recorded values.
func (h *Histogram) Mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return time.Duration(h.sum / float64(h.n))
}

// Quantile returns the value below or at which a fraction q (0..1) of the
// values fall: the upper bound of the bucket holding the value of rank
// ceil(q*n), capped at the exact maximum, within RelativeError above the
// true value. 0 when empty.
func (h *Histogram) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	if !(q > 0) { // also NaN
		return time.Duration(h.min)
	}
	rank := uint64(math.Ceil(q * float64(h.n)))
	rank = min(max(rank, 1), h.n)
	var seen uint64
	for i, c := range h.cnt {
		seen += c
		if seen >= rank {
			return time.Duration(min(max(bucketHigh(int(h.idx[i])), h.min), h.max))
		}
	}
	return time.Duration(h.max)
}

// FractionAtOrBelow returns the fraction of values at or below d, counting
// a bucket as below when its upper bound is (so within RelativeError of d).
func (h *Histogram) FractionAtOrBelow(d time.Duration) float64 {
	if h.n == 0 {
		return 0
	}
	var c uint64
	for i, n := range h.cnt {
		if bucketHigh(int(h.idx[i])) > int64(d) {
			break
		}
		c += n
	}
	return float64(c) / float64(h.n)
}

// Merge adds every count of o to h.
func (h *Histogram) Merge(o *Histogram) {
	if o == nil || o.n == 0 {
		return
	}
	if h.n == 0 {
		*h = *o.Clone()
		return
	}
	// Merge the two sorted bucket lists into storage of the exact size.
	n, i, j := 0, 0, 0
	for i < len(h.idx) && j < len(o.idx) {
		switch {
		case h.idx[i] < o.idx[j]:
			i++
		case o.idx[j] < h.idx[i]:
			j++
		default:
			i++
			j++
		}
		n++
	}
	n += len(h.idx) - i + len(o.idx) - j
	idx := make([]uint16, 0, n)
	cnt := make([]uint64, 0, n)
	i, j = 0, 0
	for i < len(h.idx) || j < len(o.idx) {
		switch {
		case j == len(o.idx) || (i < len(h.idx) && h.idx[i] < o.idx[j]):
			idx, cnt = append(idx, h.idx[i]), append(cnt, h.cnt[i])
			i++
		case i == len(h.idx) || o.idx[j] < h.idx[i]:
			idx, cnt = append(idx, o.idx[j]), append(cnt, o.cnt[j])
			j++
		default:
			idx, cnt = append(idx, h.idx[i]), append(cnt, h.cnt[i]+o.cnt[j])
			i++
			j++
		}
	}
	h.idx, h.cnt = idx, cnt
	if o.min < h.min {
		h.min = o.min
	}
	h.max = max(h.max, o.max)
	h.n += o.n
	h.sum += o.sum
}

// Clone returns a deep copy (its storage no larger than its buckets).
func (h *Histogram) Clone() *Histogram {
	c := *h
	c.idx = slices.Clip(slices.Clone(h.idx))
	c.cnt = slices.Clip(slices.Clone(h.cnt))
	return &c
}

// histJSON is the wire form: [bucket, count] pairs of the non-empty buckets.
type histJSON struct {
	SubBucketBits int         `json:"sub_bucket_bits"`
	Count         uint64      `json:"count"`
	MinNS         int64       `json:"min_ns"`
	MaxNS         int64       `json:"max_ns"`
	SumNS         float64     `json:"sum_ns"`
	Buckets       [][2]uint64 `json:"buckets"`
}

// MarshalJSON writes the non-empty buckets.
func (h Histogram) MarshalJSON() ([]byte, error) {
	w := histJSON{SubBucketBits: SubBucketBits, Count: h.n, MinNS: h.min, MaxNS: h.max, SumNS: h.sum, Buckets: [][2]uint64{}}
	for i, c := range h.cnt {
		w.Buckets = append(w.Buckets, [2]uint64{uint64(h.idx[i]), c})
	}
	return json.Marshal(w)
}

// ErrBadHistogram is wrapped by errors reading a histogram's JSON form.
var ErrBadHistogram = errors.New("bad histogram")

// UnmarshalJSON reads the form MarshalJSON writes and checks it: the same
// precision, buckets in range and increasing, counts adding up, min and
// max inside the first and last bucket.
func (h *Histogram) UnmarshalJSON(b []byte) error {
	var w histJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return fmt.Errorf("%w: %v", ErrBadHistogram, err)
	}
	if w.SubBucketBits != SubBucketBits {
		return fmt.Errorf("%w: sub_bucket_bits %d, this build reads %d", ErrBadHistogram, w.SubBucketBits, SubBucketBits)
	}
	var out Histogram
	var total uint64
	prev := -1
	for _, p := range w.Buckets {
		if p[0] > uint64(maxBucket) || int(p[0]) <= prev {
			return fmt.Errorf("%w: bucket %d out of range or out of order", ErrBadHistogram, p[0])
		}
		if p[1] == 0 {
			continue
		}
		prev = int(p[0])
		out.idx, out.cnt = append(out.idx, uint16(prev)), append(out.cnt, p[1])
		if total+p[1] < total {
			return fmt.Errorf("%w: counts overflow", ErrBadHistogram)
		}
		total += p[1]
	}
	if total != w.Count {
		return fmt.Errorf("%w: buckets add up to %d, count says %d", ErrBadHistogram, total, w.Count)
	}
	if total > 0 {
		if w.MinNS < 0 || w.MaxNS < w.MinNS || bucketOf(w.MinNS) != int(out.idx[0]) || bucketOf(w.MaxNS) != int(out.idx[len(out.idx)-1]) {
			return fmt.Errorf("%w: min %d / max %d do not match the buckets", ErrBadHistogram, w.MinNS, w.MaxNS)
		}
		out.min, out.max = w.MinNS, w.MaxNS
		out.n, out.sum = total, w.SumNS
	}
	*h = out
	return nil
}
