package prolific

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/internal/wire"
)

// Payload keys (spec 3), in the order they appear on the wire.
const (
	KeyResourceID    = "resource_id"
	KeyEventType     = "event_type"
	KeyParticipantID = "participant_id"
	KeyMetadata      = "metadata"
	KeyStatus        = "status"
)

// NewEvent builds an event of spec.Type (see hookdrill.Profile).
//
// Blank fields are filled from rnd: the event id (X-Event-ID) and the
// resource id are 24 lowercase hex characters. The participant of a
// submission.status.change is Extra participant_id, else
// Participant(resource id): one submission keeps one participant across
// all its events. NewEvent draws
// exactly two values from rnd whatever the spec sets, so the same seed and
// specs always give the same events. A blank Status takes
// DefaultSubmissionStatus or DefaultStudyStatus. CreatedAt is spec.CreatedAt
// or now, in UTC, truncated to Options.TimestampUnit (what X-Timestamp
// shows).
//
// When spec.Payload is set it is the body, as is (any event type): Type,
// ResourceID and Status are read from its "event_type", "resource_id" and
// "status" keys when present, else from spec.
func (p *Profile) NewEvent(spec hookdrill.EventSpec, rnd *rand.Rand, now time.Time) (hookdrill.Event, error) {
	if rnd == nil {
		return hookdrill.Event{}, fmt.Errorf("prolific: new event: %w", wire.ErrNilRand)
	}
	f := wire.Faker(rnd)
	// Always the same draws in the same order, so that overriding one value
	// does not shift the others.
	genID, genResource, _ := wire.ObjectID(f), wire.ObjectID(f), wire.ObjectID(f)

	at := spec.CreatedAt
	if at.IsZero() {
		at = now
	}
	ev := hookdrill.Event{
		Platform:  Name,
		ID:        or(spec.ID, genID),
		CreatedAt: at.UTC().Truncate(p.opts.TimestampUnit),
	}
	if spec.Payload != nil {
		ev.Payload = spec.Payload.Clone()
		ev.Type = or(ev.Payload.GetString(KeyEventType), spec.Type)
		ev.ResourceID = or(ev.Payload.GetString(KeyResourceID), spec.ResourceID)
		ev.Status = or(ev.Payload.GetString(KeyStatus), spec.Status)
		return ev, nil
	}

	ev.Type = spec.Type
	ev.ResourceID = or(spec.ResourceID, genResource)
	et, known := lookupType(spec.Type)
	if !known {
		if spec.Type == "" || !p.opts.AllowUnknownTypes {
			return hookdrill.Event{}, fmt.Errorf("prolific: new event: %w %q (valid: %s)",
				ErrUnknownEventType, spec.Type, wire.Quoted(EventTypeNames()))
		}
		ev.Status = spec.Status
		ev.Payload = unknownPayload(ev, spec.Extra)
		return ev, nil
	}

	if len(et.Statuses) > 0 {
		ev.Status = or(spec.Status, defaultStatus(et.Name))
		if err := wire.OneOf(ErrUnknownStatus, et.Name, ev.Status, et.Statuses); err != nil {
			return hookdrill.Event{}, fmt.Errorf("prolific: new event: %w", err)
		}
	} else if spec.Status != "" {
		return hookdrill.Event{}, fmt.Errorf("prolific: new event: %w %q: %s carries no status",
			ErrUnknownStatus, spec.Status, et.Name)
	}

	allowed := []string{}
	if et.Name == EventSubmissionStatusChange {
		allowed = append(allowed, ExtraParticipantID)
	}
	if err := wire.CheckExtra(et.Name, spec.Extra, allowed...); err != nil {
		return hookdrill.Event{}, fmt.Errorf("prolific: new event: %w", err)
	}

	head := hookdrill.Object{{Key: KeyResourceID, Value: ev.ResourceID}, {Key: KeyEventType, Value: ev.Type}}
	switch et.Name {
	case EventSubmissionStatusChange:
		ev.Payload = append(head,
			hookdrill.Field{Key: KeyParticipantID, Value: or(spec.Extra[ExtraParticipantID], Participant(ev.ResourceID))},
			hookdrill.Field{Key: KeyStatus, Value: ev.Status})
	case EventStudyStatusChange:
		ev.Payload = append(head,
			hookdrill.Field{Key: KeyMetadata, Value: p.metadata()},
			hookdrill.Field{Key: KeyStatus, Value: ev.Status})
	case EventStudyProgressChange:
		ev.Payload = head
	case EventStudyHighReturnRate:
		ev.Payload = append(head, hookdrill.Field{Key: KeyMetadata, Value: p.metadata()})
	}
	return ev, nil
}

// Participant returns the participant a submission belongs to when no
// participant_id is given: derived from the submission id alone, so every
// event about one submission (from send, scenarios, conform or the mock, in
// any run) names the same participant, as Prolific's do.
func Participant(submissionID string) string {
	return wire.DerivedID("prolific/participant", submissionID)
}

// StudyOf returns the study a submission belongs to when nothing else
// says: derived from the submission id, as Participant is, so every event
// and resource of one submission names one study.
func StudyOf(submissionID string) string {
	return wire.DerivedID("prolific/study", submissionID)
}

// unknownPayload is the body of an event type outside the catalogue:
// resource_id, event_type, the Extra fields in key order, then status when
// set.
func unknownPayload(ev hookdrill.Event, extra map[string]string) hookdrill.Object {
	o := hookdrill.Object{{Key: KeyResourceID, Value: ev.ResourceID}, {Key: KeyEventType, Value: ev.Type}}
	for _, k := range slices.Sorted(maps.Keys(extra)) {
		o = o.Set(k, extra[k])
	}
	if ev.Status != "" {
		o = o.Set(KeyStatus, ev.Status)
	}
	return o
}

func (p *Profile) metadata() hookdrill.Object {
	if p.opts.Metadata == nil {
		return hookdrill.Object{}
	}
	return p.opts.Metadata.Clone()
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
