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

// RunT runs scenarios with cfg (concurrently when cfg.Parallel > 1) and
// reports each scenario as a subtest of t, named after the scenario, with
// one subtest per step ("03_first"). A failed expectation fails its step's
// subtest with the want, the got, the attempt and the rerun command; a
// scenario whose requirements are missing is skipped. It returns the
// report for further checks.
func RunT(t *testing.T, cfg RunConfig, scs ...*Scenario) assert.Report {
	t.Helper()
	rep, err := Run(t.Context(), cfg, scs)
	if err != nil {
		t.Fatalf("scenarios: %v", err)
	}
	for i := range rep.Scenarios {
		sc := rep.Scenarios[i]
		t.Run(sc.Name, func(t *testing.T) { reportT(t, sc) })
	}
	return rep
}

// RunFS loads scenarios from fsys (files or directories, see Load) and
// runs them with RunT. Load errors fail t at once, each with its position.
func RunFS(t *testing.T, cfg RunConfig, fsys fs.FS, names ...string) assert.Report {
	t.Helper()
	scs, err := Load(fsys, names...)
	if err != nil {
		t.Fatalf("load scenarios:\n%v", err)
	}
	return RunT(t, cfg, scs...)
}

var reSubtest = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

func reportT(t *testing.T, sc assert.ScenarioResult) {
	switch sc.Verdict {
	case assert.Skip:
		t.Skipf("%s: %s", sc.File, sc.Reason)
	case assert.Error:
		if len(sc.Steps) == 0 {
			t.Fatalf("%s: %s (seed %d)", sc.File, sc.Reason, sc.Seed)
		}
	}
	for _, st := range sc.Steps {
		name := fmt.Sprintf("%02d_%s", st.Index, st.Kind)
		if st.ID != "" {
			name = fmt.Sprintf("%02d_%s", st.Index, st.ID)
		}
		t.Run(reSubtest.ReplaceAllString(name, "_"), func(t *testing.T) {
			loc := fmt.Sprintf("%s:%d", sc.File, st.Line)
			if st.Error != "" {
				t.Error(assert.EscapeControl(fmt.Sprintf("%s: %s: %s", loc, st.Summary, st.Error)))
			}
			for _, r := range st.Results {
				if r.Verdict == assert.Pass {
					continue
				}
				var b bytes.Buffer
				fmt.Fprintf(&b, "%s: %s: expect %s: want %s, got %s", loc, st.Summary, r.Expectation, r.Want, r.Got)
				if r.Message != "" {
					fmt.Fprintf(&b, "\n  %s", r.Message)
				}
				if r.Attempt != nil {
					b.WriteByte('\n')
					assert.WriteAttemptText(&b, "  ", r.Attempt)
				}
				t.Error(assert.EscapeControl(strings.TrimRight(b.String(), "\n")))
			}
		})
	}
	for _, r := range sc.Always {
		if r.Verdict != assert.Pass {
			t.Error(assert.EscapeControl(fmt.Sprintf("always: expect %s: want %s, got %s: %s", r.Expectation, r.Want, r.Got, r.Message)))
		}
	}
	if sc.Verdict == assert.Error {
		t.Error(assert.EscapeControl(fmt.Sprintf("%s: %s", sc.File, sc.Reason)))
	}
	if t.Failed() {
		if sc.Check != nil && sc.Check.Explain != "" {
			t.Logf("why: %s", sc.Check.Explain)
		}
		if sc.Check != nil && sc.Check.Fix != "" {
			t.Logf("fix: %s", sc.Check.Fix)
		}
		t.Logf("seed %d; rerun: %s", sc.Seed, sc.Rerun)
	}
}
