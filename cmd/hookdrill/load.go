package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/load"
)

// loadFlags are load's flags.
type loadFlags struct {
	plat, target, secret, rate, profile, events, shard, retries, probeURL, format, out, journal *string
	participants, maxInFlight, maxQueue                                                         *int
	duration, timeout, drain                                                                    *time.Duration
	seed                                                                                        *uint64
	speedup, probeSample                                                                        *float64
	insecure, quiet                                                                             *bool
}

func (a *app) loadCmd() *cobra.Command {
	cc := &cobra.Command{
		Use:   "load --platform P --target URL --secret S (--rate 200/s | --profile NAME|FILE) [flags]",
		Short: "open-model load test: signed deliveries on a schedule, latency, retries, exactly-once probe",
		Long: "Open-model load test: signed deliveries start on schedule whatever the receiver\n" +
			"does, latency is measured from when each was due, failed deliveries are retried\n" +
			"on the platform's (compressed) schedule. Ctrl-C writes the partial report.",
	}
	fs := cc.Flags()
	f := &loadFlags{
		plat:         fs.String("platform", "", a.platformHelp("required")),
		target:       fs.String("target", "", "receiver URL on 127.0.0.1, [::1] or localhost (required)"),
		secret:       fs.String("secret", "", "signing secret (default: $HOOKDRILL_SECRET)"),
		rate:         fs.String("rate", "", "constant arrival rate: N/s, N/m, N/100ms... or max (closed loop, for finding the ceiling)"),
		profile:      fs.String("profile", "", "built-in profile (study-fill, bulk-approve, respondent-project) or a YAML profile file"),
		participants: fs.Int("participants", 0, "N for the built-in profiles (default 2000)"),
		duration:     fs.Duration("duration", 0, "how long the rate runs (default 60s); for a built-in profile the span T it plays over"),
		events:       fs.String("events", "", "event mix for --rate: TYPE[:STATUS][=WEIGHT],... (default: the platform's typical mix)"),
		seed:         fs.Uint64("seed", 0, "seed for the schedule, the mix, ids and jitter (default: random, printed)"),
		shard:        fs.String("shard", "", "run only part i of n of the schedule, e.g. 2/4 (merge the JSON reports with hookdrill report)"),
		retries:      fs.String("retries", "platform", "platform (retry failed deliveries on the platform's schedule) or none"),
		speedup:      fs.Float64("retry-speedup", load.DefaultRetrySpeedup, "divide the platform's waits between attempts by this (1 = real clock)"),
		timeout:      fs.Duration("timeout", 0, "per-attempt timeout (default: the platform's)"),
		drain:        fs.Duration("drain", load.DefaultDrain, "after the schedule, wait this long for deliveries in flight and their retries"),
		maxInFlight:  fs.Int("max-in-flight", load.DefaultMaxInFlight, "requests in flight at most; later deliveries wait (and their latency counts the wait)"),
		maxQueue:     fs.Int("max-queue", load.DefaultMaxQueue, "deliveries waiting for a slot at most; beyond it they are dropped and counted"),
		probeURL:     fs.String("probe-applied", "", "after the run, GET this URL for {\"processed\": {event id: times applied}} and check sampled events were applied exactly once"),
		probeSample:  fs.Float64("probe-sample", load.DefaultProbeSample, "fraction of deliveries the probe checks"),
		format:       fs.String("format", "text", "report format: text, json or html"),
		out:          fs.String("out", "", "write the report to this file (default: standard output)"),
		journal:      fs.String("journal", "", "also write every attempt to this JSONL file as the run goes"),
		insecure:     fs.Bool("insecure", false, "accept any TLS certificate from the receiver"),
		quiet:        fs.Bool("quiet", false, "no live progress line"),
	}
	return a.command(cc, f.run)
}

func (f *loadFlags) run(ctx context.Context, a *app, fs *pflag.FlagSet, env *environ) error {
	var (
		plat, target, secret, rate, profile, events    = f.plat, f.target, f.secret, f.rate, f.profile, f.events
		shard, retries, probeURL, format, out, journal = f.shard, f.retries, f.probeURL, f.format, f.out, f.journal
		participants, maxInFlight, maxQueue            = f.participants, f.maxInFlight, f.maxQueue
		duration, timeout, drain, seed                 = f.duration, f.timeout, f.drain, f.seed
		speedup, probeSample, insecure, quiet          = f.speedup, f.probeSample, f.insecure, f.quiet
	)
	if fs.NArg() != 0 {
		return usageErr("load takes no arguments, got %q", fs.Args())
	}
	if *secret == "" {
		*secret = env.getenv("HOOKDRILL_SECRET")
	}
	cfg := load.Config{
		Platform: *plat, Target: hookdrill.Target{URL: *target, Secret: hookdrill.Secret(*secret)},
		Duration: *duration, Seed: *seed, Retries: load.RetryMode(*retries), RetrySpeedup: *speedup,
		Timeout: *timeout, Drain: *drain, MaxInFlight: *maxInFlight, MaxQueue: *maxQueue,
		ProbeURL: *probeURL, ProbeSample: *probeSample,
		Platforms: a.reg, Workloads: a.set.Workloads(),
	}
	if *maxInFlight <= 0 || *maxQueue < 0 {
		return usageErr("--max-in-flight must be positive and --max-queue not negative")
	}
	if *drain <= 0 {
		return usageErr("--drain must be positive, got %s", *drain)
	}
	if *rate != "" && *profile != "" {
		return usageErr("give --rate or --profile, not both")
	}
	if *rate != "" {
		r, err := load.ParseRate(*rate)
		if err != nil {
			return usageErr("--rate: %v", err)
		}
		cfg.Rate = r
	}
	if *events != "" {
		if *profile != "" {
			return usageErr("--events applies to --rate; a profile has its own events")
		}
		m, err := load.ParseMix(*events)
		if err != nil {
			return usageErr("--events: %v", err)
		}
		cfg.Events = m
	}
	if *profile != "" {
		sc, err := a.loadProfile(*profile, *participants)
		if err != nil {
			return usageErr("--profile: %v", err)
		}
		cfg.Scenario = sc
		if len(sc.Phases) > 0 && *duration != 0 {
			return usageErr("--duration applies to --rate and the built-in profiles; a YAML profile's phases set its length")
		}
		if cfg.Platform == "" {
			cfg.Platform = sc.Platform
		}
	} else if *participants != 0 {
		return usageErr("--participants applies to a built-in --profile")
	}
	if *shard != "" {
		sh, err := load.ParseShard(*shard)
		if err != nil {
			return usageErr("--shard: %v", err)
		}
		cfg.Shard = sh
	}
	switch *format {
	case "text", "json", "html":
	default:
		return usageErr("--format must be text, json or html, got %q", *format)
	}
	if *insecure {
		cfg.TLSConfig = insecureTLS()
	}
	if cfg.Seed == 0 {
		cfg.Seed = rand.Uint64()>>1 | 1
	}
	if err := cfg.Validate(); err != nil {
		return usageErr("%v", err)
	}
	fmt.Fprintf(env.stderr, "hookdrill load: seed %d (rerun with --seed %d)\n", cfg.Seed, cfg.Seed)

	var jf *os.File
	if *journal != "" {
		f, err := os.Create(*journal)
		if err != nil {
			return fmt.Errorf("journal: %w", err)
		}
		jf = f
		defer jf.Close()
		cfg.Journal = jf
	}
	if !*quiet && isTerminal(env.stderr) {
		cfg.Progress = func(p load.Progress) { fmt.Fprintf(env.stderr, "\r\033[K%s", load.FormatProgress(p)) }
	}
	res, err := load.Run(ctx, cfg)
	if cfg.Progress != nil {
		fmt.Fprint(env.stderr, "\r\033[K")
	}
	if err != nil {
		return usageErr("%v", err)
	}
	if jf != nil {
		if err := jf.Close(); err != nil {
			return fmt.Errorf("journal: %w", err)
		}
	}
	if err := writeLoadReport(res, *format, *out, env.stdout); err != nil {
		return err
	}
	switch {
	case res.Partial:
		return failed("load run stopped early (%s): partial report written", res.StopReason)
	case res.Probe != nil && res.Probe.Verdict == load.VerdictFail:
		return failed("probe: %d sampled events lost, %d duplicated", res.Probe.Lost, res.Probe.Duplicated)
	}
	return nil
}

// loadProfile returns a built-in profile, or reads a YAML one from a file
// (any argument that names an existing file or ends in .yaml/.yml).
func (a *app) loadProfile(name string, participants int) (*load.Scenario, error) {
	ext := strings.ToLower(filepath.Ext(name))
	if _, err := os.Stat(name); err != nil && ext != ".yaml" && ext != ".yml" {
		return a.set.Workloads().LookupProfile(name, participants)
	}
	if participants != 0 {
		return nil, errors.New("--participants applies to the built-in profiles only")
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return load.ParseScenario(name, data, a.reg)
}

func writeLoadReport(res load.Result, format, out string, stdout io.Writer) error {
	w := stdout
	var f *os.File
	if out != "" {
		var err error
		if f, err = os.Create(out); err != nil {
			return fmt.Errorf("report: %w", err)
		}
		w = f
	}
	var err error
	switch format {
	case "json":
		err = res.WriteJSON(w)
	case "html":
		err = res.WriteHTML(w)
	default:
		err = res.WriteText(w)
	}
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
