package exampleplatform

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/internal/wire"
)

// Body keys, in the order they appear on the wire.
const (
	KeyID         = "id"
	KeyType       = "type"
	KeyCreatedAt  = "created_at"
	KeyData       = "data"
	KeyOrderID    = "order_id"
	KeyCustomerID = "customer_id"
	KeyStatus     = "status"
	KeyAmount     = "amount"
	KeyCurrency   = "currency"
)

// Id prefixes: an event id is "evt_" and an order id "ord_", each followed
// by 24 lowercase hex characters; a customer id is "cus_" and 24 hex.
const (
	PrefixEvent    = "evt_"
	PrefixOrder    = "ord_"
	PrefixCustomer = "cus_"
)

// ErrBadExtra is wrapped by NewEvent for an Extra value out of its range.
var ErrBadExtra = errors.New("bad extra value")

// NewEvent builds an event of spec.Type (see hookdrill.Profile).
//
// Blank fields are filled from rnd: the event id ("evt_" + 24 hex), the
// order id (ResourceID, "ord_" + 24 hex), the amount (100 to 99999 minor
// units) and the currency (one of Currencies). The customer is Extra
// customer_id, else Customer(order id). NewEvent draws exactly two values
// from rnd whatever the spec sets, so the same seed and specs always give
// the same events. A blank Status is DefaultStatus. CreatedAt is
// spec.CreatedAt or now, in UTC, truncated to the second (what created_at
// shows).
//
// When spec.Payload is set it is the body, as is: ID, Type, ResourceID and
// Status are read from its "id", "type", data "order_id" and data "status"
// when present, else from spec (and the generated id).
func (p *Profile) NewEvent(spec hookdrill.EventSpec, rnd *rand.Rand, now time.Time) (hookdrill.Event, error) {
	if rnd == nil {
		return hookdrill.Event{}, fmt.Errorf("example: new event: %w", wire.ErrNilRand)
	}
	f := wire.Faker(rnd)
	// Always the same draws in the same order, so that overriding one value
	// does not shift the others.
	genID, genOrder := PrefixEvent+wire.ObjectID(f), PrefixOrder+wire.ObjectID(f)
	genAmount, genCurrency := f.IntRange(100, 99999), Currencies()[f.IntN(len(Currencies()))]

	at := spec.CreatedAt
	if at.IsZero() {
		at = now
	}
	ev := hookdrill.Event{Platform: Name, CreatedAt: at.UTC().Truncate(time.Second)}
	if spec.Payload != nil {
		ev.Payload = spec.Payload.Clone()
		data := dataOf(ev.Payload)
		ev.ID = or(ev.Payload.GetString(KeyID), or(spec.ID, genID))
		ev.Type = or(ev.Payload.GetString(KeyType), spec.Type)
		ev.ResourceID = or(data.GetString(KeyOrderID), spec.ResourceID)
		ev.Status = or(data.GetString(KeyStatus), spec.Status)
		return ev, nil
	}

	ev.ID = or(spec.ID, genID)
	ev.Type = spec.Type
	ev.ResourceID = or(spec.ResourceID, genOrder)
	if spec.Type != EventOrderUpdated {
		if spec.Type == "" || !p.opts.AllowUnknownTypes {
			return hookdrill.Event{}, fmt.Errorf("example: new event: %w %q (valid: %s)",
				ErrUnknownEventType, spec.Type, wire.Quoted(EventTypeNames()))
		}
		ev.Status = spec.Status
		ev.Payload = envelope(ev, unknownData(ev, spec.Extra))
		return ev, nil
	}

	ev.Status = or(spec.Status, DefaultStatus)
	if err := wire.OneOf(ErrUnknownStatus, EventOrderUpdated, ev.Status, Statuses()); err != nil {
		return hookdrill.Event{}, fmt.Errorf("example: new event: %w", err)
	}
	if err := wire.CheckExtra(EventOrderUpdated, spec.Extra, ExtraCustomerID, ExtraAmount, ExtraCurrency); err != nil {
		return hookdrill.Event{}, fmt.Errorf("example: new event: %w", err)
	}
	amount := int64(genAmount)
	if s, ok := spec.Extra[ExtraAmount]; ok {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return hookdrill.Event{}, fmt.Errorf("example: new event: %w: %s %q is not a non-negative integer",
				ErrBadExtra, ExtraAmount, wire.Clip(s))
		}
		amount = n
	}
	currency := genCurrency
	if s, ok := spec.Extra[ExtraCurrency]; ok {
		if !isCurrency(s) {
			return hookdrill.Event{}, fmt.Errorf("example: new event: %w: %s %q is not three upper-case letters",
				ErrBadExtra, ExtraCurrency, wire.Clip(s))
		}
		currency = s
	}
	data := hookdrill.Object{
		{Key: KeyOrderID, Value: ev.ResourceID},
		{Key: KeyCustomerID, Value: or(spec.Extra[ExtraCustomerID], Customer(ev.ResourceID))},
		{Key: KeyStatus, Value: ev.Status},
		{Key: KeyAmount, Value: amount},
		{Key: KeyCurrency, Value: currency},
	}
	ev.Payload = envelope(ev, data)
	return ev, nil
}

// Customer returns the customer an order belongs to when no customer_id is
// given: derived from the order id alone, so every event about one order
// names the same customer, in every run.
func Customer(orderID string) string {
	return PrefixCustomer + wire.DerivedID("example/customer", orderID)
}

func envelope(ev hookdrill.Event, data hookdrill.Object) hookdrill.Object {
	return hookdrill.Object{
		{Key: KeyID, Value: ev.ID},
		{Key: KeyType, Value: ev.Type},
		{Key: KeyCreatedAt, Value: ev.CreatedAt.Unix()},
		{Key: KeyData, Value: data},
	}
}

// unknownData is the data of an event type outside the catalogue: order_id,
// the Extra fields in key order, then status when set.
func unknownData(ev hookdrill.Event, extra map[string]string) hookdrill.Object {
	o := hookdrill.Object{{Key: KeyOrderID, Value: ev.ResourceID}}
	for _, k := range slices.Sorted(maps.Keys(extra)) {
		o = o.Set(k, extra[k])
	}
	if ev.Status != "" {
		o = o.Set(KeyStatus, ev.Status)
	}
	return o
}

// dataOf returns the "data" object of a body, or nil.
func dataOf(o hookdrill.Object) hookdrill.Object {
	v, _ := o.Get(KeyData)
	d, _ := v.(hookdrill.Object)
	return d
}

func isCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := range 3 {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// ErrBadBody is wrapped by ParseBody for a body that is not an example
// event.
var ErrBadBody = errors.New("not an example event body")

// ParseBody reads a received body back into an Event, the way a receiver
// would: a JSON object with a non-empty string "id" and "type", an integer
// "created_at" (Unix seconds) and a "data" object whose "order_id" and
// "status", when strings, become ResourceID and Status. Unknown keys are
// kept in Payload. Errors wrap ErrBadBody.
func ParseBody(body []byte) (hookdrill.Event, error) {
	o, err := hookdrill.ParseObject(body)
	if err != nil {
		return hookdrill.Event{}, fmt.Errorf("example: parse body: %w: %w", ErrBadBody, err)
	}
	ev := hookdrill.Event{Platform: Name, Payload: o, ID: o.GetString(KeyID), Type: o.GetString(KeyType)}
	if ev.ID == "" || ev.Type == "" {
		return hookdrill.Event{}, fmt.Errorf("example: parse body: %w: %q and %q must be non-empty strings", ErrBadBody, KeyID, KeyType)
	}
	v, _ := o.Get(KeyCreatedAt)
	n, isNum := v.(json.Number)
	secs, err := strconv.ParseInt(string(n), 10, 64)
	if !isNum || err != nil || secs < 0 || secs > maxUnix {
		return hookdrill.Event{}, fmt.Errorf("example: parse body: %w: %q must be Unix seconds", ErrBadBody, KeyCreatedAt)
	}
	ev.CreatedAt = time.Unix(secs, 0).UTC()
	dv, _ := o.Get(KeyData)
	data, isObj := dv.(hookdrill.Object)
	if !isObj {
		return hookdrill.Event{}, fmt.Errorf("example: parse body: %w: %q must be an object", ErrBadBody, KeyData)
	}
	ev.ResourceID, ev.Status = data.GetString(KeyOrderID), data.GetString(KeyStatus)
	return ev, nil
}

// maxUnix is the largest created_at ParseBody accepts (year 9999), so
// that CreatedAt formats as RFC 3339.
const maxUnix = 253402300799
