package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/assert"
	"github.com/hookdrill/hookdrill/conform"
	"github.com/hookdrill/hookdrill/receiver"
	"github.com/hookdrill/hookdrill/report"
)

// conformFlags are conform's flags.
type conformFlags struct {
	plat, target, secret, oldSecret, applied, status, format, outPath, show, bugList *string
	strict, list, demo, listBugs, verbose                                            *bool
	budget                                                                           *time.Duration
	seed                                                                             *uint64
	parallel                                                                         *int
	only, events                                                                     listFlag
}

func (a *app) conformCmd() *cobra.Command {
	cc := &cobra.Command{
		Use:     "conform --platform P --target URL --secret S [flags]",
		Example: "  hookdrill conform --demo | --list [--platform P] | --show CHECK_ID",
		Short:   "run the built-in conformance suite against a receiver",
		Long:    "Runs the built-in conformance suite against a webhook receiver.",
	}
	fs := cc.Flags()
	f := &conformFlags{
		plat:      fs.String("platform", "", a.platformHelp("with --demo: default all")),
		target:    fs.String("target", "", "receiver URL to check (required unless --demo)"),
		secret:    fs.String("secret", "", "the receiver's signing secret (default: $HOOKDRILL_SECRET)"),
		oldSecret: fs.String("old-secret", "", "a secret that was rotated away: enables the rotated-secret check (default: $HOOKDRILL_OLD_SECRET)"),
		applied:   fs.String("probe-applied", "", "probe for how many times an event was applied: URL#/json/pointer, exec:COMMAND (no shell) or sh:SCRIPT; {event_id}, {resource_id} substituted"),
		status:    fs.String("probe-status", "", "probe for a resource's current status: URL#/json/pointer, exec:COMMAND (no shell) or sh:SCRIPT"),
		strict:    fs.Bool("strict", false, "fail on SHOULD checks too"),
		budget:    fs.Duration("timeout", 0, "latency budget and per-attempt timeout (default: the platform's timeout: "+a.platformTimeouts()+")"),
		seed:      fs.Uint64("seed", 0, "seed for ids and jitter (default: random, reported)"),
		parallel:  fs.Int("parallel", conform.DefaultParallel, "checks run at once"),
		format:    fs.String("format", "text", "report format: "+joinOr(report.Formats(), "or")),
		outPath:   fs.String("out", "", "write the report to this file instead of stdout"),
		list:      fs.Bool("list", false, "list the checks and exit"),
		show:      fs.String("show", "", "print the scenario file of one check (to copy and adapt) and exit"),
		demo:      fs.Bool("demo", false, "run against the bundled correct reference receiver, started in-process"),
		bugList:   fs.String("bug", "", "with --demo: switch on deliberate bugs in the reference receiver (comma-separated; see --list-bugs)"),
		listBugs:  fs.Bool("list-bugs", false, "list the reference receiver's deliberate bugs and the checks that catch each, and exit"),
		verbose:   fs.BoolP("verbose", "v", false, "also list the steps of passing checks"),
	}
	fs.Var(&f.only, "only", "run only these check ids (comma-separated or repeated)")
	fs.Var(&f.events, "events", "event types the receiver is subscribed to (comma-separated; default: every documented type)")
	return a.command(cc, f.run)
}

// platformTimeouts is "Prolific 10s, Respondent 3s": each platform's
// per-attempt timeout, the conformance suite's default latency budget.
func (a *app) platformTimeouts() string {
	var parts []string
	for _, name := range a.reg.Names() {
		if p, err := a.reg.Lookup(name); err == nil {
			parts = append(parts, title(name)+" "+p.RetryPolicy().Timeout.String())
		}
	}
	return strings.Join(parts, ", ")
}

func (f *conformFlags) run(ctx context.Context, a *app, fs *pflag.FlagSet, env *environ) (err error) {
	var (
		plat, target, secret, oldSecret, applied = f.plat, f.target, f.secret, f.oldSecret, f.applied
		status, format, outPath, show, bugList   = f.status, f.format, f.outPath, f.show, f.bugList
		strict, list, demo, listBugs, verbose    = f.strict, f.list, f.demo, f.listBugs, f.verbose
		budget, seed, parallel, only, events     = f.budget, f.seed, f.parallel, f.only, f.events
	)
	if *secret == "" {
		*secret = env.getenv("HOOKDRILL_SECRET")
	}
	// The reports are redacted by the runner; stderr and the returned error
	// go through the same kind of Redactor here.
	red := hookdrill.NewRedactor(*secret, *oldSecret)
	for _, u := range []string{*target, *applied, *status} {
		red.AddURL(u)
	}
	stderrTTY := assert.IsTerminal(env.stderr) && !env.quiet
	redEnv := *env
	redEnv.stderr = red.Writer(env.stderr)
	env = &redEnv
	defer func() { err = red.Error(err) }()
	if fs.NArg() > 0 {
		return usageErr("conform takes no arguments, got %q", fs.Args())
	}
	if !report.ValidFormat(*format) {
		return usageErr("--format must be one of %s, got %q", strings.Join(report.Formats(), ", "), *format)
	}
	if *show != "" {
		_, data, err := a.set.Suites().Source(a.reg, *show)
		if err != nil {
			return usageErr("%v", err)
		}
		_, err = env.stdout.Write(data)
		return err
	}
	platforms := a.reg.Names()
	if *plat != "" {
		if !contains(platforms, *plat) {
			return usageErr("unknown platform %q (valid: %s)", *plat, strings.Join(platforms, ", "))
		}
		platforms = []string{*plat}
	} else if !*list && !*demo && !*listBugs {
		return usageErr("--platform is required (valid: %s)", strings.Join(platforms, ", "))
	}
	if *list {
		return a.listChecks(env.stdout, platforms)
	}
	if *listBugs {
		return a.listReceiverBugs(env.stdout, platforms)
	}
	if *bugList != "" && !*demo {
		return usageErr("--bug needs --demo (it breaks the bundled reference receiver)")
	}
	if *demo && *plat == "" && *bugList != "" {
		// A bug only one platform's receiver has: run that platform only.
		var have []string
		for _, p := range platforms {
			if part, err := a.set.References().Lookup(p); err == nil && validBugs(part, *bugList) {
				have = append(have, p)
			}
		}
		if len(have) > 0 {
			platforms = have
		}
	}

	out := env.stdout
	if *outPath != "" {
		f, err := os.Create(*outPath)
		if err != nil {
			return fmt.Errorf("conform: %w", err)
		}
		defer f.Close()
		out = f
	}
	out = reportWriter(out, env, *format, *outPath)
	if *secret == "" {
		*secret = env.getenv("HOOKDRILL_SECRET")
	}
	allOK := true
	var reports []assert.Report
	for _, p := range platforms {
		cfg := conform.Config{
			Platform: p, Suites: a.set.Suites(), Registry: a.reg, Target: *target, Secret: *secret, OldSecret: *oldSecret,
			ProbeApplied: *applied, ProbeStatus: *status, Strict: *strict, Only: only,
			Budget: *budget, Seed: *seed, Parallel: *parallel, Events: events,
		}
		cfg.Base.Getenv = env.getenv
		cfg.Base.Hints = conform.CLIHints()
		if *demo {
			part, err := a.set.References().Lookup(p)
			if err != nil {
				return usageErr("%v", err)
			}
			bugs, err := receiver.ParseBugs(part, *bugList)
			if err != nil {
				return usageErr("%v", err)
			}
			info := env.stderr
			if env.quiet {
				info = io.Discard
			}
			stop, err := startDemo(&cfg, part, bugs, info)
			if err != nil {
				return err
			}
			defer stop()
			cfg.RerunCommand = "hookdrill conform --demo --platform " + p
			if len(bugs) > 0 {
				cfg.RerunCommand += " --bug " + joinBugs(bugs)
				cfg.RerunCommand = strings.ReplaceAll(cfg.RerunCommand, ", ", ",")
			}
		}
		if err := cfg.Validate(); err != nil {
			return usageErr("%v", err)
		}
		if *format == "text" && *outPath == "" {
			prog := assert.NewProgress(env.stderr, stderrTTY, a.checkTotal(p, only))
			cfg.Base.OnScenario = prog.Done
			defer prog.Clear()
		}
		res, err := conform.Run(ctx, cfg)
		if err != nil {
			var unreachable *conform.UnreachableError
			switch {
			case errors.As(err, &unreachable):
				return &exitError{code: exitProblem, err: err}
			case errors.Is(err, conform.ErrUnknownCheck), errors.Is(err, conform.ErrUnknownEventType):
				return usageErr("%v", err)
			}
			return err
		}
		allOK = allOK && res.OK
		reports = append(reports, res.Report)
		if *format == "text" {
			fmt.Fprintf(out, "== %s conformance: %s\n", p, hookdrill.RedactURL(cfg.Target))
			if err := assert.WriteText(out, res.Report, assert.TextOptions{Verbose: *verbose}); err != nil {
				return err
			}
			fmt.Fprintln(out, verdictLine(res, *strict))
			fmt.Fprintf(out, "seed %d: rerun with --seed %d to reproduce every payload and jitter (event and resource ids are fresh each run)\n", res.Seed, res.Seed)
		}
	}
	if *format != "text" {
		// One document for any number of platforms: the merged report
		// (report-v1.schema.json), whatever the format.
		merged, err := report.Merge(reports...)
		if err != nil {
			return err
		}
		if err := report.Write(out, merged, *format, report.Options{Title: "hookdrill conform"}); err != nil {
			return err
		}
	}
	if !allOK {
		return failed("conformance failed")
	}
	return nil
}

// checkTotal is how many checks a run of platform with --only runs: the
// progress line's total.
func (a *app) checkTotal(platform string, only []string) int {
	checks, err := a.set.Suites().List(a.reg, platform)
	if err != nil {
		return 0
	}
	n := 0
	for _, c := range checks {
		if len(only) == 0 || slices.Contains(only, c.ID) {
			n++
		}
	}
	return n
}

func verdictLine(res conform.Result, strict bool) string {
	switch {
	case res.WorkingType == "" && res.Blocked > 0:
		return fmt.Sprintf("FAILED: the preflight's correct delivery was not accepted (%s); %d check(s) blocked by it", res.Preflight.Reason, res.Blocked)
	case res.WorkingType == "":
		return "FAILED: the preflight's correct delivery was not accepted (" + res.Preflight.Reason + ")"
	case res.OK && res.ShouldFailed > 0:
		return fmt.Sprintf("PASSED: every MUST check passed; %d SHOULD check(s) failed (risks; --strict fails on them)", res.ShouldFailed)
	case res.OK && res.Inconclusive > 0:
		return fmt.Sprintf("PASSED: every MUST check passed; %d SHOULD check(s) inconclusive (their control was not accepted)", res.Inconclusive)
	case res.OK:
		return "PASSED: every check that ran passed"
	case strict && res.MustFailed == 0 && res.Errors == 0:
		return fmt.Sprintf("FAILED (--strict): %d SHOULD check(s) failed", res.ShouldFailed)
	}
	msg := fmt.Sprintf("FAILED: %d MUST check(s) failed, %d SHOULD check(s) failed, %d could not run", res.MustFailed, res.ShouldFailed, res.Errors)
	if res.Inconclusive > 0 {
		msg += fmt.Sprintf(", %d inconclusive (%d MUST)", res.Inconclusive, res.MustInconclusive)
	}
	return msg
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (a *app) listChecks(w io.Writer, platforms []string) error {
	for _, p := range platforms {
		checks, err := a.set.Suites().List(a.reg, p)
		if err != nil {
			return err
		}
		for _, c := range checks {
			req := ""
			if len(c.Requires) > 0 {
				req = "  (needs " + strings.Join(c.Requires, ", ") + ")"
			}
			fmt.Fprintf(w, "%-48s %-6s %s%s\n", c.ID, c.Severity, c.Summary, req)
		}
	}
	fmt.Fprintln(w, "\nPrint a check's scenario file with: hookdrill conform --show CHECK_ID")
	return nil
}

// demoSlowBudget is the latency budget --demo uses with a slow bug: below
// the receiver's slow delay, far below the platforms' own timeouts.
const demoSlowBudget = receiver.DefaultSlowDelay / 2

// startDemo starts the bundled correct receiver for cfg's platform and
// points cfg at it, probes included.
func startDemo(cfg *conform.Config, part receiver.Platform, bugs []receiver.Bug, stderr io.Writer) (stop func(), err error) {
	if cfg.Target != "" {
		return nil, usageErr("--demo starts its own receiver: leave out --target")
	}
	for _, s := range []*string{&cfg.Secret, &cfg.OldSecret} {
		if *s == "" {
			b := make([]byte, 24)
			if _, err := rand.Read(b); err != nil {
				return nil, err
			}
			*s = base64.RawURLEncoding.EncodeToString(b)
		}
	}
	if slices.Contains(bugs, receiver.BugSlow) || slices.Contains(bugs, receiver.BugSlowUnderLoad) {
		if cfg.Budget == 0 {
			cfg.Budget = demoSlowBudget
			fmt.Fprintf(stderr, "demo: slow bugs take %s per delivery; latency budget set to %s (--timeout)\n", receiver.DefaultSlowDelay, cfg.Budget)
		}
	}
	url, stop, err := receiver.Start(receiver.Config{Platform: part, Secret: cfg.Secret, OldSecrets: []string{cfg.OldSecret}, Bugs: bugs})
	if err != nil {
		return nil, fmt.Errorf("conform --demo: start the reference receiver: %w", err)
	}
	cfg.Target = url + "/webhook"
	if cfg.ProbeApplied == "" {
		cfg.ProbeApplied = url + "/_state#/processed/{event_id}"
	}
	if cfg.ProbeStatus == "" {
		cfg.ProbeStatus = url + "/_state#/status/{resource_id}"
	}
	what := "correct"
	if len(bugs) > 0 {
		what = fmt.Sprintf("deliberately broken (%s)", joinBugs(bugs))
	}
	fmt.Fprintf(stderr, "demo: bundled %s %s reference receiver at %s\n", what, cfg.Platform, url)
	return stop, nil
}

func joinBugs(bugs []receiver.Bug) string {
	s := make([]string, len(bugs))
	for i, b := range bugs {
		s[i] = string(b)
	}
	return strings.Join(s, ", ")
}

func (a *app) listReceiverBugs(w io.Writer, platforms []string) error {
	for _, p := range platforms {
		part, err := a.set.References().Lookup(p)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s reference receiver bugs (hookdrill conform --demo --platform %s --bug NAME):\n", p, p)
		for _, b := range receiver.Bugs(part) {
			fmt.Fprintf(w, "  %-28s %s\n  %-28s caught by: %s\n", b.Name, b.Summary, "", strings.Join(b.Fails, ", "))
		}
	}
	return nil
}

// validBugs reports whether every bug of list is in part's catalogue.
func validBugs(part receiver.Platform, list string) bool {
	_, err := receiver.ParseBugs(part, list)
	return err == nil
}
