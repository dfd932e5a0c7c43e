package hookdrill_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
)

func attemptEntry(delivery string, n int) hookdrill.Entry {
	return hookdrill.Entry{Kind: hookdrill.KindAttempt, Attempt: &hookdrill.Attempt{DeliveryID: delivery, Number: n, Outcome: hookdrill.OutcomeSuccess}}
}

// Appends from many goroutines, across several storage chunks, lose and
// duplicate nothing, and sequence numbers are dense and in order.
func TestJournalConcurrentAppendKeepsEverything(t *testing.T) {
	j := hookdrill.NewJournal()
	const writers, each = 8, 700 // 5,600 entries: several 1,024-entry chunks
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				j.Append(attemptEntry(string(rune('a'+w)), i))
			}
		}()
	}
	wg.Wait()
	snap := j.Snapshot()
	require.Len(t, snap, writers*each)
	require.Equal(t, writers*each, j.Len())
	perWriter := map[string]int{}
	for i, e := range snap {
		require.Equal(t, int64(i+1), e.Seq, "dense, ordered sequence numbers")
		require.False(t, e.Wall.IsZero(), "wall time filled in")
		require.Equal(t, perWriter[e.Attempt.DeliveryID], e.Attempt.Number, "each writer's entries in its own order")
		perWriter[e.Attempt.DeliveryID]++
	}
	tassert.Len(t, snap.Attempts("c"), each)
}

func TestJournalSinceResetAndAccessors(t *testing.T) {
	j := hookdrill.NewJournal()
	wall := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	j.Append(hookdrill.Entry{Kind: hookdrill.KindAttempt, Wall: wall, Attempt: &hookdrill.Attempt{DeliveryID: "d1"}})
	j.Append(hookdrill.Entry{Kind: hookdrill.KindDelivery, Delivery: &hookdrill.Delivery{DeliveryID: "d1"}})
	j.Append(hookdrill.Entry{Kind: hookdrill.KindAPICall, APICall: &hookdrill.APICall{Route: "/x"}})
	j.Append(hookdrill.Entry{Kind: hookdrill.KindNotice, Notice: &hookdrill.Notice{Type: "auto_disabled"}})

	snap := j.Snapshot()
	tassert.Equal(t, wall, snap[0].Wall, "a given wall time is kept")
	tassert.Len(t, snap.Attempts(""), 1)
	tassert.Len(t, snap.Attempts("d2"), 0)
	tassert.Len(t, snap.Deliveries(), 1)
	tassert.Len(t, snap.APICalls(), 1)
	tassert.Equal(t, "auto_disabled", snap.Notices()[0].Type)

	since := j.Since(2)
	require.Len(t, since, 2)
	tassert.Equal(t, int64(3), since[0].Seq)
	tassert.Empty(t, j.Since(4))

	// A snapshot is a copy: later appends and resets do not change it.
	j.Reset()
	tassert.Len(t, snap, 4)
	tassert.Equal(t, 0, j.Len())
	e := j.Append(attemptEntry("d3", 1))
	tassert.Equal(t, int64(5), e.Seq, "sequence numbers keep growing after Reset")
}

func TestJournalWait(t *testing.T) {
	j := hookdrill.NewJournal()
	done := make(chan error, 1)
	go func() {
		done <- j.Wait(context.Background(), func(s hookdrill.Snapshot) bool { return len(s.Deliveries()) == 1 })
	}()
	for i := 0; i < 3; i++ {
		j.Append(attemptEntry("d", i))
	}
	j.Append(hookdrill.Entry{Kind: hookdrill.KindDelivery, Delivery: &hookdrill.Delivery{DeliveryID: "d"}})
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("Wait did not see the delivery entry")
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := j.Wait(ctx, func(hookdrill.Snapshot) bool { return false })
	require.ErrorIs(t, err, context.Canceled)
}

func TestJournalJSONLRoundTrip(t *testing.T) {
	j := hookdrill.NewJournal()
	sim := time.Date(2026, 1, 3, 4, 5, 6, 0, time.UTC)
	j.Append(hookdrill.Entry{Kind: hookdrill.KindAttempt, Sim: sim, Tags: []string{"step1"}, Attempt: &hookdrill.Attempt{
		DeliveryID: "d1", EventID: "e1", Number: 1, Outcome: hookdrill.OutcomeHTTPError, Latency: 3 * time.Millisecond,
		Request:  hookdrill.HTTPRequest{Method: "POST", URL: "http://127.0.0.1/x", Body: `{"a": "<b>"}`},
		Response: &hookdrill.HTTPResponse{Status: 503, Body: "busy"}, NextAttemptIn: time.Minute,
	}})
	j.Append(hookdrill.Entry{Kind: hookdrill.KindNotice, Notice: &hookdrill.Notice{Type: "auto_disabled", SubscriptionIDs: []string{"s1"}}})
	var buf bytes.Buffer
	require.NoError(t, j.WriteJSONL(&buf))
	tassert.Equal(t, 2, strings.Count(buf.String(), "\n"))
	tassert.Contains(t, buf.String(), `<b>`, "no HTML escaping: bodies stay readable")

	got, err := hookdrill.ReadJSONL(strings.NewReader("\n" + buf.String() + "  \n"))
	require.NoError(t, err)
	want := j.Snapshot()
	require.Len(t, got, len(want))
	for i := range want {
		tassert.True(t, want[i].Wall.Equal(got[i].Wall))
		got[i].Wall = want[i].Wall
	}
	tassert.Equal(t, want, got)
}

func TestReadJSONLErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"not json", "{\"seq\":1,\"kind\":\"attempt\"}\nnope\n", "journal line 2"},
		{"no kind", "{\"seq\":1}\n", "journal line 1: entry has no kind"},
		{"wrong type", "{\"seq\":\"x\",\"kind\":\"attempt\"}\n", "journal line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := hookdrill.ReadJSONL(strings.NewReader(tt.in))
			require.ErrorContains(t, err, tt.want)
		})
	}
}

// FuzzReadJSONL: no input makes the journal reader panic, and whatever it
// reads writes back and reads again to the same entries.
func FuzzReadJSONL(f *testing.F) {
	f.Add([]byte("{\"seq\":1,\"kind\":\"attempt\",\"attempt\":{\"delivery_id\":\"d\"}}\n"))
	f.Add([]byte("\n\n{\"kind\":\"notice\",\"notice\":{\"type\":\"x\"}}"))
	f.Add([]byte("{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		snap, err := hookdrill.ReadJSONL(bytes.NewReader(data))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := snap.WriteJSONL(&buf); err != nil {
			t.Fatalf("write back: %v", err)
		}
		again, err := hookdrill.ReadJSONL(&buf)
		if err != nil {
			t.Fatalf("read back: %v", err)
		}
		if len(again) != len(snap) {
			t.Fatalf("read back %d entries, want %d", len(again), len(snap))
		}
	})
}

// Draining while others append returns every entry exactly once, in
// sequence order, and leaves the journal empty.
func TestJournalDrainWhileAppending(t *testing.T) {
	j := hookdrill.NewJournal()
	const writers, each = 4, 1500
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				j.Append(attemptEntry(string(rune('a'+w)), i))
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	var got hookdrill.Snapshot
	for drained := false; !drained; {
		select {
		case <-done:
			drained = true
		default:
		}
		got = append(got, j.Drain()...)
	}
	got = append(got, j.Drain()...)
	require.Len(t, got, writers*each)
	for i, e := range got {
		require.Equal(t, int64(i+1), e.Seq, "each entry once, in order")
	}
	require.Zero(t, j.Len())
	require.Empty(t, j.Drain())
	e := j.Append(attemptEntry("z", 0))
	require.Equal(t, int64(writers*each+1), e.Seq, "sequence numbers keep growing")
}
