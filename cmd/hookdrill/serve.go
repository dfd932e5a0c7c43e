package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/hookdrill/hookdrill/clock"
	"github.com/hookdrill/hookdrill/mockserver"
)

// DefaultServeAddr is where `hookdrill serve` listens by default.
const DefaultServeAddr = "127.0.0.1:8787"

func runServe(ctx context.Context, args []string, env *environ) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	var (
		addr      = fs.String("addr", DefaultServeAddr, "address to listen on")
		clk       = fs.String("clock", "real", "server clock: real, or sim (advance it with the control API)")
		statePath = fs.String("state", "", "keep secrets, subscriptions and webhooks in this JSON file across restarts")
		seed      = fs.Uint64("seed", 0, "seed for ids, secrets and generated events (default: random, printed)")
		token     = fs.String("token", "", "Prolific API token to require (default: any non-empty token)")
		apiKey    = fs.String("api-key", "", "Respondent x-api-key to require (default: any non-empty value)")
		apiSecret = fs.String("api-secret", "", "Respondent x-api-secret to require (default: any non-empty value)")
		strict    = fs.Bool("strict-targets", false, "reject Prolific target URLs the real API rejects (non-https, localhost, private addresses)")
		shape     = fs.String("create-shape", string(mockserver.DefaultCreateShape), "create-subscription body: object (what Prolific's clients decode) or results (the documented list)")
		unknown   = fs.Bool("allow-unknown-fields", false, "ignore unknown request body fields instead of answering 400")
		maxBody   = fs.Int64("max-body", mockserver.DefaultMaxBodyBytes, "largest request body accepted, in bytes (larger: 413)")
		insecure  = fs.Bool("insecure", false, "accept any TLS certificate from receivers")
		grace     = fs.Duration("grace", 0, "on shutdown, wait this long for deliveries to end by themselves before cancelling pending retries")
		journal   = fs.String("journal", "", "on shutdown, write the journal (API calls, attempts, notices) to this JSONL file")
	)
	fs.Usage = commandUsage(fs, env.stderr,
		"usage: hookdrill serve [flags]",
		"Serves mock Prolific (/api/v1/) and Respondent (/v1/) webhook management APIs and a\n"+
			"control API (/_hookdrill/). Events triggered with `hookdrill trigger` reach every\n"+
			"confirmed subscription signed, retried and logged as the platform does it.\n"+
			"Runs until interrupted (SIGINT/SIGTERM).")
	if help, err := parseCommand(fs, args); help || err != nil {
		return err
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return usageErr("serve takes no arguments, got %q", fs.Args())
	}
	cfg := mockserver.Config{
		Seed: *seed, Token: *token, RespondentAPIKey: *apiKey, RespondentAPISecret: *apiSecret,
		StrictTargets: *strict, CreateShape: mockserver.CreateShape(*shape), AllowUnknownFields: *unknown,
		MaxBodyBytes: *maxBody, StatePath: *statePath, Log: env.stderr,
	}
	switch *clk {
	case "real":
		cfg.Clock = clock.Real{}
	case "sim":
		cfg.Clock = clock.NewSim(time.Now().UTC().Truncate(time.Second))
	default:
		return usageErr("--clock must be real or sim, got %q", *clk)
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
	if err := cfg.Validate(); err != nil {
		return usageErr("%v", err)
	}
	srv, err := mockserver.New(cfg)
	if err != nil {
		if errors.Is(err, mockserver.ErrCorruptState) {
			return usageErr("%v", err)
		}
		return err
	}
	runErr := listenAndServe(ctx, "serve", *addr, srv, func(base string) {
		// One write, so whoever watches the output sees the banner whole.
		var banner strings.Builder
		fmt.Fprintf(&banner, "hookdrill mock server on %s (clock %s, seed %d)\n", base, *clk, cfg.Seed)
		fmt.Fprintf(&banner, "  Prolific API:   %s/api/v1/   (Authorization: Token %s)\n", base, orDefault(redactFlag(*token), "<any>"))
		fmt.Fprintf(&banner, "  Respondent API: %s/v1/       (x-api-key, x-api-secret: %s)\n", base, orDefault(redactFlag(*apiKey), "<any>"))
		fmt.Fprintf(&banner, "  Control API:    %s/_hookdrill/ (trigger: hookdrill trigger --server %s EVENT_TYPE)\n", base, base)
		if *statePath != "" {
			fmt.Fprintf(&banner, "  State file:     %s\n", *statePath)
		}
		io.WriteString(env.stdout, banner.String())
	})
	if ctx.Err() != nil {
		fmt.Fprintln(env.stdout, "shutting down")
	}
	if *grace > 0 {
		gctx, gcancel := context.WithTimeout(context.Background(), *grace)
		_ = srv.Shutdown(gctx)
		gcancel()
	}
	if err := srv.Close(); err != nil && runErr == nil {
		runErr = err
	}
	if *journal != "" {
		if err := writeJournal(*journal, srv.Journal()); err != nil && runErr == nil {
			runErr = err
		}
	}
	return runErr
}

// redactFlag shows that a credential flag is set without printing it.
func redactFlag(v string) string {
	if v == "" {
		return ""
	}
	return "(as given)"
}

// listenAndServe serves h on addr until ctx ends or serving fails, calling
// ready with the base URL once it listens, then shuts the HTTP server down
// (in-flight requests get 5 s). what names the command in errors.
func listenAndServe(ctx context.Context, what, addr string, h http.Handler, ready func(base string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	serveErr := make(chan error, 1)
	go func() { serveErr <- hs.Serve(ln) }()
	ready("http://" + ln.Addr().String())
	var runErr error
	select {
	case <-ctx.Done():
	case err := <-serveErr:
		runErr = fmt.Errorf("%s: %w", what, err)
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = hs.Shutdown(sctx)
	return runErr
}
