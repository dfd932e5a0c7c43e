package scenariomock

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/mockserver"
	"github.com/hookdrill/hookdrill/platform/prolific"
	"github.com/hookdrill/hookdrill/platform/respondent"
	"github.com/hookdrill/hookdrill/scenarios"
)

// DefaultWorkspace is the Prolific workspace the mock uses when the
// scenario names none.
const DefaultWorkspace = "000000000000000000000001"

// Mock is the embedded mock of one scenario: a mockserver.Server on a
// loopback listener, driven through the Go API.
type Mock struct {
	srv      *mockserver.Server
	hs       *http.Server
	url      string
	platform string
	ws       string

	mu  sync.Mutex // guards key
	key string     // Respondent: the private key the next webhook gets
}

var _ scenarios.MockAPI = (*Mock)(nil)

// New is a scenarios.MockFactory: it starts a mock for env's platform that
// shares the scenario's clock and journal and delivers through env's
// Dispatcher. The scenario secret is the initial Prolific workspace secret
// and the Respondent webhook's private key.
func New(ctx context.Context, env scenarios.MockEnv) (scenarios.MockAPI, error) {
	if env.Platform != prolific.Name && env.Platform != respondent.Name {
		return nil, fmt.Errorf("scenariomock: unknown platform %q", env.Platform)
	}
	cfg := mockserver.Config{Clock: env.Clock, Journal: env.Journal, Seed: env.Seed, Token: env.Token}
	if env.Dispatcher != nil {
		cfg.Dispatcher = env.Dispatcher
	}
	switch env.Platform {
	case prolific.Name:
		cfg.Prolific = env.Profile
	case respondent.Name:
		cfg.Respondent = env.Profile
	}
	srv, err := mockserver.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("scenariomock: %w", err)
	}
	m := &Mock{srv: srv, platform: env.Platform, ws: env.Workspace, key: env.Secret}
	if m.ws == "" {
		m.ws = DefaultWorkspace
	}
	if env.Platform == prolific.Name {
		if _, err := srv.CreateSecret(m.ws, env.Secret); err != nil {
			_ = srv.Close()
			return nil, fmt.Errorf("scenariomock: %w", err)
		}
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		_ = srv.Close()
		return nil, fmt.Errorf("scenariomock: listen: %w", err)
	}
	m.hs = &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	m.url = "http://" + ln.Addr().String()
	go func() { _ = m.hs.Serve(ln) }()
	return m, nil
}

// Server returns the underlying mock server.
func (m *Mock) Server() *mockserver.Server { return m.srv }

// URL returns the mock's base URL.
func (m *Mock) URL() string { return m.url }

// Subscribe creates a Prolific subscription (confirming it when asked) or
// the Respondent webhook (always active; confirm is ignored).
func (m *Mock) Subscribe(ctx context.Context, eventType, targetURL string, confirm bool) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if m.platform == respondent.Name {
		m.mu.Lock()
		key := m.key
		m.mu.Unlock()
		w, err := m.srv.CreateWebhook(targetURL, key)
		if err != nil {
			return "", err
		}
		return w.ID, nil
	}
	sub, tok, err := m.srv.CreateSubscription(m.ws, eventType, targetURL)
	if err != nil {
		return "", err
	}
	if confirm {
		if _, err := m.srv.ConfirmSubscription(sub.ID, tok); err != nil {
			return "", err
		}
	}
	return sub.ID, nil
}

// SetEnabled PATCHes a Prolific subscription's is_enabled. On Respondent,
// disabling deactivates the webhook; Respondent has no way to re-enable one.
func (m *Mock) SetEnabled(ctx context.Context, id string, enabled bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if m.platform == respondent.Name {
		if enabled {
			if _, err := m.srv.Webhook(id); err != nil {
				return err
			}
			return nil
		}
		return m.srv.DeactivateWebhook(id)
	}
	_, err := m.srv.UpdateSubscription(id, mockserver.SubscriptionUpdate{IsEnabled: &enabled})
	return err
}

// RotateSecret replaces the Prolific workspace secret, or (Respondent)
// re-creates the webhook with the same URL, which gives it a new private
// key (and a new id).
func (m *Mock) RotateSecret(ctx context.Context) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if m.platform == respondent.Name {
		cur, err := m.srv.ActiveWebhook()
		if err != nil {
			return "", fmt.Errorf("rotate: %w", err)
		}
		w, err := m.srv.CreateWebhook(cur.URL, "")
		if err != nil {
			return "", err
		}
		m.mu.Lock()
		m.key = w.PrivateKey
		m.mu.Unlock()
		return w.PrivateKey, nil
	}
	sec, err := m.srv.CreateSecret(m.ws, "")
	if err != nil {
		return "", err
	}
	return sec.Value, nil
}

// Trigger emits an event to every active subscription (or the webhook).
func (m *Mock) Trigger(ctx context.Context, spec hookdrill.EventSpec) (hookdrill.Event, error) {
	res, err := m.srv.Trigger(ctx, mockserver.TriggerRequest{Platform: m.platform, EventType: spec.Type,
		Status: spec.Status, ResourceID: spec.ResourceID, EventID: spec.ID, Extra: spec.Extra, Payload: spec.Payload})
	if err != nil {
		return hookdrill.Event{}, err
	}
	for _, d := range res.Deliveries {
		if d.Error != "" {
			return res.Event, errors.New("delivery could not start: " + d.Error)
		}
	}
	return res.Event, nil
}

// Enabled reports whether a subscription is enabled (a webhook: active).
func (m *Mock) Enabled(ctx context.Context, id string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if m.platform == respondent.Name {
		_, err := m.srv.Webhook(id)
		if errors.Is(err, mockserver.ErrNotFound) {
			return false, nil
		}
		return err == nil, err
	}
	sub, err := m.srv.Subscription(id)
	if err != nil {
		return false, err
	}
	return sub.IsEnabled, nil
}

// EventLog counts the subscription's (or webhook's) event-log records with
// the status and resource ("" any).
func (m *Mock) EventLog(ctx context.Context, id, status, resource string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	f := mockserver.EventFilter{ResourceID: resource, Limit: mockserver.MaxEventsLimit}
	if status != "" {
		f.Statuses = []string{status}
	}
	_, n, err := m.srv.Events(id, f)
	return n, err
}

// Close stops the listener and the mock; deliveries waiting to retry are
// cancelled.
func (m *Mock) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := m.hs.Shutdown(ctx)
	return errors.Join(err, m.srv.Close())
}
