package mock

import (
	"context"

	"github.com/hookdrill/hookdrill/mockserver"
	"github.com/hookdrill/hookdrill/mockserver/scenariomock"
	"github.com/hookdrill/hookdrill/platform/prolific"
	"github.com/hookdrill/hookdrill/scenarios"
)

// DefaultWorkspace is the workspace a scenario mock uses when the scenario
// names none.
const DefaultWorkspace = "000000000000000000000001"

// Scenario makes the Prolific mock of one scenario (scenariomock): the
// scenario secret is the workspace's initial signing secret.
var Scenario = scenariomock.Maker{Name: prolific.Name, New: newScenario}

// scenarioMock is the Prolific mock with the scenario verbs.
type scenarioMock struct {
	*Mock
	ws, secret string
}

func newScenario(env scenarios.MockEnv) (scenariomock.Platform, error) {
	m := &scenarioMock{Mock: New(Options{Profile: env.Profile, Token: env.Token}), ws: env.Workspace, secret: env.Secret}
	if m.ws == "" {
		m.ws = DefaultWorkspace
	}
	return m, nil
}

func (m *scenarioMock) Ready(ctx context.Context) error {
	_, err := m.CreateSecret(m.ws, m.secret)
	return err
}

// Subscribe creates a subscription, confirming it when asked.
func (m *scenarioMock) Subscribe(ctx context.Context, eventType, targetURL string, confirm bool) (string, error) {
	sub, tok, err := m.CreateSubscription(m.ws, eventType, targetURL)
	if err != nil {
		return "", err
	}
	if confirm {
		if _, err := m.ConfirmSubscription(sub.ID, tok); err != nil {
			return "", err
		}
	}
	return sub.ID, nil
}

// SetEnabled PATCHes a subscription's is_enabled.
func (m *scenarioMock) SetEnabled(ctx context.Context, id string, enabled bool) error {
	_, err := m.UpdateSubscription(id, SubscriptionUpdate{IsEnabled: &enabled})
	return err
}

// RotateSecret replaces the workspace secret.
func (m *scenarioMock) RotateSecret(ctx context.Context) (string, error) {
	sec, err := m.CreateSecret(m.ws, "")
	if err != nil {
		return "", err
	}
	return sec.Value, nil
}

// Enabled reports whether a subscription is enabled.
func (m *scenarioMock) Enabled(ctx context.Context, id string) (bool, error) {
	sub, err := m.Subscription(id)
	if err != nil {
		return false, err
	}
	return sub.IsEnabled, nil
}

// EventLog counts a subscription's event-log records with the status and
// resource ("" any).
func (m *scenarioMock) EventLog(ctx context.Context, id, status, resource string) (int, error) {
	f := mockserver.EventFilter{ResourceID: resource, Limit: MaxEventsLimit}
	if status != "" {
		f.Statuses = []string{status}
	}
	_, n, err := m.Events(id, f)
	return n, err
}
