package mockserver

import (
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/platform/prolific"
)

// TimeLayout is how event-record datetimes look: ISO-8601 UTC with six
// fractional digits and Z (spec 1.0, e.g. 2022-12-10T18:24:36.041000Z).
const TimeLayout = "2006-01-02T15:04:05.000000Z"

// SecretDetail is Prolific's SecretDetail (spec 1.2), fields in the
// documented order.
type SecretDetail struct {
	ID          string `json:"id"`
	Value       string `json:"value"`
	WorkspaceID string `json:"workspace_id"`
}

// Subscription is Prolific's SubscriptionDetail (spec 1.4), fields in the
// order of the documentation's examples.
type Subscription struct {
	EventType   string `json:"event_type"`
	TargetURL   string `json:"target_url"`
	WorkspaceID string `json:"workspace_id"`
	ID          string `json:"id"`
	IsEnabled   bool   `json:"is_enabled"`
}

// SubscriptionUpdate is a PATCH body (SubscriptionUpdateDetail, spec 1.9):
// nil fields are left alone.
type SubscriptionUpdate struct {
	EventType *string `json:"event_type,omitempty"`
	TargetURL *string `json:"target_url,omitempty"`
	IsEnabled *bool   `json:"is_enabled,omitempty"`
}

// EventRecord is one record of a subscription's event log (spec 1.10).
type EventRecord struct {
	ID              string           `json:"id"`
	DatetimeCreated string           `json:"datetime_created"`
	DatetimeUpdated string           `json:"datetime_updated"`
	EventType       string           `json:"event_type"`
	ResourceID      string           `json:"resource_id"`
	Status          string           `json:"status"`
	TargetURL       string           `json:"target_url"`
	Payload         hookdrill.Object `json:"payload"`
}

// EventFilter selects event-log records (spec 1.10 query parameters).
type EventFilter struct {
	Offset     int
	Limit      int      // 0: DefaultEventsLimit
	Statuses   []string // empty: any
	ResourceID string   // empty: any
}

// Webhook is Respondent's WebhookDto (spec 4.1), fields in the documented
// order.
type Webhook struct {
	ID             string `json:"id"`
	URL            string `json:"url"`
	PrivateKey     string `json:"privateKey"`
	TeamID         string `json:"teamId,omitempty"`
	OrganizationID string `json:"organizationId,omitempty"`
}

// TriggerRequest asks the mock to emit one event, as the platform would
// when the resource changes.
type TriggerRequest struct {
	// Platform is "prolific" (default) or "respondent".
	Platform string `json:"platform,omitempty"`
	// EventType is required unless Payload carries it.
	EventType  string `json:"event_type,omitempty"`
	Status     string `json:"status,omitempty"`
	ResourceID string `json:"resource_id,omitempty"`
	// WorkspaceID limits a Prolific event to one workspace's
	// subscriptions; empty: every workspace.
	WorkspaceID string `json:"workspace_id,omitempty"`
	// StudyID names the study a new submission belongs to (Prolific
	// submission events); empty: one derived from the submission id
	// (prolific.StudyOf). A submission keeps its study for its whole life.
	StudyID string `json:"study_id,omitempty"`
	// EventID overrides the generated event id (X-Event-ID, uuid).
	EventID string `json:"event_id,omitempty"`
	// Extra holds platform-specific fields (hookdrill.EventSpec.Extra).
	Extra map[string]string `json:"extra,omitempty"`
	// Payload, when set, is sent as the body as is.
	Payload hookdrill.Object `json:"payload,omitempty"`
}

// TriggerResult says what a trigger produced and where it went.
type TriggerResult struct {
	// Event is the event as built (the first subscription's id for
	// Prolific, where every subscription gets its own X-Event-ID).
	Event      hookdrill.Event `json:"event"`
	Deliveries []Dispatched    `json:"deliveries"`
	// Skipped lists matching subscriptions that got nothing, and why.
	Skipped []Skipped `json:"skipped,omitempty"`
}

// Dispatched is one delivery a trigger started.
type Dispatched struct {
	DeliveryID     string `json:"delivery_id"`
	EventID        string `json:"event_id"`
	SubscriptionID string `json:"subscription_id,omitempty"`
	WebhookID      string `json:"webhook_id,omitempty"`
	WorkspaceID    string `json:"workspace_id,omitempty"`
	TargetURL      string `json:"target_url"` // redacted
	// Error is set when the delivery could not start.
	Error string `json:"error,omitempty"`
}

// Skipped is a subscription of the event's type that received nothing.
type Skipped struct {
	SubscriptionID string `json:"subscription_id,omitempty"`
	WebhookID      string `json:"webhook_id,omitempty"`
	TargetURL      string `json:"target_url"`
	Reason         string `json:"reason"`
}

// subRec is a subscription as stored.
type subRec struct {
	Subscription
	Confirmed bool      `json:"confirmed"`
	Token     string    `json:"confirm_token"` // X-Hook-Secret
	Seq       int64     `json:"seq"`
	Created   time.Time `json:"created"`
}

// webhookRec is a Respondent webhook as stored.
type webhookRec struct {
	Webhook
	Active  bool      `json:"active"`
	Seq     int64     `json:"seq"`
	Created time.Time `json:"created"`
}

// healthRec is one pair's disabling-policy state, as stored.
type healthRec struct {
	Pair   prolific.Pair       `json:"pair"`
	Health prolific.PairHealth `json:"health"`
}

// eventRec is one event-log record (one event to one subscription or
// webhook).
type eventRec struct {
	id, eventType, resourceID, targetURL string
	created, updated                     time.Time
	status                               hookdrill.DeliveryStatus
	payload                              hookdrill.Object
	deliveryID                           string
	owner                                string       // subscription or webhook id
	dropped                              bool         // cut from its log (EventLogLimit)
	saved                                *storedEvent // as last queued for the state
}

func (e *eventRec) view() EventRecord {
	return EventRecord{ID: e.id, DatetimeCreated: e.created.UTC().Format(TimeLayout),
		DatetimeUpdated: e.updated.UTC().Format(TimeLayout), EventType: e.eventType, ResourceID: e.resourceID,
		Status: string(e.status), TargetURL: e.targetURL, Payload: e.payload}
}
