package hookdrill

import (
	"errors"
	"fmt"
	"net/url"
	"time"
)

// Event is one logical event a platform delivers: the thing that stays the
// same across every retry and duplicate of a delivery.
type Event struct {
	// Platform is the name of the profile that built the event.
	Platform string `json:"platform"`
	// ID identifies the event: Prolific's X-Event-ID, Respondent's body uuid.
	ID string `json:"id"`
	// Type is the platform's event type, e.g. "submission.status.change".
	Type string `json:"type"`
	// ResourceID is the resource the event concerns (submission, study,
	// screener response, project, message...).
	ResourceID string `json:"resource_id,omitempty"`
	// Status is the new status the event announces, when it has one.
	Status string `json:"status,omitempty"`
	// CreatedAt is when the event happened: Prolific's X-Timestamp,
	// Respondent's "created". Constant across retries.
	CreatedAt time.Time `json:"created_at"`
	// Payload is the body object, in the key order it is serialised in.
	Payload Object `json:"payload"`
}

// EventSpec asks a Profile to build an Event. Zero fields are filled with
// seeded fake values.
type EventSpec struct {
	Type       string
	Status     string
	ResourceID string
	// ID overrides the generated event id.
	ID string
	// CreatedAt overrides the event time (default: the time passed to NewEvent).
	CreatedAt time.Time
	// Extra holds platform-specific fields, e.g. Prolific "participant_id",
	// Respondent "projectId", "screenerResponseUpdatedType", "oldValue".
	Extra map[string]string
	// Payload, when set, is sent as the body instead of the generated one.
	// Type, ID, ResourceID and Status are then read from it where present.
	Payload Object
}

// Target is where deliveries go and the secret that signs them.
type Target struct {
	URL string `json:"url"`
	// Secret is the signing key (Prolific workspace secret value,
	// Respondent privateKey). Never printed: see Redact.
	Secret Secret `json:"secret"`
}

// Validate reports whether the target can be delivered to.
func (t Target) Validate() error {
	if t.URL == "" {
		return errors.New("target URL is empty")
	}
	u, err := url.Parse(t.URL)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its message repeats the whole URL, password included
		}
		return fmt.Errorf("target URL %q: %w", RedactURL(t.URL), err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("target URL %q: scheme must be http or https", RedactURL(t.URL))
	}
	if u.Host == "" {
		return fmt.Errorf("target URL %q: no host", RedactURL(t.URL))
	}
	if t.Secret == "" {
		return errors.New("secret is empty")
	}
	return nil
}
