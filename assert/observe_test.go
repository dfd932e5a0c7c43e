package assert

import (
	"testing"

	tassert "github.com/stretchr/testify/assert"

	"github.com/hookdrill/hookdrill"
)

// TestObserve: every way a receiver can answer maps to the word a verdict
// uses for it.
func TestObserve(t *testing.T) {
	resp := func(st int, o hookdrill.Outcome) *AttemptSummary {
		return &AttemptSummary{Outcome: o, Response: &HTTPSummary{Status: st}}
	}
	for _, tt := range []struct {
		a      *AttemptSummary
		want   string
		phrase string
	}{
		{resp(200, hookdrill.OutcomeSuccess), ObsAccepted, "accepted it (HTTP 200)"},
		{resp(204, hookdrill.OutcomeSuccess), ObsAccepted, "accepted it (HTTP 204)"},
		{resp(401, hookdrill.OutcomeHTTPError), ObsRefused, "refused it (HTTP 401)"},
		{resp(429, hookdrill.OutcomeHTTPError), ObsRefused, "refused it (HTTP 429)"},
		{resp(500, hookdrill.OutcomeHTTPError), ObsCrashed, "crashed on it (HTTP 500)"},
		{resp(308, hookdrill.OutcomeRedirect), ObsRedirected, "redirected it (HTTP 308)"},
		{resp(102, hookdrill.OutcomeHTTPError), ObsOther, "answered HTTP 102"},
		{&AttemptSummary{Outcome: hookdrill.OutcomeTimeout}, ObsTimedOut, "did not answer it in time (timed out)"},
		{resp(200, hookdrill.OutcomeLostAck), ObsAccepted, "accepted it (HTTP 200)"},
		{&AttemptSummary{Outcome: hookdrill.OutcomeRefused}, ObsUnreachable, "could not be reached (connection_refused)"},
		{&AttemptSummary{Outcome: hookdrill.OutcomeTLS}, ObsUnreachable, "could not be reached (tls_error)"},
		{&AttemptSummary{Outcome: hookdrill.OutcomeReset}, ObsDropped, "dropped the connection (connection_reset)"},
		{nil, "", "was not asked"},
	} {
		tassert.Equal(t, tt.want, Observe(tt.a))
		tassert.Equal(t, tt.phrase, ObservedPhrase(tt.a))
	}
}

// TestWorseOrdersNewVerdicts: inconclusive and blocked sit between skip
// and fail, so a run's verdict shows them over passes but under failures.
func TestWorseOrdersNewVerdicts(t *testing.T) {
	tassert.Equal(t, Inconclusive, Worse(Pass, Inconclusive))
	tassert.Equal(t, Blocked, Worse(Inconclusive, Blocked))
	tassert.Equal(t, Fail, Worse(Blocked, Fail))
	tassert.Equal(t, Error, Worse(Error, Blocked))
	tassert.Len(t, Verdicts(), 6)
}
