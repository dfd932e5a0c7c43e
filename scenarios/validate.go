package scenarios

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/assert"
	"github.com/hookdrill/hookdrill/platform"
)

// Limits: every count and duration a scenario can set is bounded, so that
// a scenario file cannot make a run grow without bound. Going over one is a
// loader error naming the file, line and field.
const (
	// MaxWait bounds a wait step, a probe's eventually, timeout and
	// interval (real time).
	MaxWait = 10 * time.Minute
	// MaxBurst bounds a burst's count.
	MaxBurst = 10_000
	// MaxConcurrency bounds a burst's concurrency.
	MaxConcurrency = 1_000
	// MaxAttempts bounds retries.max_attempts, and tamper.attempts and
	// fault.lost_ack (which count attempts). The platforms make 13 and 6.
	MaxAttempts = 100
	// MaxMultiplier bounds retries.multiplier.
	MaxMultiplier = 100
	// MaxAttemptTimeout bounds a per-attempt timeout (retries.timeout,
	// fault.timeout; real time).
	MaxAttemptTimeout = 10 * time.Minute
	// MaxSimSpan bounds simulated-time durations: advance, occurred,
	// fault.delay, tamper.skew and the retry delays and cutoff.
	MaxSimSpan = 366 * 24 * time.Hour
	// MaxScenarioTimeout bounds a scenario's timeout (real time).
	MaxScenarioTimeout = 24 * time.Hour
	// MaxSteps bounds the steps of one scenario.
	MaxSteps = 10_000
	// PresetNone is the retry preset for a single attempt.
	PresetNone = "none"
)

// outcomes is every attempt outcome name.
var outcomes = []hookdrill.Outcome{hookdrill.OutcomeSuccess, hookdrill.OutcomeHTTPError, hookdrill.OutcomeRedirect,
	hookdrill.OutcomeTimeout, hookdrill.OutcomeRefused, hookdrill.OutcomeReset, hookdrill.OutcomeTLS,
	hookdrill.OutcomeProtocol, hookdrill.OutcomeNetwork, hookdrill.OutcomeLostAck, hookdrill.OutcomeCancelled,
	hookdrill.OutcomeLocalError, hookdrill.OutcomeUndelivered}

func outcomeNames() []string {
	out := make([]string, len(outcomes))
	for i, o := range outcomes {
		out[i] = string(o)
	}
	return out
}

var (
	reCheckID     = regexp.MustCompile(`^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)+$`)
	reRequirement = regexp.MustCompile(`^(mock|clock\.sim|probe\.[A-Za-z_][A-Za-z0-9_-]*|vars\.[A-Za-z_][A-Za-z0-9_]*)$`)
	reProbeName   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)
)

type validator struct {
	reg  *platform.Registry
	file string
	s    *Scenario
	pos  positions
	errs *[]*FieldError
	prof hookdrill.Profile

	fields    fieldCache
	tpls      []tplRef          // strings with references, from the decoder
	byStep    map[int][]tplRef  // the same, by step index
	steps     map[string]*Step  // id → step, for steps validated so far
	kinds     map[string]string // id → kind, the same steps
	stepOrder []string
	held      map[string]bool // held send steps not yet released
	asyncs    map[string]bool // async steps not yet awaited
}

func (v *validator) errorf(path, format string, a ...any) {
	for _, e := range *v.errs {
		if e.Field == path && e.File == v.file {
			return // one error per field: the decoder already reported this one
		}
	}
	line, col := v.s.at(path)
	*v.errs = append(*v.errs, &FieldError{File: v.file, Line: line, Col: col, Field: path, Msg: fmt.Sprintf(format, a...)})
}

// exampleCheckID is a check id for error messages: one of the scenario's
// own platform when it names a known one.
func (v *validator) exampleCheckID() string {
	name := "myplatform"
	if v.prof != nil {
		name = v.prof.Name()
	}
	return name + ".signature.valid"
}

func (v *validator) has(path string) bool {
	_, ok := v.pos[path]
	return ok
}

func (v *validator) validate(root *yaml.Node) {
	s := v.s
	switch {
	case !v.has("version"):
		*v.errs = append(*v.errs, &FieldError{File: v.file, Line: root.Line, Col: root.Column, Field: "version",
			Msg: "missing: write \"version: 1\" as the first line"})
	case s.Version != Version:
		v.errorf("version", "unsupported version %d: this hookdrill reads version %d", s.Version, Version)
	}
	if s.Name == "" && s.Check != nil && s.Check.ID != "" {
		s.Name = s.Check.ID
	}
	switch {
	case s.Name == "":
		v.errorf("name", "missing: every scenario needs a name (or a check.id)")
	case strings.ContainsAny(s.Name, "\n\r\t"):
		v.errorf("name", "must be one line")
	}
	names := v.reg.Names()
	if s.Platform == "" {
		v.errorf("platform", "missing (valid: %s)", strings.Join(names, ", "))
	} else if p, err := v.reg.Lookup(s.Platform); err != nil {
		v.errorf("platform", "unknown platform %q%s (valid: %s)", s.Platform, suggest(s.Platform, names), strings.Join(names, ", "))
	} else {
		v.prof = p
	}
	v.urlField("target", s.Target)
	if s.Seed == 0 && v.has("seed") {
		v.errorf("seed", "0 means random: omit seed for a random one, or use a number >= 1")
	}
	switch s.Clock {
	case "":
		s.Clock = ClockSim
	case ClockSim, ClockReal:
	default:
		v.errorf("clock", "unknown clock %q (valid: sim, real)", s.Clock)
	}
	if s.SimStart != "" {
		if _, err := time.Parse(time.RFC3339, s.SimStart); err != nil {
			v.errorf("sim_start", "want an RFC 3339 instant such as 2026-01-05T00:00:00Z, got %q", s.SimStart)
		} else if s.Clock == ClockReal {
			v.errorf("sim_start", "only a simulated clock can start at a fixed instant (clock: real)")
		}
	}
	var varNames []string
	for _, x := range s.Vars {
		if !reVarName.MatchString(x.Name) {
			v.errorf("vars."+x.Name+"#key", "bad variable name %q: use letters, digits and _", x.Name)
		}
		varNames = append(varNames, x.Name)
	}
	if s.Timeout != nil && s.Timeout.D <= 0 {
		v.errorf("timeout", "must be positive")
	}
	if s.Timeout != nil && s.Timeout.D > MaxScenarioTimeout {
		v.errorf("timeout", "at most %s, got %s", fmtLimit(MaxScenarioTimeout), s.Timeout.Raw)
	}
	if len(s.Steps) > MaxSteps {
		v.errorf("steps", "at most %d steps, got %d (split the scenario)", MaxSteps, len(s.Steps))
	}
	if s.Retries != nil {
		v.retries("retries", s.Retries)
	}
	if c := s.Check; c != nil {
		if c.ID == "" {
			v.errorf("check", "missing id (e.g. %s)", v.exampleCheckID())
		} else if !reCheckID.MatchString(c.ID) {
			v.errorf("check.id", "bad check id %q: want dotted lower-case words, e.g. %s", c.ID, v.exampleCheckID())
		}
		switch assert.Severity(c.Severity) {
		case assert.Must, assert.Should:
		case "":
			v.errorf("check", "missing severity (valid: MUST, SHOULD)")
		default:
			v.errorf("check.severity", "unknown severity %q (valid: MUST, SHOULD)", c.Severity)
		}
	}
	for i, r := range s.Requires {
		p := fmt.Sprintf("requires[%d]", i)
		if !reRequirement.MatchString(r) {
			v.errorf(p, "unknown requirement %q (valid: probe.NAME, mock, vars.NAME, clock.sim)", r)
			continue
		}
		if name, ok := strings.CutPrefix(r, "vars."); ok && !slices.Contains(varNames, name) {
			v.errorf(p, "requires variable %q, which is not declared under vars%s", name, validList(varNames))
		}
	}
	// References outside steps; those inside are checked step by step.
	v.byStep = map[int][]tplRef{}
	for _, t := range v.tpls {
		if i, ok := stepIndex(t.path); ok {
			v.byStep[i] = append(v.byStep[i], t)
			continue
		}
		sc := refScope{vars: varNames, varLimit: -1}
		if name, ok := strings.CutPrefix(t.path, "vars."); ok {
			sc.varLimit = slices.Index(varNames, name)
		}
		v.checkRefs(t, sc)
	}
	if s.Always != nil {
		v.expect("always", "always", s.Always, nil)
	}
	if len(s.Steps) == 0 {
		if v.has("steps") {
			v.errorf("steps", "no steps: a scenario needs at least one")
		} else {
			v.errorf("steps", "missing: a scenario needs steps")
		}
		return
	}
	v.steps = map[string]*Step{}
	v.kinds = map[string]string{}
	v.held = map[string]bool{}
	v.asyncs = map[string]bool{}
	for i := range s.Steps {
		v.step(i, &s.Steps[i], varNames)
	}
	for _, id := range v.stepOrder {
		if v.held[id] {
			st := v.steps[id]
			v.errorf(fmt.Sprintf("steps[%d].hold", st.Index), "step %q is held but no release step delivers it", id)
		}
	}
}

func (v *validator) urlField(path, raw string) {
	if raw == "" || strings.Contains(raw, "${") {
		return
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		v.errorf(path, "bad URL %q: want http(s)://host[:port]/path", hookdrill.RedactURL(raw))
	}
}

func (v *validator) retries(path string, r *Retries) {
	before := len(*v.errs)
	if r.Preset != "" && r.Preset != PresetNone && v.prof != nil {
		if _, ok := v.prof.RetryPresets()[r.Preset]; !ok {
			valid := append(sortedKeys(v.prof.RetryPresets()), PresetNone)
			v.errorf(path+".preset", "unknown retry preset %q for %s (valid: %s)", r.Preset, v.prof.Name(), strings.Join(valid, ", "))
			return
		}
	}
	if r.MaxAttempts < 0 || (r.MaxAttempts == 0 && v.has(path+".max_attempts")) {
		v.errorf(path+".max_attempts", "must be at least 1")
	}
	if r.MaxAttempts > MaxAttempts {
		v.errorf(path+".max_attempts", "at most %d, got %d", MaxAttempts, r.MaxAttempts)
	}
	if r.Multiplier > MaxMultiplier {
		v.errorf(path+".multiplier", "at most %d, got %g", MaxMultiplier, r.Multiplier)
	}
	v.maxDur(path+".base_delay", r.BaseDelay, MaxSimSpan)
	v.maxDur(path+".max_delay", r.MaxDelay, MaxSimSpan)
	v.maxDur(path+".cutoff", r.Cutoff, MaxSimSpan)
	v.maxDur(path+".timeout", r.Timeout, MaxAttemptTimeout)
	for _, f := range []struct {
		name string
		d    *Duration
	}{{"base_delay", r.BaseDelay}, {"max_delay", r.MaxDelay}, {"cutoff", r.Cutoff}, {"timeout", r.Timeout}} {
		if f.d != nil && f.d.D < 0 {
			v.errorf(path+"."+f.name, "must not be negative")
		}
	}
	if r.Timeout != nil && r.Timeout.D == 0 {
		v.errorf(path+".timeout", "must be positive")
	}
	if v.has(path+".multiplier") && r.Multiplier < 1 {
		v.errorf(path+".multiplier", "must be at least 1, got %g", r.Multiplier)
	}
	switch hookdrill.Jitter(r.Jitter) {
	case "", hookdrill.JitterNone, hookdrill.JitterFull:
	default:
		v.errorf(path+".jitter", "unknown jitter %q (valid: none, full)", r.Jitter)
	}
	if v.prof != nil && before == len(*v.errs) {
		if _, err := resolvePolicy(v.prof, r, nil); err != nil {
			v.errorf(path, "%v", err)
		}
	}
}

// allowedExpect lists the expect fields a step kind takes ("always": the
// scenario's always block).
func allowedExpect(kind string, st *Step) []string {
	journal := []string{"calls", "notices"}
	if kind == "always" {
		return []string{"status", "not", "within", "attempt", "outcome"}
	}
	if k := kindNamed(kind); k != nil && k.expect != nil {
		return append(append([]string(nil), k.expect(st)...), journal...)
	}
	return journal
}

// setExpectFields lists the expect fields present, in struct order.
func (v *validator) setExpectFields(e *Expect) []string {
	var out []string
	rv := reflect.ValueOf(e).Elem()
	for _, f := range v.fields.get(rv.Type()) {
		fv := rv.FieldByIndex(f.index)
		if !fv.IsZero() {
			out = append(out, f.name)
		}
	}
	return out
}

func (v *validator) expect(path, kind string, e *Expect, st *Step) {
	allowed := allowedExpect(kind, st)
	for _, f := range v.setExpectFields(e) {
		if !slices.Contains(allowed, f) {
			what := "a " + kind + " step"
			if kind == "always" {
				what = "always (it checks every delivery attempt)"
			}
			v.errorf(path+"."+f, "%q does not apply to %s (valid here: %s)", f, what, strings.Join(allowed, ", "))
		}
	}
	if e.Outcome != nil {
		for i, o := range *e.Outcome {
			if !slices.Contains(outcomes, hookdrill.Outcome(o)) {
				p := path + ".outcome"
				if len(*e.Outcome) > 1 || v.has(fmt.Sprintf("%s[%d]", p, i)) {
					p = fmt.Sprintf("%s[%d]", p, i)
				}
				v.errorf(p, "unknown outcome %q%s (valid: %s)", o, suggest(o, outcomeNames()), strings.Join(outcomeNames(), ", "))
			}
		}
	}
	for i, c := range e.Calls {
		p := fmt.Sprintf("%s.calls[%d]", path, i)
		if c.Method != "" && !isMethod(strings.ToUpper(c.Method)) {
			v.errorf(p+".method", "unknown HTTP method %q", c.Method)
		}
		if c.Route != "" && !strings.HasPrefix(c.Route, "/") && !strings.Contains(c.Route, "${") {
			v.errorf(p+".route", "want a path or route template starting with /, e.g. /api/v1/submissions/{id}/")
		}
	}
	if e.Events != nil && e.Events.Status != "" {
		switch hookdrill.DeliveryStatus(e.Events.Status) {
		case hookdrill.StatusPending, hookdrill.StatusSucceeded, hookdrill.StatusFailed:
		default:
			v.errorf(path+".events.status", "unknown event-log status %q (valid: PENDING, SUCCEEDED, FAILED)", e.Events.Status)
		}
	}
}

func (v *validator) step(i int, st *Step, varNames []string) {
	p := fmt.Sprintf("steps[%d]", i)
	st.Index = i
	st.Line, _ = v.s.at(p)
	acts := st.actions()
	switch len(acts) {
	case 0:
		v.errorf(p, "step has no action: add one of %s", strings.Join(StepKinds(), ", "))
	case 1:
	default:
		v.errorf(p+"."+acts[1], "step has several actions (%s): one action per step", strings.Join(acts, ", "))
	}
	kind := st.Kind()
	if st.ID != "" {
		switch {
		case !reStepID.MatchString(st.ID):
			v.errorf(p+".id", "bad step id %q: use letters, digits, _ and - (no dots), starting with a letter", st.ID)
		case slices.Contains(reservedNS, st.ID):
			v.errorf(p+".id", "step id %q is reserved (reserved: %s)", st.ID, strings.Join(reservedNS, ", "))
		case v.steps[st.ID] != nil:
			v.errorf(p+".id", "duplicate step id %q (first used at line %d)", st.ID, v.steps[st.ID].Line)
		}
	}
	// Modifiers.
	k := st.kind()
	delivers := kindsWhere(func(k *stepKind) bool { return k.delivers })
	if k == nil || !k.delivers {
		for _, m := range []struct {
			name string
			set  bool
		}{{"tamper", st.Tamper != nil}, {"fault", st.Fault != nil}, {"retries", st.Retries != nil}} {
			if m.set {
				v.errorf(p+"."+m.name, "%s applies to %s steps, not %s", m.name, joinAnd(delivers), kind)
			}
		}
	}
	if st.Async && (k == nil || !k.async) {
		v.errorf(p+".async", "async applies to %s steps, not %s", joinAnd(asyncKinds()), kind)
	}
	if st.Hold && (k == nil || !k.hold) {
		v.errorf(p+".hold", "hold applies to %s steps, not %s", joinAnd(kindsWhere(func(k *stepKind) bool { return k.hold })), kind)
	}
	if st.Hold && st.Async {
		v.errorf(p+".async", "a held step is delivered by its release step: put async on the release step")
	}
	if st.Hold && st.ID == "" {
		v.errorf(p+".hold", "a held step needs an id for its release step to name")
	}
	if st.Tamper != nil {
		v.tamper(p+".tamper", st.Tamper)
	}
	if st.Fault != nil {
		v.fault(p+".fault", st.Fault)
	}
	if st.Retries != nil {
		v.retries(p+".retries", st.Retries)
	}
	if k != nil {
		if k.mock && (v.s.Mock == nil || !v.s.Mock.Enabled) {
			v.errorf(p+"."+kind, "%s acts on the embedded mock: add \"mock: true\" to the scenario", kind)
		}
		k.validate(v, p, st)
	}
	if st.Expect != nil && kind != "" {
		v.expect(p+".expect", kind, st.Expect, st)
	}
	// References: the step's own fields see the steps before it; its
	// expectations also see the step itself (its outputs exist by then).
	before := refScope{vars: varNames, varLimit: -1, steps: v.kinds, stepOrder: v.stepOrder, inStep: true}
	for _, t := range v.byStep[i] {
		sc := before
		if st.ID != "" && kind != "" && v.steps[st.ID] == nil && strings.HasPrefix(t.path, p+".expect") {
			sc.selfID, sc.selfKind = st.ID, kind
		}
		v.checkRefs(t, sc)
	}
	if st.ID != "" && v.steps[st.ID] == nil && reStepID.MatchString(st.ID) {
		v.steps[st.ID] = st
		v.kinds[st.ID] = kind
		v.stepOrder = append(v.stepOrder, st.ID)
		if st.Hold {
			v.held[st.ID] = true
		}
		if st.Async {
			v.asyncs[st.ID] = true
		}
	}
}

// execProbe checks that no value can become code: the program is not a
// step output, and no reference lands in a script a shell runs.
func (v *validator) execProbe(path string, e *ExecProbe) {
	if e.Sh != "" {
		return // its references are refused by checkRefs
	}
	if len(e.Argv) == 0 {
		v.errorf(path, "empty command")
		return
	}
	at := func(i int) string {
		if p := fmt.Sprintf("%s[%d]", path, i); v.has(p) {
			return p
		}
		return path
	}
	if stepRefs(e.Argv[0]) {
		v.errorf(at(0), "the program %q comes from a step output: name the program literally", e.Argv[0])
	}
	if i := shellScriptArg(e.Argv); i >= 0 && strings.Contains(e.Argv[i], "${") {
		v.errorf(at(i), "references are not substituted into a script that %s runs (it would run values as code): "+
			"write exec: {sh: SCRIPT} and read the values from $HOOKDRILL_* environment variables (see EnvName), or pass them as separate arguments",
			e.Argv[0])
	}
}

// reShScript matches the script of an exec probe's {sh: ...} form.
var reShScript = regexp.MustCompile(`\.probe\.exec\.sh$`)

// reStepPath finds the step a field path belongs to.
var reStepPath = regexp.MustCompile(`^steps\[(\d+)\]`)

func stepIndex(path string) (int, bool) {
	m := reStepPath.FindStringSubmatch(path)
	if m == nil {
		return 0, false
	}
	i, err := strconv.Atoi(m[1])
	return i, err == nil
}

// reLiteralField matches the fields whose text is never expanded: names,
// ids, step references, check metadata.
var reLiteralField = regexp.MustCompile(`^(name|description|tags(\[\d+\])?|requires(\[\d+\])?|check\..*|` +
	`steps\[\d+\]\.(id|name|duplicate|(release|await)(\[\d+\])?|enable|disable|inspect\.subscription|probe\.(use|event)))$`)

// checkRefs validates one string's references against sc.
func (v *validator) checkRefs(t tplRef, sc refScope) {
	if reLiteralField.MatchString(t.path) {
		v.errorAt(t, "references are not expanded in this field (it is taken literally)")
		return
	}
	if reShScript.MatchString(t.path) && stepRefsAny(t.s) {
		v.errorAt(t, "references are never substituted into a shell script (a value would run as code): "+
			"read $HOOKDRILL_EVENT_ID, $HOOKDRILL_STEP_<ID>_<OUTPUT>, $HOOKDRILL_VAR_<NAME>... from the environment, "+
			"or write $${NAME} for the shell's own ${NAME}")
		return
	}
	for _, err := range checkTemplate(t.s, sc) {
		v.errorAt(t, "%v", err)
	}
}

func (v *validator) errorAt(t tplRef, format string, a ...any) {
	*v.errs = append(*v.errs, &FieldError{File: v.file, Line: t.line, Col: t.col, Field: t.path, Msg: fmt.Sprintf(format, a...)})
}

func refPath(p string, i, n int) string {
	if n == 1 {
		return p
	}
	return fmt.Sprintf("%s[%d]", p, i)
}

// ref checks that id names an earlier step of one of kinds.
func (v *validator) ref(path, id, what string, kinds ...string) bool {
	if id == "" {
		v.errorf(path, "%s needs a step id", what)
		return false
	}
	st, ok := v.steps[id]
	if !ok {
		v.errorf(path, "no step %q before this one%s", id, stepList(v.stepOrder, id))
		return false
	}
	if !slices.Contains(kinds, st.Kind()) {
		v.errorf(path, "%s needs a %s step, but %q is a %s step", what, strings.Join(kinds, " or "), id, st.Kind())
		return false
	}
	return true
}

func (v *validator) eventType(path, name string) (hookdrill.EventType, bool) {
	var names []string
	for _, et := range v.prof.EventTypes() {
		if et.Name == name {
			return et, true
		}
		names = append(names, et.Name)
	}
	v.errorf(path, "unknown %s event type %q%s (valid: %s; for a type outside the catalogue send a raw payload)",
		v.prof.Name(), name, suggest(name, names), strings.Join(names, ", "))
	return hookdrill.EventType{}, false
}

// maxDur reports a duration longer than max (in either direction).
func (v *validator) maxDur(path string, d *Duration, max time.Duration) {
	if d != nil && (d.D > max || d.D < -max) {
		v.errorf(path, "at most %s, got %s", fmtLimit(max), d.Raw)
	}
}

// fmtLimit writes whole days as "366d".
func fmtLimit(d time.Duration) string {
	if d >= 24*time.Hour && d%(24*time.Hour) == 0 {
		return strconv.Itoa(int(d/(24*time.Hour))) + "d"
	}
	return d.String()
}

func (v *validator) send(path string, s *Send, burst bool) {
	v.maxDur(path+".occurred", s.Occurred, MaxSimSpan)
	if s.Event == "" && s.Payload == nil {
		v.errorf(path, "missing event (or a raw payload)")
		return
	}
	if s.Payload != nil && len(s.Payload.Object) == 0 {
		v.errorf(path+".payload", "empty payload")
	}
	if burst && s.EventID != "" {
		v.errorf(path+".event_id", "a burst sends distinct events: leave event_id unset")
	}
	if v.prof == nil || s.Payload != nil {
		return
	}
	literal := !strings.Contains(s.Event, "${") && !strings.Contains(s.Status, "${")
	for k, x := range s.Extra {
		literal = literal && !strings.Contains(k, "${") && !strings.Contains(x, "${")
	}
	if strings.Contains(s.Event, "${") {
		return
	}
	et, ok := v.eventType(path+".event", s.Event)
	if !ok {
		return
	}
	if s.Status != "" && !strings.Contains(s.Status, "${") {
		switch {
		case len(et.Statuses) == 0:
			v.errorf(path+".status", "%s carries no status", et.Name)
			return
		case !slices.Contains(et.Statuses, s.Status):
			v.errorf(path+".status", "unknown status %q for %s%s (valid: %s)", s.Status, et.Name, suggest(s.Status, et.Statuses), quoted(et.Statuses))
			return
		}
	}
	if literal {
		spec := hookdrill.EventSpec{Type: s.Event, Status: s.Status, Extra: s.Extra}
		if _, err := v.prof.NewEvent(spec, rand.New(rand.NewPCG(1, 2)), time.Unix(1767225600, 0)); err != nil {
			field := path
			if len(s.Extra) > 0 {
				field = path + ".extra"
			}
			v.errorf(field, "%s", strings.TrimPrefix(err.Error(), v.prof.Name()+": new event: "))
		}
	}
}

func quoted(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = strconv.Quote(x)
	}
	return strings.Join(q, ", ")
}

func (v *validator) tamper(path string, t *Tamper) {
	if len(t.Kinds) == 0 {
		v.errorf(path, "name at least one tamper kind (valid: %s)", tamperNames())
	}
	for i, k := range t.Kinds {
		fp := refPath(path+".kinds", i, len(t.Kinds))
		if !slices.Contains(hookdrill.AllTampers, hookdrill.Tamper(k)) {
			v.errorf(fp, "unknown tamper %q%s (valid: %s)", k, suggest(k, tamperList()), tamperNames())
			continue
		}
		if v.prof != nil {
			if err := checkTamper(v.prof, hookdrill.Tamper(k)); err != nil {
				v.errorf(fp, "%v", err)
			}
		}
	}
	if t.Attempts < 0 {
		v.errorf(path+".attempts", "must not be negative")
	}
	if t.Attempts > MaxAttempts {
		v.errorf(path+".attempts", "at most %d, got %d", MaxAttempts, t.Attempts)
	}
	if t.Skew != nil && t.Skew.D <= 0 {
		v.errorf(path+".skew", "must be positive")
	}
	v.maxDur(path+".skew", t.Skew, MaxSimSpan)
}

func tamperList() []string {
	out := make([]string, len(hookdrill.AllTampers))
	for i, t := range hookdrill.AllTampers {
		out[i] = string(t)
	}
	return out
}

func tamperNames() string { return strings.Join(tamperList(), ", ") }

// checkTamper reports a tamper kind the platform has no wire form for,
// the way the sender does when a delivery starts.
func checkTamper(p hookdrill.Profile, t hookdrill.Tamper) error {
	in := hookdrill.SignInput{Body: []byte("{}"), Secret: "probe-secret", SentAt: time.Unix(1767225600, 0)}
	switch t {
	case hookdrill.TamperWrongSecret, hookdrill.TamperBodyChanged:
		return nil
	case hookdrill.TamperStale, hookdrill.TamperFuture:
		a, err1 := p.Sign(in)
		in.SentAt = in.SentAt.Add(time.Hour)
		b, err2 := p.Sign(in)
		if err1 == nil && err2 == nil {
			for k := range a {
				if a.Get(k) != b.Get(k) {
					return nil
				}
			}
		}
		return fmt.Errorf("tamper %q: %s signs no timestamp", t, p.Name())
	}
	h, err := p.Sign(in)
	if err != nil {
		return fmt.Errorf("tamper %q: %w", t, err)
	}
	if err := p.ApplyTamper(h, t); err != nil {
		if errors.Is(err, hookdrill.ErrTamperUnsupported) {
			return fmt.Errorf("tamper %q is not possible on %s: %w", t, p.Name(), hookdrill.ErrTamperUnsupported)
		}
		return fmt.Errorf("tamper %q on %s: %w", t, p.Name(), err)
	}
	return nil
}

func (v *validator) fault(path string, f *Fault) {
	if f.LostAck < 0 {
		v.errorf(path+".lost_ack", "must not be negative")
	}
	if f.LostAck > MaxAttempts {
		v.errorf(path+".lost_ack", "at most %d, got %d", MaxAttempts, f.LostAck)
	}
	v.maxDur(path+".delay", f.Delay, MaxSimSpan)
	v.maxDur(path+".timeout", f.Timeout, MaxAttemptTimeout)
	if f.Delay != nil && f.Delay.D < 0 {
		v.errorf(path+".delay", "must not be negative")
	}
	switch f.BodyStyle {
	case "", "canonical", "indented":
	default:
		v.errorf(path+".body_style", "unknown body style %q (valid: canonical, indented)", f.BodyStyle)
	}
	if f.Timeout != nil && f.Timeout.D <= 0 {
		v.errorf(path+".timeout", "must be positive")
	}
}

func (v *validator) probe(path string, pr *Probe) {
	n := 0
	for _, set := range []bool{pr.HTTP != nil, pr.Exec != nil, pr.Use != ""} {
		if set {
			n++
		}
	}
	switch {
	case n == 0:
		v.errorf(path, "a probe needs one of http, exec or use")
	case n > 1:
		v.errorf(path, "a probe takes only one of http, exec or use")
	}
	if h := pr.HTTP; h != nil {
		if h.URL == "" {
			v.errorf(path+".http", "missing url")
		}
		v.urlField(path+".http.url", h.URL)
		if h.Method != "" && !isMethod(h.Method) {
			v.errorf(path+".http.method", "unknown HTTP method %q (valid: GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS)", h.Method)
		}
	}
	if e := pr.Exec; e != nil {
		v.execProbe(path+".exec", e)
	}
	if pr.Use != "" && !reProbeName.MatchString(pr.Use) {
		v.errorf(path+".use", "bad probe name %q", pr.Use)
	}
	if pr.Event != "" {
		v.ref(path+".event", pr.Event, "probe event", kindsWhere(func(k *stepKind) bool { return slices.Contains(k.outputs, OutEventID) })...)
	}
	if pr.Pointer != "" && !strings.Contains(pr.Pointer, "${") {
		if !strings.HasPrefix(pr.Pointer, "/") {
			v.errorf(path+".pointer", "want a JSON Pointer starting with / (e.g. /processed/${first.event_id})")
		} else if _, err := assert.ParsePath(pr.Pointer); err != nil {
			v.errorf(path+".pointer", "%v", err)
		}
	}
	for _, f := range []struct {
		name string
		d    *Duration
	}{{"timeout", pr.Timeout}, {"eventually", pr.Eventually}, {"interval", pr.Interval}} {
		if f.d != nil && f.d.D <= 0 {
			v.errorf(path+"."+f.name, "must be positive")
		}
	}
	if pr.Eventually != nil && pr.Eventually.D > MaxWait {
		v.errorf(path+".eventually", "at most %s", MaxWait)
	}
	v.maxDur(path+".timeout", pr.Timeout, MaxWait)
	v.maxDur(path+".interval", pr.Interval, MaxWait)
}

func (v *validator) burst(p string, st *Step) {
	v.send(p+".burst", &st.Burst.Send, true)
	if st.Burst.Count < 1 || st.Burst.Count > MaxBurst {
		v.errorf(p+".burst.count", "want a count from 1 to %d, got %d", MaxBurst, st.Burst.Count)
	}
	if st.Burst.Concurrency < 0 || (st.Burst.Count > 0 && st.Burst.Concurrency > st.Burst.Count) {
		v.errorf(p+".burst.concurrency", "want 1 to count (%d), got %d", st.Burst.Count, st.Burst.Concurrency)
	} else if st.Burst.Concurrency > MaxConcurrency {
		v.errorf(p+".burst.concurrency", "at most %d, got %d", MaxConcurrency, st.Burst.Concurrency)
	}
}

func (v *validator) release(p string, st *Step) {
	if len(*st.Release) == 0 {
		v.errorf(p+".release", "name at least one held step")
	}
	for j, id := range *st.Release {
		fp := refPath(p+".release", j, len(*st.Release))
		if v.ref(fp, id, "release", kindsWhere(func(k *stepKind) bool { return k.hold })...) {
			if !v.steps[id].Hold {
				v.errorf(fp, "step %q is not held (add hold: true to it)", id)
			} else if !v.held[id] {
				v.errorf(fp, "step %q is already released", id)
			}
			delete(v.held, id)
		}
	}
}

func (v *validator) await(p string, st *Step) {
	if len(*st.Await) == 0 {
		v.errorf(p+".await", "name at least one async step")
	}
	for j, id := range *st.Await {
		fp := refPath(p+".await", j, len(*st.Await))
		if v.ref(fp, id, "await", asyncKinds()...) {
			if !v.steps[id].Async {
				v.errorf(fp, "step %q is not async: it already waited for its delivery", id)
			} else if !v.asyncs[id] {
				v.errorf(fp, "step %q is already awaited", id)
			}
			delete(v.asyncs, id)
		}
	}
}

func (v *validator) advance(p string, st *Step) {
	if st.Advance.D <= 0 {
		v.errorf(p+".advance", "must be positive")
	}
	v.maxDur(p+".advance", st.Advance, MaxSimSpan)
	if v.s.Clock == ClockReal {
		v.errorf(p+".advance", "advance moves a simulated clock: the scenario runs with clock: real (use wait, or clock: sim)")
	}
}
