package mocktest_test

import (
	"context"
	"testing"
	"time"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/clock"
	"github.com/hookdrill/hookdrill/platform/internal/mocktest"
	"github.com/hookdrill/hookdrill/sender"
)

func TestDispatcher(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	d := &mocktest.Dispatcher{Clock: clock.NewSim(start), Latency: 7 * time.Millisecond}
	var attempt hookdrill.Attempt
	var done sender.Result
	_, err := d.Deliver(context.Background(), sender.Delivery{Event: hookdrill.Event{ID: "e1"},
		Hooks: sender.Hooks{OnAttempt: func(a hookdrill.Attempt) { attempt = a }, OnDone: func(r sender.Result) { done = r }}})
	require.NoError(t, err)
	tassert.Equal(t, hookdrill.OutcomeSuccess, attempt.Outcome)
	tassert.Equal(t, start, attempt.SimStarted)
	tassert.Equal(t, 7*time.Millisecond, attempt.Latency)
	tassert.Equal(t, hookdrill.StatusSucceeded, done.Status)
	require.Len(t, d.Got(), 1)
	tassert.Equal(t, "e1", d.Got()[0].Event.ID)
}
