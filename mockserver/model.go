package mockserver

import (
	"github.com/hookdrill/hookdrill"
)

// EventFilter selects event-log records.
type EventFilter struct {
	Offset     int
	Limit      int      // 0: all
	Statuses   []string // empty: any
	ResourceID string   // empty: any
}

// TriggerRequest asks the mock to emit one event, as the platform would
// when the resource changes.
type TriggerRequest struct {
	// Platform names the platform (Platform.Name); empty: the server's
	// first.
	Platform string `json:"platform,omitempty"`
	// EventType is required unless Payload carries it.
	EventType  string `json:"event_type,omitempty"`
	Status     string `json:"status,omitempty"`
	ResourceID string `json:"resource_id,omitempty"`
	// WorkspaceID limits the event to one workspace's subscriptions, on
	// a platform with workspaces; empty: every workspace.
	WorkspaceID string `json:"workspace_id,omitempty"`
	// StudyID names the study a new submission belongs to, on a
	// platform with studies; empty: the platform's default.
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
	// Event is the event as built (with the first delivery's id where
	// every subscription gets its own event id).
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
