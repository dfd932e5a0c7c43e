package load

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/platform"
)

// Defaults for Config. Every zero optional field of a Config takes these.
const (
	DefaultDuration      = 60 * time.Second
	DefaultMaxInFlight   = 256
	DefaultMaxQueue      = 10000
	DefaultRetrySpeedup  = 60.0
	DefaultDrain         = 30 * time.Second
	DefaultLateThreshold = 2 * time.Millisecond
	DefaultDeadAfter     = 2 * time.Second
	DefaultProbeSample   = 0.01
	DefaultProbeMax      = 10000
	DefaultProgressEvery = time.Second
	// DefaultParticipants is N for the built-in profiles.
	DefaultParticipants = 2000
)

// Bounds on what a Config may ask for: beyond them the request is a typo
// or would take the machine down, not a load test.
const (
	MaxRatePerSecond = 1_000_000
	MinDuration      = time.Millisecond
	MaxDuration      = 24 * time.Hour
	MaxScheduled     = 100_000_000 // deliveries in one constant-rate schedule
	// Profiles are built in memory before the run (a few hundred bytes per
	// delivery), so they are bounded tighter: MaxParticipants for the
	// built-ins (about 6 deliveries each), MaxProfileDeliveries for a YAML
	// profile. Beyond, use a rate or several profiles.
	MaxParticipants      = 100_000
	MaxProfileDeliveries = 1_000_000
	MaxSpeedup           = 1_000_000
)

// RetryMode says whether failed deliveries are retried.
type RetryMode string

// Retry modes.
const (
	// RetriesPlatform retries on the platform's schedule, compressed by
	// Config.RetrySpeedup (1 is the real clock).
	RetriesPlatform RetryMode = "platform"
	// RetriesNone makes one attempt per delivery.
	RetriesNone RetryMode = "none"
)

// Config configures Run. The zero value of every optional field picks the
// documented default; Validate reports what cannot work.
type Config struct {
	// Platform names the platform (a name of Platforms); Profile, when
	// set, is used instead of looking it up.
	Platform string
	Profile  hookdrill.Profile
	// Platforms resolves Platform to its wire profile; required unless
	// Profile is set (cmd/hookdrill passes all.Registry()).
	Platforms *platform.Registry
	// Workloads hold each platform's default event mix and built-in
	// profiles (cmd/hookdrill passes all.LoadWorkloads()). A constant-rate
	// run without Events uses its platform's mix; without one it is an
	// error.
	Workloads Workloads
	// Target is the receiver and the signing secret. Load runs only against
	// loopback addresses unless AllowRemote is set.
	Target      hookdrill.Target
	AllowRemote bool
	// Rate is the constant arrival rate; ignored when Scenario is set.
	Rate Rate
	// Duration is how long the constant-rate schedule lasts (default 60s).
	// For a built-in Scenario it is the span T the profile is played over.
	Duration time.Duration
	// Events is the mix of event types for a constant rate (default: the
	// platform's Workload.Mix).
	Events Mix
	// Scenario is a built-in or custom profile (see Profile.Scenario,
	// Workloads.LookupProfile, ParseScenario).
	Scenario *Scenario
	// Seed makes the schedule, the event mix, ids and retry jitter
	// reproducible.
	Seed uint64
	// Shard keeps only this shard's part of the schedule (zero: all).
	Shard Shard

	// Retries is platform (default) or none.
	Retries RetryMode
	// RetrySpeedup divides the platform's waits between attempts (default
	// 60: Prolific's one-minute first retry comes after one second). 1
	// runs retries on the real clock. The per-attempt timeout is never
	// compressed.
	RetrySpeedup float64
	// Timeout overrides the platform's per-attempt timeout.
	Timeout time.Duration
	// Drain is how long Run waits after the schedule for deliveries still
	// in flight or waiting to retry (default 30s); the rest are cancelled
	// and counted as pending at the end.
	Drain time.Duration

	// MaxInFlight bounds the requests in flight (default 256). A delivery
	// due while every slot is taken waits in a FIFO queue: its latency,
	// measured from when it was due, includes the wait.
	MaxInFlight int
	// MaxQueue bounds the deliveries waiting for a slot (default 10000);
	// deliveries due beyond it are dropped and counted, so a stalled
	// receiver cannot make memory grow without bound.
	MaxQueue int
	// LateThreshold is how late a start must be to count as late (default 2ms).
	LateThreshold time.Duration
	// DeadAfter ends the run when, for this long, every attempt failed to
	// connect or was reset and none succeeded (default 2s; negative: never).
	DeadAfter time.Duration

	// ProbeURL, when set, is asked after the run which sampled events the
	// receiver applied (see Probe).
	ProbeURL string
	// ProbeSample is the fraction of deliveries sampled (default 0.01);
	// ProbeMax bounds the sample (default 10000).
	ProbeSample float64
	ProbeMax    int

	// Journal, when set, receives every journal entry (attempts and
	// deliveries) as JSONL while the run goes; the journal in memory is
	// emptied every ProgressEvery either way.
	Journal io.Writer
	// Progress is called every ProgressEvery (default 1s) while the run goes.
	Progress      func(Progress)
	ProgressEvery time.Duration
	// TLSConfig is used for an https target.
	TLSConfig *tls.Config
}

// Validate reports every setting that cannot work.
func (c Config) Validate() error {
	var errs []error
	if c.Platform == "" && c.Profile == nil {
		if names := c.Platforms.Names(); len(names) > 0 {
			errs = append(errs, fmt.Errorf("platform is required (%s)", orList(names)))
		} else {
			errs = append(errs, errors.New("platform is required"))
		}
	}
	if err := c.Target.Validate(); err != nil {
		errs = append(errs, err)
	} else if !c.AllowRemote && !isLoopback(c.Target.URL) {
		errs = append(errs, fmt.Errorf("target %q is not a loopback address (127.0.0.1, [::1], localhost): load runs only against local receivers", hookdrill.RedactURL(c.Target.URL)))
	}
	if c.Scenario == nil {
		if c.Rate.IsZero() {
			errs = append(errs, errors.New("a rate (e.g. 200/s) or a profile is required"))
		} else if err := c.Rate.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	if c.Duration != 0 {
		if err := checkDuration("duration", c.Duration); err != nil {
			errs = append(errs, err)
		}
	}
	if c.Scenario == nil && !c.Rate.Max && c.Rate.Validate() == nil {
		d := c.Duration
		if d == 0 {
			d = DefaultDuration
		}
		if n := c.Rate.PerSecond() * d.Seconds(); n > MaxScheduled {
			errs = append(errs, fmt.Errorf("rate %s over %s schedules %.0f deliveries, more than %d", c.Rate, d, n, MaxScheduled))
		}
	}
	switch c.Retries {
	case "", RetriesPlatform, RetriesNone:
	default:
		errs = append(errs, fmt.Errorf("retries must be %q or %q, got %q", RetriesPlatform, RetriesNone, c.Retries))
	}
	if c.RetrySpeedup != 0 && (!(c.RetrySpeedup >= 1) || c.RetrySpeedup > MaxSpeedup) {
		errs = append(errs, fmt.Errorf("retry speed-up must be between 1 (real clock) and %d, got %g", MaxSpeedup, c.RetrySpeedup))
	}
	if c.MaxInFlight < 0 || c.MaxQueue < 0 || c.ProbeMax < 0 {
		errs = append(errs, errors.New("max in flight, max queue and probe max must not be negative"))
	}
	if c.Timeout < 0 || c.Drain < 0 || c.LateThreshold < 0 || c.ProgressEvery < 0 {
		errs = append(errs, errors.New("timeout, drain, late threshold and progress interval must not be negative"))
	}
	if c.ProbeSample < 0 || c.ProbeSample > 1 || math.IsNaN(c.ProbeSample) {
		errs = append(errs, fmt.Errorf("probe sample must be between 0 and 1, got %g", c.ProbeSample))
	}
	if c.ProbeURL != "" {
		if err := (hookdrill.Target{URL: c.ProbeURL, Secret: "x"}).Validate(); err != nil {
			errs = append(errs, fmt.Errorf("probe: %w", err))
		}
	}
	if err := c.Shard.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.Scenario != nil {
		if err := c.Scenario.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("load config: %w", err)
	}
	return nil
}

func checkDuration(what string, d time.Duration) error {
	if d < MinDuration {
		return fmt.Errorf("%s %s: must be at least %s", what, d, MinDuration)
	}
	if d > MaxDuration {
		return fmt.Errorf("%s %s: must be at most %s", what, d, MaxDuration)
	}
	return nil
}

// Rate is Freq deliveries every Per, or Max: as fast as the in-flight
// slots allow (a closed loop, for finding the highest rate; not an open
// model).
type Rate struct {
	Freq int64
	Per  time.Duration
	Max  bool
}

// IsZero reports an unset rate.
func (r Rate) IsZero() bool { return r == Rate{} }

// PerSecond returns the rate in deliveries per second (0 for Max).
func (r Rate) PerSecond() float64 {
	if r.Max || r.Per <= 0 {
		return 0
	}
	return float64(r.Freq) / r.Per.Seconds()
}

// Validate reports a rate of zero, below zero or absurd (above
// MaxRatePerSecond, or slower than one delivery a day).
func (r Rate) Validate() error {
	if r.Max {
		if r.Freq != 0 || r.Per != 0 {
			return errors.New("rate: max takes no frequency")
		}
		return nil
	}
	if r.Freq <= 0 {
		return fmt.Errorf("rate %s: must be positive", r)
	}
	if r.Per <= 0 {
		return fmt.Errorf("rate %s: the period must be positive", r)
	}
	ps := r.PerSecond()
	if ps > MaxRatePerSecond {
		return fmt.Errorf("rate %s: %.0f/s is more than %d/s", r, ps, MaxRatePerSecond)
	}
	if ps < 1.0/86400 {
		return fmt.Errorf("rate %s: less than one delivery a day", r)
	}
	return nil
}

func (r Rate) String() string {
	if r.Max {
		return "max"
	}
	switch r.Per {
	case time.Second:
		return strconv.FormatInt(r.Freq, 10) + "/s"
	case time.Minute:
		return strconv.FormatInt(r.Freq, 10) + "/m"
	case time.Hour:
		return strconv.FormatInt(r.Freq, 10) + "/h"
	}
	return strconv.FormatInt(r.Freq, 10) + "/" + r.Per.String()
}

// ErrBadRate is wrapped by ParseRate errors.
var ErrBadRate = errors.New("bad rate")

// ParseRate reads "200/s", "200" (per second), "12000/m", "5/100ms",
// "1/2s", or "max". The result is validated.
func ParseRate(s string) (Rate, error) {
	in := strings.TrimSpace(s)
	if in == "max" {
		return Rate{Max: true}, nil
	}
	num, per, hasPer := strings.Cut(in, "/")
	f, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
	if err != nil {
		return Rate{}, fmt.Errorf("%w %q: want N/s, N/m, N/h, N/<duration> (e.g. 200/s, 5/100ms) or max", ErrBadRate, s)
	}
	r := Rate{Freq: f, Per: time.Second}
	if hasPer {
		per = strings.TrimSpace(per)
		switch per {
		case "s", "sec", "second":
			r.Per = time.Second
		case "m", "min", "minute":
			r.Per = time.Minute
		case "h", "hour":
			r.Per = time.Hour
		default:
			if per != "" && per[0] >= '0' && per[0] <= '9' {
				r.Per, err = time.ParseDuration(per)
			} else {
				err = errors.New("unit")
			}
			if err != nil {
				return Rate{}, fmt.Errorf("%w %q: the period %q is not s, m, h or a duration like 100ms", ErrBadRate, s, per)
			}
		}
	}
	if err := r.Validate(); err != nil {
		return Rate{}, fmt.Errorf("%w: %v", ErrBadRate, err)
	}
	return r, nil
}

// Shard is part Index (1-based) of Count. The zero Shard is the whole run.
type Shard struct {
	Index int `json:"index"`
	Count int `json:"count"`
}

// ParseShard reads "i/n".
func ParseShard(s string) (Shard, error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("shard %q: want i/n, e.g. 1/4", s)
	}
	sh := Shard{Index: i, Count: n}
	return sh, sh.Validate()
}

// Validate checks 1 <= Index <= Count <= 10000.
func (s Shard) Validate() error {
	if s == (Shard{}) {
		return nil
	}
	if s.Count < 1 || s.Count > 10000 || s.Index < 1 || s.Index > s.Count {
		return fmt.Errorf("shard %d/%d: want 1 <= i <= n <= 10000", s.Index, s.Count)
	}
	return nil
}

func (s Shard) String() string {
	if s == (Shard{}) {
		return "1/1"
	}
	return strconv.Itoa(s.Index) + "/" + strconv.Itoa(s.Count)
}

// keeps reports whether the shard runs the schedule item with key k.
func (s Shard) keeps(k uint64) bool {
	if s.Count <= 1 {
		return true
	}
	return k%uint64(s.Count) == uint64(s.Index-1)
}
