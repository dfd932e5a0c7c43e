package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/httpserve"
	"github.com/hookdrill/hookdrill/receiver"
)

// DefaultReceiverAddr is where `hookdrill receiver` listens by default.
const DefaultReceiverAddr = "127.0.0.1:8080"

// receiverFlags are receiver's flags.
type receiverFlags struct {
	plat, addr, secret, oldSecret, bugList *string
	tolerance, slow                        *time.Duration
	srvOpts                                *httpserve.Options
}

func (a *app) receiverCmd() *cobra.Command {
	cc := &cobra.Command{
		Use:   "receiver --platform P [--secret S] [--addr 127.0.0.1:8080] [--bug NAME,...]",
		Short: "serve the bundled reference receiver, correct or with deliberate bugs",
		Long: "Serves the bundled reference webhook receiver (correct, or with deliberate bugs), to try\n" +
			"send, run, serve and trigger against. POST any path: a delivery; GET /_state: what it\n" +
			"applied; POST /_reset: forget it. Runs until interrupted.",
	}
	fs := cc.Flags()
	f := &receiverFlags{
		plat:      fs.String("platform", "", a.platformHelp("required")),
		addr:      fs.String("addr", DefaultReceiverAddr, "address to listen on (127.0.0.1:0 picks a free port)"),
		secret:    fs.String("secret", "", "signing secret to verify with (default: $HOOKDRILL_SECRET)"),
		oldSecret: fs.String("old-secret", "", "a rotated-away secret (rejected, unless --bug accepts-old-secret)"),
		bugList:   fs.String("bug", "", "switch on deliberate bugs (comma-separated; hookdrill conform --list-bugs)"),
		tolerance: fs.Duration("tolerance", receiver.DefaultTolerance, "Prolific request-timestamp window, either way"),
		slow:      fs.Duration("slow-delay", receiver.DefaultSlowDelay, "how long the slow bug takes per delivery"),
		srvOpts:   serverFlags(fs),
	}
	return a.command(cc, f.run)
}

func (f *receiverFlags) run(ctx context.Context, a *app, fs *pflag.FlagSet, env *environ) error {
	var (
		plat, addr, secret, oldSecret, bugList = f.plat, f.addr, f.secret, f.oldSecret, f.bugList
		tolerance, slow, srvOpts               = f.tolerance, f.slow, f.srvOpts
	)
	if fs.NArg() > 0 {
		return usageErr("receiver takes no arguments, got %q", fs.Args())
	}
	if err := srvOpts.Validate(); err != nil {
		return usageErr("%v", err)
	}
	if *secret == "" {
		*secret = env.getenv("HOOKDRILL_SECRET")
	}
	part, err := a.set.References().Lookup(*plat)
	if err != nil {
		return usageErr("%v", err)
	}
	bugs, err := receiver.ParseBugs(part, *bugList)
	if err != nil {
		return usageErr("%v", err)
	}
	cfg := receiver.Config{Platform: part, Secret: *secret, Tolerance: *tolerance, SlowDelay: *slow, Bugs: bugs}
	if *oldSecret != "" {
		cfg.OldSecrets = []string{*oldSecret}
	}
	rcv, err := receiver.New(cfg)
	if err != nil {
		return usageErr("%v", err)
	}
	what := "correct"
	if len(bugs) > 0 {
		what = "deliberately broken (" + joinBugs(bugs) + ")"
	}
	return listenAndServe(ctx, "receiver", *addr, rcv, srvOpts, func(base string) {
		// One write, so whoever watches the output sees the banner whole.
		fmt.Fprintf(env.stdout, "hookdrill %s %s reference receiver on %s (secret %s)\n"+
			"  deliveries:     POST %s/webhook (any path)\n"+
			"  state:          GET  %s/_state\n"+
			"  conform probes: --probe-applied '%s/_state#/processed/{event_id}' --probe-status '%s/_state#/status/{resource_id}'\n",
			what, *plat, base, hookdrill.Redact(*secret), base, base, base, base)
	})
}
