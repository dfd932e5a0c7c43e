package load

import (
	"errors"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hookdrill/hookdrill"
)

// Item is one delivery of a schedule: the event to build and when it is
// due, as an offset from the start of the run.
type Item struct {
	At time.Duration
	// Seq is the item's position in the whole (unsharded) schedule; the
	// event's ids are drawn from PCG(seed, Seq), so every shard builds the
	// same events as a single machine would.
	Seq uint64
	// Key decides the shard: Key mod n. Items of one resource (a
	// participant's submission) share a key, so one machine sends its whole
	// status sequence, in order.
	Key  uint64
	Spec hookdrill.EventSpec
}

// MixEntry is one event of a Mix: a type, optionally a status, and a
// relative weight.
type MixEntry struct {
	Event  string            `json:"event" yaml:"event"`
	Status string            `json:"status,omitempty" yaml:"status"`
	Extra  map[string]string `json:"extra,omitempty" yaml:"extra"`
	Weight int               `json:"weight,omitempty" yaml:"weight"`
}

// Mix is a weighted choice of events.
type Mix []MixEntry

func (m Mix) String() string {
	parts := make([]string, len(m))
	for i, e := range m {
		s := e.Event
		if e.Status != "" {
			s += ":" + e.Status
		}
		parts[i] = s + "=" + strconv.Itoa(max(e.Weight, 1))
	}
	return strings.Join(parts, ",")
}

// ErrBadMix is wrapped by ParseMix errors.
var ErrBadMix = errors.New("bad event mix")

// ParseMix reads a comma-separated list of TYPE[:STATUS][=WEIGHT], e.g.
// "submission.status.change:APPROVED=8,study.progress.change=1". Weights
// default to 1. Statuses may hold spaces ("AWAITING REVIEW"). Types and
// statuses are checked against the platform when the run starts.
func ParseMix(s string) (Mix, error) {
	var m Mix
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		e := MixEntry{Weight: 1}
		if i := strings.LastIndexByte(part, '='); i >= 0 {
			w, err := strconv.Atoi(strings.TrimSpace(part[i+1:]))
			if err != nil || w < 1 || w > 1_000_000 {
				return nil, fmt.Errorf("%w %q: weight must be a whole number from 1 to 1000000", ErrBadMix, part)
			}
			e.Weight, part = w, strings.TrimSpace(part[:i])
		}
		typ, status, _ := strings.Cut(part, ":")
		e.Event, e.Status = strings.TrimSpace(typ), strings.TrimSpace(status)
		if e.Event == "" || strings.ContainsAny(e.Event, " \t") {
			return nil, fmt.Errorf("%w %q: want TYPE[:STATUS][=WEIGHT]", ErrBadMix, part)
		}
		m = append(m, e)
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("%w %q: no events", ErrBadMix, s)
	}
	if len(m) > 1000 {
		return nil, fmt.Errorf("%w: more than 1000 entries", ErrBadMix)
	}
	return m, nil
}

// picker draws mix entries by weight.
type picker struct {
	m     Mix
	cum   []uint64
	total uint64
}

func newPicker(m Mix) picker {
	p := picker{m: m, cum: make([]uint64, len(m))}
	for i, e := range m {
		p.total += uint64(max(e.Weight, 1))
		p.cum[i] = p.total
	}
	return p
}

func (p *picker) pick(r *rand.Rand) *MixEntry {
	if len(p.m) == 1 {
		return &p.m[0]
	}
	x := r.Uint64N(p.total)
	i, _ := slices.BinarySearch(p.cum, x+1)
	return &p.m[i]
}

// source yields schedule items in time order.
type source interface {
	// next fills it with the next item; false at the end.
	next(it *Item) bool
	// span is how long the schedule lasts.
	span() time.Duration
	// total is the number of items in the whole schedule.
	total() uint64
}

// rateSource is a constant rate: item k is due at k*Per/Freq.
type rateSource struct {
	rate Rate
	dur  time.Duration
	n    uint64
	k    uint64
	seed uint64
	pick picker
	pcg  rand.PCG
	rnd  *rand.Rand
}

func newRateSource(r Rate, dur time.Duration, m Mix, seed uint64) *rateSource {
	s := &rateSource{rate: r, dur: dur, seed: seed, pick: newPicker(m)}
	s.rnd = rand.New(&s.pcg)
	// Count the k with k*Per/Freq < dur.
	s.n = uint64((float64(dur) * float64(r.Freq)) / float64(r.Per))
	for s.n > 0 && s.at(s.n-1) >= dur {
		s.n--
	}
	for s.at(s.n) < dur {
		s.n++
	}
	return s
}

func (s *rateSource) at(k uint64) time.Duration {
	// k*Per/Freq without overflow: the whole periods, then the remainder
	// with a 128-bit product (Per*r < Freq*2^64 since r < Freq).
	f := uint64(s.rate.Freq)
	q, r := k/f, k%f
	hi, lo := bits.Mul64(uint64(s.rate.Per), r)
	part, _ := bits.Div64(hi, lo, f)
	return time.Duration(q)*s.rate.Per + time.Duration(part)
}

func (s *rateSource) next(it *Item) bool {
	if s.k >= s.n {
		return false
	}
	k := s.k
	s.k++
	s.pcg.Seed(s.seed^mixSalt, k)
	e := s.pick.pick(s.rnd)
	*it = Item{At: s.at(k), Seq: k, Key: k, Spec: hookdrill.EventSpec{Type: e.Event, Status: e.Status, Extra: e.Extra}}
	return true
}

func (s *rateSource) span() time.Duration { return s.dur }
func (s *rateSource) total() uint64       { return s.n }

// mixSalt separates the mix draws from the event draws of the same seed.
const mixSalt = 0x6d6978 // "mix"

// maxSource is Rate max: items due at once, as fast as slots free up.
type maxSource struct {
	*rateSource
}

func (s *maxSource) next(it *Item) bool {
	if !s.rateSource.next(it) {
		return false
	}
	it.At = 0
	return true
}

// listSource plays a materialised, sorted schedule.
type listSource struct {
	items []Item
	i     int
	dur   time.Duration
}

func (s *listSource) next(it *Item) bool {
	if s.i >= len(s.items) {
		return false
	}
	*it = s.items[s.i]
	s.i++
	return true
}

func (s *listSource) span() time.Duration { return s.dur }
func (s *listSource) total() uint64       { return uint64(len(s.items)) }

// sortItems orders items by due time (stably) and numbers them.
func sortItems(items []Item) {
	slices.SortStableFunc(items, func(a, b Item) int {
		switch {
		case a.At < b.At:
			return -1
		case a.At > b.At:
			return 1
		}
		return 0
	})
	for i := range items {
		items[i].Seq = uint64(i)
	}
}

// newSource builds the schedule of a validated config.
func newSource(c *Config, platform string) (source, error) {
	if c.Scenario != nil {
		items, dur, err := c.Scenario.items(platform, c.Seed, c.Duration)
		if err != nil {
			return nil, err
		}
		return &listSource{items: items, dur: dur}, nil
	}
	dur := c.Duration
	if dur == 0 {
		dur = DefaultDuration
	}
	m := c.Events
	if len(m) == 0 {
		var ok bool
		if m, ok = c.Workloads.Mix(platform); !ok {
			return nil, fmt.Errorf("no event mix for platform %s: set Config.Events, or Config.Workloads with the platform's", platform)
		}
	}
	if c.Rate.Max {
		// A generous count: the run ends when the duration is over.
		return &maxSource{rateSource: newRateSource(Rate{Freq: MaxRatePerSecond, Per: time.Second}, dur, m, c.Seed)}, nil
	}
	return newRateSource(c.Rate, dur, m, c.Seed), nil
}
