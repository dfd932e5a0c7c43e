package conform_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/assert"
	"github.com/hookdrill/hookdrill/conform"
	"github.com/hookdrill/hookdrill/platform/all"
	"github.com/hookdrill/hookdrill/receiver"
)

const (
	secret    = "conform-test-secret"
	oldSecret = "conform-test-old-secret"
	// slowDelay and budget keep the slow bugs' runs short: a slow delivery
	// takes slowDelay, over the latency budget, far under the platforms'
	// own timeouts.
	slowDelay = 400 * time.Millisecond
	budget    = 200 * time.Millisecond
)

// runAgainst runs the platform's suite against a reference receiver with
// bugs and returns the ids (without the platform prefix) of the checks
// that failed, and the result.
func runAgainst(t *testing.T, platform string, bugs []receiver.Bug, strict bool) ([]string, conform.Result) {
	t.Helper()
	slow := slices.Contains(bugs, receiver.BugSlow) || slices.Contains(bugs, receiver.BugSlowUnderLoad)
	rc := receiver.Config{Platform: ref(t, platform), Secret: secret, OldSecrets: []string{oldSecret}, Bugs: bugs, SlowDelay: slowDelay}
	url, stop, err := receiver.Start(rc)
	require.NoError(t, err)
	defer stop()
	cfg := conform.Config{
		Suites: all.Suites(), Registry: all.Registry(),
		Platform: platform, Target: url + "/webhook", Secret: secret, OldSecret: oldSecret,
		ProbeApplied: url + "/_state#/processed/{event_id}", ProbeStatus: url + "/_state#/status/{resource_id}",
		Strict: strict, Seed: 7,
	}
	if slow {
		// One check at a time: a slow-under-load receiver is slow for
		// every check that runs beside a burst.
		cfg.Budget, cfg.Parallel = budget, 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := conform.Run(ctx, cfg)
	require.NoError(t, err)
	var failed []string
	for _, sc := range res.Report.Scenarios {
		require.NotEqual(t, assert.Error, sc.Verdict, "%s could not run: %s", sc.Name, sc.Reason)
		require.NotEqual(t, assert.Skip, sc.Verdict, "%s skipped: %s", sc.Name, sc.Reason)
		if sc.Verdict == assert.Fail {
			failed = append(failed, strings.TrimPrefix(sc.Check.ID, platform+"."))
		}
	}
	sort.Strings(failed)
	return failed, res
}

// TestCorrectReceiverPasses: zero false alarms. The correct reference
// receiver passes every check, SHOULD ones included.
func TestCorrectReceiverPasses(t *testing.T) {
	for _, p := range all.Suites().Platforms() {
		t.Run(p, func(t *testing.T) {
			failed, res := runAgainst(t, p, nil, true)
			require.Empty(t, failed)
			require.True(t, res.OK)
			checks, err := all.Suites().List(all.Registry(), p)
			require.NoError(t, err)
			require.Len(t, res.Report.Scenarios, len(checks)+1, "every check ran, and the preflight")
		})
	}
}

// TestEveryBugIsCaught: each deliberate bug fails exactly the checks its
// catalogue entry declares, no more (false alarms) and no fewer (misses).
func TestEveryBugIsCaught(t *testing.T) {
	for _, p := range all.Suites().Platforms() {
		for _, bug := range receiver.Bugs(ref(t, p)) {
			t.Run(p+"/"+string(bug.Name), func(t *testing.T) {
				failed, res := runAgainst(t, p, []receiver.Bug{bug.Name}, true)
				require.Equal(t, bug.Fails, failed)
				require.False(t, res.OK)
			})
		}
	}
}

// TestEveryCheckCatchesABug: no check is dead weight: each fails for at
// least one bug of the catalogue, except those listed here with the reason.
func TestEveryCheckCatchesABug(t *testing.T) {
	exempt := map[string]string{
		"signature.valid":       "the positive control: it fails only when verification rejects everything",
		"signature.header_case": "the reference receivers read headers case-insensitively; the corpus (py-stdlib-respondent-trusts-label) fails it",
	}
	for _, p := range all.Suites().Platforms() {
		caught := map[string]bool{}
		for _, b := range receiver.Bugs(ref(t, p)) {
			for _, id := range b.Fails {
				caught[id] = true
			}
		}
		checks, err := all.Suites().List(all.Registry(), p)
		require.NoError(t, err)
		for _, c := range checks {
			id := strings.TrimPrefix(c.ID, p+".")
			if _, ok := exempt[id]; ok {
				continue
			}
			require.True(t, caught[id], "no bug in the %s catalogue is caught by %s", p, c.ID)
		}
	}
}

func TestRotatedSecretNeedsOldSecret(t *testing.T) {
	url, stop, err := receiver.Start(receiver.Config{Platform: ref(t, "prolific"), Secret: secret})
	require.NoError(t, err)
	defer stop()
	res, err := conform.Run(context.Background(), conform.Config{Suites: all.Suites(), Registry: all.Registry(), Platform: "prolific", Target: url, Secret: secret,
		Only: []string{"prolific.signature.rotated_secret", "prolific.idempotency.duplicate_applied_once"}, Seed: 1})
	require.NoError(t, err)
	require.Len(t, res.Report.Scenarios, 3, "the two checks and the preflight")
	for _, sc := range res.Report.Scenarios {
		if sc.Name == "prolific.preflight" {
			require.Equal(t, assert.Pass, sc.Verdict)
			continue
		}
		require.Equal(t, assert.Skip, sc.Verdict, sc.Name)
		// From Go, the hint names Config's field, never a CLI flag.
		require.Regexp(t, `^needs conform\.Config\.(OldSecret|ProbeApplied)$`, sc.Reason)
	}
	require.True(t, res.OK, "skipped checks do not fail the run")
}

func TestConfigErrors(t *testing.T) {
	_, err := conform.Run(context.Background(), conform.Config{Suites: all.Suites(), Registry: all.Registry(), Platform: "stripe"})
	require.ErrorContains(t, err, "platform")
	_, err = conform.Run(context.Background(), conform.Config{Suites: all.Suites(), Registry: all.Registry(), Platform: "prolific", Target: "http://127.0.0.1:1", Secret: "s",
		Only: []string{"prolific.nope"}})
	require.ErrorContains(t, err, "unknown check prolific.nope")
	require.ErrorIs(t, err, conform.ErrUnknownCheck)
	_, err = conform.Run(context.Background(), conform.Config{Suites: all.Suites(), Registry: all.Registry(), Platform: "prolific",
		Target: "http://127.0.0.1:1", Secret: "s", Events: []string{"submission.created"}})
	require.ErrorIs(t, err, conform.ErrUnknownEventType)
	require.EqualError(t, err, "conform: unknown prolific event type submission.created (valid: submission.status.change, study.status.change, study.progress.change, study.has_high_return_rate)")
	_, _, err = all.Suites().Source(all.Registry(), "respondent.nope")
	require.Error(t, err)
	file, data, err := all.Suites().Source(all.Registry(), "respondent.signature.valid")
	require.NoError(t, err)
	require.Equal(t, "respondent/signature.valid.yaml", file)
	require.Contains(t, string(data), "id: respondent.signature.valid")
}

// BenchmarkSuite runs a whole suite against the correct local reference
// receiver (goal for Prolific: under 3 s of wall time per run).
func BenchmarkSuite(b *testing.B) {
	for _, p := range all.Suites().Platforms() {
		b.Run(p, func(b *testing.B) {
			url, stop, err := receiver.Start(receiver.Config{Platform: ref(b, p), Secret: secret, OldSecrets: []string{oldSecret}})
			require.NoError(b, err)
			defer stop()
			cfg := conform.Config{
				Suites: all.Suites(), Registry: all.Registry(),
				Platform: p, Target: url + "/webhook", Secret: secret, OldSecret: oldSecret,
				ProbeApplied: url + "/_state#/processed/{event_id}", ProbeStatus: url + "/_state#/status/{resource_id}",
				Strict: true, Seed: 11,
			}
			for b.Loop() {
				res, err := conform.Run(context.Background(), cfg)
				if err != nil || !res.OK {
					b.Fatalf("suite failed: err=%v, %d MUST and %d SHOULD checks failed", err, res.MustFailed, res.ShouldFailed)
				}
			}
		})
	}
}

// TestREADMETables keeps the README's check and bug tables true: every
// check with its severity, and every bug with exactly the checks that
// catch it on each platform.
func TestREADMETables(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	readme := string(data)
	for _, p := range all.Suites().Platforms() {
		checks, err := all.Suites().List(all.Registry(), p)
		require.NoError(t, err)
		for _, c := range checks {
			require.Contains(t, readme, "| `"+c.ID+"` | "+c.Severity+" |", "README checks table row for %s", c.ID)
		}
	}
	cell := func(p string, name receiver.Bug) string {
		for _, b := range receiver.Bugs(ref(t, p)) {
			if b.Name == name {
				return "`" + strings.Join(b.Fails, "`, `") + "`"
			}
		}
		return "n/a"
	}
	seen := map[receiver.Bug]bool{}
	for _, p := range all.Suites().Platforms() {
		for _, b := range receiver.Bugs(ref(t, p)) {
			if seen[b.Name] {
				continue
			}
			seen[b.Name] = true
			row := fmt.Sprintf("| `%s` | %s | %s | %s |", b.Name, b.Summary, cell("prolific", b.Name), cell("respondent", b.Name))
			require.Contains(t, readme, row, "README bug table row for %s", b.Name)
		}
	}
}

// TestRerunSameVerdicts: running the suite twice in a row against the same
// stateful receiver, with the same --seed, gives the same verdicts: ids are
// fresh per run, so the second run is not a replay of the first (a
// receiver that answers 409 to a repeated id would otherwise fail every
// check the second time).
func TestRerunSameVerdicts(t *testing.T) {
	for _, p := range all.Suites().Platforms() {
		t.Run(p, func(t *testing.T) {
			rc := receiver.Config{Platform: ref(t, p), Secret: secret, OldSecrets: []string{oldSecret}, Bugs: []receiver.Bug{receiver.BugRejectsDuplicates}}
			url, stop, err := receiver.Start(rc)
			require.NoError(t, err)
			defer stop()
			cfg := conform.Config{Suites: all.Suites(), Registry: all.Registry(), Platform: p, Target: url + "/webhook", Secret: secret, OldSecret: oldSecret,
				ProbeApplied: url + "/_state#/processed/{event_id}", ProbeStatus: url + "/_state#/status/{resource_id}", Seed: 99}
			var runs [2]map[string]assert.Verdict
			for i := range runs {
				res, err := conform.Run(context.Background(), cfg)
				require.NoError(t, err)
				runs[i] = map[string]assert.Verdict{}
				for _, sc := range res.Report.Scenarios {
					runs[i][sc.Name] = sc.Verdict
				}
			}
			require.Equal(t, runs[0], runs[1])
			require.Equal(t, assert.Pass, runs[1][p+".signature.valid"])
		})
	}
}

// TestPreflightFallsBack: a receiver that refuses the preferred event type
// but accepts another gets its checks sent with the accepted type (so the
// signature checks test signatures, not the event type), the preflight says
// so, and coverage reports the refused type with the --events hint.
func TestPreflightFallsBack(t *testing.T) {
	rec, err := receiver.New(receiver.Config{Platform: ref(t, "prolific"), Secret: secret})
	require.NoError(t, err)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if bytes.Contains(body, []byte(`"submission.status.change"`)) {
			http.Error(w, "submissions are handled elsewhere", http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec.ServeHTTP(w, r)
	}))
	defer srv.Close()
	res, err := conform.Run(context.Background(), conform.Config{Suites: all.Suites(), Registry: all.Registry(), Platform: "prolific", Target: srv.URL + "/webhook", Secret: secret, Seed: 5,
		Only: []string{"prolific.signature.wrong_secret", "prolific.signature.stale", "prolific.coverage.event_types"}})
	require.NoError(t, err)
	require.Equal(t, "study.status.change", res.WorkingType)
	require.Equal(t, assert.Pass, res.Preflight.Verdict)
	require.Contains(t, res.Preflight.Reason, "the checks use study.status.change")
	got := map[string]assert.ScenarioResult{}
	for _, sc := range res.Report.Scenarios {
		got[sc.Name] = sc
	}
	require.Equal(t, assert.Pass, got["prolific.signature.wrong_secret"].Verdict)
	require.Equal(t, assert.Pass, got["prolific.signature.stale"].Verdict)
	require.NotNil(t, got["prolific.signature.stale"].Control)
	require.Equal(t, assert.Pass, got["prolific.signature.stale"].Control.Verdict)
	cov := got["prolific.coverage.event_types"]
	require.Equal(t, assert.Fail, cov.Verdict)
	require.Equal(t, assert.ObsRefused, cov.Observed)
	require.Contains(t, cov.Check.Explain, "--events study.status.change,study.progress.change,study.has_high_return_rate")
}

// TestControlDecidesOnlyRejections: a refused control makes a rejection
// inconclusive, but a forgery that was accepted stays a failure whatever
// the control got (that verdict does not rest on a rejection).
func TestControlDecidesOnlyRejections(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case n.Add(1) == 1: // the preflight
		case r.Header.Get("X-Prolific-Request-Signature") == "":
			// accepted: it never looks for a missing signature
		default:
			http.Error(w, "quota exceeded", http.StatusTooManyRequests)
		}
	}))
	defer srv.Close()
	res, err := conform.Run(context.Background(), conform.Config{Suites: all.Suites(), Registry: all.Registry(), Platform: "prolific", Target: srv.URL + "/webhook", Secret: secret, Seed: 5,
		Parallel: 1, Only: []string{"prolific.signature.missing", "prolific.signature.flipped"}})
	require.NoError(t, err)
	got := map[string]assert.ScenarioResult{}
	for _, sc := range res.Report.Scenarios {
		got[sc.Name] = sc
	}
	require.Equal(t, assert.Pass, got["prolific.preflight"].Verdict)
	require.Equal(t, assert.Fail, got["prolific.signature.missing"].Verdict)
	require.Equal(t, assert.ObsAccepted, got["prolific.signature.missing"].Observed)
	require.Equal(t, assert.Fail, got["prolific.signature.missing"].Control.Verdict)
	flipped := got["prolific.signature.flipped"]
	require.Equal(t, assert.Inconclusive, flipped.Verdict)
	require.Contains(t, flipped.Reason, "refused a correct delivery (HTTP 429)")
	require.False(t, res.OK)
}

// ref returns the reference receiver's part of the named platform.
func ref(t testing.TB, name string) receiver.Platform {
	t.Helper()
	p, err := all.References().Lookup(name)
	require.NoError(t, err)
	return p
}

// A suite whose files are another platform's scenarios does not load.
func TestSuiteOfAnotherPlatform(t *testing.T) {
	s, err := all.Suites().Lookup("prolific")
	require.NoError(t, err)
	s.Platform = "respondent"
	_, err = s.Load(all.Registry())
	require.ErrorContains(t, err, "is a prolific scenario")
	_, err = conform.Suites{}.Lookup("prolific")
	require.ErrorContains(t, err, `no suite for platform "prolific"`)
}
