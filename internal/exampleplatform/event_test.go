package exampleplatform_test

import (
	"testing"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/internal/exampleplatform"
	"github.com/hookdrill/hookdrill/platform"
	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCatalogue(t *testing.T) {
	p := exampleplatform.New(exampleplatform.Options{})
	ets := p.EventTypes()
	require.Len(t, ets, 1)
	tassert.Equal(t, exampleplatform.EventOrderUpdated, ets[0].Name)
	tassert.Equal(t, []string{"created", "paid", "refunded", "cancelled"}, ets[0].Statuses)
	tassert.NotEmpty(t, ets[0].Description)
	tassert.Equal(t, []string{exampleplatform.EventOrderUpdated}, exampleplatform.EventTypeNames())
	ets[0].Statuses[0] = "x"
	tassert.Equal(t, "created", p.EventTypes()[0].Statuses[0], "the caller owns the slice")
}

func TestNewEventDefaults(t *testing.T) {
	p := exampleplatform.New(exampleplatform.Options{})
	now := time.Date(2026, 1, 1, 12, 0, 0, 999e6, time.FixedZone("x", 3600))
	ev, err := p.NewEvent(hookdrill.EventSpec{Type: exampleplatform.EventOrderUpdated}, seeded(3), now)
	require.NoError(t, err)
	tassert.Equal(t, "example", ev.Platform)
	tassert.Equal(t, exampleplatform.StatusPaid, ev.Status)
	tassert.Regexp(t, `^evt_[0-9a-f]{24}$`, ev.ID)
	tassert.Regexp(t, `^ord_[0-9a-f]{24}$`, ev.ResourceID)
	tassert.Equal(t, time.Date(2026, 1, 1, 11, 0, 0, 0, time.UTC), ev.CreatedAt, "UTC, whole seconds")
	data, _ := ev.Payload.Get("data")
	d := data.(hookdrill.Object)
	tassert.Equal(t, []string{"id", "type", "created_at", "data"}, keys(ev.Payload))
	tassert.Equal(t, []string{"order_id", "customer_id", "status", "amount", "currency"}, keys(d))
	tassert.Equal(t, exampleplatform.Customer(ev.ResourceID), d.GetString("customer_id"))
	tassert.Contains(t, exampleplatform.Currencies(), d.GetString("currency"))
	amount, _ := d.Get("amount")
	tassert.True(t, amount.(int64) >= 100 && amount.(int64) <= 99999)

	// The same seed gives the same event; overriding one value does not
	// shift the others.
	again, err := p.NewEvent(hookdrill.EventSpec{Type: exampleplatform.EventOrderUpdated}, seeded(3), now)
	require.NoError(t, err)
	tassert.Equal(t, ev, again)
	over, err := p.NewEvent(hookdrill.EventSpec{Type: exampleplatform.EventOrderUpdated, ID: "evt_x"}, seeded(3), now)
	require.NoError(t, err)
	tassert.Equal(t, ev.ResourceID, over.ResourceID)
	od, _ := over.Payload.Get("data")
	tassert.Equal(t, d, od)
}

func TestNewEventErrors(t *testing.T) {
	p := exampleplatform.New(exampleplatform.Options{})
	tests := []struct {
		name string
		spec hookdrill.EventSpec
		want error
		msg  string
	}{
		{"unknown type", hookdrill.EventSpec{Type: "order.paid"}, exampleplatform.ErrUnknownEventType, `"order.updated"`},
		{"empty type", hookdrill.EventSpec{}, exampleplatform.ErrUnknownEventType, "valid"},
		{"unknown status", hookdrill.EventSpec{Type: "order.updated", Status: "PAID"}, exampleplatform.ErrUnknownStatus, "did you mean"},
		{"unknown extra", hookdrill.EventSpec{Type: "order.updated", Extra: map[string]string{"participant_id": "x"}},
			exampleplatform.ErrUnknownExtra, "valid: customer_id, amount, currency"},
		{"bad amount", hookdrill.EventSpec{Type: "order.updated", Extra: map[string]string{"amount": "-1"}}, exampleplatform.ErrBadExtra, "amount"},
		{"amount not a number", hookdrill.EventSpec{Type: "order.updated", Extra: map[string]string{"amount": "12.5"}}, exampleplatform.ErrBadExtra, "amount"},
		{"bad currency", hookdrill.EventSpec{Type: "order.updated", Extra: map[string]string{"currency": "eur"}}, exampleplatform.ErrBadExtra, "currency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := p.NewEvent(tt.spec, seeded(1), vecTime)
			require.ErrorIs(t, err, tt.want)
			tassert.Contains(t, err.Error(), tt.msg)
		})
	}
	_, err := p.NewEvent(hookdrill.EventSpec{Type: "order.updated"}, nil, vecTime)
	require.Error(t, err, "nil rnd")
}

func TestNewEventUnknownTypeAllowed(t *testing.T) {
	p := exampleplatform.New(exampleplatform.Options{AllowUnknownTypes: true})
	ev, err := p.NewEvent(hookdrill.EventSpec{Type: "order.shipped", Status: "sent", ResourceID: "ord_1",
		Extra: map[string]string{"z": "1", "carrier": "dhl"}}, seeded(1), vecTime)
	require.NoError(t, err)
	body, err := p.Encode(ev)
	require.NoError(t, err)
	tassert.Equal(t, `{"id":"`+ev.ID+`","type":"order.shipped","created_at":1767225600,"data":{"order_id":"ord_1","carrier":"dhl","z":"1","status":"sent"}}`, string(body))
	_, err = p.NewEvent(hookdrill.EventSpec{}, seeded(1), vecTime)
	require.ErrorIs(t, err, exampleplatform.ErrUnknownEventType, "an empty type is never allowed")
}

func TestNewEventRawPayload(t *testing.T) {
	p := exampleplatform.New(exampleplatform.Options{})
	obj, err := hookdrill.ParseObject([]byte(vecBody))
	require.NoError(t, err)
	ev, err := p.NewEvent(hookdrill.EventSpec{Payload: obj}, seeded(1), vecTime)
	require.NoError(t, err)
	tassert.Equal(t, vecEventID, ev.ID)
	tassert.Equal(t, exampleplatform.EventOrderUpdated, ev.Type)
	tassert.Equal(t, vecOrderID, ev.ResourceID)
	tassert.Equal(t, "paid", ev.Status)
	body, err := p.Encode(ev)
	require.NoError(t, err)
	tassert.Equal(t, vecBody, string(body))
	obj[0].Value = "changed"
	tassert.Equal(t, vecEventID, ev.ID, "the payload is copied")

	// Missing keys come from the spec.
	ev, err = p.NewEvent(hookdrill.EventSpec{Payload: hookdrill.Object{}, Type: "t", ID: "i", ResourceID: "r", Status: "s"}, seeded(1), vecTime)
	require.NoError(t, err)
	tassert.Equal(t, []string{"i", "t", "r", "s"}, []string{ev.ID, ev.Type, ev.ResourceID, ev.Status})
}

func TestParseBody(t *testing.T) {
	ev, err := exampleplatform.ParseBody([]byte(vecBody))
	require.NoError(t, err)
	want := vectorEvent(t, exampleplatform.New(exampleplatform.Options{}))
	tassert.Equal(t, want.ID, ev.ID)
	tassert.Equal(t, want.Type, ev.Type)
	tassert.Equal(t, want.ResourceID, ev.ResourceID)
	tassert.Equal(t, want.Status, ev.Status)
	tassert.Equal(t, want.CreatedAt, ev.CreatedAt)
	tassert.Equal(t, want.Platform, ev.Platform)
	for _, bad := range []string{``, `[]`, `{}`, `{"id":"e","type":"t","created_at":1}`,
		`{"id":"e","type":"t","created_at":1.5,"data":{}}`, `{"id":"e","type":"t","created_at":-1,"data":{}}`,
		`{"id":"e","type":"t","created_at":"1","data":{}}`, `{"id":"e","type":"t","created_at":99999999999999,"data":{}}`,
		`{"id":"","type":"t","created_at":1,"data":{}}`, `{"id":1,"type":"t","created_at":1,"data":{}}`,
		`{"id":"e","type":"t","created_at":1,"data":[]}`} {
		_, err := exampleplatform.ParseBody([]byte(bad))
		tassert.ErrorIs(t, err, exampleplatform.ErrBadBody, bad)
	}
}

// TestIdentity: order.updated events name their customer, the same for
// every event about one order; the registry finds it through
// platform.Identifier.
func TestIdentity(t *testing.T) {
	p := exampleplatform.New(exampleplatform.Options{})
	var _ platform.Identifier = p
	key, ok := p.IdentityKey(exampleplatform.EventOrderUpdated)
	tassert.True(t, ok)
	tassert.Equal(t, exampleplatform.ExtraCustomerID, key)
	_, ok = p.IdentityKey("order.shipped")
	tassert.False(t, ok)

	a, err := p.NewEvent(hookdrill.EventSpec{Type: "order.updated", ResourceID: "ord_1", Status: "created"}, seeded(1), vecTime)
	require.NoError(t, err)
	b, err := p.NewEvent(hookdrill.EventSpec{Type: "order.updated", ResourceID: "ord_1", Status: "refunded"}, seeded(2), vecTime)
	require.NoError(t, err)
	ida, ok := p.Identity(a)
	require.True(t, ok)
	idb, _ := p.Identity(b)
	tassert.Equal(t, ida, idb)
	tassert.Equal(t, exampleplatform.Customer("ord_1"), ida)

	// Extra customer_id is what a later step passes to keep it.
	c, err := p.NewEvent(hookdrill.EventSpec{Type: "order.updated", Extra: map[string]string{key: "cus_kept"}}, seeded(3), vecTime)
	require.NoError(t, err)
	idc, _ := p.Identity(c)
	tassert.Equal(t, "cus_kept", idc)

	_, ok = p.Identity(hookdrill.Event{Type: "order.updated", Payload: hookdrill.Object{}})
	tassert.False(t, ok)
	_, ok = p.Identity(hookdrill.Event{Type: "other"})
	tassert.False(t, ok)
}

func keys(o hookdrill.Object) []string {
	ks := make([]string, len(o))
	for i, f := range o {
		ks[i] = f.Key
	}
	return ks
}
