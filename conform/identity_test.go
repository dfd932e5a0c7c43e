package conform_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/conform"
	"github.com/hookdrill/hookdrill/platform/all"
	"github.com/hookdrill/hookdrill/scenarios"
)

// The conformance checks that send several events about one submission
// (ordering.older_ignored: a newer, then an older update) name one
// participant in all of them, as Prolific does.
func TestConformKeepsTheSubmissionsParticipant(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if r.Method == http.MethodGet {
			io.WriteString(w, `{"status": "APPROVED"}`)
		}
	}))
	defer srv.Close()
	var mu sync.Mutex
	var bodies []map[string]any
	_, err := conform.Run(context.Background(), conform.Config{
		Suites: all.Suites(), Registry: all.Registry(),
		Platform: "prolific", Target: srv.URL + "/hook", Secret: secret, Seed: 5,
		ProbeStatus: srv.URL + "/state#/status", Only: []string{"prolific.ordering.older_ignored"},
		Base: scenarios.RunConfig{OnJournal: func(sc *scenarios.Scenario, j *hookdrill.Journal) {
			if strings.HasSuffix(sc.Name, conform.PreflightSuffix) {
				return // the preflight's own delivery is about another submission
			}
			mu.Lock()
			defer mu.Unlock()
			for _, a := range j.Snapshot().Attempts("") {
				var m map[string]any
				require.NoError(t, json.Unmarshal([]byte(a.Request.Body), &m))
				bodies = append(bodies, m)
			}
		}},
	})
	require.NoError(t, err)
	require.Len(t, bodies, 2)
	tassert.Equal(t, bodies[0]["resource_id"], bodies[1]["resource_id"])
	require.NotEmpty(t, bodies[0]["participant_id"])
	tassert.Equal(t, bodies[0]["participant_id"], bodies[1]["participant_id"])
}
