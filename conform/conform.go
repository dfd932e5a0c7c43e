package conform

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/assert"
	"github.com/hookdrill/hookdrill/platform"
	"github.com/hookdrill/hookdrill/scenarios"
)

// Probe template names the suites use.
const (
	ProbeApplied = "applied"
	ProbeStatus  = "status"
)

// latencyTag marks checks whose budget Config.Budget replaces.
const latencyTag = "latency"

// rotatedSuffix marks the check that signs with Config.OldSecret.
const rotatedSuffix = ".signature.rotated_secret"

// Suite is one platform's conformance suite, as its
// platform/NAME/conformance package gives it.
type Suite struct {
	// Platform is the platform's name (its wire profile's).
	Platform string
	// Files holds the checks, one ID.yaml scenario file each, at its root
	// (a check's File is PLATFORM/ID.yaml).
	Files fs.FS
	// Control is the event the preflight tries first and the checks that
	// are not about coverage send, when the receiver accepts it.
	Control Control
}

// Control is an event type and, if it carries one, a status.
type Control struct {
	Type   string
	Status string
}

// Suites is a set of suites, one per platform (platform/all gives every
// platform's).
type Suites []Suite

// Platforms lists the platforms that have a suite, sorted.
func (ss Suites) Platforms() []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		out = append(out, s.Platform)
	}
	slices.Sort(out)
	return out
}

// Lookup returns the suite of a platform.
func (ss Suites) Lookup(name string) (Suite, error) {
	for _, s := range ss {
		if s.Platform == name {
			return s, nil
		}
	}
	return Suite{}, fmt.Errorf("conform: no suite for platform %q (valid: %s)", name, strings.Join(ss.Platforms(), ", "))
}

// Load returns a platform's checks, sorted by id, validated against the
// platforms' wire profiles.
func (ss Suites) Load(reg *platform.Registry, name string) ([]*scenarios.Scenario, error) {
	s, err := ss.Lookup(name)
	if err != nil {
		return nil, err
	}
	return s.Load(reg)
}

// Load returns the suite's checks, sorted by id, validated against the
// platforms' wire profiles. Each one's File is PLATFORM/ID.yaml.
func (s Suite) Load(reg *platform.Registry) ([]*scenarios.Scenario, error) {
	if s.Files == nil {
		return nil, fmt.Errorf("conform: the %s suite has no files", s.Platform)
	}
	scs, err := loadScenarios(reg, s.Files)
	if err != nil {
		return nil, fmt.Errorf("conform: load %s suite: %w", s.Platform, err)
	}
	for _, sc := range scs {
		if sc.Platform != s.Platform {
			return nil, fmt.Errorf("conform: load %s suite: %s is a %s scenario", s.Platform, sc.File, sc.Platform)
		}
		sc.File = path.Join(s.Platform, sc.File)
	}
	sort.Slice(scs, func(i, j int) bool { return checkID(scs[i]) < checkID(scs[j]) })
	return scs, nil
}

// loadScenarios and parseScenario are where conform reads scenario files,
// against the platforms of reg.
func loadScenarios(reg *platform.Registry, fsys fs.FS) ([]*scenarios.Scenario, error) {
	return scenarios.Loader{Platforms: reg}.Load(fsys, ".")
}

func parseScenario(reg *platform.Registry, file string, data []byte) (*scenarios.Scenario, error) {
	return scenarios.Loader{Platforms: reg}.Parse(file, data)
}

// readFile reads a check's file (PLATFORM/ID.yaml) from the suite.
func (s Suite) readFile(file string) ([]byte, error) {
	return fs.ReadFile(s.Files, strings.TrimPrefix(file, s.Platform+"/"))
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
	// File is the check's path, PLATFORM/ID.yaml, e.g.
	// prolific/signature.valid.yaml (ID.yaml in the suite's Files).
	File string `json:"file"`
}

// List describes a platform's checks, sorted by id.
func (ss Suites) List(reg *platform.Registry, name string) ([]CheckInfo, error) {
	scs, err := ss.Load(reg, name)
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
func (ss Suites) Source(reg *platform.Registry, id string) (file string, data []byte, err error) {
	name, _, _ := strings.Cut(id, ".")
	checks, err := ss.List(reg, name)
	if err != nil {
		return "", nil, err
	}
	for _, c := range checks {
		if c.ID == id {
			s, _ := ss.Lookup(name) // List found it
			data, err := s.readFile(c.File)
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

// ErrUnknownCheck is wrapped by the error of a run whose Config.Only
// names a check the suite does not have.
var ErrUnknownCheck = errors.New("unknown check")

// Config configures Run.
type Config struct {
	// Platform names the platform whose suite runs.
	Platform string
	// Suites are the conformance suites to pick it from (platform/all's
	// Suites), and Registry the platforms' wire profiles (their event types
	// and statuses).
	Suites   Suites
	Registry *platform.Registry
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
	// Events are the event types the receiver is subscribed to (default:
	// every documented type). Coverage checks test only these; the other
	// checks use one of them that the receiver accepts.
	Events []string
	// IDSalt is mixed into every generated event and resource id, so that
	// a rerun against a stateful receiver sends fresh events while Seed
	// still reproduces payloads and jitter (0: random per run; set it to
	// reproduce the ids too).
	IDSalt uint64
	// RerunCommand, when set, starts every rerun command line instead of
	// "hookdrill conform --platform P --target URL --secret ... (probes)"
	// (the CLI's --demo says "hookdrill conform --demo --platform P").
	RerunCommand string
	// Base is the RunConfig every check runs with; Target, Secret, Seed,
	// Probes, Vars, Parallel, Run and Command are set from the fields
	// above. Use it for TLSConfig, OnScenario, Timeout, Getenv, and Hints
	// (skip messages name Config's fields unless Hints says otherwise:
	// the CLI passes CLIHints).
	Base scenarios.RunConfig
}

// CLIHints are the skip hints of `hookdrill conform`: its flags (a Go
// caller gets Config's field names instead).
func CLIHints() map[string]string {
	return map[string]string{
		"probe." + ProbeApplied: "--probe-applied", "probe." + ProbeStatus: "--probe-status", "vars.old_secret": "--old-secret",
	}
}

// DefaultParallel is how many checks run at once.
const DefaultParallel = 4

// Validate reports settings that cannot work.
func (c Config) Validate() error {
	var errs []error
	if !slices.Contains(c.Suites.Platforms(), c.Platform) {
		errs = append(errs, fmt.Errorf("platform %q: want one of %s", c.Platform, strings.Join(c.Suites.Platforms(), ", ")))
	} else if !c.Registry.Has(c.Platform) {
		errs = append(errs, fmt.Errorf("platform %q has a suite but no wire profile in Config.Registry", c.Platform))
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
	// counts checks that could not run. Blocked counts checks not run
	// because the preflight failed; Inconclusive counts checks whose
	// control was not accepted (MustInconclusive: of severity MUST).
	MustFailed, ShouldFailed, Errors, Blocked, Inconclusive, MustInconclusive int
	// OK is true when no MUST check failed, errored or was inconclusive,
	// and the preflight passed (with Strict, no SHOULD check failed either).
	OK bool
	// Preflight is the preflight's result; WorkingType is the event type it
	// found accepted, which the checks that are not about coverage use.
	Preflight   assert.ScenarioResult
	WorkingType string
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
	suite, err := cfg.Suites.Lookup(cfg.Platform)
	if err != nil {
		return Result{}, err
	}
	all, err := suite.Load(cfg.Registry)
	if err != nil {
		return Result{}, err
	}
	selected, err := selectChecks(all, cfg.Only)
	if err != nil {
		return Result{}, err
	}
	events, err := resolveEvents(cfg.Registry, cfg.Platform, cfg.Events)
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
	rc.IDSalt, rc.Platforms = cfg.IDSalt, cfg.Registry
	if rc.IDSalt == 0 {
		rc.IDSalt = rand.Uint64() | 1
	}
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
	// Skip hints name what a Go caller sets; the CLI passes its flags in
	// Base.Hints (CLIHints).
	rc.Hints = map[string]string{
		"probe." + ProbeApplied: "conform.Config.ProbeApplied", "probe." + ProbeStatus: "conform.Config.ProbeStatus",
		"vars.old_secret": "conform.Config.OldSecret",
	}
	for k, v := range cfg.Base.Hints {
		rc.Hints[k] = v
	}
	rc.Vars = map[string]string{"old_secret": cfg.OldSecret}
	rc.Secrets = append(slices.Clone(rc.Secrets), cfg.Secret, cfg.OldSecret) // both redacted in every check's report
	rc.Command = "hookdrill conform"
	rc.RerunArgs = []string{"--platform", cfg.Platform, "--target", cfg.Target}

	// Preflight: one correct delivery first. Unreachable: nothing can run.
	// Refused or crashed: that is the root cause, and every check that
	// needs an accepted delivery is blocked by it.
	preCfg := rc
	preCfg.OnScenario = nil
	pre, working, err := preflight(ctx, preCfg, cfg.Registry, suite, events, base)
	if err != nil {
		return Result{Preflight: pre, Seed: base}, err
	}
	var results []assert.ScenarioResult
	var normal, rotated, controls, lowered []*scenarios.Scenario
	for _, sc := range selected {
		id := checkID(sc)
		if working == "" && !slices.Contains(sc.Tags, latencyTag) && unmet(sc, rc, cfg) == "" {
			results = append(results, blockedResult(sc, pre))
			continue
		}
		w := working
		if w == "" {
			w = suite.Control.Type
			if !slices.Contains(events, w) {
				w = events[0]
			}
		}
		if !adaptEvents(sc, cfg.Registry, cfg.Platform, events, w) {
			results = append(results, assert.ScenarioResult{Name: sc.Name, File: sc.File, Platform: sc.Platform,
				Check:    &assert.Check{ID: id, Severity: assert.Severity(sc.Check.Severity), Summary: sc.Check.Summary},
				Severity: assert.Severity(sc.Check.Severity), Verdict: assert.Skip, Seed: sc.Seed,
				Reason: "none of its event types is in --events " + strings.Join(events, ",")})
			continue
		}
		if isRejectionCheck(sc) && unmet(sc, rc, cfg) == "" {
			ctl, err := controlOf(sc, suite, cfg.Registry, events, w, base)
			if err != nil {
				return Result{}, fmt.Errorf("conform: control of %s: %w", id, err)
			}
			controls = append(controls, ctl)
		}
		if strings.HasSuffix(id, rotatedSuffix) {
			rotated = append(rotated, sc)
		} else if slices.Contains(sc.Tags, lowercaseTag) {
			lowered = append(lowered, sc)
		} else {
			normal = append(normal, sc)
		}
	}
	rep, err := scenarios.Run(ctx, rc, append(normal, controls...))
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
	if len(lowered) > 0 {
		var tr *http.Transport
		if rc.TLSConfig != nil {
			tr = http.DefaultTransport.(*http.Transport).Clone()
			tr.TLSClientConfig = rc.TLSConfig
		}
		proxy, err := startLowercaseProxy(cfg.Target, tr)
		if err != nil {
			return Result{}, fmt.Errorf("conform: lower-casing proxy: %w", err)
		}
		rc3 := rc
		rc3.Target = proxy.URL()
		rep3, err := scenarios.Run(ctx, rc3, lowered)
		_ = proxy.Close()
		if err != nil {
			return Result{}, fmt.Errorf("conform: %w", err)
		}
		rep.Scenarios = append(rep.Scenarios, rep3.Scenarios...)
	}
	ctlByID := map[string]assert.ScenarioResult{}
	for _, sc := range rep.Scenarios {
		if id, ok := strings.CutSuffix(sc.Name, controlSuffix); ok {
			ctlByID[id] = sc
			continue
		}
		results = append(results, sc)
	}
	for i := range results {
		sc := &results[i]
		if ctl, ok := ctlByID[resultID(*sc)]; ok {
			applyControl(sc, ctl)
		}
		explainFailure(sc, cfg.Platform, events)
	}
	results = append(results, pre)
	rep.Scenarios = results
	sort.SliceStable(rep.Scenarios, func(i, j int) bool { return resultID(rep.Scenarios[i]) < resultID(rep.Scenarios[j]) })
	for i := range rep.Scenarios {
		fixRerun(&rep.Scenarios[i], cfg, base)
		rep.Scenarios[i].Position = i + 1
	}
	rep.Tally()
	run := assert.RunInfo{Command: rc.Command, Platform: cfg.Platform, Target: hookdrill.RedactURL(cfg.Target),
		Seed: base, Strict: cfg.Strict, Started: rep.Started, Duration: rep.Duration,
		Rerun: fmt.Sprintf("%s --seed %d", rerunPrefix(cfg), base)}
	if cfg.Strict {
		run.Rerun += " --strict"
	}
	if len(cfg.Only) > 0 {
		run.Rerun += " --only " + strings.Join(cfg.Only, ",")
	}
	rep.Runs = []assert.RunInfo{run}
	res := Result{Report: rep, Seed: base, Preflight: pre, WorkingType: working}
	for _, sc := range rep.Scenarios {
		switch {
		case sc.Verdict == assert.Error:
			res.Errors++
		case sc.Verdict == assert.Blocked:
			res.Blocked++
		case sc.Verdict == assert.Inconclusive:
			res.Inconclusive++
			if sc.Severity == assert.Must {
				res.MustInconclusive++
			}
		case sc.Verdict == assert.Fail && sc.Severity == assert.Should:
			res.ShouldFailed++
		case sc.Verdict == assert.Fail:
			res.MustFailed++
		}
	}
	res.OK = res.MustFailed == 0 && res.Errors == 0 && res.MustInconclusive == 0 && working != "" &&
		(!cfg.Strict || res.ShouldFailed == 0)
	return res, nil
}

// unmet names the first requirement of sc the run cannot meet ("" none):
// such a check is skipped rather than blocked.
func unmet(sc *scenarios.Scenario, rc scenarios.RunConfig, cfg Config) string {
	for _, r := range sc.Requires {
		switch {
		case strings.HasPrefix(r, "probe."):
			if rc.Probes[strings.TrimPrefix(r, "probe.")] == "" {
				return r
			}
		case r == "vars.old_secret":
			if cfg.OldSecret == "" {
				return r
			}
		}
	}
	return ""
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
		return nil, fmt.Errorf("conform: %w %s (valid: %s)", ErrUnknownCheck, strings.Join(unknown, ", "), strings.Join(valid, ", "))
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

// rerunPrefix is the start of every rerun command line: cfg.RerunCommand,
// else hookdrill conform with the platform, target, secrets (as shell
// variables, never their values), probes, budget and events.
func rerunPrefix(cfg Config) string {
	if cfg.RerunCommand != "" {
		return cfg.RerunCommand
	}
	// Redacted in place (RedactURL would re-encode {event_id}).
	red := hookdrill.NewRedactor()
	red.AddURL(cfg.ProbeApplied)
	red.AddURL(cfg.ProbeStatus)
	parts := []string{"hookdrill conform --platform", cfg.Platform, "--target", shellQuote(hookdrill.RedactURL(cfg.Target)),
		"--secret", `"$HOOKDRILL_SECRET"`}
	if cfg.OldSecret != "" {
		parts = append(parts, "--old-secret", `"$HOOKDRILL_OLD_SECRET"`)
	}
	if cfg.ProbeApplied != "" {
		parts = append(parts, "--probe-applied", shellQuote(red.String(cfg.ProbeApplied)))
	}
	if cfg.ProbeStatus != "" {
		parts = append(parts, "--probe-status", shellQuote(red.String(cfg.ProbeStatus)))
	}
	if cfg.Budget > 0 {
		parts = append(parts, "--timeout", cfg.Budget.String())
	}
	if len(cfg.Events) > 0 {
		parts = append(parts, "--events", shellQuote(strings.Join(cfg.Events, ",")))
	}
	return strings.Join(parts, " ")
}

var reShellSafe = regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./-]+$`)

// shellQuote quotes s for a POSIX shell unless it is plainly safe.
func shellQuote(s string) string {
	if reShellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// fixRerun replaces the scenario runner's rerun line (which names a file
// inside the binary) with the conform command that reruns the one check.
func fixRerun(sc *assert.ScenarioResult, cfg Config, seed uint64) {
	if sc.Check == nil {
		return
	}
	if strings.HasSuffix(sc.Check.ID, PreflightSuffix) {
		sc.Rerun = fmt.Sprintf("%s --seed %d  (the preflight runs before every check)", rerunPrefix(cfg), seed)
		return
	}
	cmd := fmt.Sprintf("%s --only %s --seed %d", rerunPrefix(cfg), sc.Check.ID, seed)
	sc.Rerun = cmd + "  (copy the check: hookdrill conform --show " + sc.Check.ID + " > " + path.Base(sc.File) + ")"
}
