package report

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/assert"
	"github.com/hookdrill/hookdrill/scenarios"
)

// convert runs what "hookdrill report --format F FILES..." runs.
func convert(t *testing.T, format string, files ...[]byte) []byte {
	t.Helper()
	var docs []Document
	for i, f := range files {
		ds, err := Decode(bytes.NewReader(f), "file"+string(rune('A'+i)))
		require.NoError(t, err)
		docs = append(docs, ds...)
	}
	out, err := DefaultKinds().Combine(docs)
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, out.Write(&b, format, Options{}))
	return b.Bytes()
}

func jsonOf(t *testing.T, r assert.Report) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, assert.WriteJSON(&b, r))
	return b.Bytes()
}

func TestJSONRoundTripIsIdentity(t *testing.T) {
	target := startFrozenReceiver(t)
	rep := runGenerated(t, genScenarios(t, 9, target), scenarios.Shard{})
	in := jsonOf(t, rep)
	out := convert(t, "json", in)
	tassert.Equal(t, string(in), string(out), "JSON → JSON is byte-identical")
	tassert.Equal(t, string(out), string(convert(t, "json", out)))
	require.NotNil(t, rep.Scenarios[2].Timeline)
	tassert.Equal(t, 4, rep.Scenarios[2].Timeline.Attempts(), "the retried delivery's four attempts are in the timeline")
}

// normalize clears what differs between two runs of the same scenarios:
// timings and the run metadata.
func normalize(r assert.Report) assert.Report {
	r.Started, r.Duration, r.Runs = frozen(), 0, nil
	for i := range r.Scenarios {
		sc := &r.Scenarios[i]
		sc.Duration = 0
		for j := range sc.Steps {
			sc.Steps[j].Duration = 0
			for k := range sc.Steps[j].Results {
				if a := sc.Steps[j].Results[k].Attempt; a != nil {
					a.LatencyMS = 0
					if a.Response != nil {
						delete(a.Response.Header, "Date")
					}
				}
			}
		}
		if tl := sc.Timeline; tl != nil {
			for j := range tl.Deliveries {
				for k := range tl.Deliveries[j].Attempts {
					a := &tl.Deliveries[j].Attempts[k]
					a.LatencyMS = 0
					if a.Response != nil {
						delete(a.Response.Header, "Date")
					}
				}
			}
		}
	}
	return r
}

func TestMergedShardsEqualTheUnshardedRun(t *testing.T) {
	target := startFrozenReceiver(t)
	scs := genScenarios(t, 11, target)
	whole := runGenerated(t, scs, scenarios.Shard{})
	resp, err := http.Post(strings.TrimSuffix(target, "/webhook")+"/_reset", "application/json", nil)
	require.NoError(t, err)
	resp.Body.Close()
	// Shards given out of order: the merge puts the scenarios back.
	var files [][]byte
	for _, i := range []int{3, 1, 2} {
		sh := runGenerated(t, genScenarios(t, 11, target), scenarios.Shard{Index: i, Count: 3})
		require.NotEmpty(t, sh.Scenarios)
		files = append(files, jsonOf(t, sh))
	}
	merged, err := assert.ReadJSON(bytes.NewReader(convert(t, "json", files...)))
	require.NoError(t, err)
	tassert.Equal(t, whole.Summary, merged.Summary)
	require.Len(t, merged.Runs, 3)
	tassert.Equal(t, string(jsonOf(t, normalize(whole))), string(jsonOf(t, normalize(merged))))
	tassert.Empty(t, MissingShards(merged))

	partial, err := Merge(mustRead(t, files[0]), mustRead(t, files[1]))
	require.NoError(t, err)
	tassert.Equal(t, []string{"2/3"}, MissingShards(partial))
	_, err = Merge(mustRead(t, files[0]), mustRead(t, files[0]))
	tassert.ErrorContains(t, err, "shard 3/3 appears twice")
}

func mustRead(t *testing.T, b []byte) assert.Report {
	t.Helper()
	r, err := assert.ReadJSON(bytes.NewReader(b))
	require.NoError(t, err)
	return r
}

func TestMergeTotalsAndOrder(t *testing.T) {
	a := assert.Report{Version: 1, Tool: "hookdrill", Scenarios: []assert.ScenarioResult{
		{Name: "a1", Platform: "prolific", Verdict: assert.Pass, Severity: assert.Must},
		{Name: "a2", Platform: "prolific", Verdict: assert.Fail, Severity: assert.Should},
	}}
	b := assert.Report{Version: 1, Tool: "hookdrill", Scenarios: []assert.ScenarioResult{
		{Name: "b1", Platform: "respondent", Verdict: assert.Fail, Severity: assert.Must},
		{Name: "b2", Platform: "respondent", Verdict: assert.Skip},
		{Name: "b3", Platform: "respondent", Verdict: "inconclusive", Severity: assert.Must},
	}}
	m, err := Merge(a, b)
	require.NoError(t, err)
	var names []string
	for _, sc := range m.Scenarios {
		names = append(names, sc.Name)
	}
	tassert.Equal(t, []string{"a1", "a2", "b1", "b2", "b3"}, names, "not shards: argument order")
	tassert.Equal(t, 5, m.Summary.Total)
	tassert.Equal(t, 2, m.Summary.Failed)
	tassert.Equal(t, 1, m.Summary.MustFailed)
	tassert.Equal(t, assert.ReportKind, m.Kind)
	tassert.True(t, Failed(m))
	scores := Scores(m)
	require.Len(t, scores, 2)
	tassert.Equal(t, "Prolific: 1/1 MUST, 0/1 SHOULD", scores[0].String())
	tassert.Equal(t, "Respondent: 0/1 MUST, 1 inconclusive, 1 skipped", scores[1].String())

	_, err = Merge()
	tassert.Error(t, err)
	_, err = Merge(a, assert.Report{Version: 2})
	tassert.ErrorContains(t, err, "version 2")
}

func TestFailedFollowsSeverityAndStrict(t *testing.T) {
	should := assert.Report{Scenarios: []assert.ScenarioResult{{Verdict: assert.Fail, Severity: assert.Should}}}
	tassert.False(t, Failed(should), "a SHOULD failure is a risk")
	should.Runs = []assert.RunInfo{{Strict: true}}
	tassert.True(t, Failed(should), "--strict fails on it")
	tassert.True(t, Failed(assert.Report{Scenarios: []assert.ScenarioResult{{Verdict: assert.Error}}}))
	tassert.False(t, Failed(assert.Report{Scenarios: []assert.ScenarioResult{{Verdict: "inconclusive"}}}))
}

func TestDecodeKinds(t *testing.T) {
	old := `{"version": 1, "tool": "hookdrill", "started": "2026-01-01T00:00:00Z", "duration_s": 0, "summary": {}, "scenarios": []}`
	docs, err := Decode(strings.NewReader("["+old+","+old+"]"), "conform.json")
	require.NoError(t, err)
	require.Len(t, docs, 2, "conform --format json writes an array for two platforms")
	tassert.Equal(t, "conform.json[1]", docs[1].Source)
	tassert.Equal(t, assert.ReportKind, docs[0].Kind, "reports without kind are scenario reports")

	stream, err := Decode(strings.NewReader(old+"\n"+old), "s.json")
	require.NoError(t, err)
	tassert.Len(t, stream, 2)

	load, err := Decode(strings.NewReader(`{"kind": "load", "version": 1}`), "load.json")
	require.NoError(t, err)
	_, err = DefaultKinds().Combine(load)
	tassert.ErrorContains(t, err, `unknown document kind "load"`)
	_, err = DefaultKinds().Combine(append(docs, load...))
	tassert.ErrorContains(t, err, "cannot merge")

	for _, bad := range []string{"", "{", `{"tool": "other"}`, `[1]`, "null"} {
		_, err := Decode(strings.NewReader(bad), "bad.json")
		tassert.Error(t, err, "%q", bad)
	}
}

// FuzzDecode: no input makes Decode (or merging what it accepts) panic.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"version": 1, "tool": "hookdrill", "summary": {}, "scenarios": [{"name": "a", "verdict": "pass"}]}`))
	f.Add([]byte(`[{"kind": "scenarios", "version": 1, "runs": [{"shard": "1/2"}], "scenarios": []}]`))
	f.Add([]byte(`{"kind": "load"}`))
	f.Add([]byte(`{"version": 1, "tool": "hookdrill", "summary": {}, "scenarios": [{"name": "a", "verdict": "odd", "timeline":
		{"clock": "simulated", "deliveries": [{"id": "d", "attempts": [{"at_s": 1e300, "number": 1, "outcome": "timeout"},
		{"at_s": -3, "number": 2, "outcome": "success", "response": {"status": 200}}]}], "probes": [{"at_s": 5, "kind": "exec"}]}}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		docs, err := Decode(bytes.NewReader(b), "f")
		if err != nil {
			return
		}
		out, err := DefaultKinds().Combine(docs)
		if err != nil {
			return
		}
		var w bytes.Buffer
		for _, format := range out.Formats() {
			_ = out.Write(&w, format, Options{})
		}
	})
}
