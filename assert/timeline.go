package assert

import (
	"strings"
	"time"

	"github.com/hookdrill/hookdrill"
)

// Clock names for Timeline.Clock.
const (
	ClockSimulated = "simulated"
	ClockReal      = "real"
)

// Timeline is everything a scenario's journal recorded that happened to
// the receiver, on the scenario's own clock: every delivery with every
// attempt (request and response heads, redacted like the rest of the
// report) and every probe. Reports that draw a run (the HTML report) are
// built from it, so they can be produced again from saved JSON.
type Timeline struct {
	// Clock is the clock the offsets count on: "simulated" (days of
	// retries pass instantly) or "real".
	Clock string `json:"clock"`
	// Start is the scenario clock's reading when the scenario started;
	// every at_s counts from it.
	Start      time.Time          `json:"start"`
	Deliveries []TimelineDelivery `json:"deliveries,omitempty"`
	Probes     []TimelineProbe    `json:"probes,omitempty"`
}

// TimelineDelivery is one delivery: one lane of a timeline.
type TimelineDelivery struct {
	ID         string `json:"id"`
	EventID    string `json:"event_id,omitempty"`
	EventType  string `json:"event_type,omitempty"`
	ResourceID string `json:"resource_id,omitempty"`
	// Tag is the journal tag of the delivery, e.g. the step id.
	Tag string `json:"tag,omitempty"`
	// Status is the delivery's final state (SUCCEEDED, FAILED); empty when
	// the journal holds no end record for it.
	Status   string         `json:"status,omitempty"`
	Reason   string         `json:"reason,omitempty"`
	Attempts []TimedAttempt `json:"attempts"`
}

// TimedAttempt is one attempt placed on the timeline.
type TimedAttempt struct {
	// AtS is when the attempt started, in seconds after Timeline.Start.
	AtS float64 `json:"at_s"`
	// NextInS is the wait before the next attempt (0 on the last).
	NextInS float64 `json:"next_in_s,omitempty"`
	AttemptSummary
}

// TimelineProbe is one probe of the receiver's state.
type TimelineProbe struct {
	AtS float64 `json:"at_s"`
	ProbeSummary
}

// Attempts counts the attempts of every delivery.
func (t *Timeline) Attempts() int {
	if t == nil {
		return 0
	}
	n := 0
	for _, d := range t.Deliveries {
		n += len(d.Attempts)
	}
	return n
}

// End is the latest offset on the timeline, in seconds.
func (t *Timeline) End() float64 {
	var end float64
	if t == nil {
		return 0
	}
	for _, d := range t.Deliveries {
		for _, a := range d.Attempts {
			end = max(end, a.AtS+a.LatencyMS/1000)
		}
	}
	for _, p := range t.Probes {
		end = max(end, p.AtS+p.MS/1000)
	}
	return end
}

// BuildTimeline collects the attempts, delivery ends and probes of a
// journal snapshot into a Timeline. With simulated set, times are read from
// the entries' simulated clock (falling back to wall time where an entry
// has none); otherwise from wall time. start is the clock's reading when
// the scenario started.
func BuildTimeline(s hookdrill.Snapshot, simulated bool, start time.Time) *Timeline {
	t := &Timeline{Clock: ClockReal, Start: start}
	if simulated {
		t.Clock = ClockSimulated
	}
	at := func(sim, wall time.Time) float64 {
		x := wall
		if simulated && !sim.IsZero() {
			x = sim
		}
		return x.Sub(start).Seconds()
	}
	index := map[string]int{}
	lane := func(id string) *TimelineDelivery {
		i, ok := index[id]
		if !ok {
			i = len(t.Deliveries)
			index[id] = i
			t.Deliveries = append(t.Deliveries, TimelineDelivery{ID: id, Attempts: []TimedAttempt{}})
		}
		return &t.Deliveries[i]
	}
	for i := range s {
		e := &s[i]
		switch {
		case e.Attempt != nil:
			a := e.Attempt
			d := lane(a.DeliveryID)
			d.EventID, d.EventType, d.ResourceID = a.EventID, a.EventType, a.ResourceID
			if d.Tag == "" && len(e.Tags) > 0 {
				d.Tag = strings.Join(e.Tags, ",")
			}
			ta := TimedAttempt{AtS: at(a.SimStarted, a.Started), NextInS: a.NextAttemptIn.Seconds(), AttemptSummary: *Summarize(*a)}
			if a.Final {
				ta.NextInS = 0
			}
			d.Attempts = append(d.Attempts, ta)
		case e.Delivery != nil:
			d := lane(e.Delivery.DeliveryID)
			if d.EventID == "" {
				d.EventID, d.EventType, d.ResourceID = e.Delivery.EventID, e.Delivery.EventType, e.Delivery.ResourceID
			}
			d.Status, d.Reason = string(e.Delivery.Status), e.Delivery.Reason
		case e.Probe != nil:
			p := e.Probe
			ps := ProbeSummary{Kind: p.Kind, Target: p.Target, Status: p.Status, Output: p.Output, Error: p.Error, MS: ms(p.Latency)}
			if p.Kind == "exec" && (p.Error == "" || p.ExitCode != 0) {
				code := p.ExitCode
				ps.ExitCode = &code
			}
			t.Probes = append(t.Probes, TimelineProbe{AtS: at(e.Sim, e.Wall), ProbeSummary: ps})
		}
	}
	return t
}

// MarkClass sorts an attempt into the classes a timeline colours: "2xx",
// "3xx", "4xx", "5xx" by the answer's status, or the outcome when there was
// no usable answer ("timeout", "lost_ack", "connection_refused"...).
func (s *AttemptSummary) MarkClass() string {
	switch s.Outcome {
	case hookdrill.OutcomeLostAck, hookdrill.OutcomeTimeout, hookdrill.OutcomeRefused, hookdrill.OutcomeReset,
		hookdrill.OutcomeTLS, hookdrill.OutcomeProtocol, hookdrill.OutcomeNetwork, hookdrill.OutcomeCancelled,
		hookdrill.OutcomeLocalError, hookdrill.OutcomeUndelivered:
		return string(s.Outcome)
	}
	if s.Response != nil && s.Response.Status >= 100 {
		return string(rune('0'+s.Response.Status/100)) + "xx"
	}
	return string(s.Outcome)
}

// Tampered reports whether the attempt was deliberately altered (a forged
// or broken signature, a changed body, a skewed timestamp); the lost_ack
// fault alters the answer, not the request, and does not count.
func (s *AttemptSummary) Tampered() bool {
	for _, f := range s.Faults {
		if f != "lost_ack" {
			return true
		}
	}
	return false
}
