package scenarios

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/assert"
	"github.com/hookdrill/hookdrill/platform/prolific"
)

// TestIDSalt: a salt gives every generated event and resource id a fresh
// value in the platform's format, while the seed still reproduces the
// rest of the payload; the same salt reproduces the ids too.
func TestIDSalt(t *testing.T) {
	var mu sync.Mutex
	var bodies []map[string]any
	var eventIDs []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		mu.Lock()
		bodies = append(bodies, m)
		eventIDs = append(eventIDs, r.Header.Get("X-Event-ID"))
		mu.Unlock()
	}))
	defer srv.Close()
	sc, err := testLoader.Parse("salt.yaml", []byte(`version: 1
name: salt
platform: prolific
retries: {preset: none}
steps:
  - id: a
    send: {event: submission.status.change, status: APPROVED}
  - send: {event: submission.status.change, status: RETURNED, resource: "${a.resource_id}"}
`))
	require.NoError(t, err)
	run := func(salt uint64) {
		res := RunScenario(context.Background(), RunConfig{Target: srv.URL, Secret: "s3cret", Seed: 42, IDSalt: salt}, sc)
		require.Equal(t, assert.Pass, res.Verdict, res.Reason)
	}
	run(0)
	run(7)
	run(7)
	run(8)
	require.Len(t, bodies, 8)
	hex24 := regexp.MustCompile(`^[0-9a-f]{24}$`)
	for i, b := range bodies {
		require.Regexp(t, hex24, b["resource_id"], "body %d", i)
		require.Regexp(t, hex24, eventIDs[i], "event id %d", i)
		// The participant belongs to the submission (prolific.Participant), so
		// a salted submission id brings its own participant; the seed
		// reproduces the rest of the payload.
		tassert.Equal(t, prolific.Participant(b["resource_id"].(string)), b["participant_id"], "body %d: the submission's own participant", i)
		tassert.Equal(t, bodies[i%2]["status"], b["status"], "the seed reproduces the rest of the payload")
		tassert.Equal(t, bodies[i-i%2]["participant_id"], b["participant_id"], "both events of one submission carry one participant")
	}
	tassert.Equal(t, bodies[2]["resource_id"], bodies[3]["resource_id"], "a reference keeps the salted resource id")
	tassert.NotEqual(t, eventIDs[0], eventIDs[2], "salt 7 changes the event id")
	tassert.NotEqual(t, bodies[0]["resource_id"], bodies[2]["resource_id"], "salt 7 changes the resource id")
	tassert.Equal(t, eventIDs[2:4], eventIDs[4:6], "the same salt reproduces the ids")
	tassert.NotEqual(t, eventIDs[4], eventIDs[6], "another salt gives other ids")
}

func TestSaltID(t *testing.T) {
	uuid := "006a4577-43d6-448a-a3d6-1a63581ca217"
	got := saltID(uuid, 99)
	require.Len(t, got, len(uuid))
	require.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$`, got, "dashes, version and variant kept")
	require.NotEqual(t, uuid, got)
	require.Equal(t, got, saltID(uuid, 99))
}
