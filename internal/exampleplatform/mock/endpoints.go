package mock

import (
	"sort"

	"github.com/hookdrill/hookdrill/mockserver"
)

// The Go API of the endpoints. Each change is durable (with a state file)
// before it returns; one that cannot be saved is undone.

// CreateEndpoint creates an enabled endpoint for rawURL. secret "" makes
// one ("whsec_" and 32 hex characters). The result carries the secret.
func (m *Mock) CreateEndpoint(rawURL, secret string) (Endpoint, error) {
	if msg := checkURL(rawURL); msg != "" {
		return Endpoint{}, fieldError("url", msg)
	}
	if m.h.IsControlTarget(rawURL) {
		return Endpoint{}, fieldError("url", "url must not point at this server's own control API ("+mockserver.ControlPrefix+")")
	}
	m.h.Lock()
	defer m.h.Unlock()
	if secret == "" {
		secret = "whsec_" + m.h.Hex32()
	}
	e := &endpointRec{ID: "ep_" + m.h.Hex24(), URL: rawURL, Secret: secret, Enabled: true,
		Seq: m.h.NextSeq(), CreatedAt: m.h.Now().UTC()}
	m.st.Endpoints[e.ID] = e
	if err := m.h.Commit(&record{Endpoint: e}); err != nil {
		delete(m.st.Endpoints, e.ID)
		return Endpoint{}, err
	}
	return e.view(true), nil
}

// Endpoints lists the endpoints, oldest first, without secrets.
func (m *Mock) Endpoints() []Endpoint {
	m.h.Lock()
	defer m.h.Unlock()
	recs := make([]*endpointRec, 0, len(m.st.Endpoints))
	for _, e := range m.st.Endpoints {
		recs = append(recs, e)
	}
	sort.Slice(recs, func(i, j int) bool { return recs[i].Seq < recs[j].Seq })
	out := make([]Endpoint, len(recs))
	for i, e := range recs {
		out[i] = e.view(false)
	}
	return out
}

// Endpoint returns one endpoint, without its secret.
func (m *Mock) Endpoint(id string) (Endpoint, error) {
	m.h.Lock()
	defer m.h.Unlock()
	e, ok := m.st.Endpoints[id]
	if !ok {
		return Endpoint{}, mockserver.NotFound("endpoint", id)
	}
	return e.view(false), nil
}

// SetEnabled enables or disables an endpoint; a disabled endpoint gets no
// events and its deliveries in flight stop.
func (m *Mock) SetEnabled(id string, enabled bool) (Endpoint, error) {
	m.h.Lock()
	defer m.h.Unlock()
	e, ok := m.st.Endpoints[id]
	if !ok {
		return Endpoint{}, mockserver.NotFound("endpoint", id)
	}
	before := e.Enabled
	e.Enabled = enabled
	if err := m.h.Commit(&record{Endpoint: e}); err != nil {
		e.Enabled = before
		return Endpoint{}, err
	}
	return e.view(false), nil
}

// RotateSecret gives an endpoint a new secret and returns it; later
// attempts of deliveries in flight sign with it.
func (m *Mock) RotateSecret(id string) (string, error) {
	m.h.Lock()
	defer m.h.Unlock()
	e, ok := m.st.Endpoints[id]
	if !ok {
		return "", mockserver.NotFound("endpoint", id)
	}
	before := e.Secret
	e.Secret = "whsec_" + m.h.Hex32()
	if err := m.h.Commit(&record{Endpoint: e}); err != nil {
		e.Secret = before
		return "", err
	}
	return e.Secret, nil
}

// DeleteEndpoint deletes an endpoint and its event log.
func (m *Mock) DeleteEndpoint(id string) error {
	m.h.Lock()
	defer m.h.Unlock()
	e, ok := m.st.Endpoints[id]
	if !ok {
		return mockserver.NotFound("endpoint", id)
	}
	delete(m.st.Endpoints, id)
	if err := m.h.Commit(&record{Deleted: id}); err != nil {
		m.st.Endpoints[id] = e
		return err
	}
	m.h.Events().Drop(id)
	return nil
}

// Events returns an endpoint's event-log records, newest first, and the
// number that matched before offset and limit (0: all).
func (m *Mock) Events(id string, f mockserver.EventFilter) ([]mockserver.LogRecord, int, error) {
	m.h.Lock()
	defer m.h.Unlock()
	if _, ok := m.st.Endpoints[id]; !ok {
		return nil, 0, mockserver.NotFound("endpoint", id)
	}
	recs, total := m.h.Events().Query(id, f)
	return recs, total, nil
}

// endpointState returns an endpoint's current secret and whether it is
// enabled (ok false: deleted). The lock must not be held.
func (m *Mock) endpointState(id string) (secret string, enabled, ok bool) {
	m.h.Lock()
	defer m.h.Unlock()
	e, ok := m.st.Endpoints[id]
	if !ok {
		return "", false, false
	}
	return e.Secret, e.Enabled, true
}

func fieldError(field, msg string) *mockserver.Error {
	fe := mockserver.FieldErrors{}
	fe.Add(field, "%s", msg)
	return fe.Err(0)
}
