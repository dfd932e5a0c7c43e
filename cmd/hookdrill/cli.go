package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	suggest_ "github.com/hookdrill/hookdrill/internal/suggest"
	"github.com/hookdrill/hookdrill/platform/all"
	"github.com/hookdrill/hookdrill/receiver"
	"github.com/hookdrill/hookdrill/report"
)

// The command line is built on spf13/cobra (what gh, stripe, k6 and kubectl
// use): help, `help CMD`, --version, "did you mean" for commands and shell
// completion come with it. Each command still defines its flags on a
// standard flag.FlagSet inside its runX function (so runX stays callable
// from tests with plain arguments); the cobra tree learns those flags by
// calling runX once with captureArg, and cobra parses the command line. The
// flags cobra saw are then replayed to runX as --name=value arguments.

// captureArg makes parseCommand hand back its flag set (capturedFlags)
// instead of parsing.
const captureArg = "\x00hookdrill-capture-flags"

// capturedFlags is the error parseCommand returns for captureArg.
type capturedFlags struct{ fs *flag.FlagSet }

func (*capturedFlags) Error() string { return "hookdrill: flags captured" }

// usageSink is the stderr of a capturing call: commandUsage stores the
// command's synopsis and description in it.
type usageSink struct {
	io.Writer
	synopsis, about string
}

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

// recValue records every value cobra sets on a flag (after checking it
// with the command's own flag.Value) so that it can be replayed.
type recValue struct {
	name  string
	inner flag.Value
	rec   *[]string
	seen  map[string]bool
}

func (v *recValue) String() string { return v.inner.String() }
func (v *recValue) Set(s string) error {
	if err := v.inner.Set(s); err != nil {
		return err
	}
	*v.rec = append(*v.rec, "--"+v.name+"="+s)
	v.seen[v.name] = true
	return nil
}
func (v *recValue) IsBoolFlag() bool {
	b, ok := v.inner.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}
func (v *recValue) Type() string {
	if v.IsBoolFlag() {
		return "bool"
	}
	switch v.inner.(type) {
	case *listFlag:
		return "list"
	case kvFlag:
		return "NAME=VALUE"
	}
	t := reflect.TypeOf(v.inner).String() // *flag.stringValue
	t = t[strings.LastIndex(t, ".")+1:]
	t = strings.TrimSuffix(t, "Value")
	if t == "" || t[0] < 'a' || t[0] > 'z' {
		return "value"
	}
	return t
}

// longNames are the long names of the commands' one-letter flags.
var longNames = map[string]string{"v": "verbose"}

// newRoot builds the command tree for one invocation.
func newRoot(ctx context.Context, env *environ) *cobra.Command {
	root := &cobra.Command{
		Use:   "hookdrill",
		Short: "test webhook receivers for Prolific and Respondent",
		Long: "hookdrill tests webhook receivers for Prolific and Respondent: it signs and delivers\n" +
			"events exactly like each platform, mocks their webhook management APIs, runs YAML\n" +
			"scenarios and conformance suites.\n\n" + exitTable + "\n\n" + envHelp,
		Version:           versionString(),
		SilenceErrors:     true,
		SilenceUsage:      true,
		CompletionOptions: cobra.CompletionOptions{HiddenDefaultCmd: false},
	}
	root.SetVersionTemplate("hookdrill {{.Version}}\n")
	// No -v shorthand: in the commands, -v is --verbose.
	root.Flags().Bool("version", false, "print the version")
	root.SetIn(env.stdin)
	root.SetOut(env.stdout)
	root.SetErr(env.stderr)
	color := root.PersistentFlags().String("color", "auto", "colour PASS/FAIL/SKIP in text reports: auto (a terminal, unless NO_COLOR is set), always or never")
	quiet := root.PersistentFlags().BoolP("quiet", "q", false, "no progress line or informational messages on stderr (the report and errors still print)")
	_ = root.RegisterFlagCompletionFunc("color", fixedCompletion("auto", "always", "never"))
	root.SetFlagErrorFunc(flagError)

	cmds := commands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		c := cmds[name]
		if name == "version" {
			root.AddCommand(&cobra.Command{
				Use: "version", Short: c.summary, Args: cobra.NoArgs,
				RunE: func(cc *cobra.Command, _ []string) error {
					_, err := fmt.Fprintln(cc.OutOrStdout(), "hookdrill", versionString())
					return err
				},
			})
			continue
		}
		sink := &usageSink{Writer: io.Discard}
		err := c.run(ctx, []string{captureArg}, &environ{stdin: strings.NewReader(""), stdout: io.Discard, stderr: sink, getenv: func(string) string { return "" }})
		var cf *capturedFlags
		if !errors.As(err, &cf) {
			panic(fmt.Sprintf("hookdrill: command %s does not parse its flags with parseCommand: %v", name, err))
		}
		var rec []string
		seen := map[string]bool{}
		mirror := flag.NewFlagSet(name, flag.ContinueOnError)
		cf.fs.VisitAll(func(f *flag.Flag) {
			mirror.Var(&recValue{name: f.Name, inner: f.Value, rec: &rec, seen: seen}, f.Name, f.Usage)
			switch f.DefValue {
			case "0", "0s", "false", "[]":
				mirror.Lookup(f.Name).DefValue = "" // zero: not shown
			default:
				mirror.Lookup(f.Name).DefValue = f.DefValue
			}
		})
		use, example := splitSynopsis(sink.synopsis, name)
		run := c.run
		cc := &cobra.Command{
			Use:     use,
			Short:   c.summary,
			Long:    commandAbout(sink.about) + "\n\n" + exitTable,
			Example: example,
			RunE: func(cc *cobra.Command, args []string) error {
				cmdEnv := *env
				cmdEnv.quiet = *quiet
				on, err := colorOn(*color, env)
				if err != nil {
					return err
				}
				cmdEnv.color = on
				full := make([]string, 0, len(rec)+len(args)+4)
				for _, d := range envDefaults {
					if mirror.Lookup(d.flag) == nil || seen[d.flag] || env.getenv(d.env) == "" {
						continue
					}
					if d.flag == "target" && seen["demo"] {
						continue // --demo starts its own receiver
					}
					full = append(full, "--"+d.flag+"="+env.getenv(d.env))
				}
				full = append(full, rec...)
				full = append(full, "--")
				full = append(full, args...)
				err = run(ctx, full, &cmdEnv)
				var ee *exitError
				if err != nil && !errors.As(err, &ee) {
					// A command's own error (I/O, ...): it could not run.
					err = &exitError{code: exitProblem, err: err}
				}
				return err
			},
		}
		mirror.VisitAll(func(f *flag.Flag) {
			pf := &pflag.Flag{Name: f.Name, Usage: f.Usage, Value: f.Value.(*recValue), DefValue: f.DefValue}
			if len(f.Name) == 1 {
				// -v: a one-letter Go flag is a shorthand with a long name.
				pf.Shorthand = f.Name
				if long, ok := longNames[f.Name]; ok {
					pf.Name = long
				}
			}
			if pf.Value.(*recValue).IsBoolFlag() {
				pf.NoOptDefVal = "true"
			}
			cc.Flags().AddFlag(pf)
		})
		cc.Flags().SortFlags = true
		registerCompletions(cc)
		root.AddCommand(cc)
	}
	return root
}

// commandAbout is a command's description without its own sentence about
// exit codes (the table follows it).
func commandAbout(about string) string {
	if i := strings.Index(about, "Exit 0"); i >= 0 {
		about = about[:i]
	}
	return strings.TrimSpace(about)
}

// splitSynopsis turns "usage: hookdrill run [flags] FILE...\n       hookdrill
// run --list" into cobra's Use ("run [flags] FILE...") and further lines as
// examples.
func splitSynopsis(s, name string) (use, example string) {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	use = name
	var ex []string
	for i, l := range lines {
		l = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "usage:"))
		l = strings.TrimSpace(strings.TrimPrefix(l, "hookdrill "))
		if l == "" {
			continue
		}
		if i == 0 {
			use = l
			continue
		}
		ex = append(ex, "  hookdrill "+l)
	}
	return use, strings.Join(ex, "\n")
}

func fixedCompletion(vals ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return vals, cobra.ShellCompDirectiveNoFileComp
	}
}

// registerCompletions completes the flag values hookdrill knows.
func registerCompletions(cc *cobra.Command) {
	f := cc.Flags()
	if f.Lookup("platform") != nil {
		_ = cc.RegisterFlagCompletionFunc("platform", fixedCompletion(all.Suites().Platforms()...))
	}
	if f.Lookup("format") != nil {
		formats := report.Formats()
		if cc.Name() == "send" || cc.Name() == "trigger" {
			formats = []string{"text", "json"}
		}
		_ = cc.RegisterFlagCompletionFunc("format", fixedCompletion(formats...))
	}
	if f.Lookup("bug") != nil {
		var bugs []string
		for _, p := range all.References() {
			for _, b := range receiver.Bugs(p) {
				if !contains(bugs, string(b.Name)) {
					bugs = append(bugs, string(b.Name))
				}
			}
		}
		_ = cc.RegisterFlagCompletionFunc("bug", fixedCompletion(bugs...))
	}
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
