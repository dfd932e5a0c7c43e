package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hookdrill/hookdrill"
	suggest_ "github.com/hookdrill/hookdrill/internal/suggest"
	"github.com/hookdrill/hookdrill/platform"
	"github.com/hookdrill/hookdrill/platform/all"
	"github.com/hookdrill/hookdrill/receiver"
	"github.com/hookdrill/hookdrill/report"
)

// exitTable is every command's exit status, in --help and the README.
const exitTable = `Exit status (every command):
  0  passed (every check, scenario or delivery succeeded)
  1  a check, scenario or delivery failed
  2  usage error, or invalid input files (scenarios, reports, payloads)
  3  could not run: target unreachable, no hookdrill server, a scenario that could
     not start (ERROR), I/O error, port in use`

const envHelp = `Environment:
  HOOKDRILL_SECRET      default for --secret (conform, run, send, load, receiver)
  HOOKDRILL_OLD_SECRET  default for conform --old-secret
  HOOKDRILL_TARGET      default for --target (conform, run, send, load)
  HOOKDRILL_SERVER      default for --server (trigger)
  HOOKDRILL_TOKEN       default for trigger --token
  NO_COLOR              set (non-empty): no colour with --color auto`

// envDefaults maps a flag name to the variable that supplies its default.
var envDefaults = []struct{ flag, env string }{
	{"secret", "HOOKDRILL_SECRET"},
	{"old-secret", "HOOKDRILL_OLD_SECRET"},
	{"target", "HOOKDRILL_TARGET"},
	{"server", "HOOKDRILL_SERVER"},
}

// versionString is the -X main.version ldflag when set (Dockerfile,
// goreleaser), else the module version `go install pkg@version` records.
func versionString() string {
	if version != "dev" && version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return version
}

// app is one command line: the platforms it knows (platform/all in main,
// more in tests) and the outside world. Every command is a cobra command
// whose flags are pflag flags on it; the command's run function gets the
// parsed flag set and the environment.
type app struct {
	set all.Set            // the platforms, with every part
	reg *platform.Registry // their wire profiles
	env *environ
	// The root's persistent flags, read by every command.
	color *string
	quiet *bool
}

func newApp(set all.Set, env *environ) *app {
	return &app{set: set, reg: set.Registry(), env: env}
}

// commands are the subcommands, each built with its flags.
func (a *app) commands() []*cobra.Command {
	return []*cobra.Command{
		a.sendCmd(), a.serveCmd(), a.triggerCmd(), a.runCmd(), a.conformCmd(),
		a.receiverCmd(), a.loadCmd(), a.reportCmd(), a.versionCmd(),
	}
}

// runFunc is a command's body: fs holds its parsed flags and arguments.
type runFunc func(ctx context.Context, a *app, fs *pflag.FlagSet, env *environ) error

// command finishes cc: its help ends with the exit table, flags are listed
// sorted, known flag values complete, and RunE applies --color, --quiet and
// the environment's defaults before calling body. An error that is not an
// *exitError means the command could not run (exit 3).
func (a *app) command(cc *cobra.Command, body runFunc) *cobra.Command {
	cc.Long = strings.TrimSpace(cc.Long) + "\n\n" + exitTable
	cc.Flags().SortFlags = true
	a.registerCompletions(cc)
	cc.RunE = func(cc *cobra.Command, _ []string) error {
		env := *a.env
		env.quiet = *a.quiet
		on, err := colorOn(*a.color, a.env)
		if err != nil {
			return err
		}
		env.color = on
		fs := cc.Flags()
		for _, d := range envDefaults {
			f := fs.Lookup(d.flag)
			v := a.env.getenv(d.env)
			if f == nil || f.Changed || v == "" {
				continue
			}
			if d.flag == "target" && fs.Changed("demo") {
				continue // --demo starts its own receiver
			}
			if err := fs.Set(d.flag, v); err != nil {
				return usageErr("$%s: %v", d.env, err)
			}
		}
		err = body(cc.Context(), a, fs, &env)
		var ee *exitError
		if err != nil && !errors.As(err, &ee) {
			// A command's own error (I/O, ...): it could not run.
			err = &exitError{code: exitProblem, err: err}
		}
		return err
	}
	return cc
}

// newRoot builds the command tree for one invocation.
func (a *app) newRoot(ctx context.Context) *cobra.Command {
	env := a.env
	root := &cobra.Command{
		Use:   "hookdrill",
		Short: "test webhook receivers for " + a.platformTitles(),
		Long: "hookdrill tests webhook receivers for " + a.platformTitles() + ": it signs and delivers\n" +
			"events exactly like each platform, mocks their webhook management APIs, runs YAML\n" +
			"scenarios and conformance suites.\n\n" + exitTable + "\n\n" + envHelp,
		Version:           versionString(),
		SilenceErrors:     true,
		SilenceUsage:      true,
		CompletionOptions: cobra.CompletionOptions{HiddenDefaultCmd: false},
	}
	root.SetContext(ctx)
	root.SetVersionTemplate("hookdrill {{.Version}}\n")
	// No -v shorthand: in the commands, -v is --verbose.
	root.Flags().Bool("version", false, "print the version")
	root.SetIn(env.stdin)
	root.SetOut(env.stdout)
	root.SetErr(env.stderr)
	a.color = root.PersistentFlags().String("color", "auto", "colour PASS/FAIL/SKIP in text reports: auto (a terminal, unless NO_COLOR is set), always or never")
	a.quiet = root.PersistentFlags().BoolP("quiet", "q", false, "no progress line or informational messages on stderr (the report and errors still print)")
	_ = root.RegisterFlagCompletionFunc("color", fixedCompletion("auto", "always", "never"))
	root.SetFlagErrorFunc(flagError)
	cmds := a.commands()
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].Name() < cmds[j].Name() })
	root.AddCommand(cmds...)
	return root
}

func (a *app) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use: "version", Short: "print the version", Args: cobra.NoArgs,
		RunE: func(cc *cobra.Command, _ []string) error {
			_, err := fmt.Fprintln(cc.OutOrStdout(), "hookdrill", versionString())
			return err
		},
	}
}

// platformList is "a, b or c": the platform names, for help texts.
func (a *app) platformList() string { return joinOr(a.reg.Names(), "or") }

// platformTitles is "A, B and C": the platforms' names capitalised.
func (a *app) platformTitles() string {
	names := a.reg.Names()
	for i, n := range names {
		names[i] = title(n)
	}
	return joinOr(names, "and")
}

// platformHelp is the help of a --platform flag: the valid names, then
// note in parentheses.
func (a *app) platformHelp(note string) string {
	return "platform: " + a.platformList() + " (" + note + ")"
}

func title(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// joinOr joins words as "a, b or c" (conj "or") or "a, b and c".
func joinOr(words []string, conj string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " " + conj + " " + words[len(words)-1]
}

func fixedCompletion(vals ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return vals, cobra.ShellCompDirectiveNoFileComp
	}
}

// registerCompletions completes the flag values hookdrill knows.
func (a *app) registerCompletions(cc *cobra.Command) {
	f := cc.Flags()
	if f.Lookup("platform") != nil {
		_ = cc.RegisterFlagCompletionFunc("platform", fixedCompletion(a.reg.Names()...))
	}
	if f.Lookup("format") != nil {
		formats := report.Formats()
		switch cc.Name() {
		case "send", "trigger":
			formats = []string{"text", "json"}
		case "load":
			formats = []string{"text", "json", "html"}
		}
		_ = cc.RegisterFlagCompletionFunc("format", fixedCompletion(formats...))
	}
	switch cc.Name() {
	case "send", "trigger":
		// EVENT_TYPE: the documented types of --platform (or of every platform).
		cc.ValidArgsFunction = func(cc *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var out []string
			for _, et := range a.eventTypes(cc) {
				out = append(out, et.Name+"\t"+et.Description)
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		}
		_ = cc.RegisterFlagCompletionFunc("status", func(cc *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			var out []string
			for _, et := range a.eventTypes(cc) {
				if len(args) > 0 && et.Name != args[0] {
					continue
				}
				for _, st := range et.Statuses {
					if !contains(out, st) {
						out = append(out, st)
					}
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		})
	case "conform":
		_ = cc.RegisterFlagCompletionFunc("events", func(cc *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
			var out []string
			for _, et := range a.eventTypes(cc) {
				out = append(out, et.Name)
			}
			return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
		})
	}
	if f.Lookup("retries") != nil && cc.Name() == "send" {
		_ = cc.RegisterFlagCompletionFunc("retries", func(cc *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
			var out []string
			for _, p := range a.profiles(cc) {
				for _, k := range sortedKeys(p.RetryPresets()) {
					if !contains(out, k) {
						out = append(out, k)
					}
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		})
	}
	if f.Lookup("bug") != nil {
		var bugs []string
		for _, p := range a.set.References() {
			for _, b := range receiver.Bugs(p) {
				if !contains(bugs, string(b.Name)) {
					bugs = append(bugs, string(b.Name))
				}
			}
		}
		_ = cc.RegisterFlagCompletionFunc("bug", fixedCompletion(bugs...))
	}
}

// profiles are the wire profiles of cc's --platform, or of every platform
// when it is not set (or unknown), for completions.
func (a *app) profiles(cc *cobra.Command) []hookdrill.Profile {
	names := a.reg.Names()
	if p, _ := cc.Flags().GetString("platform"); a.reg.Has(p) {
		names = []string{p}
	}
	var out []hookdrill.Profile
	for _, n := range names {
		if p, err := a.reg.Lookup(n); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// eventTypes are the documented event types of profiles(cc).
func (a *app) eventTypes(cc *cobra.Command) []hookdrill.EventType {
	var out []hookdrill.EventType
	for _, p := range a.profiles(cc) {
		out = append(out, p.EventTypes()...)
	}
	return out
}

// colorOn decides --color: auto means stdout is a terminal and NO_COLOR is
// unset (https://no-color.org) and TERM is not "dumb".
func colorOn(mode string, env *environ) (bool, error) {
	switch mode {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "auto", "":
		if env.getenv("NO_COLOR") != "" || env.getenv("TERM") == "dumb" {
			return false, nil
		}
		return isTerminal(env.stdout), nil
	}
	return false, usageErr("--color must be auto, always or never, got %q%s", mode, suggest(mode, []string{"auto", "always", "never"}))
}

var reUnknownFlag = regexp.MustCompile(`^unknown (?:shorthand )?flag: '?(-{0,2}[^' ]+)'?`)

// flagError makes pflag's parse errors usage errors, with a suggestion for
// a misspelt flag name.
func flagError(c *cobra.Command, err error) error {
	msg := err.Error()
	if m := reUnknownFlag.FindStringSubmatch(msg); m != nil {
		name := strings.TrimLeft(strings.SplitN(m[1], "=", 2)[0], "-")
		var names []string
		c.Flags().VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
		c.InheritedFlags().VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
		dash := "--"
		if strings.Contains(msg, "shorthand") {
			dash = "-"
		}
		if s := closest(name, names); s != "" && len(name) > 1 {
			msg = fmt.Sprintf("unknown flag %s%s (did you mean --%s?)", dash, name, s)
		} else {
			msg = fmt.Sprintf("unknown flag %s%s", dash, name)
		}
	}
	return &exitError{code: exitUsage, err: errors.New(msg), hint: c.CommandPath()}
}

// suggest returns ` (did you mean "x"?)` when got is close to one of valid.
func suggest(got string, valid []string) string { return suggest_.Phrase(got, valid) }

// closest is the valid name nearest to got, or "".
func closest(got string, valid []string) string { return suggest_.Closest(got, valid) }

// normalizeArgs rewrites the single-dash long flags Go's flag package
// accepted (-run, -target=URL) to the two-dash form cobra parses, for the
// flags of the command being run and the global ones. Everything after
// "--" is left alone.
func normalizeArgs(root *cobra.Command, args []string) []string {
	var cmd *cobra.Command
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			continue
		}
		for _, c := range root.Commands() {
			if c.Name() == a {
				cmd = c
			}
		}
		break
	}
	known := func(name string) bool {
		if len(name) < 2 {
			return false
		}
		if root.PersistentFlags().Lookup(name) != nil {
			return true
		}
		return cmd != nil && cmd.Flags().Lookup(name) != nil
	}
	out := make([]string, len(args))
	copy(out, args)
	for i, a := range out {
		if a == "--" {
			break
		}
		if len(a) > 2 && a[0] == '-' && a[1] != '-' {
			name, _, _ := strings.Cut(a[1:], "=")
			if known(name) {
				out[i] = "-" + a
			}
		}
	}
	return out
}

// errorText is what main prints for err: the message and, for a usage
// error, one line saying where the usage is.
func errorText(err error) string {
	msg := err.Error()
	if msg == "" || strings.HasPrefix(msg, "\x00") {
		return ""
	}
	s := "hookdrill: " + msg + "\n"
	var ee *exitError
	if errors.As(err, &ee) && ee.code == exitUsage && ee.hint != "" {
		s += "Run '" + ee.hint + " --help' for usage.\n"
	}
	return s
}
