package prolific_test

import (
	"testing"
	"time"

	"github.com/hookdrill/hookdrill/platform/prolific"
	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// obs is one delivery outcome: day offset from 2026-03-01 (UTC), a clock
// time within the day, and whether it succeeded.
type obs struct {
	day     int
	clock   string // "15:04:05.000"
	success bool
}

var day0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

func (o obs) at(t testing.TB) time.Time {
	t.Helper()
	c, err := time.Parse("15:04:05.000", o.clock)
	require.NoError(t, err)
	return day0.AddDate(0, 0, o.day).Add(c.Sub(time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)))
}

func fail(day int, clock string) obs { return obs{day, clock, false} }
func ok(day int, clock string) obs   { return obs{day, clock, true} }

// run feeds the observations and returns the actions (one per observation)
// and the final health.
func run(t testing.TB, p prolific.DisablePolicy, seq []obs) ([]prolific.Action, prolific.PairHealth) {
	t.Helper()
	var h prolific.PairHealth
	actions := make([]prolific.Action, len(seq))
	for i, o := range seq {
		h, actions[i] = p.Observe(h, o.at(t), o.success)
	}
	return actions, h
}

const (
	N = prolific.ActionNone
	Y = prolific.ActionNotify
	D = prolific.ActionDisable
)

func TestDisablePolicy(t *testing.T) {
	tests := []struct {
		name       string
		seq        []obs
		want       []prolific.Action
		wantStreak int
	}{
		{"five failing days: notice on day 3, disable on day 5",
			[]obs{fail(0, "10:00:00.000"), fail(1, "10:00:00.000"), fail(2, "10:00:00.000"), fail(3, "10:00:00.000"), fail(4, "10:00:00.000")},
			[]prolific.Action{N, N, Y, N, D}, 5},
		{"many failures a day count once, notice once",
			[]obs{fail(0, "01:00:00.000"), fail(0, "02:00:00.000"), fail(1, "01:00:00.000"), fail(2, "01:00:00.000"),
				fail(2, "02:00:00.000"), fail(2, "23:00:00.000"), fail(3, "00:00:00.000")},
			[]prolific.Action{N, N, N, Y, N, N, N}, 4},
		{"disable once, failures go on counting",
			[]obs{fail(0, "10:00:00.000"), fail(1, "10:00:00.000"), fail(2, "10:00:00.000"), fail(3, "10:00:00.000"),
				fail(4, "10:00:00.000"), fail(4, "11:00:00.000"), fail(5, "10:00:00.000")},
			[]prolific.Action{N, N, Y, N, D, N, N}, 6},
		{"days without deliveries neither break nor count",
			[]obs{fail(0, "10:00:00.000"), fail(2, "10:00:00.000"), fail(5, "10:00:00.000"), fail(9, "10:00:00.000"), fail(30, "10:00:00.000")},
			[]prolific.Action{N, N, Y, N, D}, 5},
		{"a success resets the streak",
			[]obs{fail(0, "10:00:00.000"), fail(1, "10:00:00.000"), ok(2, "10:00:00.000"), fail(3, "10:00:00.000"), fail(4, "10:00:00.000")},
			[]prolific.Action{N, N, N, N, N}, 2},
		{"a success late on a failed day makes it good and resets",
			[]obs{fail(0, "10:00:00.000"), fail(1, "10:00:00.000"), fail(2, "01:00:00.000"), ok(2, "23:59:59.999"),
				fail(3, "10:00:00.000"), fail(4, "10:00:00.000"), fail(5, "10:00:00.000")},
			[]prolific.Action{N, N, Y, N, N, N, Y}, 3},
		{"failures after a success on the same day do not count that day",
			[]obs{fail(0, "10:00:00.000"), fail(1, "10:00:00.000"), ok(2, "00:00:00.000"), fail(2, "12:00:00.000"),
				fail(3, "10:00:00.000")},
			[]prolific.Action{N, N, N, N, N}, 1},
		{"notice again after a reset (once per streak)",
			[]obs{fail(0, "10:00:00.000"), fail(1, "10:00:00.000"), fail(2, "10:00:00.000"), ok(3, "10:00:00.000"),
				fail(4, "10:00:00.000"), fail(5, "10:00:00.000"), fail(6, "10:00:00.000")},
			[]prolific.Action{N, N, Y, N, N, N, Y}, 3},
		{"midnight boundary: 23:59:59.999 and 00:00:00.000 are different days",
			[]obs{fail(0, "23:59:59.999"), fail(1, "00:00:00.000"), fail(1, "23:59:59.999"), fail(2, "00:00:00.000")},
			[]prolific.Action{N, N, N, Y}, 3},
		{"late success for an earlier day still resets",
			[]obs{fail(0, "10:00:00.000"), fail(1, "10:00:00.000"), ok(0, "23:00:00.000"), fail(2, "10:00:00.000")},
			[]prolific.Action{N, N, N, N}, 1},
		{"late failure for an earlier day changes nothing",
			[]obs{fail(0, "10:00:00.000"), fail(2, "10:00:00.000"), fail(1, "10:00:00.000"), fail(3, "10:00:00.000")},
			[]prolific.Action{N, N, N, Y}, 3},
		{"only successes", []obs{ok(0, "10:00:00.000"), ok(1, "10:00:00.000")}, []prolific.Action{N, N}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, h := run(t, prolific.DefaultDisablePolicy(), tt.seq)
			tassert.Equal(t, tt.want, got)
			tassert.Equal(t, tt.wantStreak, h.Streak)
		})
	}
}

func TestDisableTimeZones(t *testing.T) {
	// 23:30 in UTC-5 on day 0 is 04:30 UTC on day 1: days are UTC days.
	east := time.FixedZone("UTC-5", -5*3600)
	p := prolific.DefaultDisablePolicy()
	var h prolific.PairHealth
	h, _ = p.Observe(h, time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), false)
	h, _ = p.Observe(h, time.Date(2026, 3, 1, 23, 30, 0, 0, east), false)
	tassert.Equal(t, 2, h.Streak)
	tassert.Equal(t, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), h.Day)
}

func TestDisableCustomPolicy(t *testing.T) {
	seq := []obs{fail(0, "10:00:00.000"), fail(1, "10:00:00.000"), fail(2, "10:00:00.000")}
	got, _ := run(t, prolific.DisablePolicy{NoticeDay: 1, DisableDay: 2}, seq)
	tassert.Equal(t, []prolific.Action{Y, D, N}, got)
	got, _ = run(t, prolific.DisablePolicy{NoticeDay: -1, DisableDay: 3}, seq)
	tassert.Equal(t, []prolific.Action{N, N, D}, got, "negative notice day never notifies")
	got, _ = run(t, prolific.DisablePolicy{}, append(seq, fail(3, "10:00:00.000"), fail(4, "10:00:00.000")))
	tassert.Equal(t, []prolific.Action{N, N, Y, N, D}, got, "zero value means the defaults")
}

func TestDisableReenabled(t *testing.T) {
	p := prolific.DefaultDisablePolicy()
	seq := []obs{fail(0, "10:00:00.000"), fail(1, "10:00:00.000"), fail(2, "10:00:00.000"), fail(3, "10:00:00.000"), fail(4, "10:00:00.000")}
	_, h := run(t, p, seq)
	require.True(t, h.Disabled)
	require.True(t, h.Notified)
	h = h.Reenabled()
	tassert.Equal(t, prolific.PairHealth{}, h)
	var got []prolific.Action
	for d := 5; d < 10; d++ {
		var a prolific.Action
		h, a = p.Observe(h, fail(d, "12:00:00.000").at(t), false)
		got = append(got, a)
	}
	tassert.Equal(t, []prolific.Action{N, N, Y, N, D}, got, "a re-enabled pair needs another five days")
}

func TestDisablePolicyValidate(t *testing.T) {
	tests := []struct {
		p    prolific.DisablePolicy
		want string // "" valid
	}{
		{prolific.DefaultDisablePolicy(), ""},
		{prolific.DisablePolicy{}, ""},
		{prolific.DisablePolicy{NoticeDay: -1, DisableDay: 1}, ""},
		{prolific.DisablePolicy{NoticeDay: 5, DisableDay: 5}, "must come before"},
		{prolific.DisablePolicy{NoticeDay: 4}, ""},
		{prolific.DisablePolicy{NoticeDay: 6}, "must come before"},
		{prolific.DisablePolicy{NoticeDay: -1, DisableDay: -2}, "at least 1"},
	}
	for _, tt := range tests {
		err := tt.p.Validate()
		if tt.want == "" {
			tassert.NoError(t, err, "%+v", tt.p)
		} else if tassert.Error(t, err, "%+v", tt.p) {
			tassert.Contains(t, err.Error(), tt.want)
		}
	}
}
