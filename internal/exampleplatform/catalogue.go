package exampleplatform

import (
	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/internal/wire"
)

// Name is the platform's name in scenarios, flags, journals and reports.
const Name = "example"

// Errors NewEvent wraps: the same values as in every platform package, so
// errors.Is works across platforms.
var (
	ErrUnknownEventType = wire.ErrUnknownEventType
	ErrUnknownStatus    = wire.ErrUnknownStatus
	ErrUnknownExtra     = wire.ErrUnknownExtra
)

// EventOrderUpdated is the platform's only event type.
const EventOrderUpdated = "order.updated"

// Order statuses (the "status" of order.updated).
const (
	StatusCreated   = "created"
	StatusPaid      = "paid"
	StatusRefunded  = "refunded"
	StatusCancelled = "cancelled"
)

// DefaultStatus is the status NewEvent uses when EventSpec.Status is empty.
const DefaultStatus = StatusPaid

// Extra keys NewEvent understands.
const (
	// ExtraCustomerID sets data.customer_id; by default it is derived
	// from the order id (Customer), so one order keeps one customer.
	ExtraCustomerID = "customer_id"
	// ExtraAmount sets data.amount, a non-negative integer in minor units.
	ExtraAmount = "amount"
	// ExtraCurrency sets data.currency, three upper-case letters.
	ExtraCurrency = "currency"
)

// Statuses returns the order status vocabulary. The caller owns the slice.
func Statuses() []string {
	return []string{StatusCreated, StatusPaid, StatusRefunded, StatusCancelled}
}

// Currencies returns the currencies NewEvent draws from.
func Currencies() []string { return []string{"EUR", "USD", "GBP"} }

// EventTypes returns the catalogue: one event type. The caller owns the
// slice.
func EventTypes() []hookdrill.EventType {
	return []hookdrill.EventType{{
		Name:        EventOrderUpdated,
		Statuses:    Statuses(),
		Description: "An order's status changed (created, paid, refunded, cancelled).",
	}}
}

// EventTypeNames returns the names of EventTypes, in order.
func EventTypeNames() []string { return []string{EventOrderUpdated} }
