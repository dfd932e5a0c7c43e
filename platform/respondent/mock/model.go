package mock

import "time"

// Webhook is Respondent's WebhookDto (spec 4.1), fields in the documented
// order.
type Webhook struct {
	ID             string `json:"id"`
	URL            string `json:"url"`
	PrivateKey     string `json:"privateKey"`
	TeamID         string `json:"teamId,omitempty"`
	OrganizationID string `json:"organizationId,omitempty"`
}

// webhookRec is a Respondent webhook as stored.
type webhookRec struct {
	Webhook
	Active  bool      `json:"active"`
	Seq     int64     `json:"seq"`
	Created time.Time `json:"created"`
}
