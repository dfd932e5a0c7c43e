package mock

import (
	"path/filepath"
	"testing"
	"time"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/clock"
	"github.com/hookdrill/hookdrill/internal/testkit"
	"github.com/hookdrill/hookdrill/platform/internal/mocktest"
	"github.com/hookdrill/hookdrill/platform/respondent"
)

// checkGolden compares got with testdata/name (go test ./platform/respondent/mock
// -run TestName -update rewrites it).
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	testkit.Golden(t, filepath.Join("testdata", name), []byte(got))
}

func goldenEnv(t *testing.T, cfg Config) (*env, *mocktest.Dispatcher) {
	sim := clock.NewSim(simStart)
	fd := &mocktest.Dispatcher{Clock: sim, Latency: 412 * time.Millisecond}
	cfg.Clock, cfg.Dispatcher, cfg.Seed = sim, fd, 1
	return newEnv(t, cfg), fd
}

// TestGoldenRespondent73 replays spec 7.3.
func TestGoldenRespondent73(t *testing.T) {
	e, fd := goldenEnv(t, Config{})
	got := mocktest.Transcript(e.do, []mocktest.Exchange{
		{Method: "POST", Path: "/v1/webhooks", Body: `{"url": "https://hooks.example.org/respondent"}`},
		{Method: "GET", Path: "/v1/webhooks/{id}/event-types"},
		{Method: "POST", Path: "/v1/webhooks/{id}/simulate", Body: `{"event": "SCREENER_RESPONSES.UPDATED", "screenerResponseUpdatedType": "REJECTED.TRUE"}`},
		{Method: "GET", Path: "/v1/webhooks"},
		{Method: "DELETE", Path: "/v1/webhooks/{id}"},
		{Method: "GET", Path: "/v1/webhooks/{id}"},
	})
	checkGolden(t, "respondent-7.3.golden", got)
	tassert.Contains(t, got, `{"eventTypes":["PROJECTS.UPDATED","SCREENER_RESPONSES.CREATED","SCREENER_RESPONSES.UPDATED","MESSAGES.CREATED","CONVERSATIONS.CREATED"]}`)
	require.Len(t, fd.Got(), 1)
	ev := fd.Got()[0].Event
	tassert.Equal(t, respondent.EventScreenerResponsesUpdated, ev.Type)
	b, err := hookdrill.EncodeCompact(ev.Payload)
	require.NoError(t, err)
	tassert.Contains(t, string(b), `"updatedFields":[{"name":"rejected","oldValue":false,"newValue":true}]`)
}
