package prolific

import (
	"slices"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/internal/wire"
)

// Errors NewEvent wraps, for callers that branch on them. They are the same
// values in every platform package, so errors.Is works across platforms.
var (
	// ErrUnknownEventType: the type is not in the catalogue (and unknown
	// types are not allowed).
	ErrUnknownEventType = wire.ErrUnknownEventType
	// ErrUnknownStatus: the status is not in the type's vocabulary, or the
	// type carries no status.
	ErrUnknownStatus = wire.ErrUnknownStatus
	// ErrUnknownExtra: an EventSpec.Extra key the event type does not use.
	ErrUnknownExtra = wire.ErrUnknownExtra
)

// Event types with documented payloads (spec 1.1, 3).
const (
	EventSubmissionStatusChange = "submission.status.change"
	EventStudyStatusChange      = "study.status.change"
	EventStudyProgressChange    = "study.progress.change"
	EventStudyHighReturnRate    = "study.has_high_return_rate"
)

// Status values as objects and webhooks carry them (spec 3.5): spaces and
// hyphens are literal.
const (
	StatusReserved          = "RESERVED"
	StatusActive            = "ACTIVE"
	StatusTimedOut          = "TIMED-OUT"
	StatusAwaitingReview    = "AWAITING REVIEW"
	StatusApproved          = "APPROVED"
	StatusPartiallyApproved = "PARTIALLY APPROVED"
	StatusReturned          = "RETURNED"
	StatusRejected          = "REJECTED"
	StatusScreenedOut       = "SCREENED OUT"
	StatusUnknown           = "UNKNOWN"
	StatusUnpublished       = "UNPUBLISHED"
	StatusScheduled         = "SCHEDULED"
	StatusPublishing        = "PUBLISHING"
	StatusPaused            = "PAUSED"
	StatusCompleted         = "COMPLETED"
)

// Extra keys NewEvent understands.
const (
	// ExtraParticipantID sets participant_id of submission.status.change.
	ExtraParticipantID = "participant_id"
)

// Statuses NewEvent uses when EventSpec.Status is empty.
const (
	DefaultSubmissionStatus = StatusAwaitingReview
	DefaultStudyStatus      = StatusActive
)

// SubmissionStatuses returns the SubmissionStatus vocabulary in the spec's
// order. The caller owns the slice.
func SubmissionStatuses() []string {
	return []string{StatusReserved, StatusActive, StatusTimedOut, StatusAwaitingReview, StatusApproved,
		StatusPartiallyApproved, StatusReturned, StatusRejected, StatusScreenedOut, StatusUnknown}
}

// StudyStatuses returns the StudyStatus vocabulary in the spec's order. The
// caller owns the slice.
func StudyStatuses() []string {
	return []string{StatusUnpublished, StatusScheduled, StatusPublishing, StatusActive,
		StatusAwaitingReview, StatusPaused, StatusCompleted}
}

// EventTypes returns the documented catalogue in a stable order, with
// short descriptions of our own (Prolific documents none, spec 1.1). The
// caller owns the slice.
func EventTypes() []hookdrill.EventType {
	return []hookdrill.EventType{
		{Name: EventSubmissionStatusChange, Statuses: SubmissionStatuses(),
			Description: "A submission's status changed, e.g. from ACTIVE to AWAITING REVIEW."},
		{Name: EventStudyStatusChange, Statuses: StudyStatuses(),
			Description: "A study's status changed, e.g. from UNPUBLISHED to ACTIVE."},
		{Name: EventStudyProgressChange,
			Description: "A study's progress changed: a submission changed status in a way that changes its counts."},
		{Name: EventStudyHighReturnRate,
			Description: "An unusually high share of a study's participants returned their submissions."},
	}
}

// EventTypeNames returns the names of EventTypes, in order.
func EventTypeNames() []string {
	ts := EventTypes()
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.Name
	}
	return names
}

func lookupType(name string) (hookdrill.EventType, bool) {
	ts := EventTypes()
	i := slices.IndexFunc(ts, func(t hookdrill.EventType) bool { return t.Name == name })
	if i < 0 {
		return hookdrill.EventType{}, false
	}
	return ts[i], true
}

// defaultStatus is the status of an event of type t when the spec names none.
func defaultStatus(t string) string {
	switch t {
	case EventSubmissionStatusChange:
		return DefaultSubmissionStatus
	case EventStudyStatusChange:
		return DefaultStudyStatus
	}
	return ""
}
