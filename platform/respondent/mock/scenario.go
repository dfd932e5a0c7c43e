package mock

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/hookdrill/hookdrill/mockserver"
	"github.com/hookdrill/hookdrill/mockserver/scenariomock"
	"github.com/hookdrill/hookdrill/platform/respondent"
	"github.com/hookdrill/hookdrill/scenarios"
)

// Scenario makes the Respondent mock of one scenario (scenariomock): the
// scenario secret is the webhook's private key.
var Scenario = scenariomock.Maker{Name: respondent.Name, New: newScenario}

// scenarioMock is the Respondent mock with the scenario verbs.
type scenarioMock struct {
	*Mock
	mu  sync.Mutex // guards key
	key string     // the private key the next webhook gets
}

func newScenario(env scenarios.MockEnv) (scenariomock.Platform, error) {
	return &scenarioMock{Mock: New(Options{Profile: env.Profile}), key: env.Secret}, nil
}

func (m *scenarioMock) Ready(ctx context.Context) error { return nil }

// Subscribe creates the webhook (always active; confirm is ignored).
func (m *scenarioMock) Subscribe(ctx context.Context, eventType, targetURL string, confirm bool) (string, error) {
	m.mu.Lock()
	key := m.key
	m.mu.Unlock()
	w, err := m.CreateWebhook(targetURL, key)
	if err != nil {
		return "", err
	}
	return w.ID, nil
}

// SetEnabled deactivates the webhook on false; Respondent has no way to
// re-enable one, so true only checks that it is active.
func (m *scenarioMock) SetEnabled(ctx context.Context, id string, enabled bool) error {
	if enabled {
		_, err := m.Webhook(id)
		return err
	}
	return m.DeactivateWebhook(id)
}

// RotateSecret re-creates the webhook with the same URL, which gives it a
// new private key (and a new id).
func (m *scenarioMock) RotateSecret(ctx context.Context) (string, error) {
	cur, err := m.ActiveWebhook()
	if err != nil {
		return "", fmt.Errorf("rotate: %w", err)
	}
	w, err := m.CreateWebhook(cur.URL, "")
	if err != nil {
		return "", err
	}
	m.mu.Lock()
	m.key = w.PrivateKey
	m.mu.Unlock()
	return w.PrivateKey, nil
}

// Enabled reports whether the webhook is active.
func (m *scenarioMock) Enabled(ctx context.Context, id string) (bool, error) {
	_, err := m.Webhook(id)
	if errors.Is(err, mockserver.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// EventLog counts the webhook's event-log records with the status and
// resource ("" any).
func (m *scenarioMock) EventLog(ctx context.Context, id, status, resource string) (int, error) {
	f := mockserver.EventFilter{ResourceID: resource}
	if status != "" {
		f.Statuses = []string{status}
	}
	_, n, err := m.Events(id, f)
	return n, err
}
