package mockserver_test

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/hookdrill/hookdrill/internal/testkit"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/clock"
)

// TestConcurrentClients runs 64 clients that create, confirm, patch and
// delete subscriptions while triggering events, all over HTTP on the wall
// clock, then checks that every event reached its subscription's log and
// the receiver exactly once.
func TestConcurrentClients(t *testing.T) {
	const clients, triggers = 64, 3
	e := newEnv(t, Config{Clock: clock.Real{}})
	rcv := testkit.Recording(t, nil)
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	defer hc.CloseIdleConnections()

	call := func(method, path, body string) (int, http.Header, []byte, error) {
		req, err := http.NewRequest(method, e.ts.URL+path, strings.NewReader(body))
		if err != nil {
			return 0, nil, nil, err
		}
		req.Header.Set("Authorization", "Token t")
		req.Header.Set("Content-Type", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			return 0, nil, nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, b, err
	}

	type outcome struct {
		kept    map[string][]string // subscription id -> event ids sent to it
		deleted int
		err     error
	}
	results := make([]outcome, clients)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out := outcome{kept: map[string][]string{}}
			defer func() { results[i] = out }()
			fail := func(format string, a ...any) { out.err = fmt.Errorf("client %d: "+format, append([]any{i}, a...)...) }
			ws := fmt.Sprintf("%024x", i+1)
			if code, _, b, err := call("POST", "/api/v1/hooks/secrets/", `{"workspace_id": "`+ws+`"}`); err != nil || code != 201 {
				fail("secret: %d %s %v", code, b, err)
				return
			}
			var ids []string
			for k := range 2 {
				code, h, b, err := call("POST", "/api/v1/hooks/subscriptions/", fmt.Sprintf(
					`{"workspace_id": "%s", "event_type": "submission.status.change", "target_url": "%s/c%d/%d"}`, ws, rcv.URL, i, k))
				if err != nil || code != 201 {
					fail("create: %d %s %v", code, b, err)
					return
				}
				var sub Subscription
				if err := json.Unmarshal(b, &sub); err != nil {
					fail("decode: %v", err)
					return
				}
				if code, _, b, err := call("POST", "/api/v1/hooks/subscriptions/"+sub.ID+"/", `{"secret": "`+h.Get("X-Hook-Secret")+`"}`); err != nil || code != 200 {
					fail("confirm: %d %s %v", code, b, err)
					return
				}
				ids = append(ids, sub.ID)
			}
			// Pause and resume the first subscription while other clients
			// trigger. (Pausing right after a trigger of our own could
			// legitimately stop that delivery before its attempt.)
			for _, v := range []string{"false", "true"} {
				if code, _, b, err := call("PATCH", "/api/v1/hooks/subscriptions/"+ids[0]+"/", `{"is_enabled": `+v+`}`); err != nil || code != 200 {
					fail("patch: %d %s %v", code, b, err)
					return
				}
			}
			for range triggers {
				res, err := e.srv.Trigger(context.Background(), TriggerRequest{EventType: "submission.status.change", WorkspaceID: ws})
				if err != nil {
					fail("trigger: %v", err)
					return
				}
				for _, d := range res.Deliveries {
					out.kept[d.SubscriptionID] = append(out.kept[d.SubscriptionID], d.EventID)
				}
				if code, _, b, err := call("GET", "/api/v1/hooks/subscriptions/?limit=10", ""); err != nil || code != 200 {
					fail("list: %d %s %v", code, b, err)
					return
				}
			}
			if i%2 == 1 {
				if code, _, b, err := call("DELETE", "/api/v1/hooks/subscriptions/"+ids[1]+"/", ""); err != nil || code != 204 {
					fail("delete: %d %s %v", code, b, err)
					return
				}
				delete(out.kept, ids[1])
				out.deleted++
			}
		}()
	}
	wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, e.srv.Wait(ctx))

	seen := map[string]int{}
	for _, r := range rcv.Requests() {
		seen[r.Header.Get("X-Event-ID")]++
	}
	total := 0
	for _, r := range results {
		require.NoError(t, r.err)
		for sub, evs := range r.kept {
			tassert.Len(t, evs, triggers, "every trigger reached subscription %s", sub)
			log := e.events(sub, "?limit=1000")
			got := map[string]int{}
			for _, rec := range log.Results {
				got[rec.ID]++
				tassert.Equal(t, "SUCCEEDED", rec.Status)
			}
			for _, id := range evs {
				tassert.Equal(t, 1, got[id], "event %s logged once for %s", id, sub)
				tassert.Equal(t, 1, seen[id], "event %s received once", id)
			}
			tassert.Len(t, log.Results, len(evs), "no extra records for %s", sub)
			total += len(evs)
		}
	}
	tassert.Equal(t, clients*2*triggers-clients/2*triggers, total)
	for id, n := range seen {
		tassert.Equal(t, 1, n, "event %s received once", id)
	}
}
