package scenarios

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v7"

	"github.com/hookdrill/hookdrill"
)

// Reference namespaces.
const (
	nsEnv      = ""         // ${NAME}, ${NAME:-default}
	nsVars     = "vars"     // ${vars.NAME}
	nsFake     = "fake"     // ${fake.GENERATOR}
	nsScenario = "scenario" // ${scenario.FIELD}
	nsClock    = "clock"    // ${clock.FIELD}
)

var (
	reEnvName  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	reStepID   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)
	reVarName  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	reservedNS = []string{nsVars, nsFake, nsScenario, nsClock, "env", "probe", "mock", "step", "steps"}
)

// ErrTemplate is wrapped by template syntax and reference errors.
var ErrTemplate = errors.New("bad reference")

// fakeGenerators are the ${fake.*} generators, each drawing from the
// scenario's seeded faker.
func fakeGenerators() map[string]func(f *gofakeit.Faker) string {
	return map[string]func(f *gofakeit.Faker) string{
		"objectid":   func(f *gofakeit.Faker) string { return fmt.Sprintf("%016x%08x", f.Uint64(), f.Uint32()) },
		"uuid":       func(f *gofakeit.Faker) string { return f.UUID() },
		"name":       func(f *gofakeit.Faker) string { return f.Name() },
		"first_name": func(f *gofakeit.Faker) string { return f.FirstName() },
		"last_name":  func(f *gofakeit.Faker) string { return f.LastName() },
		"email":      func(f *gofakeit.Faker) string { return f.Email() },
		"word":       func(f *gofakeit.Faker) string { return f.Word() },
		"sentence":   func(f *gofakeit.Faker) string { return f.Sentence() },
		"company":    func(f *gofakeit.Faker) string { return f.Company() },
		"url":        func(f *gofakeit.Faker) string { return f.URL() },
		"number":     func(f *gofakeit.Faker) string { return strconv.Itoa(f.Number(0, 1_000_000)) },
		"digits":     func(f *gofakeit.Faker) string { return f.DigitN(8) },
		"hex":        func(f *gofakeit.Faker) string { return fmt.Sprintf("%016x", f.Uint64()) },
	}
}

// FakeGenerators lists the ${fake.*} generator names, sorted.
func FakeGenerators() []string { return sortedKeys(fakeGenerators()) }

// scenarioFields are the ${scenario.*} fields.
var scenarioFields = []string{"name", "platform", "seed", "target", "secret", "file"}

// clockFields are the ${clock.*} fields: the scenario clock's now.
var clockFields = []string{"unix", "unix_ms", "rfc3339", "iso"}

// ref is one ${...} reference.
type ref struct {
	raw   string // text between ${ and }
	ns    string // namespace, nsEnv or a step id
	name  string // env name, var name, generator, field
	def   string // env default after :-
	hasDf bool
}

// segment is a literal or a reference.
type segment struct {
	lit string
	ref *ref
}

// parseTemplate splits s into literals and references. "$${" is a
// literal "${".
func parseTemplate(s string) ([]segment, error) {
	if !strings.Contains(s, "${") {
		return []segment{{lit: s}}, nil
	}
	var out []segment
	var lit strings.Builder
	for i := 0; i < len(s); {
		if strings.HasPrefix(s[i:], "$${") {
			lit.WriteString("${")
			i += 3
			continue
		}
		if !strings.HasPrefix(s[i:], "${") {
			lit.WriteByte(s[i])
			i++
			continue
		}
		end := strings.IndexByte(s[i+2:], '}')
		if end < 0 {
			return nil, fmt.Errorf("%w: unterminated \"${\" (write \"$${\" for a literal)", ErrTemplate)
		}
		body := s[i+2 : i+2+end]
		r, err := parseRef(body)
		if err != nil {
			return nil, err
		}
		if lit.Len() > 0 {
			out = append(out, segment{lit: lit.String()})
			lit.Reset()
		}
		out = append(out, segment{ref: r})
		i += 2 + end + 1
	}
	if lit.Len() > 0 {
		out = append(out, segment{lit: lit.String()})
	}
	return out, nil
}

func parseRef(body string) (*ref, error) {
	r := &ref{raw: body}
	if body == "" {
		return nil, fmt.Errorf("%w: empty ${}", ErrTemplate)
	}
	if strings.Contains(body, "${") {
		return nil, fmt.Errorf("%w ${%s}: references cannot nest", ErrTemplate, body)
	}
	head, def, hasDef := strings.Cut(body, ":-")
	ns, name, dotted := strings.Cut(head, ".")
	if !dotted {
		envName := head
		if !reEnvName.MatchString(envName) {
			return nil, fmt.Errorf("%w ${%s}: want ${ENV_NAME}, ${ENV_NAME:-default}, ${vars.NAME}, ${fake.GENERATOR}, ${scenario.FIELD}, ${clock.FIELD} or ${STEP.FIELD}", ErrTemplate, body)
		}
		r.ns, r.name, r.def, r.hasDf = nsEnv, envName, def, hasDef
		return r, nil
	}
	if hasDef {
		return nil, fmt.Errorf("%w ${%s}: a default (:-) is only allowed for environment variables", ErrTemplate, body)
	}
	if ns == "" || name == "" || strings.Contains(name, ".") || !reStepID.MatchString(ns) {
		return nil, fmt.Errorf("%w ${%s}: want NAMESPACE.FIELD (e.g. ${vars.x}, ${first.event_id})", ErrTemplate, body)
	}
	r.ns, r.name = ns, name
	return r, nil
}

// refScope says what a string may refer to: the declared variables (in
// order; a variable may use earlier ones only) and the steps before the
// current one with their kinds.
type refScope struct {
	vars      []string
	varLimit  int // number of vars visible (for vars referring to vars)
	steps     map[string]string
	stepOrder []string
	inStep    bool
	// selfID is the current step, visible to its own expectations.
	selfID, selfKind string
}

// checkTemplate validates every reference of s against scope.
func checkTemplate(s string, sc refScope) []error {
	segs, err := parseTemplate(s)
	if err != nil {
		return []error{err}
	}
	var errs []error
	for _, sg := range segs {
		if sg.ref == nil {
			continue
		}
		if err := checkRef(sg.ref, sc); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

func checkRef(r *ref, sc refScope) error {
	switch r.ns {
	case nsEnv:
		return nil
	case nsVars:
		visible := sc.vars
		if sc.varLimit >= 0 && sc.varLimit < len(visible) {
			visible = visible[:sc.varLimit]
		}
		if !slices.Contains(visible, r.name) {
			if slices.Contains(sc.vars, r.name) {
				return fmt.Errorf("%w ${%s}: a variable can only use variables declared before it", ErrTemplate, r.raw)
			}
			return fmt.Errorf("%w ${%s}: no variable %q is declared under vars%s", ErrTemplate, r.raw, r.name, validList(visible))
		}
	case nsFake:
		if _, ok := fakeGenerators()[r.name]; !ok {
			return fmt.Errorf("%w ${%s}: unknown fake generator %q%s (valid: %s)", ErrTemplate, r.raw, r.name,
				suggest(r.name, FakeGenerators()), strings.Join(FakeGenerators(), ", "))
		}
	case nsScenario:
		if !slices.Contains(scenarioFields, r.name) {
			return fmt.Errorf("%w ${%s}: unknown scenario field %q (valid: %s)", ErrTemplate, r.raw, r.name, strings.Join(scenarioFields, ", "))
		}
	case nsClock:
		if !slices.Contains(clockFields, r.name) {
			return fmt.Errorf("%w ${%s}: unknown clock field %q (valid: %s)", ErrTemplate, r.raw, r.name, strings.Join(clockFields, ", "))
		}
	default:
		if slices.Contains(reservedNS, r.ns) {
			return fmt.Errorf("%w ${%s}: unknown namespace %q (valid: vars, fake, scenario, clock, or a step id)", ErrTemplate, r.raw, r.ns)
		}
		if !sc.inStep {
			return fmt.Errorf("%w ${%s}: step outputs can only be used inside steps", ErrTemplate, r.raw)
		}
		kind, ok := sc.steps[r.ns]
		if r.ns == sc.selfID && sc.selfID != "" {
			kind, ok = sc.selfKind, true
		}
		if !ok {
			return fmt.Errorf("%w ${%s}: no step %q before this one%s", ErrTemplate, r.raw, r.ns, stepList(sc.stepOrder, r.ns))
		}
		outs := outputsOf(kind)
		if !slices.Contains(outs, r.name) {
			if len(outs) == 0 {
				return fmt.Errorf("%w ${%s}: a %s step has no outputs", ErrTemplate, r.raw, kind)
			}
			return fmt.Errorf("%w ${%s}: a %s step has no output %q%s (valid: %s)", ErrTemplate, r.raw, kind, r.name,
				suggest(r.name, outs), strings.Join(outs, ", "))
		}
	}
	return nil
}

func validList(xs []string) string {
	if len(xs) == 0 {
		return ""
	}
	return " (declared: " + strings.Join(xs, ", ") + ")"
}

func stepList(ids []string, want string) string {
	if len(ids) == 0 {
		return " (no earlier step has an id)"
	}
	return suggest(want, ids) + " (earlier steps: " + strings.Join(ids, ", ") + ")"
}

// Step output names by step kind.
const (
	OutEventID     = "event_id"     // X-Event-ID / uuid
	OutResourceID  = "resource_id"  // resource the event concerns
	OutEventType   = "event_type"   // event type
	OutEventStatus = "event_status" // the status the event announced
	OutXTimestamp  = "x_timestamp"  // event time, UNIX seconds (Prolific X-Timestamp)
	OutCreated     = "created"      // event time, RFC 3339 with milliseconds
	OutDeliveryID  = "delivery_id"  // the delivery's journal id
	OutStatus      = "status"       // last HTTP status (deliveries, http probes)
	OutAttempts    = "attempts"     // number of attempts
	OutOutcome     = "outcome"      // outcome of the last attempt
	OutDelivered   = "delivered"    // "true"/"false"; for bursts and triggers, how many were delivered
	OutBody        = "body"         // the request body as sent
	OutCount       = "count"        // deliveries made (burst, trigger)
	OutValue       = "value"        // probe value (JSON text, or the text)
	OutExit        = "exit"         // exec probe exit code
	OutStdout      = "stdout"       // exec probe stdout / http probe body
	OutSubID       = "subscription_id"
)

// expander expands references at run time.
type expander struct {
	getenv   func(string) string
	vars     map[string]string
	outputs  map[string]map[string]string // step id → outputs
	pending  map[string]string            // step id → why its outputs are not there yet
	faker    *gofakeit.Faker
	scenario map[string]string
	now      func() time.Time
	red      *hookdrill.Redactor // learns credentials as they are resolved
}

// reCredName matches variable and environment names that hold
// credentials: their values are redacted wherever they appear.
var reCredName = regexp.MustCompile(`(?i)secret|token|key|pass|pwd|auth|credential|cookie|session|private|signature`)

// expandCred expands s, which is used as a credential (a secret, a mock
// token, an exec probe's argument, a probe header): the values of its
// environment references are redacted from every output, whatever their
// names.
func (x *expander) expandCred(s string) (string, error) {
	if segs, err := parseTemplate(s); err == nil {
		for _, sg := range segs {
			if sg.ref != nil && sg.ref.ns == nsEnv {
				if v, err := x.resolve(sg.ref); err == nil {
					x.red.Add(v)
				}
			}
		}
	}
	return x.expand(s)
}

// expand replaces every reference of s.
func (x *expander) expand(s string) (string, error) {
	if !strings.Contains(s, "${") {
		return s, nil
	}
	segs, err := parseTemplate(s)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, sg := range segs {
		if sg.ref == nil {
			b.WriteString(sg.lit)
			continue
		}
		v, err := x.resolve(sg.ref)
		if err != nil {
			return "", err
		}
		b.WriteString(v)
	}
	return b.String(), nil
}

func (x *expander) resolve(r *ref) (string, error) {
	switch r.ns {
	case nsEnv:
		v := ""
		if x.getenv != nil {
			v = x.getenv(r.name)
		}
		if v == "" {
			if r.hasDf {
				return r.def, nil
			}
			return "", fmt.Errorf("%w ${%s}: environment variable %s is not set (or write ${%s:-default})", ErrTemplate, r.raw, r.name, r.name)
		}
		if reCredName.MatchString(r.name) {
			x.red.Add(v)
		}
		return v, nil
	case nsVars:
		v, ok := x.vars[r.name]
		if !ok {
			return "", fmt.Errorf("%w ${%s}: no such variable", ErrTemplate, r.raw)
		}
		return v, nil
	case nsFake:
		g, ok := fakeGenerators()[r.name]
		if !ok {
			return "", fmt.Errorf("%w ${%s}: unknown fake generator", ErrTemplate, r.raw)
		}
		return g(x.faker), nil
	case nsScenario:
		return x.scenario[r.name], nil
	case nsClock:
		now := x.now().UTC()
		switch r.name {
		case "unix":
			return strconv.FormatInt(now.Unix(), 10), nil
		case "unix_ms":
			return strconv.FormatInt(now.UnixMilli(), 10), nil
		case "rfc3339":
			return now.Format(time.RFC3339), nil
		case "iso":
			return now.Format("2006-01-02T15:04:05.000Z"), nil
		}
		return "", fmt.Errorf("%w ${%s}: unknown clock field", ErrTemplate, r.raw)
	}
	outs, ok := x.outputs[r.ns]
	if !ok {
		if why, p := x.pending[r.ns]; p {
			return "", fmt.Errorf("%w ${%s}: step %q %s", ErrTemplate, r.raw, r.ns, why)
		}
		return "", fmt.Errorf("%w ${%s}: step %q has not run", ErrTemplate, r.raw, r.ns)
	}
	v, ok := outs[r.name]
	if !ok {
		return "", fmt.Errorf("%w ${%s}: step %q has no output %q yet", ErrTemplate, r.raw, r.ns, r.name)
	}
	return v, nil
}
