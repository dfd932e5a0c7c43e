package load

import (
	"os"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/platform/prolific"
)

func TestParseScenario(t *testing.T) {
	data, err := os.ReadFile("testdata/custom.yaml")
	require.NoError(t, err)
	s, err := ParseScenario("custom.yaml", data, testPlatforms)
	require.NoError(t, err)
	require.Equal(t, "nightly-approvals", s.Name)
	require.Len(t, s.Phases, 2)
	require.Equal(t, 600*time.Millisecond, s.Span)
	items, _, err := s.items(prolific.Name, 1, 0)
	require.NoError(t, err)
	require.Len(t, items, 30)
	for _, it := range items[:20] {
		require.Equal(t, prolific.StatusApproved, it.Spec.Status)
	}
	require.True(t, slices.IsSortedFunc(items, func(a, b Item) int { return int(a.At - b.At) }))
}

func TestParseScenarioErrorsNameFileAndLine(t *testing.T) {
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"unknown field", "version: 1\nplatform: prolific\nphasez: []\n", "f.yaml:3: field phasez not found"},
		{"wrong type", "version: 1\nplatform: prolific\nphases:\n  - count: lots\n", "f.yaml:4:"},
		{"version", "version: 2\nplatform: prolific\nphases: []\n", "f.yaml:1: version: want 1"},
		{"platform", "version: 1\nplatform: zoom\nphases: []\n", "f.yaml:2: platform"},
		{"no phases", "version: 1\nplatform: prolific\n", "phases: at least one"},
		{"end before start", "version: 1\nplatform: prolific\nphases:\n  - start: 2s\n    end: 1s\n    count: 3\n    send: {event: x}\n", "f.yaml:5: phases[0].end 1s: must be after start"},
		{"bad duration", "version: 1\nplatform: prolific\nphases:\n  - end: soon\n    count: 3\n    send: {event: x}\n", "f.yaml:4: phases[0].end"},
		{"zero rate", "version: 1\nplatform: prolific\nphases:\n  - end: 1s\n    rate: 0/s\n    send: {event: x}\n", "f.yaml:5: phases[0].rate"},
		{"both", "version: 1\nplatform: prolific\nphases:\n  - end: 1s\n    rate: 1/s\n    count: 2\n    send: {event: x}\n", "f.yaml:5: phases[0]: set count or rate"},
		{"neither", "version: 1\nplatform: prolific\nphases:\n  - end: 1s\n    send: {event: x}\n", "count or rate is required"},
		{"arrival", "version: 1\nplatform: prolific\nphases:\n  - end: 1s\n    count: 1\n    arrival: poisson\n    send: {event: x}\n", "f.yaml:6: phases[0].arrival"},
		{"no event", "version: 1\nplatform: prolific\nphases:\n  - end: 1s\n    count: 1\n    mix:\n      - {status: APPROVED}\n", "f.yaml:7: phases[0]: event is required"},
		{"unknown send field", "version: 1\nplatform: prolific\nphases:\n  - end: 1s\n    count: 1\n    send: {event: x, colour: red}\n", "f.yaml:6: field colour not found"},
		{"short phase", "version: 1\nplatform: prolific\nphases:\n  - end: 10us\n    count: 1\n    send: {event: x}\n", "shorter than 1ms"},
		{"not yaml", "version: [\n", "f.yaml:1:"},
	} {
		_, err := ParseScenario("f.yaml", []byte(tc.yaml), testPlatforms)
		require.ErrorIs(t, err, ErrBadScenario, tc.name)
		require.ErrorContains(t, err, tc.want, tc.name)
	}
}

func FuzzParseScenario(f *testing.F) {
	data, _ := os.ReadFile("testdata/custom.yaml")
	f.Add(data)
	f.Add([]byte("version: 1\nplatform: respondent\nphases:\n  - end: 1s\n    count: 5\n    send: {event: SCREENER_RESPONSES.CREATED}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseScenario("fuzz.yaml", data, testPlatforms)
		if err != nil {
			require.ErrorIs(t, err, ErrBadScenario)
			return
		}
		require.NoError(t, s.Validate())
		total := 0
		for _, p := range s.Phases {
			require.Greater(t, p.End, p.Start)
			total += p.Count
		}
		if total <= 100_000 { // keep each fuzz input cheap
			items, _, err := s.items(s.Platform, 1, 0)
			require.NoError(t, err)
			require.Len(t, items, total)
		}
	})
}
