package report

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hookdrill/hookdrill/assert"
)

// Score is a platform's profile score: how many of its MUST and SHOULD
// checks passed, and how many scenarios ended in each other verdict.
type Score struct {
	Platform     string
	MustPassed   int
	MustTotal    int
	ShouldPassed int
	ShouldTotal  int
	// Other counts scenarios without a severity by verdict, and every
	// verdict other than pass and fail ("skip", "error", "inconclusive"...)
	// whatever the severity.
	Other map[assert.Verdict]int
	// Passed and Total count every scenario of the platform.
	Passed, Total int
}

// String is the one-line form: "Prolific: 21/23 MUST, 4/5 SHOULD, 2
// inconclusive".
func (s Score) String() string {
	var parts []string
	if s.MustTotal > 0 {
		parts = append(parts, fmt.Sprintf("%d/%d MUST", s.MustPassed, s.MustTotal))
	}
	if s.ShouldTotal > 0 {
		parts = append(parts, fmt.Sprintf("%d/%d SHOULD", s.ShouldPassed, s.ShouldTotal))
	}
	if s.MustTotal == 0 && s.ShouldTotal == 0 {
		parts = append(parts, fmt.Sprintf("%d/%d passed", s.Passed, s.Total))
	}
	for _, v := range sortedVerdicts(s.Other) {
		if v == assert.Pass {
			continue
		}
		parts = append(parts, fmt.Sprintf("%d %s", s.Other[v], verdictWord(v)))
	}
	return platformTitle(s.Platform) + ": " + strings.Join(parts, ", ")
}

// verdictWord is the verdict as a participle for counts: "2 skipped".
func verdictWord(v assert.Verdict) string {
	switch v {
	case assert.Skip:
		return "skipped"
	case assert.Fail:
		return "failed"
	case assert.Error:
		return "could not run"
	}
	return string(v)
}

// Scores computes each platform's score, in order of first appearance.
// A MUST or SHOULD check counts towards "passed/total" of its severity
// when it ran to a pass or fail verdict; any other verdict (skip, error,
// inconclusive, blocked...) is counted apart, because it says nothing of
// the receiver.
func Scores(r assert.Report) []Score {
	var out []Score
	index := map[string]int{}
	for _, sc := range r.Scenarios {
		i, ok := index[sc.Platform]
		if !ok {
			i = len(out)
			index[sc.Platform] = i
			out = append(out, Score{Platform: sc.Platform, Other: map[assert.Verdict]int{}})
		}
		s := &out[i]
		s.Total++
		if sc.Verdict == assert.Pass {
			s.Passed++
		}
		graded := sc.Verdict == assert.Pass || sc.Verdict == assert.Fail
		switch {
		case graded && sc.Severity == assert.Must:
			s.MustTotal++
			if sc.Verdict == assert.Pass {
				s.MustPassed++
			}
		case graded && sc.Severity == assert.Should:
			s.ShouldTotal++
			if sc.Verdict == assert.Pass {
				s.ShouldPassed++
			}
		default:
			s.Other[sc.Verdict]++
		}
	}
	return out
}

// verdictOrder ranks the verdicts hookdrill knows for display; unknown
// ones sort after them by name.
var verdictOrder = []assert.Verdict{assert.Fail, assert.Error, "inconclusive", "blocked", assert.Skip, assert.Pass}

func verdictRank(v assert.Verdict) int {
	for i, x := range verdictOrder {
		if x == v {
			return i
		}
	}
	return len(verdictOrder)
}

func sortedVerdicts[T any](m map[assert.Verdict]T) []assert.Verdict {
	out := make([]assert.Verdict, 0, len(m))
	for v := range m {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool {
		ri, rj := verdictRank(out[i]), verdictRank(out[j])
		if ri != rj {
			return ri < rj
		}
		return out[i] < out[j]
	})
	return out
}
