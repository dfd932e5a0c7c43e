package report

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hookdrill/hookdrill/assert"
	"github.com/hookdrill/hookdrill/scenarios"
)

// Merge combines reports into one with the right totals.
//
// One report is returned as it is (so JSON → JSON is the identity). For
// several, the scenarios are concatenated in argument order and the summary
// recomputed; Runs lists every run. When the reports are the shards of one
// run ("run --shard i/n" with the same n, each index at most once), the
// scenarios are put back into the order of the unsharded run (by their
// Position), so merging every shard gives the unsharded run's report apart
// from timings. Started is the earliest start and Duration spans to the
// latest end.
func Merge(reps ...assert.Report) (assert.Report, error) {
	switch len(reps) {
	case 0:
		return assert.Report{}, errors.New("report: nothing to merge")
	case 1:
		return reps[0], nil
	}
	out := assert.Report{Version: assert.ReportVersion, Tool: "hookdrill", Kind: assert.ReportKind, Scenarios: []assert.ScenarioResult{}}
	var end time.Time
	for i, r := range reps {
		if r.Version != assert.ReportVersion {
			return out, fmt.Errorf("report: report %d has version %d, want %d", i+1, r.Version, assert.ReportVersion)
		}
		if out.Started.IsZero() || (!r.Started.IsZero() && r.Started.Before(out.Started)) {
			out.Started = r.Started
		}
		if e := r.Started.Add(time.Duration(r.Duration * float64(time.Second))); e.After(end) {
			end = e
		}
		runs := r.Runs
		if len(runs) == 0 {
			runs = []assert.RunInfo{{Started: r.Started, Duration: r.Duration}}
		}
		out.Runs = append(out.Runs, runs...)
		out.Scenarios = append(out.Scenarios, r.Scenarios...)
	}
	if !out.Started.IsZero() {
		out.Duration = end.Sub(out.Started).Seconds()
	}
	sharded, err := shardsOfOneRun(reps)
	if err != nil {
		return out, err
	}
	if sharded {
		sort.SliceStable(out.Scenarios, func(i, j int) bool { return out.Scenarios[i].Position < out.Scenarios[j].Position })
	}
	out.Tally()
	return out, nil
}

// shardsOfOneRun reports whether every report is one shard i/n of the
// same n, each with positioned scenarios; the same shard twice is an
// error (its scenarios would count twice).
func shardsOfOneRun(reps []assert.Report) (bool, error) {
	count := 0
	seen := map[int]bool{}
	for _, r := range reps {
		if len(r.Runs) != 1 || r.Runs[0].Shard == "" {
			return false, nil
		}
		sh, err := scenarios.ParseShard(r.Runs[0].Shard)
		if err != nil {
			return false, nil
		}
		if count != 0 && sh.Count != count {
			return false, nil
		}
		count = sh.Count
		if seen[sh.Index] {
			return false, fmt.Errorf("report: shard %s appears twice: its scenarios would be counted twice", sh)
		}
		seen[sh.Index] = true
		for _, sc := range r.Scenarios {
			if sc.Position == 0 {
				return false, nil
			}
		}
	}
	return true, nil
}

// MissingShards names the shards i/n absent from a report whose runs are
// shards of one run ("2/4, 4/4"); empty when none is missing or the report
// is not sharded.
func MissingShards(r assert.Report) []string {
	count := 0
	var have []int
	for _, run := range r.Runs {
		sh, err := scenarios.ParseShard(run.Shard)
		if run.Shard == "" || err != nil || (count != 0 && sh.Count != count) {
			return nil
		}
		count = sh.Count
		have = append(have, sh.Index)
	}
	var out []string
	for i := 1; i <= count; i++ {
		if !slices.Contains(have, i) {
			out = append(out, fmt.Sprintf("%d/%d", i, count))
		}
	}
	return out
}

// Failed reports whether a report describes a failed run: a scenario
// errored, or failed and was not a SHOULD check of a non-strict
// conformance run.
func Failed(r assert.Report) bool {
	strict := slices.ContainsFunc(r.Runs, func(ri assert.RunInfo) bool { return ri.Strict })
	for _, sc := range r.Scenarios {
		switch sc.Verdict {
		case assert.Error:
			return true
		case assert.Fail:
			if sc.Severity != assert.Should || strict {
				return true
			}
		}
	}
	return false
}

// platformTitle capitalises a platform name for headings.
func platformTitle(p string) string {
	if p == "" {
		return "Scenarios"
	}
	return strings.ToUpper(p[:1]) + p[1:]
}
