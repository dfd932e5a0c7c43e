package conform

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"math/rand/v2"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/assert"
	"github.com/hookdrill/hookdrill/scenarios"
)

//go:embed suites
var embedded embed.FS

// Probe template names the suites use.
const (
	ProbeApplied = "applied"
	ProbeStatus  = "status"
)

// latencyTag marks checks whose budget Config.Budget replaces.
const latencyTag = "latency"

// rotatedSuffix marks the check that signs with Config.OldSecret.
const rotatedSuffix = ".signature.rotated_secret"

// Suites returns the embedded suite files: PLATFORM/ID.yaml.
func Suites() fs.FS {
	sub, err := fs.Sub(embedded, "suites")
	if err != nil { // unreachable: the directory is embedded
		panic(err)
	}
	return sub
}

// Platforms lists the platforms that have a suite.
func Platforms() []string {
	ents, _ := fs.ReadDir(Suites(), ".")
	var out []string
	for _, e := range ents {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out
}

// Load returns a platform's checks, sorted by id.
func Load(platform string) ([]*scenarios.Scenario, error) {
	if !slices.Contains(Platforms(), platform) {
		return nil, fmt.Errorf("conform: no suite for platform %q (valid: %s)", platform, strings.Join(Platforms(), ", "))
	}
	scs, err := scenarios.Load(Suites(), platform)
	if err != nil {
		return nil, fmt.Errorf("conform: load %s suite: %w", platform, err)
	}
	sort.Slice(scs, func(i, j int) bool { return checkID(scs[i]) < checkID(scs[j]) })
	return scs, nil
}

func checkID(sc *scenarios.Scenario) string {
	if sc.Check != nil {
		return sc.Check.ID
	}
	return sc.Name
}

// CheckInfo describes one check for listings.
type CheckInfo struct {
	ID       string   `json:"id"`
	Severity string   `json:"severity"`
	Summary  string   `json:"summary"`
	Requires []string `json:"requires,omitempty"`
	// File is the check's path inside Suites(), e.g. prolific/signature.valid.yaml.
	File string `json:"file"`
}

// List describes a platform's checks, sorted by id.
func List(platform string) ([]CheckInfo, error) {
	scs, err := Load(platform)
	if err != nil {
		return nil, err
	}
	out := make([]CheckInfo, 0, len(scs))
	for _, sc := range scs {
		ci := CheckInfo{ID: checkID(sc), Requires: sc.Requires, File: sc.File}
		if sc.Check != nil {
			ci.Severity, ci.Summary = sc.Check.Severity, sc.Check.Summary
		}
		out = append(out, ci)
	}
	return out, nil
}

// Source returns the YAML of the check with the given id, to copy and adapt.
func Source(id string) (file string, data []byte, err error) {
	platform, _, _ := strings.Cut(id, ".")
	checks, err := List(platform)
	if err != nil {
		return "", nil, err
	}
	for _, c := range checks {
		if c.ID == id {
			data, err := fs.ReadFile(Suites(), c.File)
			return c.File, data, err
		}
	}
	return "", nil, fmt.Errorf("conform: no check %q (valid: %s)", id, ids(checks))
}

func ids(cs []CheckInfo) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = c.ID
	}
	return strings.Join(s, ", ")
}

// Config configures Run.
type Config struct {
	// Platform is "prolific" or "respondent".
	Platform string
	// Target is the receiver's URL and Secret its signing secret.
	Target string
	Secret string
	// OldSecret is a secret that was rotated away; the rotated-secret check
	// signs with it and expects a rejection. Empty skips that check.
	OldSecret string
	// ProbeApplied and ProbeStatus are probe templates (see package doc).
	ProbeApplied string
	ProbeStatus  string
	// Strict makes SHOULD failures fail the run too.
	Strict bool
	// Only runs just these check ids.
	Only []string
	// Budget replaces the latency checks' budget and per-attempt timeout
	// (default: the platform's, Prolific 10 s, Respondent 3 s).
	Budget time.Duration
	// Seed reproduces ids, payloads and jitter (0: random, reported).
	Seed uint64
	// Parallel runs this many checks at once (default 4).
	Parallel int
	// Base is the RunConfig every check runs with; Target, Secret, Seed,
	// Probes, Hints, Vars, Parallel, Run and Command are set from the
	// fields above. Use it for TLSConfig, OnScenario, Timeout, Getenv.
	Base scenarios.RunConfig
}

// DefaultParallel is how many checks run at once.
const DefaultParallel = 4

// Validate reports settings that cannot work.
func (c Config) Validate() error {
	var errs []error
	if !slices.Contains(Platforms(), c.Platform) {
		errs = append(errs, fmt.Errorf("platform %q: want one of %s", c.Platform, strings.Join(Platforms(), ", ")))
	}
	if c.Target == "" {
		errs = append(errs, errors.New("target URL is empty"))
	}
	if c.Secret == "" {
		errs = append(errs, errors.New("secret is empty"))
	}
	if c.Budget < 0 || c.Parallel < 0 {
		errs = append(errs, errors.New("budget and parallel must not be negative"))
	}
	return errors.Join(errs...)
}

// Result is the outcome of a conformance run.
type Result struct {
	Report assert.Report
	// MustFailed and ShouldFailed count failed checks by severity; Errors
	// counts checks that could not run.
	MustFailed, ShouldFailed, Errors int
	// OK is true when no MUST check failed or errored (with Strict, no
	// SHOULD check failed either).
	OK bool
	// Seed is the run's seed (Config.Seed, or the random one chosen):
	// rerunning with it reproduces every check.
	Seed uint64
}

// CheckSeed derives a check's seed from the run's seed.
func CheckSeed(run uint64, checkID string) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d/%s", run, checkID)
	return h.Sum64()>>1 | 1
}

// Run runs a platform's suite against the receiver.
func Run(ctx context.Context, cfg Config) (Result, error) {
	if err := cfg.Validate(); err != nil {
		return Result{}, fmt.Errorf("conform: %w", err)
	}
	all, err := Load(cfg.Platform)
	if err != nil {
		return Result{}, err
	}
	selected, err := selectChecks(all, cfg.Only)
	if err != nil {
		return Result{}, err
	}
	if cfg.Budget > 0 {
		for _, sc := range selected {
			applyBudget(sc, cfg.Budget)
		}
	}
	// Every check gets its own seed, derived from the run's: checks run
	// concurrently against one receiver, and shared seeds would give them
	// the same event and resource ids.
	base := cfg.Seed
	if base == 0 {
		base = rand.Uint64()>>1 | 1
	}
	for _, sc := range selected {
		sc.Seed = CheckSeed(base, checkID(sc))
	}
	rc := cfg.Base
	rc.Target, rc.Secret, rc.Seed = cfg.Target, cfg.Secret, 0
	rc.Parallel = cfg.Parallel
	if rc.Parallel == 0 {
		rc.Parallel = DefaultParallel
	}
	rc.Probes = map[string]string{}
	if cfg.ProbeApplied != "" {
		rc.Probes[ProbeApplied] = cfg.ProbeApplied
	}
	if cfg.ProbeStatus != "" {
		rc.Probes[ProbeStatus] = cfg.ProbeStatus
	}
	rc.Hints = map[string]string{
		"probe." + ProbeApplied: "--probe-applied", "probe." + ProbeStatus: "--probe-status", "vars.old_secret": "--old-secret",
	}
	rc.Vars = map[string]string{"old_secret": cfg.OldSecret}
	rc.Command = "hookdrill conform"
	rc.RerunArgs = []string{"--platform", cfg.Platform, "--target", cfg.Target}

	var normal, rotated []*scenarios.Scenario
	for _, sc := range selected {
		if strings.HasSuffix(checkID(sc), rotatedSuffix) {
			rotated = append(rotated, sc)
		} else {
			normal = append(normal, sc)
		}
	}
	rep, err := scenarios.Run(ctx, rc, normal)
	if err != nil {
		return Result{}, fmt.Errorf("conform: %w", err)
	}
	if len(rotated) > 0 {
		rc2 := rc
		if cfg.OldSecret != "" {
			rc2.Secret = cfg.OldSecret
		}
		rep2, err := scenarios.Run(ctx, rc2, rotated)
		if err != nil {
			return Result{}, fmt.Errorf("conform: %w", err)
		}
		rep.Scenarios = append(rep.Scenarios, rep2.Scenarios...)
		rep.Duration = rep2.Started.Sub(rep.Started).Seconds() + rep2.Duration
	}
	sort.SliceStable(rep.Scenarios, func(i, j int) bool { return resultID(rep.Scenarios[i]) < resultID(rep.Scenarios[j]) })
	for i := range rep.Scenarios {
		fixRerun(&rep.Scenarios[i], cfg, base)
		rep.Scenarios[i].Position = i + 1
	}
	rep.Tally()
	run := assert.RunInfo{Command: rc.Command, Platform: cfg.Platform, Target: hookdrill.RedactURL(cfg.Target),
		Seed: base, Strict: cfg.Strict, Started: rep.Started, Duration: rep.Duration,
		Rerun: fmt.Sprintf("hookdrill conform --platform %s --target %s --secret \"$HOOKDRILL_SECRET\" --seed %d",
			cfg.Platform, hookdrill.RedactURL(cfg.Target), base)}
	if cfg.Strict {
		run.Rerun += " --strict"
	}
	if len(cfg.Only) > 0 {
		run.Rerun += " --only " + strings.Join(cfg.Only, ",")
	}
	rep.Runs = []assert.RunInfo{run}
	res := Result{Report: rep, Seed: base}
	for _, sc := range rep.Scenarios {
		switch {
		case sc.Verdict == assert.Error:
			res.Errors++
		case sc.Verdict == assert.Fail && sc.Severity == assert.Should:
			res.ShouldFailed++
		case sc.Verdict == assert.Fail:
			res.MustFailed++
		}
	}
	res.OK = res.MustFailed == 0 && res.Errors == 0 && (!cfg.Strict || res.ShouldFailed == 0)
	return res, nil
}

func resultID(sc assert.ScenarioResult) string {
	if sc.Check != nil {
		return sc.Check.ID
	}
	return sc.Name
}

func selectChecks(all []*scenarios.Scenario, only []string) ([]*scenarios.Scenario, error) {
	if len(only) == 0 {
		return all, nil
	}
	var out []*scenarios.Scenario
	var unknown []string
	for _, id := range only {
		found := false
		for _, sc := range all {
			if checkID(sc) == id {
				out = append(out, sc)
				found = true
			}
		}
		if !found {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) > 0 {
		valid := make([]string, len(all))
		for i, sc := range all {
			valid[i] = checkID(sc)
		}
		return nil, fmt.Errorf("conform: unknown check %s (valid: %s)", strings.Join(unknown, ", "), strings.Join(valid, ", "))
	}
	return out, nil
}

// applyBudget sets a latency check's per-attempt timeout and its within
// expectations to budget.
func applyBudget(sc *scenarios.Scenario, budget time.Duration) {
	if !slices.Contains(sc.Tags, latencyTag) {
		return
	}
	d := &scenarios.Duration{D: budget, Raw: budget.String()}
	if sc.Retries == nil {
		sc.Retries = &scenarios.Retries{}
	}
	sc.Retries.Timeout = d
	for i := range sc.Steps {
		if e := sc.Steps[i].Expect; e != nil && e.Within != nil {
			e.Within = d
		}
	}
}

// fixRerun replaces the scenario runner's rerun line (which names a file
// inside the binary) with the conform command that reruns the one check.
func fixRerun(sc *assert.ScenarioResult, cfg Config, seed uint64) {
	if sc.Check == nil {
		return
	}
	cmd := fmt.Sprintf("hookdrill conform --platform %s --target %s --secret \"$HOOKDRILL_SECRET\" --only %s --seed %d",
		cfg.Platform, hookdrill.RedactURL(cfg.Target), sc.Check.ID, seed)
	sc.Rerun = cmd + "  (copy the check: hookdrill conform --show " + sc.Check.ID + " > " + path.Base(sc.File) + ")"
}
