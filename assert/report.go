package assert

import (
	"strconv"
	"time"
)

// ReportVersion is the version of the JSON report schema (see WriteJSON).
// It changes only when a field is removed or changes meaning; new fields
// may be added within a version.
const ReportVersion = 1

// ReportKind is the "kind" of a scenario or conformance report, so that
// tools reading hookdrill's JSON documents (hookdrill report) can tell it
// from other kinds of results. Reports written before the field existed
// have none; they are of this kind.
const ReportKind = "scenarios"

// Report is the result of one run of scenarios.
type Report struct {
	Version int    `json:"version"`
	Tool    string `json:"tool"` // "hookdrill"
	// Kind is ReportKind.
	Kind     string    `json:"kind,omitempty"`
	Started  time.Time `json:"started"`
	Duration float64   `json:"duration_s"`
	Summary  Summary   `json:"summary"`
	// Runs describes the runs the report covers: one, or several when
	// reports (the shards of a run, both platforms of a conformance run)
	// were merged.
	Runs      []RunInfo        `json:"runs,omitempty"`
	Scenarios []ScenarioResult `json:"scenarios"`
}

// RunInfo describes one run (one command invocation) of a report.
type RunInfo struct {
	// Command is how the run's command line starts, e.g. "hookdrill run".
	Command string `json:"command,omitempty"`
	// Platform is the conformance suite's platform.
	Platform string `json:"platform,omitempty"`
	// Target is the receiver's URL, redacted.
	Target string `json:"target,omitempty"`
	// Seed reproduces the whole run when one seed does (conform, run
	// --seed); 0 when every scenario used its own (see each scenario's).
	Seed uint64 `json:"seed,omitempty"`
	// Shard is "i/n" when the run was one shard of a larger one.
	Shard string `json:"shard,omitempty"`
	// Strict: SHOULD failures failed the run (conform --strict).
	Strict bool `json:"strict,omitempty"`
	// Rerun is a command line that reruns the whole run.
	Rerun    string    `json:"rerun,omitempty"`
	Started  time.Time `json:"started"`
	Duration float64   `json:"duration_s"`
}

// Summary counts scenarios by verdict.
type Summary struct {
	Total   int `json:"total"`
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
	Errors  int `json:"errors"`
	// Inconclusive counts checks whose control was not accepted; Blocked
	// counts checks not run because the preflight failed.
	Inconclusive int     `json:"inconclusive"`
	Blocked      int     `json:"blocked"`
	Verdict      Verdict `json:"verdict"` // worst scenario verdict; pass for an empty run
	// MustFailed counts failed scenarios of severity MUST (conformance).
	MustFailed int `json:"must_failed"`
}

// Tally recomputes r.Summary from r.Scenarios.
func (r *Report) Tally() {
	s := Summary{Verdict: Pass}
	for _, sc := range r.Scenarios {
		s.Total++
		switch sc.Verdict {
		case Pass:
			s.Passed++
		case Fail:
			s.Failed++
			if sc.Severity == Must {
				s.MustFailed++
			}
		case Skip:
			s.Skipped++
		case Inconclusive:
			s.Inconclusive++
		case Blocked:
			s.Blocked++
		default:
			s.Errors++
		}
		if sc.Verdict != Skip {
			s.Verdict = Worse(s.Verdict, sc.Verdict)
		}
	}
	r.Summary = s
}

// Check is a scenario's conformance metadata.
type Check struct {
	ID       string   `json:"id"`
	Severity Severity `json:"severity,omitempty"`
	Summary  string   `json:"summary,omitempty"` // what a passing receiver does
	Explain  string   `json:"explain,omitempty"` // the bug a failure reveals, one sentence
	Fix      string   `json:"fix,omitempty"`     // how to fix it
}

// ScenarioResult is the result of one scenario.
type ScenarioResult struct {
	Name     string   `json:"name"`
	File     string   `json:"file"`
	Line     int      `json:"line,omitempty"`
	Platform string   `json:"platform"`
	Check    *Check   `json:"check,omitempty"`
	Severity Severity `json:"severity,omitempty"`
	Tags     []string `json:"tags,omitempty"`
	Verdict  Verdict  `json:"verdict"`
	// Reason says why a scenario was skipped or errored, or sums up its
	// first failure.
	Reason string `json:"reason,omitempty"`
	// Needs lists the unmet requirements of a skipped scenario, e.g.
	// "probe.applied".
	Needs    []string     `json:"needs,omitempty"`
	Seed     uint64       `json:"seed"`
	Started  time.Time    `json:"started"`
	Duration float64      `json:"duration_s"`
	Steps    []StepResult `json:"steps,omitempty"`
	// Always holds the results of the scenario's every-delivery expectations.
	Always []Result `json:"always,omitempty"`
	// Rerun is a command line that reruns exactly this scenario.
	Rerun string `json:"rerun,omitempty"`
	// Observed classifies the answer that decided a failed, inconclusive or
	// blocking check: accepted, refused, crashed, redirected, timed out or
	// unreachable (see Observe).
	Observed string `json:"observed,omitempty"`
	// BlockedBy is the id of the check whose failure blocked this one.
	BlockedBy string `json:"blocked_by,omitempty"`
	// Control is the matched control of a check whose verdict rests on a
	// rejection: the same delivery with fresh ids, untampered, which must
	// be accepted for the rejection to mean anything.
	Control *Control `json:"control,omitempty"`
	// Position is the scenario's 1-based place among the scenarios the run
	// selected before sharding, so the shards of a run merge back into its
	// order.
	Position int `json:"position,omitempty"`
	// Timeline is every attempt and probe the scenario's journal recorded.
	Timeline *Timeline `json:"timeline,omitempty"`
}

// Control is the result of a check's matched control delivery.
type Control struct {
	Verdict  Verdict         `json:"verdict"` // pass when the control was accepted
	Observed string          `json:"observed,omitempty"`
	Attempt  *AttemptSummary `json:"attempt,omitempty"`
}

// StepResult is the result of one step.
type StepResult struct {
	Index    int     `json:"index"` // 1-based
	ID       string  `json:"id,omitempty"`
	Name     string  `json:"name,omitempty"`
	Kind     string  `json:"kind"`
	Summary  string  `json:"summary"` // e.g. "send submission.status.change APPROVED"
	Line     int     `json:"line,omitempty"`
	Verdict  Verdict `json:"verdict"`
	Duration float64 `json:"duration_s"`
	// Error says why the step could not run (verdict error).
	Error   string   `json:"error,omitempty"`
	Results []Result `json:"results,omitempty"`
	// Outputs are the values later steps can refer to (event_id, status...).
	Outputs map[string]string `json:"outputs,omitempty"`
}

// Finish sets the step's verdict from its results and error.
func (s *StepResult) Finish() {
	v := Worst(s.Results)
	if s.Error != "" {
		v = Error
	}
	s.Verdict = v
}

// Finish sets the scenario's verdict from its steps, unless it is already
// skip or error, and fills Reason with the first failure.
func (sc *ScenarioResult) Finish() {
	if sc.Verdict == Skip || sc.Verdict == Error || sc.Verdict == Blocked || sc.Verdict == Inconclusive {
		return
	}
	v := Worst(sc.Always)
	for _, st := range sc.Steps {
		v = Worse(v, st.Verdict)
	}
	sc.Verdict = v
	if sc.Reason != "" {
		return
	}
	if fs := sc.Failures(); len(fs) > 0 {
		f := fs[0]
		if f.Step != nil && f.Step.Error != "" {
			sc.Reason = stepLabel(*f.Step) + ": " + f.Step.Error
		} else {
			sc.Reason = f.Where() + ": " + f.Result.Expectation + f.Result.WantGot()
		}
	}
}

// Failure is one failed or errored expectation, with its step.
type Failure struct {
	Step   *StepResult // nil for the scenario's always-expectations
	Result Result
}

// Where names the failure's step.
func (f Failure) Where() string {
	if f.Step == nil {
		return "always"
	}
	return stepLabel(*f.Step)
}

func stepLabel(s StepResult) string {
	l := "step " + strconv.Itoa(s.Index)
	if s.ID != "" {
		l += " " + s.ID
	}
	return l
}

// Failures lists every failed or errored result (and step error), in step
// order.
func (sc *ScenarioResult) Failures() []Failure {
	var out []Failure
	for i := range sc.Steps {
		st := &sc.Steps[i]
		if st.Error != "" {
			out = append(out, Failure{Step: st, Result: Result{Expectation: "step", Verdict: Error, Message: st.Error}})
		}
		for _, r := range st.Results {
			if r.Verdict == Fail || r.Verdict == Error {
				out = append(out, Failure{Step: st, Result: r})
			}
		}
	}
	for _, r := range sc.Always {
		if r.Verdict == Fail || r.Verdict == Error {
			out = append(out, Failure{Result: r})
		}
	}
	return out
}
