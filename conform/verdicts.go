package conform

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/assert"
	"github.com/hookdrill/hookdrill/platform"
	"github.com/hookdrill/hookdrill/scenarios"
)

// PreflightSuffix is the id suffix of the preflight check: one correct
// delivery that must be accepted before any other check means anything.
const PreflightSuffix = ".preflight"

// controlSuffix names the matched control scenario of a rejection check.
const controlSuffix = "#control"

// UnreachableError is returned by Run when the preflight's correct delivery
// cannot reach the target at all (nothing listening, DNS, TLS): no check
// can run. hookdrill conform exits with status 3 for it.
type UnreachableError struct {
	Target  string
	Outcome hookdrill.Outcome
	Detail  string
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("conform: could not run: the receiver at %s cannot be reached (%s: %s); is it running and listening there?",
		hookdrill.RedactURL(e.Target), e.Outcome, e.Detail)
}

// EventTypes lists the documented event types of a platform of reg.
func EventTypes(reg *platform.Registry, platformName string) ([]string, error) {
	prof, err := reg.Lookup(platformName)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, t := range prof.EventTypes() {
		out = append(out, t.Name)
	}
	return out, nil
}

// ErrUnknownEventType is wrapped by the error of a run whose Config.Events
// names a type the platform does not document.
var ErrUnknownEventType = errors.New("unknown event type")

// unknownEventTypeError is the text of such an error, wrapping
// ErrUnknownEventType.
type unknownEventTypeError string

func (e unknownEventTypeError) Error() string { return string(e) }
func (e unknownEventTypeError) Unwrap() error { return ErrUnknownEventType }

// resolveEvents validates Config.Events (default: every documented type),
// keeping the documented order.
func resolveEvents(reg *platform.Registry, platformName string, want []string) ([]string, error) {
	all, err := EventTypes(reg, platformName)
	if err != nil {
		return nil, err
	}
	if len(want) == 0 {
		return all, nil
	}
	var unknown []string
	for _, w := range want {
		if !slices.Contains(all, w) {
			unknown = append(unknown, w)
		}
	}
	if len(unknown) > 0 {
		return nil, unknownEventTypeError(fmt.Sprintf("conform: unknown %s event type %s (valid: %s)", platformName, strings.Join(unknown, ", "), strings.Join(all, ", ")))
	}
	var out []string
	for _, t := range all {
		if slices.Contains(want, t) {
			out = append(out, t)
		}
	}
	return out, nil
}

// statusesOf returns the documented statuses of an event type.
func statusesOf(reg *platform.Registry, platformName, typ string) []string {
	prof, err := reg.Lookup(platformName)
	if err != nil {
		return nil
	}
	for _, t := range prof.EventTypes() {
		if t.Name == typ {
			return t.Statuses
		}
	}
	return nil
}

// preflightYAML is the preflight scenario for one candidate event type.
func preflightYAML(platformName, typ, status string) []byte {
	send := "event: " + strconv.Quote(typ)
	if status != "" {
		send += ", status: " + strconv.Quote(status)
	}
	return []byte(`version: 1
name: ` + platformName + PreflightSuffix + `
platform: ` + platformName + `
check:
  id: ` + platformName + PreflightSuffix + `
  severity: MUST
  summary: One correctly signed delivery of an event type the receiver is subscribed to is accepted with a 2xx.
  explain: The receiver does not accept a correct delivery.
  fix: Make the receiver accept a correctly signed delivery first (run hookdrill send against it and read its log).
retries: {preset: none}
steps:
  - id: correct
    send: {` + send + `}
    expect: {status: 2xx}
`)
}

// preflight delivers one correct event of each candidate type (the
// preferred one first) until the receiver accepts one. It returns the
// preflight result and the accepted type ("" when none was accepted).
func preflight(ctx context.Context, rc scenarios.RunConfig, reg *platform.Registry, suite Suite, events []string, base uint64) (assert.ScenarioResult, string, error) {
	platformName, pref := suite.Platform, suite.Control
	cands := []string{}
	if slices.Contains(events, pref.Type) {
		cands = append(cands, pref.Type)
	}
	for _, t := range events {
		if t != pref.Type {
			cands = append(cands, t)
		}
	}
	var first assert.ScenarioResult
	var refused []string
	for i, typ := range cands {
		status := ""
		if typ == pref.Type {
			status = pref.Status
		}
		sc, err := parseScenario(reg, platformName+"/preflight.yaml", preflightYAML(platformName, typ, status))
		if err != nil { // unreachable: the template is valid
			return assert.ScenarioResult{}, "", fmt.Errorf("conform: preflight: %w", err)
		}
		sc.Seed = CheckSeed(base, platformName+PreflightSuffix+"/"+typ)
		res := scenarios.RunScenario(ctx, rc, sc)
		att := firstAttempt(res)
		obs := assert.Observe(att)
		if obs == assert.ObsUnreachable {
			return res, "", &UnreachableError{Target: rc.Target, Outcome: att.Outcome, Detail: att.Error}
		}
		if i == 0 {
			first = res
		}
		if res.Verdict == assert.Pass {
			if i > 0 {
				res.Reason = fmt.Sprintf("the receiver %s (%s); the checks use %s, which it accepted",
					strings.Join(refused, "; "), cands[0], typ)
			}
			return res, typ, nil
		}
		if res.Verdict == assert.Error {
			return res, "", nil
		}
		refused = append(refused, assert.ObservedPhrase(att)+" for "+typ)
	}
	att := firstAttempt(first)
	first.Observed = assert.Observe(att)
	if first.Check != nil {
		c := *first.Check
		c.Explain, c.Fix = preflightWhy(att, cands)
		first.Check = &c
	}
	first.Reason = "the receiver " + onCorrect(att) + " of " + cands[0] + "; every check that needs an accepted delivery is blocked by it"
	return first, "", nil
}

func preflightWhy(att *assert.AttemptSummary, cands []string) (why, fix string) {
	did := "The receiver " + onCorrect(att) + " of " + cands[0]
	if len(cands) > 1 {
		did += " and of every other subscribed event type (" + strings.Join(cands[1:], ", ") + ")"
	}
	switch assert.Observe(att) {
	case assert.ObsRefused:
		return did + ", so every real delivery would be refused and retried until the platform gives up; this one root cause hides every other check.",
			"Check that --secret is the receiver's secret and that it computes the HMAC over the raw body bytes exactly as the platform documents; --events lists the types it is subscribed to."
	case assert.ObsCrashed:
		return did + ": it fails on every real delivery (a header read with the wrong case, a body parsed before it is verified, a missing import); this one root cause hides every other check.",
			"Read the receiver's log for the exception raised by this request; look up headers case-insensitively."
	case assert.ObsRedirected:
		return did + ": the platforms never follow redirects, so every delivery fails.",
			"Point --target (and the subscription) at the final URL, e.g. with or without the trailing slash the framework wants."
	case assert.ObsTimedOut:
		return did + ", so every delivery would be retried.",
			"Acknowledge quickly (store the event, answer 2xx) and do slow work in the background."
	}
	return did + ".", "Make the receiver answer a correct delivery with a 2xx."
}

// onCorrect says what the receiver did with a correct delivery: "crashed
// on a correct delivery (HTTP 500)".
func onCorrect(att *assert.AttemptSummary) string {
	return strings.Replace(assert.ObservedPhrase(att), " it", " a correct delivery", 1)
}

// firstAttempt returns the first attempt that decided a result of sc.
func firstAttempt(sc assert.ScenarioResult) *assert.AttemptSummary {
	for _, st := range sc.Steps {
		for _, r := range st.Results {
			if r.Attempt != nil {
				return r.Attempt
			}
		}
	}
	return nil
}

// isCoverage reports whether a check is about event-type coverage.
func isCoverage(id string) bool { return strings.Contains(id, ".coverage.") }

// adaptEvents makes a check fit the receiver's subscription: coverage
// checks keep only the steps of subscribed types (false: none left), other
// checks send the working type instead of any other documented one.
func adaptEvents(sc *scenarios.Scenario, reg *platform.Registry, platformName string, events []string, working string) bool {
	documented, _ := EventTypes(reg, platformName)
	if isCoverage(checkID(sc)) {
		var keep []scenarios.Step
		for _, st := range sc.Steps {
			ev := stepEvent(&st)
			if ev != "" && slices.Contains(documented, ev) && !slices.Contains(events, ev) {
				continue
			}
			keep = append(keep, st)
		}
		sc.Steps = keep
		return len(keep) > 0
	}
	statuses := statusesOf(reg, platformName, working)
	n := 0
	for i := range sc.Steps {
		s := stepSend(&sc.Steps[i])
		if s == nil || !slices.Contains(documented, s.Event) || s.Event == working {
			continue
		}
		s.Event = working
		if s.Status != "" && !slices.Contains(statuses, s.Status) {
			s.Status = ""
			if len(statuses) > 0 {
				s.Status = statuses[n%len(statuses)]
			}
		}
		s.Extra = nil
		n++
	}
	return true
}

func stepSend(st *scenarios.Step) *scenarios.Send {
	switch {
	case st.Send != nil:
		return st.Send
	case st.Burst != nil:
		return &st.Burst.Send
	}
	return nil
}

func stepEvent(st *scenarios.Step) string {
	if s := stepSend(st); s != nil {
		return s.Event
	}
	return ""
}

// wants4xx reports whether a step's verdict rests on a rejection.
func wants4xx(st *scenarios.Step) bool {
	return st.Expect != nil && st.Expect.Status != nil && len(st.Expect.Status.Raw) == 1 && st.Expect.Status.Raw[0] == "4xx"
}

// isRejectionCheck reports whether a check's verdict rests on a rejection.
func isRejectionCheck(sc *scenarios.Scenario) bool {
	for i := range sc.Steps {
		if wants4xx(&sc.Steps[i]) {
			return true
		}
	}
	return false
}

// controlOf builds a rejection check's matched control: the same
// deliveries with fresh ids (its own seed), untampered, signed with the
// current secret, each of which must be accepted.
func controlOf(sc *scenarios.Scenario, suite Suite, reg *platform.Registry, events []string, working string, base uint64) (*scenarios.Scenario, error) {
	data, err := suite.readFile(sc.File)
	if err != nil {
		return nil, err
	}
	c, err := parseScenario(reg, sc.File, data)
	if err != nil {
		return nil, err
	}
	id := checkID(sc)
	adaptEvents(c, reg, suite.Platform, events, working)
	c.Name, c.Check, c.Requires = id+controlSuffix, nil, nil
	c.Seed = CheckSeed(base, id+controlSuffix)
	for i := range c.Steps {
		st := &c.Steps[i]
		st.Tamper = nil
		if wants4xx(st) {
			st.Expect = &scenarios.Expect{Status: &scenarios.StatusList{Set: assert.MustStatus("2xx"), Raw: []string{"2xx"}}}
		}
	}
	return c, nil
}

// applyControl turns a rejection check's result inconclusive when its
// control was not accepted, and records the control either way.
func applyControl(sc *assert.ScenarioResult, ctl assert.ScenarioResult) {
	att := firstAttempt(ctl)
	sc.Control = &assert.Control{Verdict: ctl.Verdict, Observed: assert.Observe(att), Attempt: att}
	addControlLanes(sc, ctl)
	if ctl.Verdict == assert.Pass || sc.Verdict == assert.Skip || sc.Verdict == assert.Error {
		return
	}
	if sc.Verdict == assert.Fail && failedObservation(*sc) == assert.ObsAccepted {
		// Accepting the forgery is a bug whatever the control got: this
		// verdict does not rest on a rejection.
		return
	}
	if ctl.Verdict == assert.Error {
		sc.Control.Verdict = assert.Error
	} else {
		sc.Control.Verdict = assert.Fail
	}
	sc.Verdict = assert.Inconclusive
	sc.Observed = ""
	sc.Reason = "cannot tell: its control, the same delivery untampered with fresh ids, was not accepted (the receiver " +
		onCorrect(att) + "), so its answer to the tampered delivery proves nothing"
	if ctl.Verdict == assert.Error && ctl.Reason != "" {
		sc.Reason += " (" + ctl.Reason + ")"
	}
}

// failedObservation is the observation of a result's first failure that
// carries an attempt ("" for none).
func failedObservation(sc assert.ScenarioResult) string {
	for _, f := range sc.Failures() {
		if f.Result.Attempt != nil {
			return assert.Observe(f.Result.Attempt)
		}
	}
	return ""
}

// explainModes lists, per check (without the platform prefix), the
// observations its fixed explanation describes; any other observation gets
// an explanation built from what was observed.
var explainModes = map[string][]string{
	"signature.valid":                    {assert.ObsRefused},
	"signature.raw_body":                 {assert.ObsRefused},
	"coverage.unknown_event_type":        {assert.ObsCrashed},
	"coverage.no_redirect":               {assert.ObsRedirected},
	"latency.single":                     {assert.ObsTimedOut},
	"latency.burst":                      {assert.ObsTimedOut},
	"coverage.event_types":               {assert.ObsRefused, assert.ObsCrashed, assert.ObsRedirected, assert.ObsTimedOut, assert.ObsDropped},
	"coverage.statuses":                  {assert.ObsRefused, assert.ObsCrashed, assert.ObsRedirected, assert.ObsTimedOut, assert.ObsDropped},
	"idempotency.duplicate_acknowledged": {assert.ObsRefused, assert.ObsCrashed, assert.ObsTimedOut, assert.ObsDropped},
}

// explainFailure sets a failed check's Observed and makes its explanation
// follow what was observed on the deciding attempt.
func explainFailure(sc *assert.ScenarioResult, platformName string, events []string) {
	if sc.Verdict != assert.Fail || sc.Check == nil {
		return
	}
	var f *assert.Failure
	for _, x := range sc.Failures() {
		if x.Result.Attempt != nil {
			f = &x
			break
		}
	}
	if f == nil { // decided by a probe: the explanation is about state
		return
	}
	att := f.Result.Attempt
	obs := assert.Observe(att)
	sc.Observed = obs
	c := *sc.Check
	defer func() { sc.Check = &c }()
	suffix := strings.TrimPrefix(c.ID, platformName+".")
	what := "a " + att.EventType + " delivery"
	if len(att.Faults) > 0 {
		what = "a " + att.EventType + " delivery tampered with (" + strings.Join(att.Faults, ", ") + ")"
	}
	// "The receiver crashed on a ... delivery (HTTP 500)"
	did := "The receiver " + strings.Replace(assert.ObservedPhrase(att), " it", " "+what, 1)
	if isCoverage(c.ID) && obs != assert.ObsAccepted {
		c.Explain = strings.TrimSuffix(did+". "+c.Explain, " ")
		if suffix != "unknown_event_type" && len(events) > 1 {
			rest := slices.DeleteFunc(slices.Clone(events), func(s string) bool { return s == att.EventType })
			c.Explain += " If the receiver is not subscribed to " + att.EventType + ", that is fine: narrow the set with --events " + strings.Join(rest, ",") + "."
		}
		if suffix == "unknown_event_type" && obs != assert.ObsCrashed {
			c.Explain = did + "; only a 5xx (or no answer) to an event type it cannot know yet fails this check."
		}
		return
	}
	if modes, ok := explainModes[suffix]; ok {
		if slices.Contains(modes, obs) {
			return
		}
		c.Explain = did + "; it should have accepted it with a 2xx. " + consequence(obs)
		return
	}
	switch {
	case strings.HasPrefix(suffix, "signature.") && f.Result.Expectation == "status":
		// A rejection check: the fixed explanation describes acceptance.
		if obs == assert.ObsAccepted {
			return
		}
		c.Explain = did + " instead of rejecting it with a 4xx. " + consequence(obs)
	case strings.HasPrefix(suffix, "retry."):
		if obs == assert.ObsAccepted && att.Number == 1 {
			c.Explain = "The receiver accepted the first attempt, which was tampered with (" + strings.Join(att.Faults, ", ") +
				"), so there was nothing to retry: it does not verify signatures (see the signature checks)."
			c.Fix = "Verify the signature of every attempt and reject a bad one with a 4xx."
			return
		}
		if obs != assert.ObsAccepted {
			c.Explain = "The receiver " + strings.Replace(assert.ObservedPhrase(att), " it", " attempt "+strconv.Itoa(att.Number), 1) +
				", a valid attempt after the tampered ones, so the event is never delivered. " + consequence(obs)
		}
	default:
		if obs != assert.ObsAccepted {
			c.Explain = did + "; it should have accepted it with a 2xx. " + consequence(obs)
		}
	}
}

// consequence is what an observation costs in production.
func consequence(obs string) string {
	switch obs {
	case assert.ObsRefused:
		return "A 4xx counts as a failed delivery: the platform retries it and finally drops it."
	case assert.ObsCrashed:
		return "A 5xx is retried as an outage, and a crash on hostile input invites denial of service; read the receiver's log for the exception."
	case assert.ObsRedirected:
		return "The platforms never follow redirects: the delivery fails."
	case assert.ObsTimedOut:
		return "A delivery without an answer in time is retried while the receiver may still be processing it."
	case assert.ObsDropped:
		return "A dropped connection counts as a failed delivery."
	case assert.ObsAccepted:
		return ""
	}
	return ""
}

// blockedResult is the result of a check that was not run because the
// preflight failed.
func blockedResult(sc *scenarios.Scenario, pre assert.ScenarioResult) assert.ScenarioResult {
	r := assert.ScenarioResult{Name: sc.Name, File: sc.File, Line: sc.Line, Platform: sc.Platform, Tags: sc.Tags,
		Verdict: assert.Blocked, BlockedBy: checkID(sc)}
	if sc.Check != nil {
		r.Check = &assert.Check{ID: sc.Check.ID, Severity: assert.Severity(sc.Check.Severity), Summary: sc.Check.Summary,
			Explain: sc.Check.Explain, Fix: sc.Check.Fix}
		r.Severity = r.Check.Severity
	}
	preID := sc.Platform + PreflightSuffix
	r.BlockedBy = preID
	r.Reason = "blocked by " + preID + " (the receiver " + onCorrect(firstAttempt(pre)) + "); this check needs an accepted delivery"
	return r
}

// addControlLanes draws the control's deliveries on the check's timeline,
// as lanes of their own tagged "control" (their offsets count from the
// control's own start), so every journaled attempt of a check is shown.
func addControlLanes(sc *assert.ScenarioResult, ctl assert.ScenarioResult) {
	if ctl.Timeline == nil || len(ctl.Timeline.Deliveries) == 0 {
		return
	}
	if sc.Timeline == nil {
		sc.Timeline = &assert.Timeline{Clock: ctl.Timeline.Clock, Start: ctl.Timeline.Start}
	}
	for _, d := range ctl.Timeline.Deliveries {
		d.ID = "control " + d.ID
		d.Tag = "control"
		sc.Timeline.Deliveries = append(sc.Timeline.Deliveries, d)
	}
}
