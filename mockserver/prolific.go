package mockserver

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/platform/prolific"
)

// The Prolific side of the Go API. The HTTP handlers call these, and so can
// tests and the scenario adapter; errors are *Error values.

// Secrets returns the workspace's secret, if any (spec 1.2: 0 or 1 item).
func (s *Server) Secrets(workspaceID string) []SecretDetail {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sec, ok := s.st.Secrets[workspaceID]; ok {
		return []SecretDetail{*sec}
	}
	return []SecretDetail{}
}

// CreateSecret creates or replaces the workspace's signing secret (spec
// 1.3). value "" generates one (P19); the old secret stops signing at once.
// Replacing a secret is journaled as a secret_rotated notice.
func (s *Server) CreateSecret(workspaceID, value string) (SecretDetail, error) {
	if workspaceID == "" {
		fe := fieldErrors{}
		fe.add("workspace_id", "This field is required.")
		return SecretDetail{}, fe.err()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if value == "" {
		value = s.secretValue()
	}
	prev, replaced := s.st.Secrets[workspaceID]
	sec := &SecretDetail{ID: s.hex24(), Value: value, WorkspaceID: workspaceID}
	s.st.Secrets[workspaceID] = sec
	if err := s.commitLocked(walRec{Secrets: []*SecretDetail{sec}}); err != nil {
		if replaced {
			s.st.Secrets[workspaceID] = prev
		} else {
			delete(s.st.Secrets, workspaceID)
		}
		return SecretDetail{}, err
	}
	if replaced {
		s.notice(hookdrill.Notice{Platform: prolific.Name, Type: "secret_rotated",
			Detail: "workspace " + workspaceID + " secret replaced; new secret " + hookdrill.Redact(value)})
	}
	return *sec, nil
}

// CheckTarget validates a target URL as the mock is configured to: with
// StrictTargets, public https only (spec 1.5); otherwise any absolute http
// or https URL. It returns the messages for the target_url field.
func (s *Server) CheckTarget(raw string) []string { return s.checkTarget(raw, true) }

// checkTarget is CheckTarget; log says whether to log the first loose
// acceptance.
func (s *Server) checkTarget(raw string, log bool) []string {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Hostname() == "" {
		return []string{"Enter a valid URL."}
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return []string{"Enter a valid URL."}
	}
	if s.isControlTarget(raw) {
		return []string{"The target URL points at this server's own control API (" + ControlPrefix + "), which would let a delivery drive the mock."}
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
	if s.cfg.StrictTargets {
		return problems
	}
	if !log {
		return nil
	}
	s.looseOnce.Do(func() {
		s.logf("accepting target %s although the real Prolific API would not (%s); "+
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

func (s *Server) checkEventType(fe fieldErrors, et string) {
	if !slices.Contains(eventTypeNames(s.cfg.Prolific), et) {
		fe.add("event_type", "%q is not a valid choice. Valid: %s.", et, strings.Join(eventTypeNames(s.cfg.Prolific), ", "))
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
func (s *Server) CreateSubscription(workspaceID, eventType, targetURL string) (Subscription, string, error) {
	fe := fieldErrors{}
	if workspaceID == "" {
		fe.add("workspace_id", "This field is required.")
	}
	if eventType == "" {
		fe.add("event_type", "This field is required.")
	} else {
		s.checkEventType(fe, eventType)
	}
	if targetURL == "" {
		fe.add("target_url", "This field is required.")
	} else if msgs := s.CheckTarget(targetURL); msgs != nil {
		fe["target_url"] = msgs
	}
	if err := fe.err(); err != nil {
		return Subscription{}, "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.st.Secrets[workspaceID]; !ok {
		return Subscription{}, "", &Error{Status: http.StatusBadRequest, Code: CodeNoSecret, kind: ErrNoSecret,
			Detail: "Subscriptions can only be created for workspaces with a secret."}
	}
	rec := &subRec{Subscription: Subscription{EventType: eventType, TargetURL: targetURL, WorkspaceID: workspaceID,
		ID: s.hex24()}, Token: s.token(), Seq: s.nextSeq(), Created: s.clk.Now()}
	s.st.Subscriptions[rec.ID] = rec
	if err := s.commitLocked(walRec{Subs: []*subRec{rec}}); err != nil {
		delete(s.st.Subscriptions, rec.ID)
		return Subscription{}, "", err
	}
	return rec.Subscription, rec.Token, nil
}

// Subscription returns one subscription.
func (s *Server) Subscription(id string) (Subscription, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.st.Subscriptions[id]
	if !ok {
		return Subscription{}, notFound("subscription", id)
	}
	return rec.Subscription, nil
}

// Subscriptions lists subscriptions in creation order, filtered by
// workspace ("" any) and enabled state (spec 1.4), and the total before
// offset and limit (limit 0: all).
func (s *Server) Subscriptions(workspaceID string, enabled bool, offset, limit int) ([]Subscription, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var all []*subRec
	for _, rec := range s.st.Subscriptions {
		if (workspaceID == "" || rec.WorkspaceID == workspaceID) && rec.IsEnabled == enabled {
			all = append(all, rec)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Seq < all[j].Seq })
	total := len(all)
	all = page(all, offset, limit)
	out := make([]Subscription, len(all))
	for i, rec := range all {
		out[i] = rec.Subscription
	}
	return out, total
}

func page[T any](all []T, offset, limit int) []T {
	if offset >= len(all) {
		return nil
	}
	all = all[offset:]
	if limit > 0 && limit < len(all) {
		all = all[:limit]
	}
	return all
}

// ConfirmSubscription confirms a subscription with the token from its
// creation (spec 1.7) and enables it. The token is single-use (P16):
// confirming again with it is a 400 (CodeBadConfirmSecret), unless
// Config.ReuseConfirmToken makes it an idempotent 200 that changes nothing.
func (s *Server) ConfirmSubscription(id, token string) (Subscription, error) {
	if token == "" {
		fe := fieldErrors{}
		fe.add("secret", "This field is required.")
		return Subscription{}, fe.err()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.st.Subscriptions[id]
	if !ok {
		return Subscription{}, notFound("subscription", id)
	}
	if token != rec.Token {
		return Subscription{}, &Error{Status: http.StatusBadRequest, Code: CodeBadConfirmSecret, kind: ErrBadSecret,
			Detail: map[string][]string{"secret": {"The secret does not match the X-Hook-Secret header returned when the subscription was created."}}}
	}
	if rec.Confirmed && !s.cfg.ReuseConfirmToken {
		return Subscription{}, &Error{Status: http.StatusBadRequest, Code: CodeBadConfirmSecret, kind: ErrBadSecret,
			Detail: map[string][]string{"secret": {"This confirmation secret has already been used: the subscription is confirmed."}}}
	}
	if !rec.Confirmed {
		rec.Confirmed, rec.IsEnabled = true, true
		if err := s.commitLocked(walRec{Subs: []*subRec{rec}}); err != nil {
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
func (s *Server) UpdateSubscription(id string, u SubscriptionUpdate) (Subscription, error) {
	fe := fieldErrors{}
	if u.EventType != nil {
		s.checkEventType(fe, *u.EventType)
	}
	if u.TargetURL != nil {
		if msgs := s.CheckTarget(*u.TargetURL); msgs != nil {
			fe["target_url"] = msgs
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.st.Subscriptions[id]
	if !ok {
		return Subscription{}, notFound("subscription", id)
	}
	if u.IsEnabled != nil && *u.IsEnabled && !rec.Confirmed {
		fe.add("is_enabled", "Confirm the subscription (POST its X-Hook-Secret) before enabling it.")
	}
	if err := fe.err(); err != nil {
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
			if h, ok := s.health[p]; ok {
				s.health[p] = h.Reenabled()
				healthRecs = append(healthRecs, healthRec{Pair: p, Health: s.health[p]})
				undoHealth = func() { s.health[p] = h }
			}
		}
		rec.IsEnabled = *u.IsEnabled
	}
	if err := s.commitLocked(walRec{Subs: []*subRec{rec}, Health: healthRecs}); err != nil {
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
func (s *Server) DeleteSubscription(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.st.Subscriptions[id]
	if !ok {
		return notFound("subscription", id)
	}
	delete(s.st.Subscriptions, id)
	if err := s.commitLocked(walRec{Deleted: []string{id}}); err != nil {
		s.st.Subscriptions[id] = rec
		return err
	}
	delete(s.events, id)
	return nil
}

// Events returns a subscription's (or webhook's) event-log records, newest
// first (spec 1.10), and the number that matched before offset and limit.
func (s *Server) Events(id string, f EventFilter) ([]EventRecord, int, error) {
	if f.Limit == 0 {
		f.Limit = DefaultEventsLimit
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, isSub := s.st.Subscriptions[id]
	_, isHook := s.st.Webhooks[id]
	if !isSub && !isHook {
		return nil, 0, notFound("subscription", id)
	}
	log := s.events[id]
	var match []*eventRec
	for i := len(log) - 1; i >= 0; i-- {
		e := log[i]
		if f.ResourceID != "" && e.resourceID != f.ResourceID {
			continue
		}
		if len(f.Statuses) > 0 && !slices.Contains(f.Statuses, string(e.status)) {
			continue
		}
		match = append(match, e)
	}
	total := len(match)
	match = page(match, f.Offset, f.Limit)
	out := make([]EventRecord, len(match))
	for i, e := range match {
		out[i] = e.view()
	}
	return out, total, nil
}

func validStatus(st string) bool {
	switch hookdrill.DeliveryStatus(st) {
	case hookdrill.StatusPending, hookdrill.StatusSucceeded, hookdrill.StatusFailed:
		return true
	}
	return false
}

func describeStatuses() string {
	return fmt.Sprintf("%s, %s, %s", hookdrill.StatusPending, hookdrill.StatusSucceeded, hookdrill.StatusFailed)
}

// isControlTarget reports whether a target URL's path, however spelled
// (escapes such as %2F or %5F, doubled or trailing slashes, dot segments,
// any letter case), leads into a control API: a delivery there would
// drive the mock (a reset on every trigger). It is refused whatever the
// host, since any host name or spelling of an address (localhost,
// 127.0.0.1, [::1], 0.0.0.0, a DNS name) may lead back to this server,
// or to another hookdrill.
func (s *Server) isControlTarget(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	p := u.Path
	for range 4 { // undo nested escapes (%252F)
		d, err := url.PathUnescape(p)
		if err != nil || d == p {
			break
		}
		p = d
	}
	p = strings.ReplaceAll(p, `\`, "/")
	for strings.Contains(p, "//") {
		p = strings.ReplaceAll(p, "//", "/")
	}
	p = strings.ToLower(path.Clean("/" + p))
	prefix := strings.TrimSuffix(ControlPrefix, "/")
	return p == prefix || strings.HasPrefix(p, prefix+"/")
}
