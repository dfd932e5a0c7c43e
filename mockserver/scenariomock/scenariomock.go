package scenariomock

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/mockserver"
	"github.com/hookdrill/hookdrill/scenarios"
)

// Platform is a platform's mock as the scenario runner drives it: the
// mock API plugged into the server, plus the scenario verbs on it.
type Platform interface {
	mockserver.Platform
	// Ready is called once the server serves the platform (e.g. to
	// install the scenario secret).
	Ready(ctx context.Context) error
	// Subscribe, SetEnabled, RotateSecret, Enabled and EventLog are the
	// scenarios.MockAPI verbs, in the platform's terms.
	Subscribe(ctx context.Context, eventType, targetURL string, confirm bool) (string, error)
	SetEnabled(ctx context.Context, id string, enabled bool) error
	RotateSecret(ctx context.Context) (string, error)
	Enabled(ctx context.Context, id string) (bool, error)
	EventLog(ctx context.Context, id, status, resource string) (int, error)
}

// Maker makes a platform's mock for one scenario: each platform's mock
// package has one, and platform/all lists them.
type Maker struct {
	// Name is the platform's name (scenarios.MockEnv.Platform).
	Name string
	// New makes the mock for env (its Profile, Secret, Workspace, Token).
	New func(env scenarios.MockEnv) (Platform, error)
}

// Mock is the embedded mock of one scenario: a mockserver.Server serving
// the scenario's platform on a loopback listener, driven through the Go
// API.
type Mock struct {
	srv  *mockserver.Server
	hs   *http.Server
	url  string
	plat Platform
}

var _ scenarios.MockAPI = (*Mock)(nil)

// Factory returns a scenarios.MockFactory that starts, for each scenario,
// a mock of its platform made by the maker of that name. The mock shares
// the scenario's clock and journal and delivers through env's Dispatcher.
func Factory(makers ...Maker) scenarios.MockFactory {
	return func(ctx context.Context, env scenarios.MockEnv) (scenarios.MockAPI, error) {
		var names []string
		for _, mk := range makers {
			if mk.Name == env.Platform {
				return start(ctx, env, mk)
			}
			names = append(names, mk.Name)
		}
		return nil, fmt.Errorf("scenariomock: unknown platform %q (mocks: %s)", env.Platform, strings.Join(names, ", "))
	}
}

func start(ctx context.Context, env scenarios.MockEnv, mk Maker) (scenarios.MockAPI, error) {
	p, err := mk.New(env)
	if err != nil {
		return nil, fmt.Errorf("scenariomock: %w", err)
	}
	cfg := mockserver.Config{Clock: env.Clock, Journal: env.Journal, Seed: env.Seed, Platforms: []mockserver.Platform{p}}
	if env.Dispatcher != nil {
		cfg.Dispatcher = env.Dispatcher
	}
	srv, err := mockserver.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("scenariomock: %w", err)
	}
	m := &Mock{srv: srv, plat: p}
	if err := p.Ready(ctx); err != nil {
		_ = srv.Close()
		return nil, fmt.Errorf("scenariomock: %w", err)
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

// Subscribe creates a subscription (confirming it when asked).
func (m *Mock) Subscribe(ctx context.Context, eventType, targetURL string, confirm bool) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	return m.plat.Subscribe(ctx, eventType, targetURL, confirm)
}

// SetEnabled enables or disables a subscription.
func (m *Mock) SetEnabled(ctx context.Context, id string, enabled bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return m.plat.SetEnabled(ctx, id, enabled)
}

// RotateSecret replaces the signing secret and returns the new one.
func (m *Mock) RotateSecret(ctx context.Context) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	return m.plat.RotateSecret(ctx)
}

// Trigger emits an event to every active subscription (or the webhook).
func (m *Mock) Trigger(ctx context.Context, spec hookdrill.EventSpec) (hookdrill.Event, error) {
	res, err := m.srv.Trigger(ctx, mockserver.TriggerRequest{Platform: m.plat.Name(), EventType: spec.Type,
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

// Enabled reports whether a subscription is enabled.
func (m *Mock) Enabled(ctx context.Context, id string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	return m.plat.Enabled(ctx, id)
}

// EventLog counts the subscription's event-log records with the status and
// resource ("" any).
func (m *Mock) EventLog(ctx context.Context, id, status, resource string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	return m.plat.EventLog(ctx, id, status, resource)
}

// Close stops the listener and the mock; deliveries waiting to retry are
// cancelled.
func (m *Mock) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := m.hs.Shutdown(ctx)
	return errors.Join(err, m.srv.Close())
}
