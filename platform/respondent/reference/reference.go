package reference

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"net/http"
	"strings"
	"time"

	"github.com/hookdrill/hookdrill/receiver"
)

// Name is the platform's name (the wire profile's; not imported, so that
// the reference receiver shares no code with the sender it cross-checks).
const Name = "respondent"

// HeaderSignature carries "<algorithm>=<base64 HMAC of the body>".
const HeaderSignature = "Respondent-Webhook-Signature"

// Respondent's own bugs (the generic ones are receiver's).
const (
	// BugStringValuesOnly decodes every updatedFields value as a string and
	// crashes (500) on the boolean "rejected" flip.
	BugStringValuesOnly receiver.Bug = "string-values-only"
)

// eventTypes are the documented event types the receiver handles.
var eventTypes = []string{"PROJECTS.UPDATED", "SCREENER_RESPONSES.CREATED", "SCREENER_RESPONSES.UPDATED", "MESSAGES.CREATED", "CONVERSATIONS.CREATED"}

// catalogue is the bug catalogue of the Respondent reference receiver.
var catalogue = []receiver.BugInfo{
	{Name: receiver.BugNoSignatureCheck, Fails: []string{"retry.full_schedule", "retry.recovers", "signature.body_changed", "signature.flipped",
		"signature.malformed", "signature.missing", "signature.rotated_secret", "signature.wrong_secret",
		"signature.unknown_algorithm"}},
	{Name: receiver.BugIgnoresMissingSignature, Fails: []string{"signature.missing"}},
	{Name: receiver.Bug5xxOnBadSignature, Fails: []string{"signature.body_changed", "signature.flipped", "signature.rotated_secret", "signature.wrong_secret"}},
	{Name: receiver.Bug5xxOnMalformedSignature, Fails: []string{"signature.malformed", "signature.unknown_algorithm"}},
	{Name: receiver.BugReserializesBody, Fails: []string{"signature.raw_body"}},
	{Name: receiver.BugAcceptsOldSecret, Fails: []string{"signature.rotated_secret"}},
	{Name: receiver.BugNoDedup, Fails: []string{"idempotency.duplicate_applied_once", "idempotency.lost_ack_applied_once"}},
	{Name: receiver.BugRejectsDuplicates, Fails: []string{"idempotency.duplicate_acknowledged", "idempotency.duplicate_applied_once", "idempotency.lost_ack_applied_once"}},
	{Name: receiver.BugDedupBeforeVerify, Fails: []string{"retry.full_schedule", "retry.recovers"}},
	{Name: receiver.BugNoOrdering, Fails: []string{"ordering.older_ignored"}},
	{Name: receiver.Bug5xxOnUnknownEvent, Fails: []string{"coverage.unknown_event_type"}},
	{Name: BugStringValuesOnly, Summary: `decodes updatedFields values as strings and crashes (500) on the boolean "rejected" flip`,
		Fails: []string{"coverage.statuses"}},
	{Name: receiver.BugMissingEventType, Fails: []string{"coverage.event_types"}},
	{Name: receiver.BugRedirects, Fails: []string{"coverage.event_types", "coverage.no_redirect"}},
	{Name: receiver.BugSlow, Fails: []string{"latency.burst", "latency.single"}},
	{Name: receiver.BugSlowUnderLoad, Fails: []string{"latency.burst"}},
}

// Platform is Respondent's part of the reference receiver.
type Platform struct{}

// New returns Respondent's part of the reference receiver.
func New() receiver.Platform { return Platform{} }

var _ receiver.Platform = Platform{}

// Name implements receiver.Platform.
func (Platform) Name() string { return Name }

// EventTypes implements receiver.Platform.
func (Platform) EventTypes() []string { return eventTypes }

// Bugs implements receiver.Platform.
func (Platform) Bugs() []receiver.BugInfo { return catalogue }

// BugEventType implements receiver.Platform.
func (Platform) BugEventType(b receiver.Bug) string {
	switch b {
	case receiver.BugMissingEventType:
		return "CONVERSATIONS.CREATED"
	case receiver.BugRedirects:
		return "MESSAGES.CREATED"
	}
	return ""
}

// Reserialize writes the body as Respondent's Node serialiser does:
// compact.
func (Platform) Reserialize(body []byte) []byte { return receiver.ReformatJSON(body, false) }

// Key implements receiver.Platform: the body's "uuid".
func (Platform) Key(d receiver.Delivery) string {
	var env struct {
		UUID string `json:"uuid"`
	}
	_ = json.Unmarshal(d.Body, &env) // an unparsable body has no key
	return env.UUID
}

// Verify implements receiver.Platform: Respondent-Webhook-Signature is
// "<algorithm>=<base64 HMAC of the body>", split at the first "=", with
// sha256 or sha512 only.
func (Platform) Verify(d receiver.Delivery, k receiver.Keys) error {
	v := d.Header.Get(HeaderSignature)
	if v == "" {
		return receiver.ErrMissingSignature
	}
	alg, sig, ok := strings.Cut(v, "=")
	if !ok {
		return fmt.Errorf("%w: want ALGORITHM=BASE64", receiver.ErrMalformedSignature)
	}
	var hf func() hash.Hash
	switch alg {
	case "sha256":
		hf = sha256.New
	case "sha512":
		hf = sha512.New
	default:
		// Like Node's createHmac, an unknown algorithm is a decoding
		// failure, not a mismatch.
		return fmt.Errorf("%w: algorithm %q not accepted", receiver.ErrMalformedSignature, alg)
	}
	got, err := receiver.DecodeBase64(sig)
	if err != nil {
		return err
	}
	if receiver.MatchHMAC(hf, k.Secrets, d.Body, got) {
		return nil
	}
	return receiver.ErrSignatureMismatch
}

// Parse implements receiver.Platform: everything is in the body; the
// resource is payload.resource.id (or messageId, or conversation.uid), the
// status the new value of its "status" or "recruitingStatus" field, the
// ordering time "created".
func (Platform) Parse(d receiver.Delivery) (receiver.Event, error) {
	var p struct {
		Event   string `json:"event"`
		UUID    string `json:"uuid"`
		Created string `json:"created"`
		Payload struct {
			Resource struct {
				ID            string `json:"id"`
				MessageID     string `json:"messageId"`
				UpdatedFields []struct {
					Name     string `json:"name"`
					NewValue any    `json:"newValue"`
				} `json:"updatedFields"`
				Conversation struct {
					UID string `json:"uid"`
				} `json:"conversation"`
			} `json:"resource"`
		} `json:"payload"`
	}
	if err := json.Unmarshal(d.Body, &p); err != nil {
		return receiver.Event{}, errors.New("body is not a JSON object of the documented shape")
	}
	if p.Event == "" || p.UUID == "" {
		return receiver.Event{}, errors.New("event or uuid missing")
	}
	res := p.Payload.Resource
	ev := receiver.Event{Key: p.UUID, Type: p.Event, Resource: res.ID}
	if ev.Resource == "" {
		ev.Resource = res.MessageID
	}
	if ev.Resource == "" {
		ev.Resource = res.Conversation.UID
	}
	nonString := false
	for _, f := range res.UpdatedFields {
		if _, ok := f.NewValue.(string); !ok {
			nonString = true
		}
		if s, ok := f.NewValue.(string); ok && (f.Name == "status" || f.Name == "recruitingStatus") {
			ev.Status = s
		}
	}
	if p.Created != "" {
		t, err := time.Parse(time.RFC3339Nano, p.Created)
		if err != nil {
			return receiver.Event{}, errors.New("created is not an ISO-8601 time")
		}
		ev.At = t
	}
	if nonString && d.Bug(BugStringValuesOnly) {
		// Deliberate bug (string-values-only): the typed decode of
		// updatedFields fails on a boolean and the error escapes as a 500.
		return receiver.Event{}, &receiver.Answer{Code: http.StatusInternalServerError, Message: "internal error"}
	}
	return ev, nil
}
