package mockserver

import (
	"context"
	"strings"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/sender"
)

// Trigger emits one event as its platform (req.Platform, default the
// first) would when a resource changes. It returns once every delivery has
// started; the result says where each went.
func (s *Server) Trigger(ctx context.Context, req TriggerRequest) (TriggerResult, error) {
	if err := ctx.Err(); err != nil {
		return TriggerResult{}, err
	}
	if req.Platform == "" && len(s.plats) > 0 {
		return s.plats[0].Trigger(ctx, req)
	}
	if p := s.Platform(req.Platform); p != nil {
		return p.Trigger(ctx, req)
	}
	fe := FieldErrors{}
	fe.Add("platform", "%q is not a platform. Valid: %s.", req.Platform, strings.Join(s.platformNames(), ", "))
	return TriggerResult{}, fe.Err(0)
}

// start hands the prepared deliveries to the dispatcher; s.mu must not be
// held (a dispatcher may run hooks before returning).
func (s *Server) start(jobs []Job) []Dispatched {
	out := make([]Dispatched, 0, len(jobs))
	for _, j := range jobs {
		j := j
		rec := j.Record
		onAttempt, onDone := j.OnAttempt, j.OnDone
		j.Delivery.Hooks.OnAttempt = func(a hookdrill.Attempt) {
			s.mu.Lock()
			defer s.mu.Unlock()
			at := AttemptTime(a, s.clk.Now())
			if rec != nil {
				s.events.onAttempt(rec, a, at, s.cfg.FailedOnEachAttempt)
			}
			if onAttempt != nil {
				onAttempt(a, at)
			}
		}
		j.Delivery.Hooks.OnDone = func(r sender.Result) {
			defer s.live.Done()
			s.mu.Lock()
			defer s.mu.Unlock()
			if rec != nil {
				s.events.onDone(rec, r.Status == hookdrill.StatusSucceeded, len(r.Attempts) > 0)
			}
			if onDone != nil {
				onDone(r)
			}
		}
		h, err := s.disp.Deliver(s.ctx, j.Delivery)
		if err != nil {
			if rec != nil {
				s.mu.Lock()
				rec.Status = hookdrill.StatusFailed
				rec.Updated = s.clk.Now()
				s.events.save(rec)
				s.mu.Unlock()
			}
			s.live.Done()
			j.Out.Error = err.Error()
		} else {
			j.Out.DeliveryID = h.ID()
			if rec != nil {
				s.mu.Lock()
				if rec.DeliveryID == "" {
					rec.DeliveryID = h.ID()
				}
				s.mu.Unlock()
			}
		}
		out = append(out, j.Out)
	}
	return out
}

// AttemptTime is when an attempt started: on the simulated clock when it
// says, else now.
func AttemptTime(a hookdrill.Attempt, now time.Time) time.Time {
	if !a.SimStarted.IsZero() {
		return a.SimStarted
	}
	return now
}

// CountsForHealth reports whether an attempt outcome says something about
// the receiver (not a local error or a cancellation).
func CountsForHealth(o hookdrill.Outcome) bool {
	switch o {
	case hookdrill.OutcomeLocalError, hookdrill.OutcomeCancelled, hookdrill.OutcomeUndelivered:
		return false
	}
	return true
}

func countsForHealth(o hookdrill.Outcome) bool { return CountsForHealth(o) }
