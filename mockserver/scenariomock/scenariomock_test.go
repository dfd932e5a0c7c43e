package scenariomock_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/clock"
	"github.com/hookdrill/hookdrill/mockserver/scenariomock"
	"github.com/hookdrill/hookdrill/platform/all"
	"github.com/hookdrill/hookdrill/platform/prolific"
	"github.com/hookdrill/hookdrill/platform/respondent"
	respondentmock "github.com/hookdrill/hookdrill/platform/respondent/mock"
	"github.com/hookdrill/hookdrill/scenarios"
	"github.com/hookdrill/hookdrill/sender"
)

var newMock = scenariomock.Factory(all.Mocks()...)

type verifier struct {
	mu   sync.Mutex
	prof hookdrill.Profile
	keys []string
	ok   []string // which key verified each request
}

func (v *verifier) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, k := range v.keys {
		if v.prof.Verify(r.Header, b, k, hookdrill.VerifyOptions{}) == nil {
			v.ok = append(v.ok, k)
			return
		}
	}
	v.ok = append(v.ok, "")
	w.WriteHeader(401)
}

func TestAdapter(t *testing.T) {
	for _, plat := range []string{prolific.Name, respondent.Name} {
		t.Run(plat, func(t *testing.T) {
			ctx := context.Background()
			prof, err := all.Registry().Lookup(plat)
			require.NoError(t, err)
			sim := clock.NewSim(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
			j := hookdrill.NewJournal()
			snd, err := sender.New(sender.Config{Profile: prof, Clock: sim, Journal: j, Seed: 9})
			require.NoError(t, err)
			defer snd.Close()
			v := &verifier{prof: prof, keys: []string{"scenario-secret-value"}}
			rcv := httptest.NewServer(v)
			defer rcv.Close()
			api, err := newMock(ctx, scenarios.MockEnv{Platform: plat, Profile: prof, Clock: sim, Journal: j, Dispatcher: snd,
				Seed: 9, Secret: "scenario-secret-value", Target: rcv.URL})
			require.NoError(t, err)
			defer api.Close()
			tassert.Contains(t, api.URL(), "http://127.0.0.1:")

			evType := prof.EventTypes()[0].Name
			id, err := api.Subscribe(ctx, evType, rcv.URL, true)
			require.NoError(t, err)
			on, err := api.Enabled(ctx, id)
			require.NoError(t, err)
			tassert.True(t, on)
			ev, err := api.Trigger(ctx, hookdrill.EventSpec{Type: evType})
			require.NoError(t, err)
			require.NoError(t, snd.Wait(ctx))
			n, err := api.EventLog(ctx, id, "SUCCEEDED", ev.ResourceID)
			require.NoError(t, err)
			tassert.Equal(t, 1, n)

			sec, err := api.RotateSecret(ctx)
			require.NoError(t, err)
			v.mu.Lock()
			v.keys = append(v.keys, sec)
			v.mu.Unlock()
			if plat == respondent.Name {
				w, err := respondentmock.Of(api.(*scenariomock.Mock).Server()).ActiveWebhook()
				require.NoError(t, err)
				id = w.ID
			}
			_, err = api.Trigger(ctx, hookdrill.EventSpec{Type: evType})
			require.NoError(t, err)
			require.NoError(t, snd.Wait(ctx))
			v.mu.Lock()
			tassert.Equal(t, []string{"scenario-secret-value", sec}, v.ok)
			v.mu.Unlock()

			require.NoError(t, api.SetEnabled(ctx, id, false))
			on, err = api.Enabled(ctx, id)
			require.NoError(t, err)
			tassert.False(t, on)
		})
	}
}
