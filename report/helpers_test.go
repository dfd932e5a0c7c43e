package report

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/assert"
	"github.com/hookdrill/hookdrill/clock"
	"github.com/hookdrill/hookdrill/conform"
	"github.com/hookdrill/hookdrill/platform"
	"github.com/hookdrill/hookdrill/platform/all"
	"github.com/hookdrill/hookdrill/platform/prolific"
	prolificref "github.com/hookdrill/hookdrill/platform/prolific/reference"
	"github.com/hookdrill/hookdrill/receiver"
	"github.com/hookdrill/hookdrill/scenarios"
)

// Planted secrets: they must never reach a report.
const (
	plantedSecret    = "planted-secret-7Qx3vTz9KpL2mWn8"
	plantedOldSecret = "planted-old-secret-Hj4kR8sY2bV6"
	plantedToken     = "planted-url-token-Ga7Ue1Wq5Zc3"
)

// genSecret is the signing secret of the generated scenarios.
const genSecret = "gen-secret-Ld83hFq0Xs2aNv71"

// startReceiver starts the reference receiver for platform with the
// planted secrets (and bugs) and returns its webhook URL, with a token in
// its query that reports must redact.
func startReceiver(tb testing.TB, platform, secret string, bugs ...receiver.Bug) string {
	tb.Helper()
	url, stop, err := receiver.Start(receiver.Config{Platform: mustReference(tb, platform), Secret: secret, OldSecrets: []string{plantedOldSecret}, Bugs: bugs})
	require.NoError(tb, err)
	tb.Cleanup(stop)
	return url
}

// startFrozenReceiver starts the correct Prolific reference receiver on
// the frozen clock the generated runs use, and returns its webhook URL.
func startFrozenReceiver(tb testing.TB) string {
	tb.Helper()
	url, stop, err := receiver.Start(receiver.Config{Platform: prolificref.New(), Secret: genSecret, Clock: clock.NewSim(frozen())})
	require.NoError(tb, err)
	tb.Cleanup(stop)
	return url + "/webhook"
}

// demoRun runs the conformance suites like "conform --demo" (the
// prolific receiver with bugs, if any) and returns the merged report and
// how many attempts the journals recorded.
func demoRun(tb testing.TB, prolificBugs ...receiver.Bug) (assert.Report, int) {
	tb.Helper()
	var reps []assert.Report
	var mu sync.Mutex
	attempts := 0
	for _, p := range all.Suites().Platforms() {
		var bugs []receiver.Bug
		if p == "prolific" {
			bugs = prolificBugs
		}
		url := startReceiver(tb, p, plantedSecret, bugs...)
		cfg := conform.Config{Platform: p, Suites: all.Suites(), Registry: all.Registry(), Target: url + "/webhook?token=" + plantedToken, Secret: plantedSecret,
			OldSecret: plantedOldSecret, ProbeApplied: url + "/_state#/processed/{event_id}",
			ProbeStatus: url + "/_state#/status/{resource_id}", Seed: 20260101}
		cfg.Base.OnJournal = func(_ *scenarios.Scenario, j *hookdrill.Journal) {
			n := len(j.Snapshot().Attempts(""))
			mu.Lock()
			attempts += n
			mu.Unlock()
		}
		res, err := conform.Run(context.Background(), cfg)
		require.NoError(tb, err)
		reps = append(reps, res.Report)
	}
	m, err := Merge(reps...)
	require.NoError(tb, err)
	return m, attempts
}

// genScenarios makes n scenarios of three kinds: a valid delivery (2xx), a
// forged one (4xx wanted) and one whose first three attempts are forged so
// that Prolific retries it on the simulated clock.
func genScenarios(tb testing.TB, n int, target string) []*scenarios.Scenario {
	tb.Helper()
	out := make([]*scenarios.Scenario, 0, n)
	for i := range n {
		var steps string
		switch i % 3 {
		case 0:
			steps = "  - send: {event: submission.status.change, status: APPROVED}\n    expect: {status: 2xx}\n"
		case 1:
			steps = "  - send: {event: submission.status.change, status: REJECTED}\n    tamper: flip_signature\n    retries: none\n    expect: {status: 4xx}\n"
		default:
			steps = "  - send: {event: study.status.change, status: COMPLETED}\n    tamper: {kinds: [wrong_secret], attempts: 3}\n    expect: {delivered: true, attempts: 4}\n"
		}
		src := fmt.Sprintf("version: 1\nname: gen/s%04d\nplatform: prolific\ntarget: %s\nsecret: %s\nseed: %d\nsteps:\n%s",
			i, target, genSecret, i+1, steps)
		sc, err := loader.Parse(fmt.Sprintf("gen/s%04d.yaml", i), []byte(src))
		require.NoError(tb, err)
		out = append(out, sc)
	}
	return out
}

// loader reads the generated scenarios (the wire package: platform/all
// imports packages that import this one).
var loader = scenarios.Loader{Platforms: platform.MustRegistry(func() hookdrill.Profile { return prolific.New(prolific.Options{}) })}

// frozen is a wall clock that never moves, so two runs of the same
// scenarios journal the same bytes.
func frozen() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }

// runGenerated runs scs against target with cfg's shard.
func runGenerated(tb testing.TB, scs []*scenarios.Scenario, shard scenarios.Shard) assert.Report {
	tb.Helper()
	cfg := scenarios.RunConfig{Parallel: 4, Shard: shard, SimStart: frozen(), WallNow: frozen}
	rep, err := scenarios.Run(context.Background(), cfg, scs)
	require.NoError(tb, err)
	return rep
}

// mustReference returns the reference receiver's part of the named platform.
func mustReference(tb testing.TB, name string) receiver.Platform {
	tb.Helper()
	p, err := all.References().Lookup(name)
	require.NoError(tb, err)
	return p
}
