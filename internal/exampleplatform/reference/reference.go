package reference

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hookdrill/hookdrill/receiver"
)

// Name is the platform's name (the wire profile's; not imported, so that
// the reference receiver shares no code with the sender it cross-checks).
const Name = "example"

// HeaderSignature carries "t=<unix seconds>,v1=<hex signature>".
const HeaderSignature = "Example-Signature"

// The example platform's own bugs (the generic ones are receiver's).
const (
	// BugNoTimestampCheck never checks the age of the signature's t
	// element, so captured requests replay forever.
	BugNoTimestampCheck receiver.Bug = "no-timestamp-check"
)

// ErrStale is the verification failure of a t element outside the
// tolerance.
var ErrStale = errors.New("request timestamp outside the tolerance")

// eventTypes are the documented event types the receiver handles.
var eventTypes = []string{"order.updated"}

// catalogue is the bug catalogue of the example reference receiver: the
// generic bugs its suite catches and its own.
var catalogue = []receiver.BugInfo{
	{Name: receiver.BugNoSignatureCheck, Fails: []string{"signature.malformed", "signature.missing", "signature.stale", "signature.wrong_secret"}},
	{Name: receiver.BugIgnoresMissingSignature, Fails: []string{"signature.missing"}},
	{Name: receiver.Bug5xxOnBadSignature, Fails: []string{"signature.wrong_secret"}},
	{Name: receiver.Bug5xxOnMalformedSignature, Fails: []string{"signature.malformed"}},
	{Name: BugNoTimestampCheck, Summary: "never checks the age of the signature's t element (replays work forever)",
		Fails: []string{"signature.stale"}},
	{Name: receiver.BugNoDedup, Fails: []string{"idempotency.duplicate_applied_once"}},
	{Name: receiver.BugRejectsDuplicates, Fails: []string{"idempotency.duplicate_acknowledged", "idempotency.duplicate_applied_once"}},
}

// Platform is the example platform's part of the reference receiver.
type Platform struct{}

// New returns the example platform's part of the reference receiver.
func New() receiver.Platform { return Platform{} }

var _ receiver.Platform = Platform{}

// Name implements receiver.Platform.
func (Platform) Name() string { return Name }

// EventTypes implements receiver.Platform.
func (Platform) EventTypes() []string { return eventTypes }

// Bugs implements receiver.Platform.
func (Platform) Bugs() []receiver.BugInfo { return catalogue }

// BugEventType implements receiver.Platform: with one event type, the
// bugs that break one handler are not offered.
func (Platform) BugEventType(receiver.Bug) string { return "" }

// Reserialize writes the body compact, as the platform serialises it.
func (Platform) Reserialize(body []byte) []byte { return receiver.ReformatJSON(body, false) }

// Key implements receiver.Platform: the body's "id".
func (Platform) Key(d receiver.Delivery) string {
	var env struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(d.Body, &env) // an unparsable body has no key
	return env.ID
}

// Verify implements receiver.Platform: Example-Signature present, split at
// commas into key=value elements; exactly one t of decimal seconds, within
// the tolerance of now (unless no-timestamp-check); at least one v1 of hex
// of 32 bytes, one of which is HMAC-SHA256(secret, t + "." + body) for one
// of the keys.
func (Platform) Verify(d receiver.Delivery, k receiver.Keys) error {
	v := d.Header.Get(HeaderSignature)
	if v == "" {
		return receiver.ErrMissingSignature
	}
	var ts string
	var sigs [][]byte
	for _, e := range strings.Split(v, ",") {
		key, val, ok := strings.Cut(strings.TrimSpace(e), "=")
		if !ok {
			return fmt.Errorf("%w: want t=SECONDS,v1=HEX", receiver.ErrMalformedSignature)
		}
		switch key {
		case "t":
			if ts != "" {
				return fmt.Errorf("%w: t repeated", receiver.ErrMalformedSignature)
			}
			ts = val
		case "v1":
			b, err := hex.DecodeString(val)
			if err != nil || len(b) != sha256.Size {
				return fmt.Errorf("%w: v1 is not hex of a SHA-256 MAC", receiver.ErrMalformedSignature)
			}
			sigs = append(sigs, b)
		}
	}
	if len(sigs) == 0 {
		return fmt.Errorf("%w: no v1 signature", receiver.ErrMissingSignature)
	}
	if ts == "" || strings.Trim(ts, "0123456789") != "" || len(ts) > 18 {
		return fmt.Errorf("%w: t is not decimal seconds", receiver.ErrMalformedSignature)
	}
	secs, _ := strconv.ParseInt(ts, 10, 64) // at most 18 digits: fits
	if !d.Bug(BugNoTimestampCheck) {
		if age := k.Now.Sub(time.Unix(secs, 0)); age > k.Tolerance || age < -k.Tolerance {
			return ErrStale
		}
	}
	msg := append([]byte(ts+"."), d.Body...)
	for _, got := range sigs {
		if receiver.MatchHMAC(sha256.New, k.Secrets, msg, got) {
			return nil
		}
	}
	return receiver.ErrSignatureMismatch
}

// Parse implements receiver.Platform: everything is in the body; the key
// is "id", the ordering time "created_at", the resource data.order_id and
// its status data.status.
func (Platform) Parse(d receiver.Delivery) (receiver.Event, error) {
	var p struct {
		ID        string          `json:"id"`
		Type      string          `json:"type"`
		CreatedAt json.RawMessage `json:"created_at"`
		Data      struct {
			OrderID string `json:"order_id"`
			Status  string `json:"status"`
		} `json:"data"`
	}
	if err := json.Unmarshal(d.Body, &p); err != nil {
		return receiver.Event{}, errors.New("body is not a JSON object of the documented shape")
	}
	if p.ID == "" || p.Type == "" {
		return receiver.Event{}, errors.New("id or type missing")
	}
	ev := receiver.Event{Key: p.ID, Type: p.Type, Resource: p.Data.OrderID, Status: p.Data.Status}
	if len(p.CreatedAt) > 0 && string(p.CreatedAt) != "null" {
		secs, err := strconv.ParseInt(string(p.CreatedAt), 10, 64)
		if err != nil {
			return receiver.Event{}, errors.New("created_at is not integer seconds")
		}
		ev.At = time.Unix(secs, 0)
	}
	return ev, nil
}
