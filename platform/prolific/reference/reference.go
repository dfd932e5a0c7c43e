package reference

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/hookdrill/hookdrill/receiver"
)

// Name is the platform's name (the wire profile's; not imported, so that
// the reference receiver shares no code with the sender it cross-checks).
const Name = "prolific"

// Header names, from the wire contract.
const (
	HeaderSignature      = "X-Prolific-Request-Signature"
	HeaderTimestamp      = "X-Prolific-Request-Timestamp"
	HeaderEventID        = "X-Event-ID"
	HeaderEventTimestamp = "X-Timestamp"
)

// Prolific's own bugs (the generic ones are receiver's).
const (
	// BugNoTimestampCheck never checks X-Prolific-Request-Timestamp's age,
	// so captured requests replay forever.
	BugNoTimestampCheck receiver.Bug = "no-timestamp-check"
)

// ErrStale is the verification failure of a request timestamp outside the
// tolerance.
var ErrStale = errors.New("request timestamp outside the tolerance")

// eventTypes are the documented event types the receiver handles.
var eventTypes = []string{"submission.status.change", "study.status.change", "study.progress.change", "study.has_high_return_rate"}

// catalogue is the bug catalogue of the Prolific reference receiver.
var catalogue = []receiver.BugInfo{
	{Name: receiver.BugNoSignatureCheck, Fails: []string{"retry.full_schedule", "retry.recovers", "signature.body_changed", "signature.flipped",
		"signature.malformed", "signature.missing", "signature.rotated_secret", "signature.wrong_secret",
		"signature.future", "signature.missing_timestamp", "signature.stale"}},
	{Name: receiver.BugIgnoresMissingSignature, Fails: []string{"signature.missing"}},
	{Name: receiver.Bug5xxOnBadSignature, Fails: []string{"signature.body_changed", "signature.flipped", "signature.rotated_secret", "signature.wrong_secret"}},
	{Name: receiver.Bug5xxOnMalformedSignature, Fails: []string{"signature.malformed", "signature.missing_timestamp"}},
	{Name: receiver.BugReserializesBody, Fails: []string{"signature.raw_body"}},
	{Name: BugNoTimestampCheck, Summary: "never checks the request timestamp's age (replays work forever)",
		Fails: []string{"signature.future", "signature.stale"}},
	{Name: receiver.BugAcceptsOldSecret, Fails: []string{"signature.rotated_secret"}},
	{Name: receiver.BugNoDedup, Fails: []string{"idempotency.duplicate_applied_once", "idempotency.lost_ack_applied_once"}},
	{Name: receiver.BugRejectsDuplicates, Fails: []string{"idempotency.duplicate_acknowledged", "idempotency.duplicate_applied_once", "idempotency.lost_ack_applied_once"}},
	{Name: receiver.BugDedupBeforeVerify, Fails: []string{"retry.full_schedule", "retry.recovers"}},
	{Name: receiver.BugNoOrdering, Fails: []string{"ordering.older_ignored"}},
	{Name: receiver.Bug5xxOnUnknownEvent, Fails: []string{"coverage.unknown_event_type"}},
	{Name: receiver.BugRejectsSpacedStatus, Fails: []string{"coverage.event_types", "coverage.statuses", "ordering.older_ignored", "signature.valid"}},
	{Name: receiver.BugMissingEventType, Fails: []string{"coverage.event_types"}},
	{Name: receiver.BugRedirects, Fails: []string{"coverage.event_types", "coverage.no_redirect"}},
	{Name: receiver.BugSlow, Fails: []string{"latency.burst", "latency.single"}},
	{Name: receiver.BugSlowUnderLoad, Fails: []string{"latency.burst"}},
}

// Platform is Prolific's part of the reference receiver.
type Platform struct{}

// New returns Prolific's part of the reference receiver.
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
		return "study.has_high_return_rate"
	case receiver.BugRedirects:
		return "study.progress.change"
	}
	return ""
}

// Reserialize writes the body as Prolific's Python serialiser does, with
// ", " and ": " separators.
func (Platform) Reserialize(body []byte) []byte { return receiver.ReformatJSON(body, true) }

// Key implements receiver.Platform: the X-Event-ID header.
func (Platform) Key(d receiver.Delivery) string { return d.Header.Get(HeaderEventID) }

// Verify implements receiver.Platform: X-Prolific-Request-Signature is
// base64(HMAC-SHA256(secret, X-Prolific-Request-Timestamp + body)), both
// headers required, the signature canonical standard base64 and the
// timestamp integer seconds within the tolerance of now, either way.
func (Platform) Verify(d receiver.Delivery, k receiver.Keys) error {
	sig, ts := d.Header.Get(HeaderSignature), d.Header.Get(HeaderTimestamp)
	if sig == "" {
		return receiver.ErrMissingSignature
	}
	if ts == "" {
		return fmt.Errorf("%w: %s missing", receiver.ErrMalformedSignature, HeaderTimestamp)
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: %s is not integer seconds", receiver.ErrMalformedSignature, HeaderTimestamp)
	}
	got, err := receiver.DecodeBase64(sig)
	if err != nil {
		return err
	}
	if !d.Bug(BugNoTimestampCheck) {
		if age := k.Now.Sub(time.Unix(secs, 0)); age > k.Tolerance || age < -k.Tolerance {
			return ErrStale
		}
	}
	if receiver.MatchHMAC(sha256.New, k.Secrets, append([]byte(ts), d.Body...), got) {
		return nil
	}
	return receiver.ErrSignatureMismatch
}

// Parse implements receiver.Platform: the event id and ordering time come
// from the X-Event-ID and X-Timestamp headers, the rest from the body.
func (Platform) Parse(d receiver.Delivery) (receiver.Event, error) {
	var p struct {
		ResourceID string `json:"resource_id"`
		EventType  string `json:"event_type"`
		Status     string `json:"status"`
	}
	if err := json.Unmarshal(d.Body, &p); err != nil {
		return receiver.Event{}, errors.New("body is not a JSON object of the documented shape")
	}
	ev := receiver.Event{Key: d.Header.Get(HeaderEventID), Type: p.EventType, Resource: p.ResourceID, Status: p.Status}
	if ev.Key == "" {
		return receiver.Event{}, errors.New(HeaderEventID + " missing")
	}
	if ev.Type == "" {
		return receiver.Event{}, errors.New("event_type missing")
	}
	if ts := d.Header.Get(HeaderEventTimestamp); ts != "" {
		secs, err := strconv.ParseInt(ts, 10, 64)
		if err != nil {
			return receiver.Event{}, errors.New(HeaderEventTimestamp + " is not integer seconds")
		}
		ev.At = time.Unix(secs, 0)
	}
	return ev, nil
}
