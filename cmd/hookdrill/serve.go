package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/clock"
	"github.com/hookdrill/hookdrill/httpserve"
	"github.com/hookdrill/hookdrill/mockserver"
)

// DefaultServeAddr is where `hookdrill serve` listens by default.
const DefaultServeAddr = "127.0.0.1:8787"

// serveFlags are serve's flags.
type serveFlags struct {
	addr, clk, statePath, token, journal *string
	seed                                 *uint64
	insecure                             *bool
	logLimit                             *int
	maxBody                              *int64
	grace                                *time.Duration
	srvOpts                              *httpserve.Options
	// mocks builds the platforms' mocks from their own flags (each
	// platform's mock declares those: --api-key, --strict-targets, ...).
	mocks func(token string) ([]mockserver.Platform, error)
}

func (a *app) serveCmd() *cobra.Command {
	cc := &cobra.Command{
		Use:   "serve [flags]",
		Short: "serve mock " + a.platformTitles() + " webhook APIs and a control API",
		Long: "Serves mock " + a.mockAPIs() + " webhook management APIs and a\n" +
			"control API (/_hookdrill/). Events triggered with `hookdrill trigger` reach every\n" +
			"confirmed subscription signed, retried and logged as the platform does it.\n" +
			"Runs until interrupted (SIGINT/SIGTERM).",
	}
	fs := cc.Flags()
	f := &serveFlags{
		addr:      fs.String("addr", DefaultServeAddr, "address to listen on"),
		clk:       fs.String("clock", "real", "server clock: real, or sim (advance it with the control API)"),
		statePath: fs.String("state", "", "keep secrets, subscriptions, webhooks, event logs and read-only resources in this JSON file across restarts"),
		seed:      fs.Uint64("seed", 0, "seed for ids, secrets and generated events (default: random, printed)"),
		token:     fs.String("token", "", "Prolific API token to require (default: any non-empty token)"),
		logLimit:  fs.Int("event-log-limit", mockserver.DefaultEventLogLimit, "event-log records kept per subscription and webhook, newest first (in memory and in --state)"),
		maxBody:   fs.Int64("max-body", mockserver.DefaultMaxBodyBytes, "largest request body accepted, in bytes (larger: 413)"),
		insecure:  fs.Bool("insecure", false, "accept any TLS certificate from receivers"),
		grace:     fs.Duration("grace", DefaultGrace, "on SIGINT/SIGTERM, give attempts in flight this long to finish (a second signal stops at once)"),
		journal:   fs.String("journal", "", "append the journal (API calls, attempts, notices) to this JSONL file as it is recorded"),
		srvOpts:   serverFlags(fs),
		mocks:     a.set.MockFlags(fs),
	}
	return a.command(cc, f.run)
}

func (f *serveFlags) run(ctx context.Context, a *app, fs *pflag.FlagSet, env *environ) error {
	var (
		addr, clk, statePath, token, journal = f.addr, f.clk, f.statePath, f.token, f.journal
		seed, insecure, logLimit             = f.seed, f.insecure, f.logLimit
		maxBody, grace, srvOpts              = f.maxBody, f.grace, f.srvOpts
	)
	if fs.NArg() != 0 {
		return usageErr("serve takes no arguments, got %q", fs.Args())
	}
	if err := srvOpts.Validate(); err != nil {
		return usageErr("%v", err)
	}
	if *grace < 0 {
		return usageErr("--grace must not be negative, got %s", *grace)
	}
	plats, platErr := f.mocks(*token)
	cfg := mockserver.Config{
		Seed: *seed, EventLogLimit: *logLimit, MaxBodyBytes: *maxBody, StatePath: *statePath, Log: env.stderr,
		Platforms: plats,
	}
	switch *clk {
	case "real":
		cfg.Clock = clock.Real{}
	case "sim":
		cfg.Clock = clock.NewSim(time.Now().UTC().Truncate(time.Second))
	default:
		return usageErr("--clock must be real or sim, got %q", *clk)
	}
	if *logLimit <= 0 {
		return usageErr("--event-log-limit must be positive, got %d", *logLimit)
	}
	if *maxBody <= 0 {
		return usageErr("--max-body must be positive, got %d", *maxBody)
	}
	if *insecure {
		cfg.TLSConfig = insecureTLS()
	}
	if cfg.Seed == 0 {
		cfg.Seed = rand.Uint64()>>1 | 1
	}
	warning, hosts, err := exposure(*addr, *token)
	if err != nil {
		return usageErr("%v", err)
	}
	if warning != "" {
		fmt.Fprintln(env.stderr, warning)
		cfg.ControlToken, cfg.ControlHosts = *token, hosts
	}
	var jf *mockserver.JournalFile
	if *journal != "" {
		cfg.Journal = hookdrill.NewJournal()
		if jf, err = mockserver.OpenJournalFile(*journal, cfg.Journal); err != nil {
			return usageErr("--journal: %v", err)
		}
		cfg.JournalDurable = jf.WaitWritten
	}
	if err := errors.Join(cfg.Validate(), platErr); err != nil {
		return usageErr("%v", err)
	}
	srv, err := mockserver.New(cfg)
	if err != nil {
		if jf != nil {
			_ = jf.Close()
		}
		if errors.Is(err, mockserver.ErrCorruptState) {
			return usageErr("%v", err)
		}
		return err
	}
	runErr := listenAndServe(ctx, "serve", *addr, srv, srvOpts, func(base string) {
		// One write, so whoever watches the output sees the banner whole.
		var banner strings.Builder
		fmt.Fprintf(&banner, "hookdrill mock server on %s (clock %s, seed %d)\n", base, *clk, cfg.Seed)
		for _, p := range plats {
			title, hint := mockTitle(p)
			fmt.Fprintf(&banner, "  %-16s%s%-11s(%s)\n", title+" API:", base, p.Prefix(), hint)
		}
		fmt.Fprintf(&banner, "  Control API:    %s/_hookdrill/ (trigger: hookdrill trigger --server %s EVENT_TYPE)\n", base, base)
		if *statePath != "" {
			fmt.Fprintf(&banner, "  State file:     %s\n", *statePath)
		}
		io.WriteString(env.stdout, banner.String())
	})
	if ctx.Err() != nil {
		fmt.Fprintf(env.stdout, "shutting down: attempts in flight get up to %s to finish (--grace); interrupt again to stop at once\n", *grace)
	}
	// Attempts in flight finish within the grace; a second signal ends it.
	gctx, gcancel := context.WithTimeout(context.Background(), *grace)
	again := make(chan os.Signal, 1)
	env.notifySignals(again)
	go func() {
		select {
		case <-again:
			gcancel()
		case <-gctx.Done():
		}
	}()
	if err := srv.Drain(gctx); err != nil {
		fmt.Fprintln(env.stdout, "attempts still in flight were cancelled")
	}
	gcancel()
	env.stopSignals(again)
	if err := srv.Close(); err != nil && runErr == nil {
		runErr = err
	}
	if jf != nil {
		if err := jf.Close(); err != nil && runErr == nil {
			runErr = err
		}
	}
	return runErr
}

// DefaultGrace is how long `hookdrill serve` gives attempts in flight on
// SIGINT/SIGTERM.
const DefaultGrace = 10 * time.Second

// exposure decides what listening on addr means: nothing on loopback;
// beyond it, a warning to print and the Host names the control API accepts,
// or an error when no token guards it.
func exposure(addr, token string) (warning string, controlHosts []string, err error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return "", nil, fmt.Errorf("--addr %q: %v", addr, err)
	}
	if isLoopback(host) {
		return "", nil, nil
	}
	if token == "" {
		return "", nil, fmt.Errorf("--addr %s is not a loopback address: anyone who can reach it could drive the mock, so --token is required (the control API then needs it too, as Authorization: Bearer <token>)", addr)
	}
	warning = "hookdrill serve: WARNING: listening on " + addr + ", reachable from other machines; " +
		"the Prolific API and the control API require the --token"
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		return warning, []string{"*"}, nil // any name may reach it; the token guards it
	}
	return warning, []string{host}, nil
}

// isLoopback reports whether a listen host is a loopback name or address
// ("" and 0.0.0.0 are every interface: not loopback).
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// serverFlags registers the HTTP server limits every serving command has.
func serverFlags(fs *pflag.FlagSet) *httpserve.Options {
	o := &httpserve.Options{}
	fs.DurationVar(&o.ReadHeaderTimeout, "read-header-timeout", httpserve.DefaultReadHeaderTimeout, "longest a client may take to send a request's headers")
	fs.DurationVar(&o.ReadTimeout, "read-timeout", httpserve.DefaultReadTimeout, "longest a client may take to send a whole request")
	fs.DurationVar(&o.WriteTimeout, "write-timeout", httpserve.DefaultWriteTimeout, "longest an answer may take to be written")
	fs.DurationVar(&o.IdleTimeout, "idle-timeout", httpserve.DefaultIdleTimeout, "how long an idle keep-alive connection stays open")
	fs.IntVar(&o.MaxConns, "max-conns", httpserve.DefaultMaxConns, "most connections open at once; more are closed as soon as they are accepted")
	return o
}

// mockAPIs is "Prolific (/api/v1/) and Respondent (/v1/)": the mock APIs
// serve serves, from the platforms' mocks.
func (a *app) mockAPIs() string {
	plats, _ := a.set.DefaultMocks()
	var parts []string
	for _, p := range plats {
		t, _ := mockTitle(p)
		parts = append(parts, t+" ("+p.Prefix()+")")
	}
	return joinOr(parts, "and")
}

// mockTitle is a mock's display name and what its API asks of a caller.
func mockTitle(p mockserver.Platform) (name, auth string) {
	if t, ok := p.(mockserver.Titler); ok {
		return t.Title(), t.AuthHint()
	}
	return title(p.Name()), "see its documentation"
}

// listenAndServe serves h on addr with o's timeouts and connection bound
// until ctx ends or serving fails, calling ready with the base URL once it
// listens, then shuts the HTTP server down (in-flight requests get 5 s).
// what names the command in errors.
func listenAndServe(ctx context.Context, what, addr string, h http.Handler, o *httpserve.Options, ready func(base string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	serveErr := make(chan error, 1)
	go func() { serveErr <- httpserve.Serve(sctx, ln, h, *o) }()
	ready("http://" + ln.Addr().String())
	if err := <-serveErr; err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
