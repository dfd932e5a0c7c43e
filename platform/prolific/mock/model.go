package mock

import (
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/mockserver"
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

// subRec is a subscription as stored.
type subRec struct {
	Subscription
	Confirmed bool      `json:"confirmed"`
	Token     string    `json:"confirm_token"` // X-Hook-Secret
	Seq       int64     `json:"seq"`
	Created   time.Time `json:"created"`
}

// healthRec is one pair's disabling-policy state, as stored.
type healthRec struct {
	Pair   prolific.Pair       `json:"pair"`
	Health prolific.PairHealth `json:"health"`
}

func view(e mockserver.LogRecord) EventRecord {
	return EventRecord{ID: e.ID, DatetimeCreated: e.Created.UTC().Format(TimeLayout),
		DatetimeUpdated: e.Updated.UTC().Format(TimeLayout), EventType: e.EventType, ResourceID: e.ResourceID,
		Status: string(e.Status), TargetURL: e.TargetURL, Payload: e.Payload}
}
