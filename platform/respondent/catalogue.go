package respondent

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
	// ErrUnknownStatus: the status, variant or oldValue is not in its
	// vocabulary, or the type carries no status.
	ErrUnknownStatus = wire.ErrUnknownStatus
	// ErrUnknownExtra: an EventSpec.Extra key the event type does not use.
	ErrUnknownExtra = wire.ErrUnknownExtra
)

// Event types (WebhookEventType, spec 4.1).
const (
	EventProjectsUpdated          = "PROJECTS.UPDATED"
	EventScreenerResponsesCreated = "SCREENER_RESPONSES.CREATED"
	EventScreenerResponsesUpdated = "SCREENER_RESPONSES.UPDATED"
	EventMessagesCreated          = "MESSAGES.CREATED"
	EventConversationsCreated     = "CONVERSATIONS.CREATED"
)

// SCREENER_RESPONSES.UPDATED variants (WebhookScreenerResponseUpdatedType).
const (
	VariantStatusPaid      = "STATUS.PAID"
	VariantStatusCancelled = "STATUS.CANCELLED"
	VariantRejectedTrue    = "REJECTED.TRUE"
	VariantRejectedFalse   = "REJECTED.FALSE"
)

// Recruiting status values (projectRecruitingStatus, field recruitingStatus).
const (
	RecruitingRecruiting = "RECRUITING"
	RecruitingRecruited  = "RECRUITED"
	RecruitingPaused     = "PAUSED"
)

// Screener response status values (ScreenerResponseStatus, spec 4.4).
const (
	ResponsePending                    = "PENDING"
	ResponseExternalScreenerInProgress = "EXTERNAL_SCREENER_IN_PROGRESS"
	ResponseInvited                    = "INVITED"
	ResponseScheduled                  = "SCHEDULED"
	ResponseAttended                   = "ATTENDED"
	ResponseNoShow                     = "NOSHOW"
	ResponseInvalidResponse            = "INVALIDRESPONSE"
	ResponseRejectedQuality            = "REJECTEDQUALITY"
	ResponsePaid                       = "PAID"
	ResponseCancelled                  = "CANCELLED"
)

// Extra keys NewEvent understands; which ones an event type takes is listed
// in NewEvent's documentation and in the error for a wrong one.
const (
	ExtraProjectID                   = "projectId"
	ExtraScreenerResponseUpdatedType = "screenerResponseUpdatedType"
	ExtraOldValue                    = "oldValue"
	ExtraConversationID              = "conversationId"
	ExtraMessageBody                 = "messageBody"
	ExtraSenderType                  = "senderType"
	ExtraProfileID                   = "profileId"
	ExtraOrganizationID              = "organizationId"
	ExtraTeamID                      = "teamId"
	ExtraWebhookID                   = "webhookId"
)

// Defaults NewEvent uses when the spec leaves them blank.
const (
	DefaultRecruitingStatus = RecruitingRecruited // with oldValue RECRUITING, the documented example
	DefaultUpdatedVariant   = VariantStatusPaid   // with oldValue ATTENDED
)

// RecruitingStatuses returns the recruitingStatus vocabulary. The caller
// owns the slice.
func RecruitingStatuses() []string {
	return []string{RecruitingRecruiting, RecruitingRecruited, RecruitingPaused}
}

// ScreenerResponseStatuses returns the ScreenerResponseStatus vocabulary in
// the spec's order. The caller owns the slice.
func ScreenerResponseStatuses() []string {
	return []string{ResponsePending, ResponseExternalScreenerInProgress, ResponseInvited, ResponseScheduled,
		ResponseAttended, ResponseNoShow, ResponseInvalidResponse, ResponseRejectedQuality, ResponsePaid, ResponseCancelled}
}

// UpdatedStatuses returns the statuses SCREENER_RESPONSES.UPDATED can
// announce (participant-side transitions only).
func UpdatedStatuses() []string { return []string{ResponsePaid, ResponseCancelled} }

// ScreenerResponseUpdatedTypes returns the SCREENER_RESPONSES.UPDATED
// variants, as the simulate endpoint names them.
func ScreenerResponseUpdatedTypes() []string {
	return []string{VariantStatusPaid, VariantStatusCancelled, VariantRejectedTrue, VariantRejectedFalse}
}

// ProjectStatuses returns the projectStatus vocabulary (not carried by
// webhooks; for mocks of the projects API).
func ProjectStatuses() []string { return []string{"DRAFT", "PAID", "ARCHIVED", "CLOSED"} }

// EventTypes returns the catalogue in the documented order, with the
// descriptions of the legacy event-types endpoint. The caller owns the
// slice.
func EventTypes() []hookdrill.EventType {
	return []hookdrill.EventType{
		{Name: EventProjectsUpdated, Statuses: RecruitingStatuses(),
			Description: "A project's recruiting status changed (RECRUITING, RECRUITED, PAUSED)."},
		{Name: EventScreenerResponsesCreated,
			Description: "A participant submitted a screener response; it is created in PENDING state."},
		{Name: EventScreenerResponsesUpdated, Statuses: UpdatedStatuses(), Variants: ScreenerResponseUpdatedTypes(),
			Description: "A participant-side screener response change: status PAID or CANCELLED, or rejected or made visible again."},
		{Name: EventMessagesCreated,
			Description: "A participant sent a new message."},
		{Name: EventConversationsCreated,
			Description: "A new conversation was created."},
	}
}

// EventTypeNames returns the names of EventTypes, in order (the
// event-types endpoint's eventTypes list).
func EventTypeNames() []string {
	ts := EventTypes()
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.Name
	}
	return names
}

func knownType(name string) bool { return slices.Contains(EventTypeNames(), name) }
