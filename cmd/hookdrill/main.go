package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"syscall"

	"github.com/hookdrill/hookdrill/platform/all"
)

// Exit codes shared by every command.
const (
	exitOK      = 0
	exitFailed  = 1 // the thing under test failed (delivery failed, scenario failed, MUST check failed)
	exitUsage   = 2 // bad flags, bad input files
	exitProblem = 3 // hookdrill itself could not run (I/O, port in use)
)

// exitError carries an exit code through run's error return.
type exitError struct {
	code int
	err  error
	// hint is the command path whose --help a usage error points at.
	hint string
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageErr marks err as a usage error (exit 2).
func usageErr(format string, a ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, a...)}
}

// failed marks the run as a failed verdict (exit 1) with a summary message.
func failed(format string, a ...any) error {
	return &exitError{code: exitFailed, err: fmt.Errorf(format, a...)}
}

// environ is what a command may touch of the outside world.
type environ struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// notify and stop register and drop a channel for SIGINT/SIGTERM
	// (signal.Notify and signal.Stop unless a test replaces them).
	notify func(c chan<- os.Signal)
	stop   func(c chan<- os.Signal)
	// quiet drops the progress line and informational messages (--quiet);
	// color colours PASS/FAIL/SKIP in a text report on stdout (--color).
	quiet, color bool
}

func (e *environ) notifySignals(c chan<- os.Signal) {
	if e.notify != nil {
		e.notify(c)
		return
	}
	signal.Notify(c, os.Interrupt, syscall.SIGTERM)
}

func (e *environ) stopSignals(c chan<- os.Signal) {
	if e.stop != nil {
		e.stop(c)
		return
	}
	signal.Stop(c)
}

// version is set at build time with -ldflags "-X main.version=..."
// (Dockerfile, .goreleaser.yaml); see versionString.
var version = "dev"

var reUnknownCommand = regexp.MustCompile(`^unknown command "([^"]*)"`)

// run is main without the process: testable end to end. It knows the
// platforms of platform/all.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	return runWith(ctx, all.Platforms(), args, stdin, stdout, stderr, getenv)
}

// runWith is run with the platforms of set (tests add platforms of their
// own).
func runWith(ctx context.Context, set all.Set, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	return newApp(set, &environ{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}).execute(ctx, args)
}

// execute runs one command line (without the program name).
func (a *app) execute(ctx context.Context, args []string) error {
	root := a.newRoot(ctx)
	if len(args) == 0 {
		_ = root.Help()
		return &exitError{code: exitUsage, err: errors.New("no command given")}
	}
	root.SetArgs(normalizeArgs(root, args))
	cmd, err := root.ExecuteC()
	if err == nil {
		return nil
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.code == exitUsage && ee.hint == "" {
			ee.hint = cmd.CommandPath()
		}
		return err
	}
	if m := reUnknownCommand.FindStringSubmatch(err.Error()); m != nil {
		var names []string
		for _, c := range root.Commands() {
			if c.IsAvailableCommand() || c.Name() == "help" {
				names = append(names, c.Name())
			}
		}
		msg := fmt.Sprintf("unknown command %q%s", m[1], suggest(m[1], names))
		return &exitError{code: exitUsage, err: errors.New(msg), hint: "hookdrill"}
	}
	// Argument validation and other cobra errors are usage errors.
	return &exitError{code: exitUsage, err: err, hint: cmd.CommandPath()}
}

// exitCode maps run's error to the process exit code.
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return exitProblem
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	if err != nil {
		fmt.Fprint(os.Stderr, errorText(err))
	}
	os.Exit(exitCode(err))
}
