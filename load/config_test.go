package load

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/platform/prolific"
)

func TestParseRate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Rate
		err  string
	}{
		{in: "200/s", want: Rate{Freq: 200, Per: time.Second}},
		{in: "200", want: Rate{Freq: 200, Per: time.Second}},
		{in: " 12000/m ", want: Rate{Freq: 12000, Per: time.Minute}},
		{in: "5/100ms", want: Rate{Freq: 5, Per: 100 * time.Millisecond}},
		{in: "1/h", want: Rate{Freq: 1, Per: time.Hour}},
		{in: "max", want: Rate{Max: true}},
		{in: "0/s", err: "must be positive"},
		{in: "0", err: "must be positive"},
		{in: "-5/s", err: "must be positive"},
		{in: "5/-1s", err: "not s, m, h"},
		{in: "5/0s", err: "period must be positive"},
		{in: "2000000/s", err: "more than 1000000/s"},
		{in: "1/1ns", err: "more than 1000000/s"},
		{in: "99999999999999999999/s", err: "want N/s"},
		{in: "1/48h", err: "less than one delivery a day"},
		{in: "abc", err: "want N/s"},
		{in: "", err: "want N/s"},
		{in: "5/parsec", err: "not s, m, h"},
		{in: "1.5/s", err: "want N/s"},
	} {
		got, err := ParseRate(tc.in)
		if tc.err != "" {
			require.ErrorIs(t, err, ErrBadRate, tc.in)
			require.ErrorContains(t, err, tc.err, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		require.Equal(t, tc.want, got, tc.in)
		back, err := ParseRate(got.String())
		require.NoError(t, err)
		require.Equal(t, got.PerSecond(), back.PerSecond(), "String reads back")
	}
}

func FuzzParseRate(f *testing.F) {
	for _, s := range []string{"200/s", "5/100ms", "max", "0", "-1/s", "1/1ns", "1e9/s", "3/m"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRate(s)
		if err != nil {
			return
		}
		require.NoError(t, r.Validate())
		if !r.Max {
			require.Greater(t, r.PerSecond(), 0.0)
			require.LessOrEqual(t, r.PerSecond(), float64(MaxRatePerSecond))
		}
	})
}

func TestParseMix(t *testing.T) {
	m, err := ParseMix("submission.status.change:AWAITING REVIEW=3, study.progress.change")
	require.NoError(t, err)
	require.Equal(t, Mix{{Event: "submission.status.change", Status: "AWAITING REVIEW", Weight: 3}, {Event: "study.progress.change", Weight: 1}}, m)
	for _, bad := range []string{"", ",", "a=0", "a=-1", "a=x", ":APPROVED", "two words"} {
		_, err := ParseMix(bad)
		require.ErrorIs(t, err, ErrBadMix, bad)
	}
}

func FuzzParseMix(f *testing.F) {
	f.Add("submission.status.change:APPROVED=8,study.progress.change=1")
	f.Add("a:b:c=1")
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMix(s)
		if err != nil {
			return
		}
		require.NotEmpty(t, m)
		p := newPicker(m)
		require.Positive(t, p.total)
	})
}

func TestConfigValidate(t *testing.T) {
	ok := Config{Platform: prolific.Name, Platforms: testPlatforms, Target: hookdrill.Target{URL: "http://127.0.0.1:9/h", Secret: "s"}, Rate: Rate{Freq: 1, Per: time.Second}}
	require.NoError(t, ok.Validate())
	for _, tc := range []struct {
		name string
		edit func(*Config)
		err  string
	}{
		{"no platform", func(c *Config) { c.Platform = "" }, "platform is required (prolific or respondent)"},
		{"no rate", func(c *Config) { c.Rate = Rate{} }, "a rate (e.g. 200/s) or a profile is required"},
		{"zero rate", func(c *Config) { c.Rate = Rate{Freq: 0, Per: time.Second} }, "must be positive"},
		{"negative rate", func(c *Config) { c.Rate = Rate{Freq: -3, Per: time.Second} }, "must be positive"},
		{"absurd rate", func(c *Config) { c.Rate = Rate{Freq: 1 << 40, Per: time.Second} }, "more than 1000000/s"},
		{"duration under 1ms", func(c *Config) { c.Duration = 999 * time.Microsecond }, "at least 1ms"},
		{"negative duration", func(c *Config) { c.Duration = -time.Second }, "at least 1ms"},
		{"duration over a day", func(c *Config) { c.Duration = 25 * time.Hour }, "at most 24h"},
		{"too many deliveries", func(c *Config) { c.Rate = Rate{Freq: 1_000_000, Per: time.Second}; c.Duration = 2 * time.Hour }, "more than 100000000"},
		{"remote target", func(c *Config) { c.Target.URL = "https://example.com/hook" }, "not a loopback address"},
		{"no secret", func(c *Config) { c.Target.Secret = "" }, "secret is empty"},
		{"bad retries", func(c *Config) { c.Retries = "sometimes" }, "retries must be"},
		{"speed-up below 1", func(c *Config) { c.RetrySpeedup = 0.5 }, "retry speed-up"},
		{"negative in flight", func(c *Config) { c.MaxInFlight = -1 }, "must not be negative"},
		{"probe sample", func(c *Config) { c.ProbeSample = 2 }, "probe sample"},
		{"probe url", func(c *Config) { c.ProbeURL = "ftp://x" }, "probe"},
		{"shard", func(c *Config) { c.Shard = Shard{Index: 3, Count: 2} }, "shard 3/2"},
	} {
		c := ok
		tc.edit(&c)
		err := c.Validate()
		require.ErrorContains(t, err, tc.err, tc.name)
	}
	c := ok
	c.AllowRemote = true
	c.Target.URL = "https://example.com/hook"
	require.NoError(t, c.Validate())
}

func TestParseShard(t *testing.T) {
	sh, err := ParseShard("2/4")
	require.NoError(t, err)
	require.Equal(t, Shard{Index: 2, Count: 4}, sh)
	for _, bad := range []string{"0/4", "5/4", "a/b", "2", "1/0", "-1/3"} {
		_, err := ParseShard(bad)
		require.Error(t, err, bad)
	}
}

func TestRateSourceIsExactAndSharded(t *testing.T) {
	r := Rate{Freq: 3, Per: time.Second}
	src := newRateSource(r, 2*time.Second, testMix, 9)
	require.EqualValues(t, 6, src.total())
	var it Item
	var ats []time.Duration
	for src.next(&it) {
		ats = append(ats, it.At)
	}
	require.Equal(t, []time.Duration{0, 333333333, 666666666, time.Second, 1333333333, 1666666666}, ats)

	// A long period and a high frequency do not overflow.
	big := newRateSource(Rate{Freq: 1_000_000, Per: 24 * time.Hour}, 24*time.Hour, Mix{{Event: "a"}}, 1)
	require.EqualValues(t, 1_000_000, big.total())
	var last Item
	for big.next(&it) {
		if it.At < last.At {
			t.Fatalf("item %d due at %s, before item %d at %s", it.Seq, it.At, last.Seq, last.At)
		}
		last = it
	}
	require.Less(t, last.At, 24*time.Hour)
	require.Greater(t, last.At, 24*time.Hour-time.Second)

	// The shards of a schedule partition it, and each shard sees the same
	// items (and specs) as the whole.
	whole := collect(newRateSource(Rate{Freq: 1000, Per: time.Second}, time.Second, testMix, 5), Shard{})
	var union []Item
	for i := 1; i <= 3; i++ {
		union = append(union, collect(newRateSource(Rate{Freq: 1000, Per: time.Second}, time.Second, testMix, 5), Shard{Index: i, Count: 3})...)
	}
	require.Len(t, union, len(whole))
	bySeq := map[uint64]Item{}
	for _, it := range union {
		_, dup := bySeq[it.Seq]
		require.False(t, dup)
		bySeq[it.Seq] = it
	}
	for _, it := range whole {
		require.Equal(t, it.Spec.Type, bySeq[it.Seq].Spec.Type)
		require.Equal(t, it.Spec.Status, bySeq[it.Seq].Spec.Status)
		require.Equal(t, it.At, bySeq[it.Seq].At)
	}
}

func collect(src source, sh Shard) []Item {
	var out []Item
	var it Item
	for src.next(&it) {
		if sh.keeps(it.Key) {
			out = append(out, it)
		}
	}
	return out
}

func TestMixFollowsWeights(t *testing.T) {
	m := Mix{{Event: "a", Weight: 9}, {Event: "b", Weight: 1}}
	src := newRateSource(Rate{Freq: 10000, Per: time.Second}, time.Second, m, 1)
	n := map[string]int{}
	var it Item
	for src.next(&it) {
		n[it.Spec.Type]++
	}
	require.InDelta(t, 9000, n["a"], 300)
	require.InDelta(t, 1000, n["b"], 300)
	require.True(t, strings.HasPrefix(m.String(), "a=9"))
}
