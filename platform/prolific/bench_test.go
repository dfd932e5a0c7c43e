package prolific_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/platform/prolific"
)

// The per-delivery costs of the sender: Encode runs once per delivery,
// Sign once per attempt.

func benchEvent(b *testing.B) (*prolific.Profile, hookdrill.Event) {
	p := prolific.New(prolific.Options{})
	ev, err := p.NewEvent(hookdrill.EventSpec{Type: "submission.status.change"}, rand.New(rand.NewPCG(42, 0)), time.Unix(1700000000, 0))
	require.NoError(b, err)
	return p, ev
}

func BenchmarkEncode(b *testing.B) {
	p, ev := benchEvent(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Encode(ev); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSign(b *testing.B) {
	p, ev := benchEvent(b)
	body, err := p.Encode(ev)
	require.NoError(b, err)
	in := hookdrill.SignInput{Event: ev, Body: body, Secret: "bench-secret-0123456789", SentAt: time.Unix(1700000100, 0)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Sign(in); err != nil {
			b.Fatal(err)
		}
	}
}
