package mock

import (
	"encoding/base64"
	"time"

	"github.com/hookdrill/hookdrill/mockserver"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/platform/prolific"
)

// The Prolific side of the Go API. The HTTP handlers call these, and so can
// tests and the scenario adapter; errors are *Error values.

// Secrets returns the workspace's secret, if any (spec 1.2: 0 or 1 item).
func (m *Mock) Secrets(workspaceID string) []SecretDetail {
	m.h.Lock()
	defer m.h.Unlock()
	if sec, ok := m.st.Secrets[workspaceID]; ok {
		return []SecretDetail{*sec}
	}
	return []SecretDetail{}
}

// CreateSecret creates or replaces the workspace's signing secret (spec
// 1.3). value "" generates one (P19); the old secret stops signing at once.
// Replacing a secret is journaled as a secret_rotated notice.
func (m *Mock) CreateSecret(workspaceID, value string) (SecretDetail, error) {
	if workspaceID == "" {
		fe := mockserver.FieldErrors{}
		fe.Add("workspace_id", "This field is required.")
		return SecretDetail{}, fieldErr(fe)
	}
	m.h.Lock()
	defer m.h.Unlock()
	if value == "" {
		value = m.secretValue()
	}
	prev, replaced := m.st.Secrets[workspaceID]
	sec := &SecretDetail{ID: m.h.Hex24(), Value: value, WorkspaceID: workspaceID}
	m.st.Secrets[workspaceID] = sec
	if err := m.h.Commit(&record{Secrets: []*SecretDetail{sec}}); err != nil {
		if replaced {
			m.st.Secrets[workspaceID] = prev
		} else {
			delete(m.st.Secrets, workspaceID)
		}
		return SecretDetail{}, err
	}
	if replaced {
		m.h.Notice(hookdrill.Notice{Platform: prolific.Name, Type: "secret_rotated",
			Detail: "workspace " + workspaceID + " secret replaced; new secret " + hookdrill.Redact(value)}, time.Time{})
	}
	return *sec, nil
}

// CheckTarget validates a target URL as the mock is configured to: with
// StrictTargets, public https only (spec 1.5); otherwise any absolute http
// or https URL. It returns the messages for the target_url field.
func (m *Mock) CheckTarget(raw string) []string { return m.checkTarget(raw, true) }

// checkTarget is CheckTarget; log says whether to log the first loose
// acceptance.
func (m *Mock) checkTarget(raw string, log bool) []string {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Hostname() == "" {
		return []string{"Enter a valid URL."}
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return []string{"Enter a valid URL."}
	}
	if m.h.IsControlTarget(raw) {
		return []string{"The target URL points at this server's own control API (" + mockserver.ControlPrefix + "), which would let a delivery drive the mock."}
	}
	var problems []string
	if u.Scheme != "https" {
		problems = append(problems, "The target URL must use https://.")
	}
	if !isPublicHost(u.Hostname()) {
		problems = append(problems, "The target URL must be publicly accessible (not localhost or a private address).")
	}
	if len(problems) == 0 {
		return nil
	}
	if m.opt.StrictTargets {
		return problems
	}
	if !log {
		return nil
	}
	m.looseOnce.Do(func() {
		m.h.Logf("accepting target %s although the real Prolific API would not (%s); "+
			"this is logged once; use StrictTargets (--strict-targets) to reject such targets",
			hookdrill.RedactURL(raw), strings.Join(problems, " "))
	})
	return nil
}

func isPublicHost(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") || h == "" {
		return false
	}
	ip := net.ParseIP(h)
	if ip == nil {
		return strings.Contains(h, ".") // a bare intranet name is not public
	}
	return !(ip.IsLoopback() || ip.IsPrivate() || ip.IsUnspecified() || ip.IsLinkLocalUnicast() ||
		ip.IsLinkLocalMulticast() || ip.IsMulticast())
}

func (m *Mock) checkEventType(fe fieldErrors, et string) {
	if !slices.Contains(eventTypeNames(m.opt.Profile), et) {
		fe.Add("event_type", "%q is not a valid choice. Valid: %s.", et, strings.Join(eventTypeNames(m.opt.Profile), ", "))
	}
}

func eventTypeNames(p hookdrill.Profile) []string {
	ts := p.EventTypes()
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Name
	}
	return out
}

// CreateSubscription creates a subscription (spec 1.5): disabled until
// confirmed with the returned token (the X-Hook-Secret header).
func (m *Mock) CreateSubscription(workspaceID, eventType, targetURL string) (Subscription, string, error) {
	fe := mockserver.FieldErrors{}
	if workspaceID == "" {
		fe.Add("workspace_id", "This field is required.")
	}
	if eventType == "" {
		fe.Add("event_type", "This field is required.")
	} else {
		m.checkEventType(fe, eventType)
	}
	if targetURL == "" {
		fe.Add("target_url", "This field is required.")
	} else if msgs := m.CheckTarget(targetURL); msgs != nil {
		fe["target_url"] = msgs
	}
	if err := fieldErr(fe); err != nil {
		return Subscription{}, "", err
	}
	m.h.Lock()
	defer m.h.Unlock()
	if _, ok := m.st.Secrets[workspaceID]; !ok {
		return Subscription{}, "", &mockserver.Error{Status: http.StatusBadRequest, Code: CodeNoSecret, Kind: ErrNoSecret,
			Detail: "Subscriptions can only be created for workspaces with a secret."}
	}
	rec := &subRec{Subscription: Subscription{EventType: eventType, TargetURL: targetURL, WorkspaceID: workspaceID,
		ID: m.h.Hex24()}, Token: m.h.Hex32(), Seq: m.h.NextSeq(), Created: m.h.Now()}
	m.st.Subscriptions[rec.ID] = rec
	if err := m.h.Commit(&record{Subs: []*subRec{rec}}); err != nil {
		delete(m.st.Subscriptions, rec.ID)
		return Subscription{}, "", err
	}
	return rec.Subscription, rec.Token, nil
}

// Subscription returns one subscription.
func (m *Mock) Subscription(id string) (Subscription, error) {
	m.h.Lock()
	defer m.h.Unlock()
	rec, ok := m.st.Subscriptions[id]
	if !ok {
		return Subscription{}, notFound("subscription", id)
	}
	return rec.Subscription, nil
}

// Subscriptions lists subscriptions in creation order, filtered by
// workspace ("" any) and enabled state (spec 1.4), and the total before
// offset and limit (limit 0: all).
func (m *Mock) Subscriptions(workspaceID string, enabled bool, offset, limit int) ([]Subscription, int) {
	m.h.Lock()
	defer m.h.Unlock()
	var all []*subRec
	for _, rec := range m.st.Subscriptions {
		if (workspaceID == "" || rec.WorkspaceID == workspaceID) && rec.IsEnabled == enabled {
			all = append(all, rec)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Seq < all[j].Seq })
	total := len(all)
	all = mockserver.Page(all, offset, limit)
	out := make([]Subscription, len(all))
	for i, rec := range all {
		out[i] = rec.Subscription
	}
	return out, total
}

// ConfirmSubscription confirms a subscription with the token from its
// creation (spec 1.7) and enables it. The token is single-use (P16):
// confirming again with it is a 400 (CodeBadConfirmSecret), unless
// Config.ReuseConfirmToken makes it an idempotent 200 that changes nothing.
func (m *Mock) ConfirmSubscription(id, token string) (Subscription, error) {
	if token == "" {
		fe := mockserver.FieldErrors{}
		fe.Add("secret", "This field is required.")
		return Subscription{}, fieldErr(fe)
	}
	m.h.Lock()
	defer m.h.Unlock()
	rec, ok := m.st.Subscriptions[id]
	if !ok {
		return Subscription{}, notFound("subscription", id)
	}
	if token != rec.Token {
		return Subscription{}, &mockserver.Error{Status: http.StatusBadRequest, Code: CodeBadConfirmSecret, Kind: ErrBadSecret,
			Detail: map[string][]string{"secret": {"The secret does not match the X-Hook-Secret header returned when the subscription was created."}}}
	}
	if rec.Confirmed && !m.opt.ReuseConfirmToken {
		return Subscription{}, &mockserver.Error{Status: http.StatusBadRequest, Code: CodeBadConfirmSecret, Kind: ErrBadSecret,
			Detail: map[string][]string{"secret": {"This confirmation secret has already been used: the subscription is confirmed."}}}
	}
	if !rec.Confirmed {
		rec.Confirmed, rec.IsEnabled = true, true
		if err := m.h.Commit(&record{Subs: []*subRec{rec}}); err != nil {
			rec.Confirmed, rec.IsEnabled = false, false
			return Subscription{}, err
		}
	}
	return rec.Subscription, nil
}

// UpdateSubscription applies a PATCH (spec 1.9). Enabling resets the
// health of the subscription's (target URL, event type) pair; enabling an
// unconfirmed subscription is a 400 [INF]. A new target URL is validated
// but needs no new confirmation (P17).
func (m *Mock) UpdateSubscription(id string, u SubscriptionUpdate) (Subscription, error) {
	fe := mockserver.FieldErrors{}
	if u.EventType != nil {
		m.checkEventType(fe, *u.EventType)
	}
	if u.TargetURL != nil {
		if msgs := m.CheckTarget(*u.TargetURL); msgs != nil {
			fe["target_url"] = msgs
		}
	}
	m.h.Lock()
	defer m.h.Unlock()
	rec, ok := m.st.Subscriptions[id]
	if !ok {
		return Subscription{}, notFound("subscription", id)
	}
	if u.IsEnabled != nil && *u.IsEnabled && !rec.Confirmed {
		fe.Add("is_enabled", "Confirm the subscription (POST its X-Hook-Secret) before enabling it.")
	}
	if err := fieldErr(fe); err != nil {
		return Subscription{}, err
	}
	old := *rec
	var healthRecs []healthRec
	var undoHealth func()
	if u.EventType != nil {
		rec.EventType = *u.EventType
	}
	if u.TargetURL != nil {
		rec.TargetURL = *u.TargetURL
	}
	if u.IsEnabled != nil {
		if *u.IsEnabled {
			p := prolific.Pair{TargetURL: rec.TargetURL, EventType: rec.EventType}
			if h, ok := m.health[p]; ok {
				m.health[p] = h.Reenabled()
				healthRecs = append(healthRecs, healthRec{Pair: p, Health: m.health[p]})
				undoHealth = func() { m.health[p] = h }
			}
		}
		rec.IsEnabled = *u.IsEnabled
	}
	if err := m.h.Commit(&record{Subs: []*subRec{rec}, Health: healthRecs}); err != nil {
		*rec = old
		if undoHealth != nil {
			undoHealth()
		}
		return Subscription{}, err
	}
	return rec.Subscription, nil
}

// DeleteSubscription deletes a subscription (spec 1.8); deliveries still
// retrying for it stop before their next attempt.
func (m *Mock) DeleteSubscription(id string) error {
	m.h.Lock()
	defer m.h.Unlock()
	rec, ok := m.st.Subscriptions[id]
	if !ok {
		return notFound("subscription", id)
	}
	delete(m.st.Subscriptions, id)
	if err := m.h.Commit(&record{Deleted: []string{id}}); err != nil {
		m.st.Subscriptions[id] = rec
		return err
	}
	m.h.Events().Drop(id)
	return nil
}

// Events returns a subscription's event-log records, newest first (spec
// 1.10), and the number that matched before offset and limit (0:
// DefaultEventsLimit).
func (m *Mock) Events(id string, f mockserver.EventFilter) ([]EventRecord, int, error) {
	if f.Limit == 0 {
		f.Limit = DefaultEventsLimit
	}
	m.h.Lock()
	defer m.h.Unlock()
	if _, ok := m.st.Subscriptions[id]; !ok {
		return nil, 0, notFound("subscription", id)
	}
	recs, total := m.h.Events().Query(id, f)
	out := make([]EventRecord, len(recs))
	for i, e := range recs {
		out[i] = view(e)
	}
	return out, total, nil
}

// secretValue returns 32 random bytes as base64url without padding (P19);
// the lock must be held.
func (m *Mock) secretValue() string {
	b := m.h.Bytes32()
	return base64.RawURLEncoding.EncodeToString(b[:])
}
