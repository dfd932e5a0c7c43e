package load_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/load"
)

const secret = "load-test-secret-value-0123456789"

func okServer(t testing.TB) (*httptest.Server, *atomic.Int64) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		n.Add(1)
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func baseConfig(url string) load.Config {
	return load.Config{
		Platform: hookdrill.Prolific,
		Target:   hookdrill.Target{URL: url, Secret: secret},
		Rate:     load.Rate{Freq: 200, Per: time.Second},
		Duration: 500 * time.Millisecond,
		Seed:     7,
	}
}

func TestRunConstantRate(t *testing.T) {
	srv, n := okServer(t)
	res, err := load.Run(context.Background(), baseConfig(srv.URL))
	require.NoError(t, err)
	require.Equal(t, load.StopCompleted, res.StopReason)
	require.False(t, res.Partial)
	require.EqualValues(t, 100, res.Asked)
	require.EqualValues(t, 100, res.First.Count)
	require.EqualValues(t, 100, n.Load())
	require.EqualValues(t, 100, res.Deliveries.Succeeded)
	require.EqualValues(t, 100, res.First.Statuses[200])
	require.EqualValues(t, 0, res.Retry.Count)
	require.InDelta(t, 200, res.AskedRate, 0.01)
	require.InDelta(t, 200, res.SentRate, 60) // timing on a shared machine
	require.Greater(t, res.Summary.First.P50, 0.0)
	var byEvent uint64
	for _, s := range res.ByEvent {
		byEvent += s.Count
	}
	require.EqualValues(t, 100, byEvent)
}
