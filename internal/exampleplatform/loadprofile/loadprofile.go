package loadprofile

import (
	"math/rand/v2"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/internal/exampleplatform"
	"github.com/hookdrill/hookdrill/load"
)

// Orders is the name of the built-in profile.
const Orders = "example-orders"

// Workload is the example platform's part of load tests: DefaultMix and
// Profiles.
func Workload() load.Workload {
	return load.Workload{Platform: exampleplatform.Name, Mix: DefaultMix(), Profiles: Profiles()}
}

// DefaultMix is the event mix of a constant-rate run: mostly payments.
func DefaultMix() load.Mix {
	return load.Mix{
		{Event: exampleplatform.EventOrderUpdated, Status: exampleplatform.StatusCreated, Weight: 40},
		{Event: exampleplatform.EventOrderUpdated, Status: exampleplatform.StatusPaid, Weight: 45},
		{Event: exampleplatform.EventOrderUpdated, Status: exampleplatform.StatusRefunded, Weight: 5},
		{Event: exampleplatform.EventOrderUpdated, Status: exampleplatform.StatusCancelled, Weight: 10},
	}
}

// Profiles returns the built-in profile with its default N and T.
//
// example-orders: N orders are created uniformly over the first 80 % of
// T; 85 % of them are paid within 10 % of T of their creation (the others
// are cancelled then), and 5 % of the paid ones are refunded later. Every
// event of one order shares its shard key, so one machine sends its status
// sequence in order.
func Profiles() []load.Profile {
	return []load.Profile{{Name: Orders, Platform: exampleplatform.Name, Participants: load.DefaultParticipants,
		Span: 10 * time.Minute, Description: "N orders are created, then paid (some cancelled, a few refunded), over T",
		Generate: orders}}
}

func orders(n int, span time.Duration, r *rand.Rand) []load.Item {
	items := make([]load.Item, 0, n*2+n/10)
	for i := range n {
		order := exampleplatform.PrefixOrder + load.ObjectID(r)
		key := uint64(i + 1)
		ev := func(at time.Duration, status string) {
			items = append(items, load.Item{At: at, Key: key, Spec: hookdrill.EventSpec{
				Type: exampleplatform.EventOrderUpdated, Status: status, ResourceID: order}})
		}
		created := load.Between(r, span, 0, 0.8)
		ev(created, exampleplatform.StatusCreated)
		settled := created + load.Between(r, span, 0, 0.1)
		x, y := r.Float64(), r.Float64()
		if x >= 0.85 {
			ev(settled, exampleplatform.StatusCancelled)
			continue
		}
		ev(settled, exampleplatform.StatusPaid)
		if y < 0.05 {
			ev(settled+load.Between(r, span, 0, 0.1), exampleplatform.StatusRefunded)
		}
	}
	return items
}
