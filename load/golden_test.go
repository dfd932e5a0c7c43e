package load

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/internal/testkit"
)

// fixedResult is a report with known contents: two seconds, a retry, a
// receiver that went down.
func fixedResult() Result {
	rec := newRecorder(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), DefaultLateThreshold)
	start := rec.start
	for i := range 20 {
		due := start.Add(time.Duration(i) * 100 * time.Millisecond)
		d := &dstate{due: due, typ: "submission.status.change"}
		if i%5 == 0 {
			d.typ = "study.progress.change"
		}
		rec.dispatched(due.Sub(start), time.Duration(i)*100*time.Microsecond, i == 19, 0)
		a := &hookdrill.Attempt{Number: 1, Started: due.Add(time.Duration(i) * 50 * time.Microsecond),
			Latency: time.Duration(i+1) * time.Millisecond, Outcome: hookdrill.OutcomeSuccess, Response: &hookdrill.HTTPResponse{Status: 200}}
		if i == 7 {
			a.Outcome, a.Response.Status = hookdrill.OutcomeHTTPError, 503
		}
		rec.attempt(d, a, a.Started.Add(a.Latency))
		if i == 7 {
			d.due = a.Started.Add(a.Latency + time.Second)
			r := &hookdrill.Attempt{Number: 2, Started: d.due, Latency: 2 * time.Millisecond, Outcome: hookdrill.OutcomeSuccess,
				Response: &hookdrill.HTTPResponse{Status: 200}}
			rec.attempt(d, r, r.Started.Add(r.Latency))
		}
	}
	res := rec.result()
	res.Platform, res.Target, res.Schedule, res.Seed = "prolific", "http://127.0.0.1:8080/hook", "rate 10/s for 2s", 42
	res.Shards = []Shard{{Index: 1, Count: 1}}
	res.Retries, res.RetrySpeedup, res.MaxInFlight, res.Span, res.Elapsed = RetriesPlatform, 60, 256, 2*time.Second, 2100*time.Millisecond
	res.StopReason = StopCompleted
	res.AskedRate, res.SentRate, res.Throughput = 10, 10, 9.5
	res.Deliveries = DeliveryCounts{Succeeded: 20, Retried: 1}
	res.Probe = &ProbeResult{URL: "http://127.0.0.1:8080/_state", Sampled: 20, AppliedOnce: 19, Duplicated: 1,
		Examples: []string{"e1 applied 2 times"}}
	res.Probe.verdict()
	res.finish()
	return res
}

// golden compares got with testdata/name and stops the test when they
// differ (go test ./load -run TestReportGolden -update rewrites it).
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	if !testkit.Golden(t, filepath.Join("testdata", name), got) {
		t.FailNow()
	}
}

func TestReportGolden(t *testing.T) {
	res := fixedResult()
	var text, js bytes.Buffer
	require.NoError(t, res.WriteText(&text))
	golden(t, "report.txt", text.Bytes())
	require.NoError(t, res.WriteJSON(&js))
	golden(t, "report.json", js.Bytes())

	back, err := DecodeResult(js.Bytes())
	require.NoError(t, err)
	var again bytes.Buffer
	require.NoError(t, back.WriteJSON(&again))
	require.Equal(t, js.String(), again.String(), "JSON round trip")

	// Merging a result with an empty one changes nothing but the shards.
	m, err := Merge(back, Result{Kind: Kind, Version: Version, Platform: "prolific", Shards: []Shard{{Index: 2, Count: 2}}})
	require.NoError(t, err)
	require.Equal(t, back.Summary.First, m.Summary.First)
	require.Equal(t, back.First.Latency.Count(), m.First.Latency.Count())
}

func FuzzDecodeResult(f *testing.F) {
	js, err := os.ReadFile("testdata/report.json")
	require.NoError(f, err)
	f.Add(js)
	f.Add([]byte(`{"kind":"hookdrill.load","version":1,"shards":[{"index":1,"count":1}],"seconds":[{"second":-1}]}`))
	f.Add([]byte(`{"kind":"hookdrill.load","version":1,"shards":[{"index":1,"count":1}],"by_event":{"x":null}}`))
	v1, err := os.ReadFile("testdata/report-v1.json")
	require.NoError(f, err)
	f.Add(v1)
	f.Add([]byte(`{"kind":"hookdrill.load","version":2,"seconds_step":4,"shards":[{"index":1,"count":1}],"seconds":[{"second":0,"asked":3},{"second":4}]}`))
	f.Add([]byte(`{"kind":"hookdrill.load","version":2,"seconds_step":6,"shards":[{"index":1,"count":1}],"seconds":[{"second":0},{"second":6}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := DecodeResult(data)
		if err != nil {
			return
		}
		other := res
		other.Shards = []Shard{{Index: 9999, Count: 10000}}
		m, err := Merge(res, other)
		if err != nil {
			return
		}
		require.LessOrEqual(t, len(res.Seconds), MaxPoints)
		require.LessOrEqual(t, len(m.Seconds), MaxPoints)
		var n, mn, asked, masked uint64
		for _, s := range res.Seconds {
			n, asked = n+s.Latency.Count(), asked+s.Asked
		}
		for _, s := range m.Seconds {
			mn, masked = mn+s.Latency.Count(), masked+s.Asked
		}
		if n < 1<<62 && asked < 1<<62 {
			require.Equal(t, 2*n, mn, "merging loses no value of the series")
			require.Equal(t, 2*asked, masked)
		}
		var b bytes.Buffer
		require.NoError(t, m.WriteText(&b))
		require.NoError(t, m.WriteJSON(&b))
		require.NoError(t, m.WriteHTML(&b))
	})
}

func TestDecodeResultRejectsWhatMergeCannotUse(t *testing.T) {
	for name, bad := range map[string]string{
		"negative second": `{"kind":"hookdrill.load","version":1,"shards":[{"index":1,"count":1}],"seconds":[{"second":-1}]}`,
		"gap":             `{"kind":"hookdrill.load","version":1,"shards":[{"index":1,"count":1}],"seconds":[{"second":0},{"second":5}]}`,
		"null event":      `{"kind":"hookdrill.load","version":1,"shards":[{"index":1,"count":1}],"by_event":{"x":null}}`,
		"no shards":       `{"kind":"hookdrill.load","version":1}`,
		"bad shard":       `{"kind":"hookdrill.load","version":1,"shards":[{"index":3,"count":2}]}`,
		"bad histogram":   `{"kind":"hookdrill.load","version":1,"shards":[{"index":1,"count":1}],"first_attempts":{"latency":{"sub_bucket_bits":3}}}`,
	} {
		_, err := DecodeResult([]byte(bad))
		require.Error(t, err, name)
	}
}
