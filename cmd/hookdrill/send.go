package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/assert"
	"github.com/hookdrill/hookdrill/clock"
	"github.com/hookdrill/hookdrill/sender"
)

// listFlag collects a comma-separated or repeated flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Type() string   { return "list" }
func (l *listFlag) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}

// sendFlags are send's flags.
type sendFlags struct {
	plat, target, secret, status, resource, eventID, retries, clk, format, bodyStyle, algorithm, journal *string
	seed                                                                                                 *uint64
	attempts, lostAck                                                                                    *int
	timeout                                                                                              *time.Duration
	insecure                                                                                             *bool
	tampers                                                                                              listFlag
}

func (a *app) sendCmd() *cobra.Command {
	cc := &cobra.Command{
		Use:   "send --platform P --target URL --secret S [flags] EVENT_TYPE",
		Short: "sign and deliver one event with the platform's retries",
		Long: "Signs and delivers one event exactly as the platform does, retrying on the\n" +
			"platform's schedule (on a simulated clock by default, so days pass instantly).",
	}
	fs := cc.Flags()
	f := &sendFlags{
		plat:      fs.String("platform", "", a.platformHelp("required")),
		target:    fs.String("target", "", "receiver URL to deliver to (required)"),
		secret:    fs.String("secret", "", "signing secret (default: $HOOKDRILL_SECRET)"),
		status:    fs.String("status", "", "status the event announces (default: a typical one for the event type)"),
		resource:  fs.String("resource-id", "", "resource id (default: a seeded fake id)"),
		eventID:   fs.String("event-id", "", "event id / X-Event-ID / uuid (default: a seeded fake id)"),
		seed:      fs.Uint64("seed", 0, "seed for ids and jitter (default: random, printed)"),
		retries:   fs.String("retries", "", "retry policy preset (default: the platform's): "+a.retryPresets()),
		attempts:  fs.Int("max-attempts", 0, "override the policy's attempt count (1 = no retries)"),
		timeout:   fs.Duration("timeout", 0, "override the per-attempt timeout"),
		clk:       fs.String("clock", "sim", "clock for the waits between attempts: sim (instant) or real"),
		format:    fs.String("format", "text", "output format: text or json"),
		lostAck:   fs.Int("lost-ack", 0, "treat the receiver's first N answers as timeouts"),
		bodyStyle: fs.String("body-style", "canonical", "body layout: canonical or indented (still correctly signed)"),
		algorithm: fs.String("algorithm", "", "signature algorithm where the platform names one (respondent: sha256, sha512)"),
		insecure:  fs.Bool("insecure", false, "accept any TLS certificate from the receiver"),
		journal:   fs.String("journal", "", "also write every attempt to this JSONL file"),
	}
	fs.Var(&f.tampers, "tamper", "corrupt the delivery (repeatable, comma-separated): "+tamperNames())
	return a.command(cc, f.run)
}

// retryPresets lists every platform's retry presets for --retries' help.
func (a *app) retryPresets() string {
	var parts []string
	for _, name := range a.reg.Names() {
		p, err := a.reg.Lookup(name)
		if err != nil {
			continue
		}
		if keys := sortedKeys(p.RetryPresets()); len(keys) > 0 {
			parts = append(parts, name+": "+strings.Join(keys, ", "))
		}
	}
	return strings.Join(parts, "; ")
}

func (f *sendFlags) run(ctx context.Context, a *app, fs *pflag.FlagSet, env *environ) (err error) {
	var (
		plat, target, secret, status, resource, eventID = f.plat, f.target, f.secret, f.status, f.resource, f.eventID
		retries, clk, format, bodyStyle, algorithm      = f.retries, f.clk, f.format, f.bodyStyle, f.algorithm
		journal, seed, attempts, lostAck                = f.journal, f.seed, f.attempts, f.lostAck
		timeout, insecure, tampers                      = f.timeout, f.insecure, f.tampers
	)
	if fs.NArg() != 1 {
		return usageErr("send takes exactly one EVENT_TYPE argument, got %d", fs.NArg())
	}
	if *plat == "" {
		return usageErr("--platform is required (valid: %s)", strings.Join(a.reg.Names(), ", "))
	}
	prof, err := a.reg.Lookup(*plat)
	if err != nil {
		return usageErr("%v", err)
	}
	if *secret == "" {
		*secret = env.getenv("HOOKDRILL_SECRET")
	}
	// Everything send writes (text, JSON, the journal, errors) goes through
	// one Redactor: the secret and the target's password and query values
	// never appear, also when the receiver echoes them.
	red := hookdrill.NewRedactor(*secret)
	red.AddURL(*target)
	env = &environ{stdin: env.stdin, stdout: red.Writer(env.stdout), stderr: red.Writer(env.stderr), getenv: env.getenv}
	defer func() { err = red.Error(err) }()
	tgt := hookdrill.Target{URL: *target, Secret: hookdrill.Secret(*secret)}
	if err := tgt.Validate(); err != nil {
		return usageErr("%v (set --target and --secret, or $HOOKDRILL_SECRET)", err)
	}
	if *format != "text" && *format != "json" {
		return usageErr("--format must be text or json, got %q", *format)
	}
	pol := prof.RetryPolicy()
	if *retries != "" {
		presets := prof.RetryPresets()
		p, ok := presets[*retries]
		if !ok {
			return usageErr("unknown retry policy %q for %s (valid: %s)", *retries, prof.Name(), strings.Join(sortedKeys(presets), ", "))
		}
		pol = p
	}
	if *attempts != 0 {
		pol.MaxAttempts = *attempts
	}
	if *timeout != 0 {
		pol.Timeout = *timeout
	}
	if err := pol.Validate(); err != nil {
		return usageErr("retry policy: %v", err)
	}
	if *seed == 0 {
		*seed = rand.Uint64()>>1 | 1
	}

	var c clock.Clock = clock.Real{}
	var sim *clock.Sim
	switch *clk {
	case "sim":
		sim = clock.NewSim(time.Now())
		c = sim
	case "real":
	default:
		return usageErr("--clock must be sim or real, got %q", *clk)
	}
	rnd := rand.New(rand.NewPCG(*seed, 0))
	ev, err := prof.NewEvent(hookdrill.EventSpec{Type: fs.Arg(0), Status: *status, ResourceID: *resource, ID: *eventID}, rnd, c.Now())
	if err != nil {
		return usageErr("%v", err)
	}
	var tamperKinds []hookdrill.Tamper
	for _, t := range tampers {
		tamperKinds = append(tamperKinds, hookdrill.Tamper(t))
	}
	j := hookdrill.NewJournal()
	cfg := sender.Config{Profile: prof, Clock: c, Journal: j, Seed: *seed, Policy: &pol}
	if *insecure {
		cfg.TLSConfig = insecureTLS()
	}
	snd, err := sender.New(cfg)
	if err != nil {
		return usageErr("%v", err)
	}
	defer snd.Close()

	out := env.stdout
	if *format == "text" {
		out = assert.EscapeWriter(out) // attempt errors carry what the receiver answered
		fmt.Fprintf(out, "%s %s event %s (resource %s) → %s\n", prof.Name(), ev.Type, ev.ID, ev.ResourceID, hookdrill.RedactURL(tgt.URL))
		fmt.Fprintf(out, "policy %s, seed %d, %s clock\n", describePolicy(pol), *seed, *clk)
	}
	var origin time.Time // when the first attempt started, on the delivery's clock
	h, err := snd.Deliver(ctx, sender.Delivery{
		Event: ev, Target: tgt,
		Faults: sender.Faults{Tamper: tamperKinds, LostAck: *lostAck, BodyStyle: sender.BodyStyle(*bodyStyle), Algorithm: *algorithm},
		Hooks: sender.Hooks{OnAttempt: func(a hookdrill.Attempt) {
			if origin.IsZero() {
				origin = a.SimStarted
			}
			if *format == "text" {
				printAttempt(out, a, origin)
			}
		}},
	})
	if err != nil {
		return usageErr("%v", err)
	}
	if sim != nil {
		if err := sim.RunUntilIdle(ctx); err != nil {
			return fmt.Errorf("running the simulated clock: %w", err)
		}
	}
	res, err := h.Wait(ctx)
	if err != nil {
		return fmt.Errorf("waiting for the delivery: %w", err)
	}
	if *journal != "" {
		if err := writeJournal(*journal, red.Journal(j)); err != nil {
			return err
		}
	}
	if *format == "json" {
		doc, err := secondsJSON(struct {
			Seed   uint64                `json:"seed"`
			Policy hookdrill.RetryPolicy `json:"policy"`
			Event  hookdrill.Event       `json:"event"`
			sender.Result
		}{*seed, pol, ev, res})
		if err != nil {
			return err
		}
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(doc); err != nil {
			return err
		}
	} else {
		printResult(out, res, origin)
	}
	if !res.Delivered() {
		if unreachable(res.Attempts) {
			return &exitError{code: exitProblem, err: fmt.Errorf("could not reach %s: %s on every attempt (is the receiver running?)",
				hookdrill.RedactURL(tgt.URL), res.Outcome)}
		}
		return failed("delivery %s: %s", res.Status, orDefault(res.Reason, string(res.Outcome)))
	}
	return nil
}

// unreachable: every attempt found nothing to talk to (nothing listening,
// no such host), so the receiver was not tested at all.
func unreachable(attempts []hookdrill.Attempt) bool {
	for _, a := range attempts {
		if a.Outcome != hookdrill.OutcomeRefused && a.Outcome != hookdrill.OutcomeNetwork {
			return false
		}
	}
	return len(attempts) > 0
}

// durationFields are the policy's durations, which encode as nanoseconds.
var durationFields = map[string]bool{"base_delay": true, "max_delay": true, "cutoff": true, "timeout": true}

// secondsJSON re-encodes v with every duration in seconds, as the reports
// write them: NAME_ns fields become NAME_s, and the policy's base_delay,
// max_delay, cutoff and timeout become base_delay_s and so on.
func secondsJSON(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	var walk func(v any, policy bool) any
	walk = func(v any, policy bool) any {
		switch x := v.(type) {
		case map[string]any:
			out := make(map[string]any, len(x))
			for k, val := range x {
				if n, ok := val.(json.Number); ok && (strings.HasSuffix(k, "_ns") || (policy && durationFields[k])) {
					ns, err := n.Int64()
					if err == nil {
						out[strings.TrimSuffix(k, "_ns")+"_s"] = float64(ns) / 1e9
						continue
					}
				}
				out[k] = walk(val, k == "policy")
			}
			return out
		case []any:
			for i := range x {
				x[i] = walk(x[i], false)
			}
			return x
		}
		return v
	}
	return walk(doc, false), nil
}

func describePolicy(p hookdrill.RetryPolicy) string {
	s := fmt.Sprintf("%s (%d attempts, base %s ×%g, %s jitter, timeout %s", p.Name, p.MaxAttempts, p.BaseDelay, p.Multiplier, p.Jitter, p.Timeout)
	if p.Cutoff > 0 {
		s += ", cut-off " + p.Cutoff.String()
	}
	return s + ")"
}

func printAttempt(w io.Writer, a hookdrill.Attempt, origin time.Time) {
	at := ""
	if !a.SimStarted.IsZero() {
		at = "t+" + roundDur(a.SimStarted.Sub(origin))
	}
	got := string(a.Outcome)
	if a.Response != nil && a.Outcome != hookdrill.OutcomeLostAck {
		got = fmt.Sprintf("HTTP %d", a.Response.Status)
	}
	line := fmt.Sprintf("  attempt %2d  %-12s %-20s %8s", a.Number, at, got, roundDur(a.Latency))
	if a.Error != "" && a.Outcome != hookdrill.OutcomeHTTPError {
		line += "  " + a.Error
	}
	if !a.Final {
		line += "  → retry in " + roundDur(a.NextAttemptIn)
	}
	fmt.Fprintln(w, line)
}

func printResult(w io.Writer, r sender.Result, origin time.Time) {
	span := ""
	if n := len(r.Attempts); n > 0 && !r.Attempts[n-1].SimStarted.IsZero() {
		span = " at t+" + roundDur(r.Attempts[n-1].SimStarted.Sub(origin)) + " simulated"
	}
	if r.Delivered() {
		fmt.Fprintf(w, "delivered after %d attempt(s)%s\n", len(r.Attempts), span)
		return
	}
	fmt.Fprintf(w, "FAILED after %d attempt(s)%s: %s\n", len(r.Attempts), span, orDefault(r.Reason, string(r.Outcome)))
}

func roundDur(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return d.Round(time.Microsecond).String()
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	default:
		return d.Round(time.Second).String()
	}
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func tamperNames() string {
	n := make([]string, len(hookdrill.AllTampers))
	for i, t := range hookdrill.AllTampers {
		n[i] = string(t)
	}
	return strings.Join(n, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

// writeJournal writes the journal as JSONL to path atomically.
func writeJournal(path string, j *hookdrill.Journal) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("write journal: %w", err)
	}
	if err := j.WriteJSONL(f); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("write journal %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write journal %s: %w", path, err)
	}
	return os.Rename(tmp, path)
}
