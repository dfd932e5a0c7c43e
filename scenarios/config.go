package scenarios

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/assert"
	"github.com/hookdrill/hookdrill/platform"
)

// Defaults for RunConfig and probes.
const (
	// DefaultScenarioTimeout bounds a scenario in real time when neither
	// the file nor RunConfig.Timeout says otherwise.
	DefaultScenarioTimeout = 5 * time.Minute
	// DefaultProbeTimeout bounds one probe.
	DefaultProbeTimeout = 5 * time.Second
	// DefaultProbeInterval is the pause between repetitions of an
	// "eventually" probe.
	DefaultProbeInterval = 100 * time.Millisecond
	// DefaultParallel is how many scenarios run at once.
	DefaultParallel = 1
	// SecretRef is what a rerun command line says instead of a secret
	// (a RerunArgs element kept as is, not quoted): the shell expands it.
	SecretRef = `"$HOOKDRILL_SECRET"`
	// DefaultCommand starts the rerun command line of a report.
	DefaultCommand = "hookdrill run"
	// MaxProbeOutput bounds the bytes a probe reads.
	MaxProbeOutput = 1 << 20
)

// Shard selects every Count-th scenario starting at Index (1-based), so n
// CI jobs given 1/n .. n/n split a run without overlap. The zero Shard
// selects everything.
type Shard struct {
	Index int
	Count int
}

// ParseShard parses "i/n".
func ParseShard(s string) (Shard, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(strings.TrimSpace(a))
	n, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("shard %q: want i/n, e.g. 1/4", s)
	}
	sh := Shard{Index: i, Count: n}
	return sh, sh.Validate()
}

// Validate checks 1 <= Index <= Count.
func (s Shard) Validate() error {
	if s == (Shard{}) {
		return nil
	}
	if s.Count < 1 || s.Index < 1 || s.Index > s.Count {
		return fmt.Errorf("shard %d/%d: want 1 <= i <= n", s.Index, s.Count)
	}
	return nil
}

func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// RunConfig configures Run. The zero value runs every scenario with its own
// target, secret and seed, one at a time.
type RunConfig struct {
	// Target and Secret override every scenario's target and secret.
	Target string
	Secret string
	// Secrets are more values no output may show (e.g. a rotated-away
	// secret, API tokens). The run also redacts its signing secrets,
	// rotated secrets, the mock token, variables and environment values
	// named like credentials, environment values used in secret, exec
	// probes and probe headers, and the user info and query values of
	// every URL it uses (see hookdrill.Redactor).
	Secrets []string
	// Seed overrides every scenario's seed; 0 keeps the file's seed, or
	// draws a random one (reported) for files without one.
	Seed uint64
	// IDSalt, when not 0, is mixed into every generated event id and
	// resource id (not into ids a scenario sets): the seed still reproduces
	// payloads and jitter, but each salt gives fresh ids, so rerunning
	// against a stateful receiver does not replay the previous run's events.
	IDSalt uint64
	// Run selects scenarios whose name or check id matches this regular
	// expression (RE2); empty selects all.
	Run string
	// Parallel is how many scenarios run at once (default 1).
	Parallel int
	// Shard runs one deterministic slice of the selected scenarios.
	Shard Shard
	// Probes are the named probe templates scenarios use with
	// "probe: {use: NAME}": an http(s) URL whose fragment is a JSON Pointer
	// (http://127.0.0.1:8080/state#/processed/{event_id}), "exec:" and a
	// command run without a shell (split by SplitCommand; {event_id} and
	// {resource_id} are substituted inside its words), or "sh:" and a
	// script run by sh -c that reads $HOOKDRILL_EVENT_ID and
	// $HOOKDRILL_RESOURCE_ID (no substitution).
	Probes map[string]string
	// Hints say how to meet a requirement, for skip messages, e.g.
	// "probe.applied" → "--probe-applied".
	Hints map[string]string
	// Vars override declared scenario variables (undeclared ones are
	// ignored).
	Vars map[string]string
	// Getenv resolves ${ENV} references; nil resolves none (every ${ENV}
	// without a default is then an error).
	Getenv func(string) string
	// Timeout bounds each scenario without a timeout of its own (default
	// DefaultScenarioTimeout).
	Timeout time.Duration
	// SimStart is the instant simulated clocks start at; zero: the wall
	// time when the scenario starts, truncated to the second.
	SimStart time.Time
	// WallNow is the wall clock (default time.Now).
	WallNow func() time.Time
	// TLSConfig is used for deliveries and HTTP probes (e.g. a self-signed
	// receiver certificate).
	TLSConfig *tls.Config
	// ProbeClient sends HTTP probes (default: a client without redirects
	// following that uses TLSConfig).
	ProbeClient *http.Client
	// Command and RerunArgs build each failed scenario's rerun command line:
	// Command RerunArgs --seed N --run '^NAME$' FILE. Default Command
	// DefaultCommand.
	Command   string
	RerunArgs []string
	// OnScenario is called (from the scenario's goroutine) as each scenario
	// finishes, e.g. for progress.
	OnScenario func(assert.ScenarioResult)
	// OnJournal, when set, receives each scenario's journal when it ends.
	OnJournal func(sc *Scenario, j *hookdrill.Journal)
	// Mock, when set, starts the embedded mock for scenarios that use it;
	// see MockFactory.
	Mock MockFactory
	// Platforms resolves each scenario's platform name to its profile. nil
	// (the usual case): the registry of the Loader that loaded the
	// scenario. A scenario with neither ends with verdict ERROR naming
	// this field.
	Platforms *platform.Registry
}

// Validate reports settings that cannot work.
func (c RunConfig) Validate() error {
	var errs []error
	if c.Parallel < 0 {
		errs = append(errs, fmt.Errorf("parallel must not be negative, got %d", c.Parallel))
	}
	if err := c.Shard.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.Run != "" {
		if _, err := regexp.Compile(c.Run); err != nil {
			errs = append(errs, fmt.Errorf("run: %w", err))
		}
	}
	if c.Timeout < 0 {
		errs = append(errs, errors.New("timeout must not be negative"))
	}
	for name, t := range c.Probes {
		if !reProbeName.MatchString(name) {
			errs = append(errs, fmt.Errorf("probe %q: bad name", name))
		}
		if _, err := parseProbeTemplate(t); err != nil {
			errs = append(errs, fmt.Errorf("probe %q: %w", name, err))
		}
	}
	if c.Target != "" {
		if err := (hookdrill.Target{URL: c.Target, Secret: "x"}).Validate(); err != nil {
			errs = append(errs, fmt.Errorf("target: %w", err))
		}
	}
	return errors.Join(errs...)
}

func (c RunConfig) withDefaults() RunConfig {
	if c.Parallel == 0 {
		c.Parallel = DefaultParallel
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultScenarioTimeout
	}
	if c.WallNow == nil {
		c.WallNow = time.Now
	}
	if c.Command == "" {
		c.Command = DefaultCommand
	}
	if c.ProbeClient == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.Proxy = nil
		tr.TLSClientConfig = c.TLSConfig
		c.ProbeClient = &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}}
	}
	return c
}

// Select returns the scenarios cfg runs: those matching cfg.Run, then
// cfg.Shard's slice of them, in input order.
//
// Sharding is deterministic and depends only on the input order and the
// -run filter: the k-th matching scenario (k = 0, 1, 2...) belongs to shard
// k mod n + 1. Every job of a CI matrix that loads the same files with the
// same filter therefore gets a disjoint slice, and together the n shards
// cover every scenario exactly once.
func Select(cfg RunConfig, scs []*Scenario) ([]*Scenario, error) {
	out, _, err := selectPositions(cfg, scs)
	return out, err
}

// selectPositions is Select that also returns each selected scenario's
// 1-based position among the matching scenarios before sharding.
func selectPositions(cfg RunConfig, scs []*Scenario) ([]*Scenario, []int, error) {
	var re *regexp.Regexp
	if cfg.Run != "" {
		var err error
		if re, err = regexp.Compile(cfg.Run); err != nil {
			return nil, nil, fmt.Errorf("select scenarios: -run: %w", err)
		}
	}
	if err := cfg.Shard.Validate(); err != nil {
		return nil, nil, fmt.Errorf("select scenarios: %w", err)
	}
	var out []*Scenario
	var pos []int
	n := 0
	for _, s := range scs {
		if re != nil && !re.MatchString(s.Name) && (s.Check == nil || !re.MatchString(s.Check.ID)) {
			continue
		}
		n++
		if cfg.Shard.Count > 0 && (n-1)%cfg.Shard.Count != cfg.Shard.Index-1 {
			continue
		}
		out = append(out, s)
		pos = append(pos, n)
	}
	return out, pos, nil
}
