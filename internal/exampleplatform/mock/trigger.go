package mock

import (
	"context"
	"fmt"
	"sort"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/internal/exampleplatform"
	"github.com/hookdrill/hookdrill/mockserver"
	"github.com/hookdrill/hookdrill/sender"
)

// Trigger implements mockserver.Platform: one event, sent to every
// enabled endpoint, each signed with its own secret.
func (m *Mock) Trigger(ctx context.Context, req mockserver.TriggerRequest) (mockserver.TriggerResult, error) {
	if err := ctx.Err(); err != nil {
		return mockserver.TriggerResult{}, err
	}
	return m.trigger(req, "")
}

// TestEndpoint sends an event of status (default the profile's) to one
// endpoint, enabled or not (the API's POST /endpoints/{id}/test).
func (m *Mock) TestEndpoint(ctx context.Context, id, status string) (mockserver.TriggerResult, error) {
	if err := ctx.Err(); err != nil {
		return mockserver.TriggerResult{}, err
	}
	return m.trigger(mockserver.TriggerRequest{Platform: exampleplatform.Name, EventType: exampleplatform.EventOrderUpdated, Status: status}, id)
}

// trigger builds one event and starts a delivery to every enabled
// endpoint, or to the endpoint only names.
func (m *Mock) trigger(req mockserver.TriggerRequest, only string) (mockserver.TriggerResult, error) {
	h := m.h
	h.Lock()
	if h.Closed() {
		h.Unlock()
		return mockserver.TriggerResult{}, mockserver.ClosedError()
	}
	var targets []*endpointRec
	if only != "" {
		e, ok := m.st.Endpoints[only]
		if !ok {
			h.Unlock()
			return mockserver.TriggerResult{}, mockserver.NotFound("endpoint", only)
		}
		targets = append(targets, e)
	} else {
		for _, e := range m.st.Endpoints {
			targets = append(targets, e)
		}
		sort.Slice(targets, func(i, j int) bool { return targets[i].Seq < targets[j].Seq })
	}
	now := h.Now()
	ev, err := m.opt.Profile.NewEvent(req.Spec(), h.Rand(), now)
	if err == nil && ev.Type == "" {
		err = fmt.Errorf("%w: the event has no event type", exampleplatform.ErrUnknownEventType)
	}
	if err != nil {
		h.Unlock()
		return mockserver.TriggerResult{}, fieldError("event_type", err.Error())
	}
	res := mockserver.TriggerResult{Event: ev, Deliveries: []mockserver.Dispatched{}}
	var jobs []mockserver.Job
	for _, e := range targets {
		if !e.Enabled && only == "" {
			res.Skipped = append(res.Skipped, mockserver.Skipped{WebhookID: e.ID, TargetURL: hookdrill.RedactURL(e.URL), Reason: "endpoint disabled"})
			continue
		}
		rec := &mockserver.LogRecord{Owner: e.ID, ID: ev.ID, EventType: ev.Type, ResourceID: ev.ResourceID, TargetURL: e.URL,
			Created: now, Updated: now, Status: hookdrill.StatusPending, Payload: ev.Payload}
		h.Events().Append(rec)
		id, test := e.ID, only != ""
		jobs = append(jobs, mockserver.Job{
			Delivery: sender.Delivery{
				Event: ev, Profile: m.opt.Profile,
				Target: hookdrill.Target{URL: e.URL, Secret: hookdrill.Secret(e.Secret)},
				Tags:   []string{"mock", "endpoint:" + id},
				Hooks: sender.Hooks{
					Secret: func() (string, bool) {
						s, _, ok := m.endpointState(id)
						return s, ok
					},
					Active: func() bool {
						_, enabled, ok := m.endpointState(id)
						return ok && (enabled || test)
					},
				},
			},
			Record: rec,
			Out:    mockserver.Dispatched{EventID: ev.ID, WebhookID: id, TargetURL: hookdrill.RedactURL(e.URL)},
		})
	}
	if len(targets) == 0 {
		res.Skipped = append(res.Skipped, mockserver.Skipped{Reason: "no endpoint (POST " + Prefix + "endpoints to create one)"})
	}
	h.Reserve(len(jobs))
	h.Unlock()
	res.Deliveries = append(res.Deliveries, h.Start(jobs)...)
	return res, nil
}
