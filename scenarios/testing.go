package scenarios

import (
	"bytes"
	"fmt"
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/hookdrill/hookdrill/assert"
)

// RunT runs the scenarios cfg selects, each inside its own subtest of t
// named after the scenario, so `go test -run 'TestX/NAME'` runs only the
// scenarios whose subtest names match (the others never start) and each
// subtest's duration is its scenario's. Within a scenario's subtest, each
// step gets a subtest ("03_first") once the scenario ended. A failed
// expectation fails its step's subtest with the scenario file and line of
// the step, the want, the got, the attempt and the rerun command (no
// source location of this adapter); a scenario whose requirements are
// missing is skipped.
//
// With cfg.Parallel > 1 each scenario's subtest calls t.Parallel and at
// most cfg.Parallel of them run at once (within go test's own -parallel
// limit). Like every parallel subtest, they run after the calling test
// function returns, so the returned report then holds no scenarios: use
// cfg.OnScenario to collect the results. Otherwise RunT returns the report
// of the scenarios that ran.
func RunT(t *testing.T, cfg RunConfig, scs ...*Scenario) assert.Report {
	t.Helper()
	rep := assert.Report{Version: assert.ReportVersion, Tool: "hookdrill"}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("scenarios: %v", err)
	}
	cfg = cfg.withDefaults()
	sel, err := Select(cfg, scs)
	if err != nil {
		t.Fatalf("scenarios: %v", err)
	}
	rep.Started = cfg.WallNow()
	parallel := cfg.Parallel > 1
	slots := make(chan struct{}, cfg.Parallel)
	for _, sc := range sel {
		t.Run(sc.Name, func(t *testing.T) {
			if parallel {
				t.Parallel()
				slots <- struct{}{}
				defer func() { <-slots }()
			}
			res := RunScenario(t.Context(), cfg, sc)
			// In go test the scenario's file may be a path inside an
			// fs.FS: the command that reruns it is go test's own.
			res.Rerun = GoTestRerun(t.Name())
			if cfg.OnScenario != nil {
				cfg.OnScenario(res)
			}
			if !parallel { // parallel subtests run after RunT returned
				rep.Scenarios = append(rep.Scenarios, res)
			}
			reportT(t, res)
		})
	}
	rep.Duration = cfg.WallNow().Sub(rep.Started).Seconds()
	rep.Tally()
	return rep
}

// GoTestRerun is the go test command line that reruns the (sub)test
// named name (t.Name()), run from the test's package directory.
func GoTestRerun(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return "go test -run " + shellQuote(strings.Join(parts, "/")) + " ."
}

// RunFS loads scenarios from fsys (files or directories, see Loader.Load)
// for the platforms of cfg.Platforms (required here) and runs them with
// RunT. Load errors fail t at once, each with its position.
func RunFS(t *testing.T, cfg RunConfig, fsys fs.FS, names ...string) assert.Report {
	t.Helper()
	if cfg.Platforms == nil {
		t.Fatalf("load scenarios: RunConfig.Platforms is nil: set it to the platforms the scenarios may name (e.g. all.Registry() from package platform/all)")
	}
	scs, err := Loader{Platforms: cfg.Platforms}.Load(fsys, names...)
	if err != nil {
		t.Fatalf("load scenarios:\n%v", err)
	}
	return RunT(t, cfg, scs...)
}

var reSubtest = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// failf fails t with a message that starts with the scenario's own
// position (FILE:LINE), written without the source location t.Errorf
// would add (this adapter's, which says nothing to the reader).
func failf(t *testing.T, format string, args ...any) {
	t.Helper()
	say(t, format, args...)
	t.Fail()
}

// say writes one message to t's output, indented like t.Log.
func say(t *testing.T, format string, args ...any) {
	t.Helper()
	// Escaped: names, reasons and bodies can come from the receiver.
	msg := assert.EscapeControl(strings.TrimRight(fmt.Sprintf(format, args...), "\n"))
	fmt.Fprintln(t.Output(), msg)
}

func scenarioPos(file string, line int) string {
	if line > 0 {
		return fmt.Sprintf("%s:%d", file, line)
	}
	return file
}

func reportT(t *testing.T, sc assert.ScenarioResult) {
	t.Helper()
	switch sc.Verdict {
	case assert.Skip:
		say(t, "%s: skipped: %s", scenarioPos(sc.File, sc.Line), sc.Reason)
		t.SkipNow()
	case assert.Error:
		if len(sc.Steps) == 0 {
			failf(t, "%s: %s (seed %d)", scenarioPos(sc.File, sc.Line), sc.Reason, sc.Seed)
			t.FailNow()
		}
	}
	for _, st := range sc.Steps {
		name := fmt.Sprintf("%02d_%s", st.Index, st.Kind)
		if st.ID != "" {
			name = fmt.Sprintf("%02d_%s", st.Index, st.ID)
		}
		t.Run(reSubtest.ReplaceAllString(name, "_"), func(t *testing.T) {
			loc := scenarioPos(sc.File, st.Line)
			if st.Error != "" {
				failf(t, "%s: %s: %s", loc, st.Summary, st.Error)
			}
			for _, r := range st.Results {
				if r.Verdict == assert.Pass {
					continue
				}
				var b bytes.Buffer
				fmt.Fprintf(&b, "%s: %s: expect %s%s", loc, st.Summary, r.Expectation, r.WantGot())
				if r.Message != "" {
					fmt.Fprintf(&b, "\n  %s", r.Message)
				}
				if r.Attempt != nil {
					b.WriteByte('\n')
					assert.WriteAttemptText(&b, "  ", r.Attempt)
				}
				failf(t, "%s", b.String())
			}
		})
	}
	for _, r := range sc.Always {
		if r.Verdict != assert.Pass {
			failf(t, "%s: always: expect %s%s: %s", scenarioPos(sc.File, sc.Line), r.Expectation, r.WantGot(), r.Message)
		}
	}
	if sc.Verdict == assert.Error {
		failf(t, "%s: %s", scenarioPos(sc.File, sc.Line), sc.Reason)
	}
	if t.Failed() {
		if sc.Check != nil && sc.Check.Explain != "" {
			say(t, "why: %s", sc.Check.Explain)
		}
		if sc.Check != nil && sc.Check.Fix != "" {
			say(t, "fix: %s", sc.Check.Fix)
		}
		say(t, "seed %d; rerun: %s", sc.Seed, sc.Rerun)
	}
}
