package scenarios

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/assert"
)

func results(r assert.ScenarioResult) map[string]assert.Verdict {
	m := map[string]assert.Verdict{}
	for _, st := range r.Steps {
		for _, res := range st.Results {
			m[st.ID+"."+res.Expectation] = res.Verdict
		}
	}
	return m
}

func TestRunDuplicateCorrectAndBroken(t *testing.T) {
	src := `version: 1
name: dup
platform: prolific
vars: {state: ""}
steps:
  - id: first
    send: {event: submission.status.change, status: APPROVED}
    expect: {status: 2xx, within: 5s}
  - id: again
    duplicate: first
    expect: {status: 2xx}
  - id: state
    probe: {http: "GET ${vars.state}"}
    expect: {json: {"/processed/${first.event_id}": 1}}
`
	t.Run("correct", func(t *testing.T) {
		_, srv := newMiniReceiver(t, "prolific")
		r := runOne(t, testConfig(srv), mustParse(t, src))
		tassert.Equal(t, assert.Pass, r.Verdict, reportText(r))
		tassert.Equal(t, uint64(42), r.Seed)
		require.Len(t, r.Steps, 3)
		tassert.Equal(t, r.Steps[0].Outputs[OutEventID], r.Steps[1].Outputs[OutEventID], "a duplicate keeps the event id")
		tassert.NotEqual(t, r.Steps[0].Outputs[OutDeliveryID], r.Steps[1].Outputs[OutDeliveryID], "but is a new delivery")
	})
	t.Run("no dedup", func(t *testing.T) {
		m, srv := newMiniReceiver(t, "prolific")
		m.noDedup = true
		r := runOne(t, testConfig(srv), mustParse(t, src))
		tassert.Equal(t, assert.Fail, r.Verdict)
		res := r.Steps[2].Results[0]
		tassert.Equal(t, assert.Fail, res.Verdict)
		tassert.Equal(t, "1", res.Want)
		tassert.Equal(t, "2", res.Got)
		tassert.Contains(t, r.Reason, "step 3 state: json /processed/")
		text := reportText(r)
		tassert.Contains(t, text, "seed: 42")
		tassert.Contains(t, text, "rerun: hookdrill run --seed 42 --run '^dup$' TestRunDuplicateCorrectAndBroken/no_dedup.yaml")
	})
}

func TestRunSameSeedSameEvents(t *testing.T) {
	src := `version: 1
name: seeded
platform: respondent
steps:
  - id: a
    send: {event: SCREENER_RESPONSES.UPDATED, status: PAID, extra: {projectId: "${fake.objectid}"}}
  - id: b
    send: MESSAGES.CREATED
    fault: {lost_ack: 1}
  - burst: {event: PROJECTS.UPDATED, count: 3}
`
	bodies := func(seed uint64) []string {
		_, srv := newMiniReceiver(t, "respondent")
		cfg := testConfig(srv)
		cfg.Seed = seed
		var j *hookdrill.Journal
		cfg.OnJournal = func(_ *Scenario, jj *hookdrill.Journal) { j = jj }
		r := runOne(t, cfg, mustParse(t, src))
		require.Equal(t, assert.Pass, r.Verdict, reportText(r))
		var out []string
		for _, a := range j.Snapshot().Attempts("") {
			out = append(out, a.DeliveryID+" "+a.Request.Body)
		}
		require.Len(t, out, 6)
		return out
	}
	first, again, other := bodies(7), bodies(7), bodies(8)
	// A burst runs concurrently, so compare as sets.
	tassert.ElementsMatch(t, first, again, "same seed, same ids and payloads")
	tassert.NotEqual(t, first[0], other[0], "another seed, other ids")
}

func TestRunRetriesOnSimClock(t *testing.T) {
	m, srv := newMiniReceiver(t, "prolific")
	m.status = 503
	src := `version: 1
name: retries
platform: prolific
steps:
  - id: down
    send: study.progress.change
    expect: {delivered: false, attempts: {gte: 11, lte: 13}, attempt: all, status: 503}
`
	var j *hookdrill.Journal
	cfg := testConfig(srv)
	cfg.OnJournal = func(_ *Scenario, jj *hookdrill.Journal) { j = jj }
	start := time.Now()
	r := runOne(t, cfg, mustParse(t, src))
	tassert.Equal(t, assert.Pass, r.Verdict, reportText(r))
	atts := j.Snapshot().Attempts("")
	last := atts[len(atts)-1]
	span := last.SimStarted.Sub(atts[0].SimStarted)
	tassert.LessOrEqual(t, span, 48*time.Hour, "the Prolific cut-off")
	tassert.Greater(t, span, 2*time.Hour, "simulated time passed")
	tassert.Less(t, time.Since(start), time.Minute, "without real waiting")
	tassert.Equal(t, len(atts), m.requests)
}

func TestRunHoldReleaseOrder(t *testing.T) {
	m, srv := newMiniReceiver(t, "prolific")
	src := `version: 1
name: order
platform: prolific
steps:
  - id: a
    send: study.progress.change
    hold: true
  - id: b
    send: study.progress.change
    hold: true
  - id: c
    send: study.progress.change
  - release: [b, a]
  - probe: {use: applied, event: a}
    expect: {value: 1}
`
	cfg := testConfig(srv)
	cfg.Probes = map[string]string{"applied": srv.URL + "/_state#/processed/{event_id}"}
	r := runOne(t, cfg, mustParse(t, src))
	require.Equal(t, assert.Pass, r.Verdict, reportText(r))
	_, order := m.snapshot()
	ids := map[string]string{}
	for _, st := range r.Steps[:3] {
		ids[st.Outputs[OutEventID]] = st.ID
	}
	var got []string
	for _, id := range order {
		got = append(got, ids[id])
	}
	tassert.Equal(t, []string{"c", "b", "a"}, got)
}

func TestRunAsyncAwait(t *testing.T) {
	m, srv := newMiniReceiver(t, "prolific")
	m.delay = 20 * time.Millisecond
	src := `version: 1
name: async
platform: prolific
steps:
  - id: slow
    send: study.progress.change
    async: true
    expect: {status: 2xx}
  - id: next
    send: study.progress.change
  - await: slow
  - send: {event: study.status.change, resource: "${slow.resource_id}", status: "ACTIVE"}
  - id: late
    send: study.progress.change
    async: true
    expect: {status: 4xx}
`
	r := runOne(t, testConfig(srv), mustParse(t, src))
	tassert.Equal(t, assert.Fail, r.Verdict, reportText(r))
	v := results(r)
	tassert.Equal(t, assert.Pass, v["slow.status"], "checked at await")
	tassert.Equal(t, assert.Fail, v["late.status"], "never awaited: checked at the end")
	tassert.Equal(t, "200", r.Steps[0].Outputs[OutStatus])
}

func TestRunBurst(t *testing.T) {
	m, srv := newMiniReceiver(t, "respondent")
	src := `version: 1
name: burst
platform: respondent
steps:
  - id: many
    burst: {event: SCREENER_RESPONSES.CREATED, count: 25, concurrency: 5}
    expect: {status: 2xx, within: 3s, count: 25}
`
	r := runOne(t, testConfig(srv), mustParse(t, src))
	require.Equal(t, assert.Pass, r.Verdict, reportText(r))
	tassert.Equal(t, "25", r.Steps[0].Outputs[OutCount])
	tassert.Equal(t, "25", r.Steps[0].Outputs[OutDelivered])
	processed, _ := m.snapshot()
	tassert.Len(t, processed, 25, "distinct events")

	m.status = 500
	r = runOne(t, testConfig(srv), mustParse(t, strings.Replace(src, "count: 25, concurrency: 5", "count: 4, concurrency: 2", 1)+"    retries: none\n"))
	require.Equal(t, assert.Fail, r.Verdict)
	tassert.Contains(t, r.Steps[0].Results[0].Message, "4 of 4 deliveries failed")
}

func TestRunProbes(t *testing.T) {
	_, srv := newMiniReceiver(t, "prolific")
	src := `version: 1
name: probes
platform: prolific
vars: {state: ""}
steps:
  - id: ev
    send: {event: submission.status.change, status: RETURNED}
  - id: tpl
    probe: {use: applied, event: ev}
    expect: {value: 1}
  - id: st
    probe: {use: status, event: ev}
    expect: {value: RETURNED}
  - id: sh
    probe: {use: cmd, event: ev}
    expect: {value: "${ev.event_id}"}
  - id: missing
    probe: {http: "GET ${vars.state}#/processed/nope", default: 0}
    expect: {value: 0}
  - id: argv
    probe: {exec: [sh, -c, 'echo "{\"n\": 3}"']}
    expect: {json: {n: {gte: 3}}, exit: 0}
  - id: failing
    probe: {exec: {sh: "echo oops >&2; exit 3"}}
    expect: {exit: 3}
  - id: eventually
    probe: {http: "GET ${vars.state}#/processed/${ev.event_id}", eventually: 300ms, interval: 20ms}
    expect: {value: 2}
`
	cfg := testConfig(srv)
	cfg.Probes = map[string]string{
		"applied": srv.URL + "/_state#/processed/{event_id}",
		"status":  srv.URL + "/_state#/status/{resource_id}",
		"cmd":     "exec:printf '%s' {event_id}",
	}
	start := time.Now()
	r := runOne(t, cfg, mustParse(t, src))
	v := results(r)
	tassert.Equal(t, map[string]assert.Verdict{
		"tpl.value": assert.Pass, "st.value": assert.Pass, "sh.value": assert.Pass, "missing.value": assert.Pass,
		"argv.json n": assert.Pass, "argv.exit": assert.Pass, "failing.exit": assert.Pass, "eventually.value": assert.Fail,
	}, v, reportText(r))
	tassert.GreaterOrEqual(t, time.Since(start), 250*time.Millisecond, "eventually retried until its deadline")
	tassert.Equal(t, "1", r.Steps[1].Outputs[OutValue])
}

func TestRunProbeErrors(t *testing.T) {
	_, srv := newMiniReceiver(t, "prolific")
	tests := []struct{ name, probe, want string }{
		{"refused", `{http: "GET http://127.0.0.1:1/state"}`, "could not run"},
		{"command fails", `{exec: {sh: "exit 4"}}`, "exit status 4"},
		{"timeout", `{exec: "sleep 5", timeout: 50ms}`, "did not finish within 50ms"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := "version: 1\nname: p\nplatform: prolific\nsteps:\n  - probe: " + tc.probe + "\n    expect: {value: 1}\n"
			if tc.name == "command fails" {
				src = strings.Replace(src, "    expect: {value: 1}\n", "", 1)
			}
			r := runOne(t, testConfig(srv), mustParse(t, src))
			tassert.Equal(t, assert.Error, r.Verdict, reportText(r))
			tassert.Contains(t, reportText(r), tc.want)
		})
	}
}

func TestRunSkipsWithoutRequirements(t *testing.T) {
	_, srv := newMiniReceiver(t, "prolific")
	src := `version: 1
name: needs
platform: prolific
requires: [vars.old_secret]
vars: {old_secret: ""}
steps:
  - id: ev
    send: study.progress.change
  - probe: {use: applied, event: ev}
    expect: {value: 1}
`
	cfg := testConfig(srv)
	cfg.Hints = map[string]string{"probe.applied": "--probe-applied"}
	r := runOne(t, cfg, mustParse(t, src))
	tassert.Equal(t, assert.Skip, r.Verdict)
	tassert.Equal(t, []string{"vars.old_secret", "probe.applied"}, r.Needs)
	tassert.Equal(t, `needs variable "old_secret" (RunConfig.Vars), --probe-applied`, r.Reason)
	tassert.Empty(t, r.Steps, "nothing ran")

	cfg.Vars["old_secret"] = "x"
	cfg.Probes = map[string]string{"applied": srv.URL + "/_state#/processed/{event_id}"}
	r = runOne(t, cfg, mustParse(t, src))
	tassert.Equal(t, assert.Pass, r.Verdict, reportText(r))
}

func TestRunErrors(t *testing.T) {
	tests := []struct {
		name, src string
		cfg       RunConfig
		want      string
	}{
		{"env missing", "version: 1\nname: e\nplatform: prolific\ntarget: ${NOPE_URL}\nsecret: s\nsteps: [{advance: 1h}]\n",
			RunConfig{}, "target: bad reference ${NOPE_URL}: environment variable NOPE_URL is not set"},
		{"no target", "version: 1\nname: e\nplatform: prolific\nsteps: [{advance: 1h}]\n", RunConfig{}, "no target"},
		{"no secret", "version: 1\nname: e\nplatform: prolific\nsteps: [{advance: 1h}]\n",
			RunConfig{Target: "http://127.0.0.1:1/"}, "secret is empty"},
		{"bad runtime status", "version: 1\nname: e\nplatform: prolific\nvars: {s: NOPE}\nsteps: [{send: {event: study.status.change, status: '${vars.s}'}}]\n",
			RunConfig{Target: "http://127.0.0.1:1/", Secret: "s"}, `unknown status "NOPE"`},
		{"mock without factory", "version: 1\nname: e\nplatform: prolific\nmock: true\nsteps: [{rotate_secret: true}]\n",
			RunConfig{Target: "http://127.0.0.1:1/", Secret: "s"}, "needs the embedded mock"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := runOne(t, tc.cfg, mustParse(t, tc.src))
			require.Contains(t, []assert.Verdict{assert.Error, assert.Skip}, r.Verdict)
			tassert.Contains(t, reportText(r), tc.want)
		})
	}
}

func TestRunTimeout(t *testing.T) {
	m, srv := newMiniReceiver(t, "prolific")
	m.delay = 300 * time.Millisecond
	src := "version: 1\nname: slow\nplatform: prolific\ntimeout: 100ms\nsteps:\n  - send: study.progress.change\n  - send: study.progress.change\n"
	r := runOne(t, testConfig(srv), mustParse(t, src))
	tassert.Equal(t, assert.Error, r.Verdict)
	tassert.Contains(t, r.Reason, "scenario timed out after 100ms")
}

func TestRunAlways(t *testing.T) {
	m, srv := newMiniReceiver(t, "prolific")
	m.status = 307
	src := "version: 1\nname: always\nplatform: prolific\nretries: {max_attempts: 2, base_delay: 1s}\nalways: {not: [3xx, 5xx]}\nsteps:\n  - send: study.progress.change\n"
	r := runOne(t, testConfig(srv), mustParse(t, src))
	tassert.Equal(t, assert.Fail, r.Verdict)
	require.Len(t, r.Always, 1)
	tassert.Equal(t, "307", r.Always[0].Got[:3])
	tassert.Contains(t, reportText(r), "FAIL always (every delivery)")
}

func TestRunRedactsSecret(t *testing.T) {
	m, srv := newMiniReceiver(t, "prolific")
	m.status = 400
	src := "version: 1\nname: leak\nplatform: prolific\nretries: none\nsteps:\n  - send: study.progress.change\n    expect: {status: 2xx}\n"
	cfg := testConfig(srv)
	// A receiver that echoes the secret back must not leak it into reports.
	srv.Config.Handler = echoSecret{}
	r := runOne(t, cfg, mustParse(t, src))
	var b bytes.Buffer
	require.NoError(t, assert.WriteJSON(&b, assert.Report{Scenarios: []assert.ScenarioResult{r}}))
	tassert.NotContains(t, b.String(), testSecret)
	tassert.Contains(t, b.String(), hookdrill.Redact(testSecret))
}

type echoSecret struct{}

func (echoSecret) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	w.WriteHeader(http.StatusBadRequest)
	_, _ = w.Write([]byte("bad request, expected secret " + testSecret))
}

func TestSelectAndShard(t *testing.T) {
	var scs []*Scenario
	for _, n := range []string{"a/one", "a/two", "b/three", "b/four", "c/five"} {
		scs = append(scs, &Scenario{Name: n})
	}
	scs[4].Check = &Check{ID: "x.special.check"}
	names := func(cfg RunConfig) []string {
		sel, err := Select(cfg, scs)
		require.NoError(t, err)
		var out []string
		for _, s := range sel {
			out = append(out, s.Name)
		}
		return out
	}
	tassert.Equal(t, []string{"a/one", "a/two"}, names(RunConfig{Run: "^a/"}))
	tassert.Equal(t, []string{"c/five"}, names(RunConfig{Run: `special`}), "matches check ids")
	var all []string
	for i := 1; i <= 3; i++ {
		all = append(all, names(RunConfig{Shard: Shard{Index: i, Count: 3}})...)
	}
	tassert.ElementsMatch(t, []string{"a/one", "a/two", "b/three", "b/four", "c/five"}, all, "shards cover everything once")
	tassert.Equal(t, []string{"a/one", "b/four"}, names(RunConfig{Shard: Shard{Index: 1, Count: 3}}))
	tassert.Equal(t, []string{"a/two"}, names(RunConfig{Run: "^a/", Shard: Shard{Index: 2, Count: 2}}), "shard after filter")

	for _, bad := range []string{"0/3", "4/3", "1", "a/b", "1/0"} {
		_, err := ParseShard(bad)
		tassert.Error(t, err, bad)
	}
	sh, err := ParseShard("2/5")
	require.NoError(t, err)
	tassert.Equal(t, Shard{Index: 2, Count: 5}, sh)
}

func TestRunConfigValidate(t *testing.T) {
	tests := []struct {
		cfg  RunConfig
		want string
	}{
		{RunConfig{Parallel: -1}, "parallel"},
		{RunConfig{Run: "("}, "run:"},
		{RunConfig{Shard: Shard{Index: 3, Count: 2}}, "shard"},
		{RunConfig{Probes: map[string]string{"applied": "ftp://x"}}, "probe \"applied\""},
		{RunConfig{Probes: map[string]string{"bad name": "http://x/"}}, "bad name"},
		{RunConfig{Target: "nope"}, "target"},
	}
	for _, tc := range tests {
		tassert.ErrorContains(t, tc.cfg.Validate(), tc.want)
	}
	tassert.NoError(t, RunConfig{Probes: map[string]string{"applied": "exec:./state.sh {event_id}", "status": "https://h/s#/status/{resource_id}"}}.Validate())
	_, err := Run(context.Background(), RunConfig{Parallel: -1}, nil)
	tassert.Error(t, err)
}

func TestRunParallelAndProgress(t *testing.T) {
	_, srv := newMiniReceiver(t, "prolific")
	var scs []*Scenario
	for _, n := range []string{"p1", "p2", "p3", "p4", "p5", "p6"} {
		scs = append(scs, mustParse(t, "version: 1\nname: "+n+"\nplatform: prolific\nsteps:\n  - send: study.progress.change\n    expect: {status: 2xx}\n"))
	}
	cfg := testConfig(srv)
	cfg.Parallel = 3
	var mu sync.Mutex
	var seen []string
	cfg.OnScenario = func(r assert.ScenarioResult) {
		mu.Lock()
		seen = append(seen, r.Name)
		mu.Unlock()
	}
	rep, err := Run(context.Background(), cfg, scs)
	require.NoError(t, err)
	tassert.Equal(t, 6, rep.Summary.Passed)
	tassert.Len(t, seen, 6)
	for i, s := range rep.Scenarios {
		tassert.Equal(t, scs[i].Name, s.Name, "results keep input order")
	}
}

func TestRunCancelled(t *testing.T) {
	_, srv := newMiniReceiver(t, "prolific")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep, err := Run(ctx, testConfig(srv), []*Scenario{mustParse(t, "version: 1\nname: c\nplatform: prolific\nsteps: [{advance: 1h}]\n")})
	require.Error(t, err)
	require.Len(t, rep.Scenarios, 1)
	tassert.Equal(t, assert.Error, rep.Scenarios[0].Verdict)
}

func TestRunT(t *testing.T) {
	_, srv := newMiniReceiver(t, "prolific")
	sc := mustParse(t, "version: 1\nname: go-test/adapter\nplatform: prolific\nsteps:\n  - id: one\n    send: study.progress.change\n    expect: {status: 2xx}\n  - advance: 1h\n")
	rep := RunT(t, testConfig(srv), sc)
	tassert.Equal(t, assert.Pass, rep.Summary.Verdict)
}

func TestRunAsyncRetriesAcrossSteps(t *testing.T) {
	m, srv := newMiniReceiver(t, "respondent")
	m.status = 503
	src := `version: 1
name: async-retries
platform: respondent
steps:
  - id: bg
    send: SCREENER_RESPONSES.CREATED
    async: true
    expect: {delivered: false, attempts: 6, attempt: all, status: 503}
  - advance: 25m
  - id: mid
    send: MESSAGES.CREATED
    retries: none
  - advance: 1h
  - await: bg
`
	var j *hookdrill.Journal
	cfg := testConfig(srv)
	cfg.OnJournal = func(_ *Scenario, jj *hookdrill.Journal) { j = jj }
	r := runOne(t, cfg, mustParse(t, src))
	require.Equal(t, assert.Pass, r.Verdict, reportText(r))
	var bg []time.Time
	var mid time.Time
	for _, a := range j.Snapshot().Attempts("") {
		if a.EventType == "MESSAGES.CREATED" {
			mid = a.SimStarted
			continue
		}
		bg = append(bg, a.SimStarted)
	}
	require.Len(t, bg, 6)
	start := cfg.SimStart
	for i, at := range bg {
		tassert.Equal(t, time.Duration(i)*10*time.Minute, at.Sub(start), "attempt %d on Respondent's 10-minute schedule", i+1)
	}
	tassert.Equal(t, 25*time.Minute, mid.Sub(start), "the sync send ran at the advanced time")
}
