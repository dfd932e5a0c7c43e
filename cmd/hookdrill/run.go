package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/assert"
	"github.com/hookdrill/hookdrill/mockserver/scenariomock"
	"github.com/hookdrill/hookdrill/report"
	"github.com/hookdrill/hookdrill/scenarios"
)

// kvFlag collects repeated NAME=VALUE flags.
type kvFlag map[string]string

func (k kvFlag) String() string { return "" }
func (k kvFlag) Type() string   { return "NAME=VALUE" }
func (k kvFlag) Set(v string) error {
	name, val, ok := strings.Cut(v, "=")
	if !ok || strings.TrimSpace(name) == "" {
		return fmt.Errorf("want NAME=VALUE, got %q", v)
	}
	k[strings.TrimSpace(name)] = val
	return nil
}

// runFlags are run's flags.
type runFlags struct {
	target, secret, applied, status, runRe, shard, format, outPath, journal *string
	seed                                                                    *uint64
	parallel                                                                *int
	timeout                                                                 *time.Duration
	insecure, list, verbose                                                 *bool
	probes, vars                                                            kvFlag
}

func (a *app) runCmd() *cobra.Command {
	cc := &cobra.Command{
		Use:   "run [flags] FILE|DIR...",
		Short: "run YAML scenarios against a receiver and assert how it behaved",
		Long: "Runs scenario files (format version 1; directories are searched for *.yaml and\n" +
			"*.yml).",
	}
	fs := cc.Flags()
	f := &runFlags{
		target:   fs.String("target", "", "receiver URL: overrides every scenario's target (default: $HOOKDRILL_TARGET)"),
		secret:   fs.String("secret", "", "signing secret: overrides every scenario's secret (default: $HOOKDRILL_SECRET; rerun commands say \"$HOOKDRILL_SECRET\")"),
		applied:  fs.String("probe-applied", "", "probe template \"applied\": URL#/json/pointer, exec:COMMAND (no shell) or sh:SCRIPT, {event_id} and {resource_id} substituted"),
		status:   fs.String("probe-status", "", "probe template \"status\": URL#/json/pointer, exec:COMMAND (no shell) or sh:SCRIPT"),
		seed:     fs.Uint64("seed", 0, "seed for every scenario (default: each file's seed, or random; always reported)"),
		runRe:    fs.String("run", "", "run only scenarios whose name or check id matches this regular expression"),
		parallel: fs.Int("parallel", scenarios.DefaultParallel, "independent scenarios run at once"),
		shard:    fs.String("shard", "", "run one slice i/n of the scenarios (e.g. 2/4), for splitting across CI jobs"),
		format:   fs.String("format", "text", "report format: "+joinOr(report.Formats(), "or")),
		outPath:  fs.String("out", "", "write the report to this file instead of stdout"),
		timeout:  fs.Duration("timeout", 0, "bound for each scenario without its own timeout (default 5m)"),
		journal:  fs.String("journal", "", "write each scenario's journal (every attempt) as DIR/NAME.jsonl"),
		insecure: fs.Bool("insecure", false, "accept any TLS certificate from receivers and probes"),
		list:     fs.Bool("list", false, "list the selected scenarios and exit"),
		verbose:  fs.BoolP("verbose", "v", false, "text report: also list the steps of passing scenarios"),
		probes:   kvFlag{},
		vars:     kvFlag{},
	}
	fs.Var(f.probes, "probe", "named probe template NAME=TEMPLATE (repeatable)")
	fs.Var(f.vars, "var", "override a scenario variable NAME=VALUE (repeatable)")
	return a.command(cc, f.run)
}

func (f *runFlags) run(ctx context.Context, a *app, fs *pflag.FlagSet, env *environ) (err error) {
	var (
		target, secret, applied, status, runRe = f.target, f.secret, f.applied, f.status, f.runRe
		shard, format, outPath, journal, seed  = f.shard, f.format, f.outPath, f.journal, f.seed
		parallel, timeout, insecure, list      = f.parallel, f.timeout, f.insecure, f.list
		verbose, probes, vars                  = f.verbose, f.probes, f.vars
	)
	// Everything this command writes besides the report (which the runner
	// redacts) goes through one Redactor: stderr and the returned error.
	red := hookdrill.NewRedactor(*secret)
	red.AddURL(*target)
	for _, m := range []kvFlag{probes, vars} {
		for k, v := range m {
			if strings.Contains(v, "://") {
				red.AddURL(v)
			}
			if reSecretName.MatchString(k) {
				red.Add(v)
			}
		}
	}
	red.AddURL(*applied)
	red.AddURL(*status)
	stderrTTY := assert.IsTerminal(env.stderr) && !env.quiet
	redEnv := *env
	redEnv.stderr = red.Writer(env.stderr)
	env = &redEnv
	defer func() { err = red.Error(err) }()
	if fs.NArg() == 0 {
		return usageErr("run needs at least one scenario FILE or DIR")
	}
	if !report.ValidFormat(*format) {
		return usageErr("--format must be one of %s, got %q", strings.Join(report.Formats(), ", "), *format)
	}
	rerun := rerunArgs(fs)
	if *applied != "" {
		probes["applied"] = *applied
	}
	if *status != "" {
		probes["status"] = *status
	}
	cfg := scenarios.RunConfig{
		Target: *target, Secret: *secret, Secrets: []string{*secret}, Seed: *seed, Run: *runRe, Parallel: *parallel, Timeout: *timeout,
		Probes: probes, Vars: vars, Getenv: env.getenv, Command: "hookdrill run",
		Hints: map[string]string{"probe.applied": "--probe-applied", "probe.status": "--probe-status"},
		Mock:  scenariomock.Factory(a.set.Mocks()...),
	}
	if *shard != "" {
		sh, err := scenarios.ParseShard(*shard)
		if err != nil {
			return usageErr("--shard: %v", err)
		}
		cfg.Shard = sh
	}
	if *insecure {
		cfg.TLSConfig = insecureTLS()
	}
	cfg.RerunArgs = rerun
	if err := cfg.Validate(); err != nil {
		return usageErr("%v", err)
	}
	scs, err := scenarios.Loader{Platforms: a.reg}.LoadPaths(fs.Args()...)
	var loadErr *scenarios.LoadError
	if err != nil {
		fmt.Fprintln(env.stderr, err)
		if !errors.As(err, &loadErr) || *list || len(scs) == 0 {
			if loadErr != nil {
				return usageErr("%d problem(s) in scenario files", len(loadErr.Errors))
			}
			return usageErr("%v", err)
		}
		// The valid files still run; each invalid one is an error entry
		// of the report, and the exit status is 2.
		bad := map[string]bool{}
		for _, fe := range loadErr.Errors {
			bad[fe.File] = true
		}
		valid := scs[:0:0]
		for _, sc := range scs {
			if !bad[sc.File] {
				valid = append(valid, sc)
			}
		}
		scs = valid
	}
	for _, sc := range scs {
		for _, q := range sc.Requires {
			if name, ok := strings.CutPrefix(q, "vars."); ok {
				cfg.Hints[q] = "--var " + name + "=VALUE"
			}
		}
	}
	if *list {
		sel, err := scenarios.Select(cfg, scs)
		if err != nil {
			return usageErr("%v", err)
		}
		for _, s := range sel {
			id := ""
			if s.Check != nil {
				id = "  [" + s.Check.ID + " " + s.Check.Severity + "]"
			}
			fmt.Fprintf(env.stdout, "%-48s %s:%d%s\n", s.Name, s.File, s.Line, id)
		}
		return nil
	}
	sel, err := scenarios.Select(cfg, scs)
	if err != nil {
		return usageErr("%v", err)
	}
	if len(sel) == 0 && loadErr != nil {
		return usageErr("%d problem(s) in scenario files", len(loadErr.Errors))
	}
	if len(sel) == 0 {
		return usageErr("no scenario selected (%d loaded; check --run and --shard)", len(scs))
	}
	if *journal != "" {
		if err := os.MkdirAll(*journal, 0o755); err != nil {
			return fmt.Errorf("run: %w", err)
		}
		var mu sync.Mutex
		var errs []error
		cfg.OnJournal = func(sc *scenarios.Scenario, j *hookdrill.Journal) {
			if err := writeJournal(filepath.Join(*journal, journalName(sc.Name)), j); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}
		defer func() {
			for _, err := range errs {
				fmt.Fprintln(env.stderr, "hookdrill: run:", err)
			}
		}()
	}
	prog := assert.NewProgress(env.stderr, stderrTTY, len(sel))
	cfg.OnScenario = prog.Done
	// Run selects (and shards) by itself: give it every loaded scenario.
	rep, runErr := scenarios.Run(ctx, cfg, scs)
	prog.Clear()
	if len(rep.Runs) == 1 {
		rep.Runs[0].Rerun = red.String(runRerun(cfg, fs.Args())) // its flags hold probe URLs and vars
	}
	if loadErr != nil {
		addLoadErrors(&rep, loadErr)
	}

	out := env.stdout
	if *outPath != "" {
		f, err := os.Create(*outPath)
		if err != nil {
			return fmt.Errorf("run: %w", err)
		}
		defer f.Close()
		out = f
	}
	out = reportWriter(out, env, *format, *outPath)
	if err := report.Write(out, rep, *format, report.Options{Verbose: *verbose, Title: "hookdrill run"}); err != nil {
		return fmt.Errorf("run: %w", err)
	}
	if *outPath != "" && *format != "text" && !env.quiet {
		// Keep the terminal informed when the report goes to a file.
		_ = assert.WriteText(env.stderr, assert.Report{Summary: rep.Summary, Duration: rep.Duration}, assert.TextOptions{})
	}
	if runErr != nil {
		return fmt.Errorf("run: %w", runErr)
	}
	s := rep.Summary
	switch {
	case loadErr != nil:
		return usageErr("%d problem(s) in scenario files; %d of %d scenario(s) failed, %d could not run", len(loadErr.Errors), s.Failed, s.Total, s.Errors)
	case s.Errors > 0:
		return &exitError{code: exitProblem, err: fmt.Errorf("%d scenario(s) could not run, %d failed", s.Errors, s.Failed)}
	case s.Failed > 0:
		return failed("%d of %d scenario(s) failed", s.Failed, s.Total)
	}
	return nil
}

// addLoadErrors adds one error entry per invalid scenario file to rep, so
// that the report lists it with the scenarios that ran.
func addLoadErrors(rep *assert.Report, le *scenarios.LoadError) {
	var files []string
	msgs := map[string][]string{}
	lines := map[string]int{}
	for _, fe := range le.Errors {
		if _, ok := msgs[fe.File]; !ok {
			files = append(files, fe.File)
			lines[fe.File] = fe.Line
		}
		msgs[fe.File] = append(msgs[fe.File], fe.Error())
	}
	now := rep.Started
	for _, f := range files {
		rep.Scenarios = append(rep.Scenarios, assert.ScenarioResult{
			Name: f, File: f, Line: lines[f], Platform: "", Verdict: assert.Error, Started: now,
			Reason: "invalid scenario file: " + strings.Join(msgs[f], "; "),
		})
	}
	rep.Tally()
}

// runRerun is the command line that reruns the whole run: the flags that
// change what scenarios do, the seed and shard when given, and the paths.
func runRerun(cfg scenarios.RunConfig, paths []string) string {
	parts := []string{cfg.Command}
	for _, a := range cfg.RerunArgs {
		parts = append(parts, shellQuote(a))
	}
	if cfg.Seed != 0 {
		parts = append(parts, "--seed", strconv.FormatUint(cfg.Seed, 10))
	}
	if cfg.Run != "" {
		parts = append(parts, "--run", shellQuote(cfg.Run))
	}
	if cfg.Shard.Count > 0 {
		parts = append(parts, "--shard", cfg.Shard.String())
	}
	for _, p := range paths {
		parts = append(parts, shellQuote(p))
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

// rerunArgs repeats the flags that change what a scenario does, for the
// rerun command of each failure. The secret is "$HOOKDRILL_SECRET" and
// variables named like secrets are redacted (they are never printed); --seed and
// --run are added per scenario.
func rerunArgs(fs *pflag.FlagSet) []string {
	var out []string
	fs.Visit(func(f *pflag.Flag) {
		switch f.Name {
		case "secret":
			if f.Value.String() != "" {
				out = append(out, "--secret", scenarios.SecretRef) // never the secret itself
			}
		case "target", "probe-applied", "probe-status", "timeout", "insecure":
			if f.Name == "insecure" {
				out = append(out, "--insecure")
				return
			}
			v := f.Value.String()
			if f.Name == "target" {
				v = hookdrill.RedactURL(v)
			}
			out = append(out, "--"+f.Name, v)
		case "probe", "var":
			m := f.Value.(kvFlag)
			for _, k := range sortedKeys(map[string]string(m)) {
				v := m[k]
				if f.Name == "var" && reSecretName.MatchString(k) {
					v = "REDACTED" // looks like a secret: never printed
				}
				out = append(out, "--"+f.Name, k+"="+v)
			}
		}
	})
	return out
}

var (
	reUnsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)
	reSecretName = regexp.MustCompile(`(?i)secret|token|key|password`)
)

func journalName(name string) string {
	return strings.Trim(reUnsafeName.ReplaceAllString(name, "_"), "_") + ".jsonl"
}
