package mock

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/hookdrill/hookdrill/internal/exampleplatform"
	"github.com/hookdrill/hookdrill/mockserver"
	"github.com/hookdrill/hookdrill/mockserver/scenariomock"
	"github.com/hookdrill/hookdrill/scenarios"
)

// Scenario makes the example mock of one scenario (scenariomock): the
// scenario secret is the first endpoint's secret.
var Scenario = scenariomock.Maker{Name: exampleplatform.Name, New: newScenario}

// scenarioMock is the example mock with the scenario verbs.
type scenarioMock struct {
	*Mock
	mu     sync.Mutex // guards secret
	secret string     // the secret the next endpoint gets
}

func newScenario(env scenarios.MockEnv) (scenariomock.Platform, error) {
	return &scenarioMock{Mock: New(Options{Profile: env.Profile, APIToken: env.Token}), secret: env.Secret}, nil
}

func (m *scenarioMock) Ready(context.Context) error { return nil }

// Subscribe creates an endpoint for targetURL (every endpoint gets every
// event type; confirm is ignored: endpoints need no confirmation).
func (m *scenarioMock) Subscribe(_ context.Context, _, targetURL string, _ bool) (string, error) {
	m.mu.Lock()
	secret := m.secret
	m.mu.Unlock()
	e, err := m.CreateEndpoint(targetURL, secret)
	if err != nil {
		return "", err
	}
	return e.ID, nil
}

// SetEnabled enables or disables an endpoint.
func (m *scenarioMock) SetEnabled(_ context.Context, id string, enabled bool) error {
	_, err := m.Mock.SetEnabled(id, enabled)
	return err
}

// RotateSecret gives every endpoint one new secret and returns it (the
// scenario has one signing secret).
func (m *scenarioMock) RotateSecret(context.Context) (string, error) {
	eps := m.Endpoints()
	if len(eps) == 0 {
		return "", fmt.Errorf("rotate: %w", mockserver.NotFound("endpoint", ""))
	}
	secret, err := m.Mock.RotateSecret(eps[0].ID)
	if err != nil {
		return "", err
	}
	for _, e := range eps[1:] {
		if err := m.setSecret(e.ID, secret); err != nil {
			return "", err
		}
	}
	m.mu.Lock()
	m.secret = secret
	m.mu.Unlock()
	return secret, nil
}

// setSecret sets an endpoint's secret.
func (m *scenarioMock) setSecret(id, secret string) error {
	m.h.Lock()
	defer m.h.Unlock()
	e, ok := m.st.Endpoints[id]
	if !ok {
		return mockserver.NotFound("endpoint", id)
	}
	before := e.Secret
	e.Secret = secret
	if err := m.h.Commit(&record{Endpoint: e}); err != nil {
		e.Secret = before
		return err
	}
	return nil
}

// Enabled reports whether an endpoint exists and is enabled.
func (m *scenarioMock) Enabled(_ context.Context, id string) (bool, error) {
	e, err := m.Endpoint(id)
	if errors.Is(err, mockserver.ErrNotFound) {
		return false, nil
	}
	return e.Enabled, err
}

// EventLog counts the endpoint's event-log records with the status and
// resource ("" any).
func (m *scenarioMock) EventLog(_ context.Context, id, status, resource string) (int, error) {
	f := mockserver.EventFilter{ResourceID: resource}
	if status != "" {
		f.Statuses = []string{status}
	}
	_, n, err := m.Events(id, f)
	return n, err
}
