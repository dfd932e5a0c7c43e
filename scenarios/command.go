package scenarios

import (
	"errors"
	"fmt"
	"os"
	"path"
	"strings"
)

// Exec probes never hand a substituted value to a shell. A command string
// is split into words by SplitCommand, before any ${...} reference or
// {placeholder} is substituted, so a value always stays inside the one
// argv entry it was written in, whatever characters it holds. Only the
// explicit {sh: SCRIPT} form runs a shell, and its script may not contain
// references: values reach it through the environment (ExecEnv).

// maxEnvValue is the longest value exported to a probe command's
// environment; longer ones (and values holding NUL) are left out, since
// the kernel would refuse to start the command.
const maxEnvValue = 32 << 10

// SplitCommand splits a command string into argv words without a shell:
//
//   - words are separated by unquoted spaces, tabs and newlines;
//   - '...' is literal text (no escapes inside);
//   - "..." is literal text in which only \" and \\ are escapes;
//   - outside quotes, \ makes the next character literal;
//   - a ${...} reference (or the literal escape $${) is kept whole, in any
//     context, and is substituted later into the word that holds it;
//   - unquoted shell syntax (| & ; < > ( ) ` and $ not starting ${) is an
//     error, since no shell runs: quote it to pass it as text, or use the
//     {sh: SCRIPT} form.
//
// Nothing else is special: no globbing, no variables, no ~.
func SplitCommand(s string) ([]string, error) {
	var (
		out  []string
		cur  strings.Builder
		word bool // a word has started (possibly empty: "")
	)
	flush := func() {
		if word {
			out = append(out, cur.String())
		}
		cur.Reset()
		word = false
	}
	// ref copies a ${...} reference (or the $${ escape) starting at i and
	// returns the index after it.
	ref := func(i int) (int, error) {
		if strings.HasPrefix(s[i:], "$${") {
			cur.WriteString("$${")
			return i + 3, nil
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return 0, fmt.Errorf("%w: unterminated \"${\" (write \"$${\" for a literal)", ErrTemplate)
		}
		cur.WriteString(s[i : i+end+1])
		return i + end + 1, nil
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			flush()
			i++
		case strings.HasPrefix(s[i:], "${") || strings.HasPrefix(s[i:], "$${"):
			word = true
			j, err := ref(i)
			if err != nil {
				return nil, err
			}
			i = j
		case c == '\'':
			word = true
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return nil, errors.New("unterminated ' quote")
			}
			seg := s[i+1 : i+1+end]
			// References stay references inside quotes too.
			for k := 0; k < len(seg); {
				if strings.HasPrefix(seg[k:], "${") || strings.HasPrefix(seg[k:], "$${") {
					e := strings.IndexByte(seg[k:], '}')
					if e < 0 {
						return nil, fmt.Errorf("%w: unterminated \"${\" inside '...'", ErrTemplate)
					}
					if strings.HasPrefix(seg[k:], "$${") {
						e = 2
					}
					cur.WriteString(seg[k : k+e+1])
					k += e + 1
					continue
				}
				cur.WriteByte(seg[k])
				k++
			}
			i += end + 2
		case c == '"':
			word = true
			i++
			closed := false
			for i < len(s) {
				switch {
				case s[i] == '"':
					closed = true
					i++
				case s[i] == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\'):
					cur.WriteByte(s[i+1])
					i += 2
					continue
				case strings.HasPrefix(s[i:], "${") || strings.HasPrefix(s[i:], "$${"):
					j, err := ref(i)
					if err != nil {
						return nil, err
					}
					i = j
					continue
				default:
					cur.WriteByte(s[i])
					i++
					continue
				}
				break
			}
			if !closed {
				return nil, errors.New("unterminated \" quote")
			}
		case c == '\\':
			word = true
			if i+1 >= len(s) {
				return nil, errors.New("a \\ at the end escapes nothing")
			}
			cur.WriteByte(s[i+1])
			i += 2
		case strings.IndexByte("|&;<>()`$", c) >= 0:
			return nil, fmt.Errorf("%q is shell syntax, but exec runs no shell: quote it to pass it as text, "+
				"or run a script with exec: {sh: SCRIPT} (values then come from $HOOKDRILL_* environment variables)", string(c))
		default:
			word = true
			cur.WriteByte(c)
			i++
		}
	}
	flush()
	if len(out) == 0 {
		return nil, errors.New("empty command")
	}
	return out, nil
}

// shells are programs that would interpret an argument as code after -c.
var shells = []string{"sh", "bash", "dash", "zsh", "ksh", "ash", "mksh", "busybox", "fish", "csh", "tcsh"}

// shellScriptArg returns the index of the argv entry a shell would run as
// code ("sh -c SCRIPT"), or -1.
func shellScriptArg(argv []string) int {
	if len(argv) < 2 {
		return -1
	}
	prog := path.Base(argv[0])
	i := 1
	if prog == "env" { // env [NAME=V...] sh -c ...
		for i < len(argv) && strings.Contains(argv[i], "=") {
			i++
		}
		if i >= len(argv) {
			return -1
		}
		prog, i = path.Base(argv[i]), i+1
	}
	isShell := false
	for _, s := range shells {
		if prog == s {
			isShell = true
		}
	}
	if !isShell {
		return -1
	}
	for ; i < len(argv); i++ {
		if strings.HasPrefix(argv[i], "-") && strings.Contains(argv[i], "c") && !strings.HasPrefix(argv[i], "--") {
			if i+1 < len(argv) {
				return i + 1
			}
			return -1
		}
	}
	return -1
}

// EnvName is the environment variable name under which an exec probe
// receives a value: HOOKDRILL_ and the upper-cased parts joined by _, with
// every character outside A-Z, 0-9 and _ turned into _.
// EnvName("step", "first-send", "event_id") = HOOKDRILL_STEP_FIRST_SEND_EVENT_ID.
func EnvName(parts ...string) string {
	var b strings.Builder
	b.WriteString("HOOKDRILL")
	for _, p := range parts {
		b.WriteByte('_')
		for _, r := range strings.ToUpper(p) {
			if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
				b.WriteRune(r)
			} else {
				b.WriteByte('_')
			}
		}
	}
	return b.String()
}

// envValueOK reports whether v can be exported to a command's environment.
func envValueOK(v string) bool {
	return len(v) <= maxEnvValue && !strings.ContainsRune(v, 0)
}

// quoteArgv renders argv for display (reports, step summaries), quoted so
// that a reader sees the word boundaries. It is never run.
func quoteArgv(argv []string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		q[i] = shellQuote(a)
	}
	return strings.Join(q, " ")
}

// stepRefs reports whether template s refers to a step output (values a
// receiver may have chosen).
func stepRefs(s string) bool {
	segs, err := parseTemplate(s)
	if err != nil {
		return false
	}
	for _, sg := range segs {
		if sg.ref == nil {
			continue
		}
		switch sg.ref.ns {
		case nsEnv, nsVars, nsFake, nsScenario, nsClock:
		default:
			return true
		}
	}
	return false
}

// literalScript returns a {sh: ...} script as the shell gets it: "$${"
// becomes "${"; a reference is an error (the loader refuses them too).
func literalScript(s string) (string, error) {
	segs, err := parseTemplate(s)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, sg := range segs {
		if sg.ref != nil {
			return "", fmt.Errorf("%w ${%s}: references are never substituted into a shell script; read $HOOKDRILL_* from the environment", ErrTemplate, sg.ref.raw)
		}
		b.WriteString(sg.lit)
	}
	return b.String(), nil
}

// execEnv is the environment of a probe command: hookdrill's own
// environment plus the run's values, each under its EnvName:
//
//	HOOKDRILL_EVENT_ID, HOOKDRILL_RESOURCE_ID  the probe's event (event:, event_id:, resource_id:)
//	HOOKDRILL_STEP_<ID>_<OUTPUT>              every output of every earlier step with an id
//	HOOKDRILL_VAR_<NAME>                      every variable
//	HOOKDRILL_SCENARIO_<FIELD>                name, platform, seed, target, file (not the secret)
//
// Values longer than 32 KiB or holding NUL are left out.
func (r *run) execEnv(eventID, resourceID string) []string {
	env := os.Environ()
	add := func(name, v string) {
		if envValueOK(v) {
			env = append(env, name+"="+v)
		}
	}
	x := r.x
	for _, f := range []string{"name", "platform", "seed", "target", "file"} {
		add(EnvName("scenario", f), x.scenario[f])
	}
	for _, name := range sortedKeys(x.vars) {
		add(EnvName("var", name), x.vars[name])
	}
	for _, id := range sortedKeys(x.outputs) {
		outs := x.outputs[id]
		for _, k := range sortedKeys(outs) {
			add(EnvName("step", id, k), outs[k])
		}
	}
	add("HOOKDRILL_EVENT_ID", eventID)
	add("HOOKDRILL_RESOURCE_ID", resourceID)
	return env
}

// stepRefsAny reports whether template s holds a reference (or does not
// parse).
func stepRefsAny(s string) bool {
	segs, err := parseTemplate(s)
	if err != nil {
		return true
	}
	for _, sg := range segs {
		if sg.ref != nil {
			return true
		}
	}
	return false
}
