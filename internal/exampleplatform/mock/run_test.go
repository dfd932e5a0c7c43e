package mock_test

import (
	"context"
	"testing"
	"time"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/assert"
	"github.com/hookdrill/hookdrill/internal/exampleplatform"
	"github.com/hookdrill/hookdrill/internal/exampleplatform/mock"
	"github.com/hookdrill/hookdrill/internal/exampleplatform/reference"
	"github.com/hookdrill/hookdrill/mockserver/scenariomock"
	"github.com/hookdrill/hookdrill/platform"
	"github.com/hookdrill/hookdrill/platform/prolific"
	"github.com/hookdrill/hookdrill/platform/respondent"
	"github.com/hookdrill/hookdrill/receiver"
	"github.com/hookdrill/hookdrill/scenarios"
)

// proofScenario drives every part of the example platform through the core
// packages: the scenario loader and runner (registry), the embedded mock
// (scenariomock + this package), the sender (wire profile) and the
// reference receiver (its example part).
const proofScenario = `version: 1
name: example/proof
platform: example
mock: {}
steps:
  - id: sub
    subscribe: {event: order.updated}
  - id: ev
    trigger: {event: order.updated, status: paid}
    expect: {count: 1, status: 2xx}
  - id: direct
    send: {event: order.updated, status: refunded}
    expect: {status: 2xx}
  - duplicate: direct
    expect: {status: 2xx}
  - send: {event: order.updated}
    tamper: {kinds: [wrong_secret]}
    expect: {status: 4xx}
  - send: {event: order.updated}
    tamper: {kinds: [stale_timestamp], skew: 10m}
    expect: {status: 4xx}
  - disable: sub
  - inspect: {subscription: sub}
    expect: {enabled: false, events: {status: SUCCEEDED, count: 1}}
`

func TestScenarioRunWithMockAndReference(t *testing.T) {
	reg, err := platform.NewRegistry(
		func() hookdrill.Profile { return prolific.New(prolific.Options{}) },
		func() hookdrill.Profile { return respondent.New(respondent.Options{}) },
		func() hookdrill.Profile { return exampleplatform.New(exampleplatform.Options{}) },
	)
	require.NoError(t, err)
	const secret = "proof-secret"
	url, stop, err := receiver.Start(receiver.Config{Platform: reference.New(), Secret: secret})
	require.NoError(t, err)
	defer stop()

	sc, err := scenarios.Loader{Platforms: reg}.Parse("proof.yaml", []byte(proofScenario))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rep, err := scenarios.Run(ctx, scenarios.RunConfig{Platforms: reg, Target: url + "/webhook", Secret: secret, Seed: 11,
		Mock: scenariomock.Factory(mock.Scenario)}, []*scenarios.Scenario{sc})
	require.NoError(t, err)
	require.Len(t, rep.Scenarios, 1)
	res := rep.Scenarios[0]
	require.Equal(t, assert.Pass, res.Verdict, "%s", res.Reason)
	tassert.Equal(t, exampleplatform.Name, res.Platform)
}
