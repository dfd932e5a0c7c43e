package scenarios

import (
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/platform"
)

// Version is the scenario format version this package reads.
const Version = 1

// ClockMode selects the clock a scenario runs on.
type ClockMode string

// Clock modes.
const (
	// ClockSim is a simulated clock (the default): retries, advance steps and
	// delays take no real time, so a 48-hour schedule runs in milliseconds.
	ClockSim ClockMode = "sim"
	// ClockReal is the wall clock: waits between retries really pass.
	ClockReal ClockMode = "real"
)

// Scenario is one scenario file of format version 1. Every string field may
// hold ${...} references (see the package documentation); they are expanded
// when the scenario runs.
type Scenario struct {
	Version     int    `yaml:"version"`
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	// Platform names the platform (a name of Loader.Platforms).
	Platform string `yaml:"platform"`
	// Target is the receiver URL; RunConfig.Target overrides it.
	Target string `yaml:"target"`
	// Secret is the signing secret; RunConfig.Secret overrides it.
	Secret string `yaml:"secret"`
	// Seed reproduces ids, payloads and jitter; RunConfig.Seed overrides it;
	// without either a random seed is drawn and reported.
	Seed uint64 `yaml:"seed"`
	// Clock is sim (default) or real.
	Clock ClockMode `yaml:"clock"`
	// SimStart fixes the instant the simulated clock starts at (RFC 3339,
	// e.g. 2026-01-05T00:00:00Z), for scenarios whose outcome depends on
	// calendar days: Prolific's day-3 notice and day-5 disable count UTC
	// days, so the same retries span more days when a run starts late in
	// the day. Signatures still carry wall-clock timestamps.
	// RunConfig.SimStart overrides it; default: the wall clock's now.
	SimStart string `yaml:"sim_start"`
	// Vars are the scenario's parameters, in file order; RunConfig.Vars
	// overrides declared ones. A value may refer to ${ENV}, ${fake.*} and
	// earlier vars.
	Vars Vars `yaml:"vars"`
	// Timeout bounds the whole scenario in real time (default
	// DefaultScenarioTimeout).
	Timeout *Duration `yaml:"timeout"`
	// Retries is the scenario's retry policy (default: the platform's).
	Retries *Retries `yaml:"retries"`
	// Check is conformance metadata: id, severity, explanation and fix.
	Check *Check `yaml:"check"`
	// Requires lists what the scenario needs to run; without it the
	// scenario is skipped: "probe.NAME" (a named probe template), "mock"
	// (the embedded mock), "vars.NAME" (a non-empty variable), "clock.sim".
	Requires []string `yaml:"requires"`
	// Tags are free labels, reported.
	Tags []string `yaml:"tags"`
	// Mock runs the scenario against the embedded mock API.
	Mock *Mock `yaml:"mock"`
	// Always holds delivery expectations checked against every attempt of
	// every delivery of the scenario when it ends (e.g. not: [3xx, 5xx]).
	Always *Expect `yaml:"always"`
	// Steps run in order.
	Steps []Step `yaml:"steps"`

	// File is the path the scenario was loaded from.
	File string `yaml:"-"`
	// Line is the line of the scenario's first key.
	Line int `yaml:"-"`

	pos       positions
	platforms *platform.Registry // the Loader's: resolves Platform when RunConfig.Platforms is nil
}

// Var is one declared variable.
type Var struct {
	Name  string
	Value string
}

// Vars are declared variables in file order.
type Vars []Var

// Lookup returns a variable's value.
func (v Vars) Lookup(name string) (string, bool) {
	for _, x := range v {
		if x.Name == name {
			return x.Value, true
		}
	}
	return "", false
}

// Check is conformance metadata: what the scenario checks and what a
// failure means.
type Check struct {
	// ID is a stable dotted identifier, e.g. prolific.signature.valid.
	ID string `yaml:"id"`
	// Severity is MUST (a failure is a production bug) or SHOULD (a risk).
	Severity string `yaml:"severity"`
	// Summary says what a passing receiver does.
	Summary string `yaml:"summary"`
	// Explain says, in one sentence, what bug a failure reveals.
	Explain string `yaml:"explain"`
	// Fix says how to fix it.
	Fix string `yaml:"fix"`
}

// Mock configures the embedded mock API for a scenario. Present (even as
// "mock: true") means the scenario runs with a mock on 127.0.0.1 that
// shares its clock and journal.
type Mock struct {
	// Enabled is false only for "mock: false".
	Enabled bool `yaml:"-"`
	// Workspace is the Prolific workspace id (default: a seeded fake id).
	Workspace string `yaml:"workspace"`
	// Token is the API token the receiver uses to call the mock (Prolific
	// "Authorization: Token T"; Respondent x-api-key). Default "test-token".
	Token string `yaml:"token"`
}

// Step is one step. Exactly one action field is set; the modifiers
// (Tamper, Fault, Retries, Async, Hold) apply to delivery actions.
type Step struct {
	// ID names the step for references (${id.event_id}) and reports.
	ID string `yaml:"id"`
	// Name is a human description.
	Name string `yaml:"name"`

	// Actions: exactly one.
	Send         *Send         `yaml:"send"`
	Duplicate    *Ref          `yaml:"duplicate"`
	Release      *Refs         `yaml:"release"`
	Await        *Refs         `yaml:"await"`
	Burst        *Burst        `yaml:"burst"`
	Advance      *Duration     `yaml:"advance"`
	Wait         *Duration     `yaml:"wait"`
	Probe        *Probe        `yaml:"probe"`
	Subscribe    *Subscribe    `yaml:"subscribe"`
	Enable       *Ref          `yaml:"enable"`
	Disable      *Ref          `yaml:"disable"`
	RotateSecret *RotateSecret `yaml:"rotate_secret"`
	Trigger      *Send         `yaml:"trigger"`
	Inspect      *Inspect      `yaml:"inspect"`

	// Modifiers of delivery actions.
	Tamper  *Tamper  `yaml:"tamper"`
	Fault   *Fault   `yaml:"fault"`
	Retries *Retries `yaml:"retries"`
	// Async starts the delivery and moves on; a later await step (or the
	// end of the scenario) waits for it and checks its expectations.
	Async bool `yaml:"async"`
	// Hold builds the event (ids, X-Timestamp) now but delivers it only at
	// a later release step: the way to deliver events out of order.
	Hold bool `yaml:"hold"`

	Expect *Expect `yaml:"expect"`

	// Index is the step's 0-based position; Line its line in the file.
	Index int `yaml:"-"`
	Line  int `yaml:"-"`
}

// Send describes an event to deliver (send, trigger and burst steps).
type Send struct {
	// Event is the platform's event type.
	Event string `yaml:"event"`
	// Status is the status the event announces (a status of the type's
	// vocabulary, literal spaces and hyphens included).
	Status string `yaml:"status"`
	// Resource is the resource id (default: a seeded fake id).
	Resource string `yaml:"resource"`
	// EventID is the event id: X-Event-ID, Respondent uuid (default: fake).
	EventID string `yaml:"event_id"`
	// Occurred offsets the event time (X-Timestamp, "created") from the
	// clock's now, e.g. "-10m" for an event that happened ten minutes ago.
	Occurred *Duration `yaml:"occurred"`
	// Extra sets platform-specific fields (participant_id, projectId,
	// screenerResponseUpdatedType, oldValue...).
	Extra map[string]string `yaml:"extra"`
	// Payload is sent as the body instead of a generated one (any event
	// type, including ones the catalogue does not know).
	Payload *Payload `yaml:"payload"`
}

// Burst delivers Count distinct events, Concurrency at a time.
type Burst struct {
	Send        `yaml:",inline"`
	Count       int `yaml:"count"`
	Concurrency int `yaml:"concurrency"`
}

// Tamper corrupts a delivery's signature or body.
type Tamper struct {
	// Kinds are hookdrill tamper kinds: wrong_secret, flip_signature,
	// body_changed, missing_signature, missing_timestamp, malformed_base64,
	// unknown_algorithm, stale_timestamp, future_timestamp.
	Kinds []string `yaml:"kinds"`
	// Attempts limits the tampering to the first N attempts (0: all), so a
	// valid retry follows.
	Attempts int `yaml:"attempts"`
	// Skew is how far stale/future timestamps are moved (default 10m).
	Skew *Duration `yaml:"skew"`
}

// Fault changes how a delivery is made.
type Fault struct {
	// LostAck treats the receiver's first N answers as timeouts, so the
	// platform redelivers an event the receiver already processed.
	LostAck int `yaml:"lost_ack"`
	// Delay waits this long on the scenario clock before the first attempt.
	Delay *Duration `yaml:"delay"`
	// BodyStyle is canonical (default) or indented (valid, correctly signed
	// bytes that differ from any re-serialisation).
	BodyStyle string `yaml:"body_style"`
	// Algorithm overrides the signature algorithm where the platform names
	// one (respondent: sha256, sha512).
	Algorithm string `yaml:"algorithm"`
	// Timeout overrides the per-attempt timeout.
	Timeout *Duration `yaml:"timeout"`
}

// Retries selects a retry policy: a preset name and overrides.
type Retries struct {
	// Preset is a platform preset (prolific, prolific-legacy, respondent) or
	// "none" (a single attempt). Empty: the platform's default.
	Preset      string    `yaml:"preset"`
	MaxAttempts int       `yaml:"max_attempts"`
	BaseDelay   *Duration `yaml:"base_delay"`
	Multiplier  float64   `yaml:"multiplier"`
	MaxDelay    *Duration `yaml:"max_delay"`
	Jitter      string    `yaml:"jitter"`
	Cutoff      *Duration `yaml:"cutoff"`
	Timeout     *Duration `yaml:"timeout"`
}

// Probe looks at the receiver's state: over HTTP, by running a command, or
// through a named probe template the runner supplies.
type Probe struct {
	HTTP *HTTPProbe `yaml:"http"`
	Exec *ExecProbe `yaml:"exec"`
	// Use names a probe template of RunConfig.Probes (e.g. "applied",
	// "status"); the scenario is skipped when the runner has none.
	Use string `yaml:"use"`
	// Event is the step whose event_id and resource_id fill the template's
	// {event_id} and {resource_id}.
	Event string `yaml:"event"`
	// EventID and ResourceID set {event_id} and {resource_id} directly.
	EventID    string `yaml:"event_id"`
	ResourceID string `yaml:"resource_id"`
	// Pointer narrows the value to a JSON Pointer inside the output.
	Pointer string `yaml:"pointer"`
	// Default is the value when the output is empty or the pointer selects
	// nothing (e.g. 0 for "applied" counts).
	Default *Value `yaml:"default"`
	// Timeout bounds one probe (default DefaultProbeTimeout).
	Timeout *Duration `yaml:"timeout"`
	// Eventually repeats the probe (real time) until its expectations hold
	// or this long has passed, for receivers that process asynchronously.
	Eventually *Duration `yaml:"eventually"`
	// Interval is the pause between repetitions (default 100ms).
	Interval *Duration `yaml:"interval"`
}

// HTTPProbe is an HTTP request whose answer is the probe's output.
type HTTPProbe struct {
	Method  string            `yaml:"method"`
	URL     string            `yaml:"url"`
	Headers map[string]string `yaml:"headers"`
	Body    string            `yaml:"body"`
}

// ExecProbe is a command whose standard output is the probe's output. No
// shell runs unless Sh is set:
//
//	exec: "prog arg 'two words' ${first.event_id}"  # split by SplitCommand, then substituted word by word
//	exec: [prog, arg, "${first.event_id}"]           # argv as written, each entry substituted
//	exec: {sh: 'printf %s "$HOOKDRILL_EVENT_ID"'}    # sh -c SCRIPT; no ${...} references in SCRIPT
//
// Every form gets the run's values as environment variables (see
// ExecEnv and EnvName).
type ExecProbe struct {
	// Argv is the program and its arguments, each a template.
	Argv []string
	// Sh is a script run by "sh -c" (opt-in). It may not hold references;
	// "$${" is a literal "${" for the shell's own parameter expansion.
	Sh string
}

// Subscribe creates (and by default confirms) a subscription on the mock.
type Subscribe struct {
	// Event is the event type (Prolific; Respondent webhooks get all events).
	Event string `yaml:"event"`
	// Target is the URL (default: the scenario target).
	Target string `yaml:"target"`
	// Confirm performs the confirmation handshake (default true).
	Confirm *bool `yaml:"confirm"`
}

// RotateSecret replaces the workspace secret (Prolific) or re-creates the
// webhook with a new key (Respondent) on the mock.
type RotateSecret struct{}

// Inspect reads the mock's state for expectations.
type Inspect struct {
	// Subscription is a subscribe step.
	Subscription string `yaml:"subscription"`
}

// Expect lists expectations. Which fields apply depends on the step.
type Expect struct {
	// Deliveries (send, duplicate, burst, trigger).
	Status    *StatusList `yaml:"status"`
	Not       *StatusList `yaml:"not"`
	Within    *Duration   `yaml:"within"`
	Attempt   *Selector   `yaml:"attempt"`
	Attempts  *Matcher    `yaml:"attempts"`
	Delivered *bool       `yaml:"delivered"`
	Outcome   *Strings    `yaml:"outcome"`
	// Count is the number of deliveries (burst, trigger).
	Count *Matcher `yaml:"count"`

	// Probes.
	Value  *Matcher      `yaml:"value"`
	JSON   *PathMatchers `yaml:"json"`
	Exit   *Matcher      `yaml:"exit"`
	Stdout *Matcher      `yaml:"stdout"`

	// Mock state (inspect).
	Enabled *bool `yaml:"enabled"`
	// Events counts the subscription's event-log records by status.
	Events *EventsExpect `yaml:"events"`

	// Journal (any step): API calls into the mock and platform notices.
	Calls   []CallsExpect  `yaml:"calls"`
	Notices []NoticeExpect `yaml:"notices"`
}

// EventsExpect counts event-log records of a subscription on the mock.
type EventsExpect struct {
	Status   string   `yaml:"status"` // PENDING, SUCCEEDED, FAILED
	Resource string   `yaml:"resource"`
	Count    *Matcher `yaml:"count"`
}

// CallsExpect counts the receiver's calls into the mock API.
type CallsExpect struct {
	Method   string      `yaml:"method"`
	Route    string      `yaml:"route"`
	Resource string      `yaml:"resource"`
	Status   *StatusList `yaml:"status"`
	Count    *Matcher    `yaml:"count"`
}

// NoticeExpect counts platform notices (auto_disabled,
// customer_success_notified, secret_rotated).
type NoticeExpect struct {
	Type  string   `yaml:"type"`
	Event string   `yaml:"event"`
	Count *Matcher `yaml:"count"`
}

// Duration is a duration written as a string: Go syntax ("1m30s", "500ms")
// plus days ("2d", "1d12h"). Negative values are allowed where a field says
// so (occurred).
type Duration struct {
	D   time.Duration
	Raw string
}

// Ref names an earlier step.
type Ref string

// Refs is one step reference or a list of them.
type Refs []string

// Strings is one string or a list of them.
type Strings []string

// Payload is a raw body object, in file key order.
type Payload struct {
	Object hookdrill.Object
}

// Value is any YAML value (scalar, list, mapping), as a JSON-like Go value.
type Value struct {
	V any
}

// positions maps field paths ("steps[2].expect.status") to file positions.
type positions map[string]pos

type pos struct{ line, col int }
