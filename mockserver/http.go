package mockserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gorilla/mux"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/platform/prolific"
	"github.com/hookdrill/hookdrill/platform/respondent"
)

// Path prefixes the server answers under.
const (
	ProlificPrefix   = "/api/v1/"
	RespondentPrefix = "/v1/"
	ControlPrefix    = "/_hookdrill/"
)

// callInfo carries what routing learns about a call back to ServeHTTP,
// which journals it.
type callInfo struct {
	route string // documented route template
	id    string // resource id from the path
	body  []byte
}

type callKey struct{}

func infoOf(r *http.Request) *callInfo {
	if ci, ok := r.Context().Value(callKey{}).(*callInfo); ok {
		return ci
	}
	return &callInfo{}
}

// statusWriter remembers the status written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func platformOf(path string) string {
	switch {
	case strings.HasPrefix(path, ProlificPrefix) || path == strings.TrimSuffix(ProlificPrefix, "/"):
		return prolific.Name
	case strings.HasPrefix(path, RespondentPrefix) || path == strings.TrimSuffix(RespondentPrefix, "/"):
		return respondent.Name
	}
	return ""
}

// ServeHTTP answers both platforms' APIs and the control API. Paths work
// with and without a trailing slash (no redirect). Every call to a
// platform API is journaled as an api_call entry.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	plat := platformOf(r.URL.Path)
	info := &callInfo{}
	sw := &statusWriter{ResponseWriter: w}
	r2 := r.WithContext(context.WithValue(r.Context(), callKey{}, info))
	if p := r.URL.Path; len(p) > 1 && strings.HasSuffix(p, "/") {
		u := *r.URL
		// One trailing slash is optional; a doubled one is part of the
		// path (hooks/subscriptions// has an empty id: a 404, not a create).
		u.Path, u.RawPath = strings.TrimSuffix(p, "/"), ""
		if u.Path == "" {
			u.Path = "/"
		}
		r2.URL = &u
	}
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.logf("panic serving %s %s: %v\n%s", r.Method, r.URL.Path, v, debug.Stack())
			if sw.status == 0 {
				s.writeError(sw, r2, &Error{Status: http.StatusInternalServerError, Code: CodeInternal, Detail: "internal error"})
			}
		}
		if plat != "" {
			s.record(plat, r, info, sw.status, time.Since(start))
		}
	}()
	if !utf8.ValidString(r.URL.Path) || !utf8.ValidString(r.URL.RawQuery) || !validQuery(r.URL.RawQuery) {
		s.writeError(sw, r2, badRequest("The request path or query is not valid UTF-8."))
		return
	}
	if strings.HasPrefix(r2.URL.Path+"/", ControlPrefix) {
		if e := s.checkControl(r2); e != nil {
			s.writeError(sw, r2, e)
			return
		}
	}
	if r.Body != nil && r.Method != http.MethodGet && r.Method != http.MethodHead {
		b, tooLarge, err := readBody(r.Body, r.ContentLength, s.cfg.MaxBodyBytes)
		switch {
		case tooLarge:
			s.writeError(sw, r2, &Error{Status: http.StatusRequestEntityTooLarge, Code: CodeTooLarge,
				Detail: fmt.Sprintf("The request body exceeds %d bytes.", s.cfg.MaxBodyBytes)})
			return
		case err != nil:
			s.writeError(sw, r2, badRequest("Could not read the request body: "+err.Error()))
			return
		case !utf8.Valid(b):
			s.writeError(sw, r2, badRequest("The request body is not valid UTF-8."))
			return
		}
		info.body = b
	}
	s.router.ServeHTTP(sw, r2)
}

// validQuery reports whether every query key and value decodes to valid
// UTF-8 (%FF is not).
func validQuery(raw string) bool {
	if raw == "" {
		return true
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return true // the handlers answer a malformed query themselves
	}
	for k, vs := range q {
		if !utf8.ValidString(k) {
			return false
		}
		for _, v := range vs {
			if !utf8.ValidString(v) {
				return false
			}
		}
	}
	return true
}

func readBody(body io.Reader, length, limit int64) ([]byte, bool, error) {
	if length > limit {
		return nil, true, nil
	}
	b, err := io.ReadAll(io.LimitReader(body, limit+1))
	if int64(len(b)) > limit {
		return nil, true, nil
	}
	return b, false, err
}

// record journals one platform API call.
func (s *Server) record(plat string, r *http.Request, info *callInfo, status int, lat time.Duration) {
	if status == 0 {
		status = http.StatusOK
	}
	var known []string
	if len(info.body) > 0 || r.URL.RawQuery != "" {
		known = s.knownSecrets()
	}
	body := redactBody(info.body, known)
	if len(body) > DefaultRecordBodyBytes {
		body = strings.ToValidUTF8(body[:DefaultRecordBodyBytes], "")
	}
	c := &hookdrill.APICall{Platform: plat, Method: r.Method, Path: r.URL.Path, Query: redactQuery(r.URL.RawQuery, known),
		Route: info.route, ResourceID: info.id, Status: status, Latency: lat, Body: body}
	e := hookdrill.Entry{Kind: hookdrill.KindAPICall, APICall: c}
	if s.sim != nil {
		e.Sim = s.clk.Now()
	}
	e = s.journal.Append(e)
	if s.cfg.JournalDurable != nil {
		if err := s.cfg.JournalDurable(e.Seq); err != nil {
			s.logf("%v", err)
		}
	}
}

// knownSecrets lists every secret the server holds: signing secrets,
// confirmation tokens (X-Hook-Secret), Respondent private keys and the
// configured credentials.
func (s *Server) knownSecrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []string{s.cfg.Token, s.cfg.RespondentAPIKey, s.cfg.RespondentAPISecret, s.cfg.ControlToken}
	for _, sec := range s.st.Secrets {
		out = append(out, sec.Value)
	}
	for _, sub := range s.st.Subscriptions {
		out = append(out, sub.Token)
	}
	for _, w := range s.st.Webhooks {
		out = append(out, w.PrivateKey)
	}
	return out
}

// secretKey reports whether a field of that name (any case, any nesting)
// carries a secret.
func secretKey(k string) bool {
	k = strings.ToLower(k)
	for _, w := range []string{"secret", "token", "password", "privatekey", "private_key", "apikey", "api_key", "authorization"} {
		if strings.Contains(k, w) {
			return true
		}
	}
	return k == "value" || k == "key"
}

// secretPair finds "key": "value" (or key=value) pairs with a secret key in
// text that is not JSON (malformed or cut short), to redact their values.
var secretPair = regexp.MustCompile(`(?i)([\w-]*(?:secret|token|password|private_?key|api_?key|value)[\w-]*["']?\s*[:=]\s*["']?)([^"'\s,&}\]]*)`)

// redactBody returns a request body fit for the journal: every value of a
// secret-bearing field (at any depth, in any letter case) redacted, every
// secret the server knows redacted wherever it appears, and a body that is
// not JSON (malformed, truncated) scrubbed of key: value pairs that look
// secret.
func redactBody(b []byte, known []string) string {
	if len(b) == 0 {
		return ""
	}
	if v, err := hookdrill.ParseValue(b); err == nil {
		if out, err := hookdrill.EncodeCompact(redactValue(v)); err == nil {
			return hookdrill.RedactIn(string(out), known...)
		}
	}
	str := strings.ToValidUTF8(string(b), "\uFFFD")
	str = hookdrill.RedactIn(str, known...)
	return secretPair.ReplaceAllStringFunc(str, func(m string) string {
		sub := secretPair.FindStringSubmatch(m)
		if sub[2] == "" {
			return m
		}
		return sub[1] + "[redacted]"
	})
}

// redactValue redacts secret-bearing fields of a parsed JSON value.
func redactValue(v any) any {
	switch x := v.(type) {
	case hookdrill.Object:
		for i := range x {
			if secretKey(x[i].Key) {
				if s, ok := x[i].Value.(string); ok {
					x[i].Value = hookdrill.Redact(s)
				} else if x[i].Value != nil {
					x[i].Value = "[redacted]"
				}
				continue
			}
			if k := strings.ToLower(x[i].Key); k == "target_url" || k == "url" {
				if s, ok := x[i].Value.(string); ok {
					x[i].Value = hookdrill.RedactURL(s)
					continue
				}
			}
			x[i].Value = redactValue(x[i].Value)
		}
		return x
	case []any:
		for i := range x {
			x[i] = redactValue(x[i])
		}
		return x
	}
	return v
}

// redactQuery redacts secret-looking query values and known secrets.
func redactQuery(raw string, known []string) string {
	if raw == "" {
		return ""
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return hookdrill.RedactIn(secretPair.ReplaceAllString(raw, "${1}[redacted]"), known...)
	}
	for k, vs := range q {
		if secretKey(k) {
			for i := range vs {
				vs[i] = "[redacted]"
			}
		}
	}
	return hookdrill.RedactIn(q.Encode(), known...)
}

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, `{"error": "encode response"}`, http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", fmt.Sprint(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// writeError writes err in the shape of the API the request is for.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e := asError(err)
	switch {
	case strings.HasPrefix(r.URL.Path+"/", RespondentPrefix):
		writeJSON(w, e.Status, e.nest())
	case strings.HasPrefix(r.URL.Path+"/", ControlPrefix):
		writeJSON(w, e.Status, controlError{Error: strings.Join(e.Messages(), "; "), Detail: e.Detail})
	default:
		writeJSON(w, e.Status, e.prolific())
	}
}

// controlError is the control API's error body.
type controlError struct {
	Error  string `json:"error"`
	Detail any    `json:"detail,omitempty"`
}

// route registers h under a documented template (journaled as the call's
// route); the template is given with its trailing slash and matched
// without it.
func route(r *mux.Router, prefix, template string, h http.HandlerFunc, methods ...string) {
	template = strings.TrimRight(prefix, "/") + template
	path := strings.TrimRight(template, "/")
	r.HandleFunc(path, func(w http.ResponseWriter, req *http.Request) {
		info := infoOf(req)
		info.route = template
		vars := mux.Vars(req)
		if id, ok := vars["id"]; ok {
			info.id = id
		}
		h(w, req)
	}).Methods(methods...)
}

func (s *Server) routes() http.Handler {
	// SkipClean: a path such as //evil.example or /api/v1/..%2F.. is not
	// answered with a 301 to a cleaned Location an attacker chose; it
	// matches no route and is a 404 in the platform's shape.
	r := mux.NewRouter().SkipClean(true)
	r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		e := &Error{Status: http.StatusNotFound, Code: CodeNotFound, Detail: "Not found."}
		if strings.HasPrefix(req.URL.Path+"/", RespondentPrefix) {
			e.Detail = fmt.Sprintf("Cannot %s %s", req.Method, req.URL.Path)
		}
		s.writeError(w, req, e)
	})
	r.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if strings.HasPrefix(req.URL.Path+"/", RespondentPrefix) {
			// Express answers an unrouted method with 404.
			s.writeError(w, req, &Error{Status: http.StatusNotFound, Code: CodeNotFound,
				Detail: fmt.Sprintf("Cannot %s %s", req.Method, req.URL.Path)})
			return
		}
		s.writeError(w, req, &Error{Status: http.StatusMethodNotAllowed, Code: CodeMethodNotAllowed,
			Detail: fmt.Sprintf("Method %q not allowed.", req.Method)})
	})

	pa := s.prolificAuth
	route(r, ProlificPrefix, "/hooks/event-types/", pa(s.handleEventTypes), http.MethodGet)
	route(r, ProlificPrefix, "/hooks/secrets/", pa(s.handleListSecrets), http.MethodGet)
	route(r, ProlificPrefix, "/hooks/secrets/", pa(s.handleCreateSecret), http.MethodPost)
	route(r, ProlificPrefix, "/hooks/subscriptions/", pa(s.handleListSubscriptions), http.MethodGet)
	route(r, ProlificPrefix, "/hooks/subscriptions/", pa(s.handleCreateSubscription), http.MethodPost)
	route(r, ProlificPrefix, "/hooks/subscriptions/{id}/", pa(s.handleGetSubscription), http.MethodGet)
	route(r, ProlificPrefix, "/hooks/subscriptions/{id}/", pa(s.handleConfirmSubscription), http.MethodPost)
	route(r, ProlificPrefix, "/hooks/subscriptions/{id}/", pa(s.handleUpdateSubscription), http.MethodPatch)
	route(r, ProlificPrefix, "/hooks/subscriptions/{id}/", pa(s.handleDeleteSubscription), http.MethodDelete)
	route(r, ProlificPrefix, "/hooks/subscriptions/{id}/events/", pa(s.handleEvents), http.MethodGet)
	route(r, ProlificPrefix, "/studies/{id}/", pa(s.handleStudy), http.MethodGet)
	route(r, ProlificPrefix, "/studies/{id}/submissions/", pa(s.handleStudySubmissions), http.MethodGet)
	route(r, ProlificPrefix, "/studies/{id}/submissions/counts/", pa(s.handleSubmissionCounts), http.MethodGet)
	route(r, ProlificPrefix, "/submissions/", pa(s.handleSubmissions), http.MethodGet)
	route(r, ProlificPrefix, "/submissions/{id}/", pa(s.handleSubmission), http.MethodGet)

	ra := s.respondentAuth
	route(r, RespondentPrefix, "/webhooks", ra(s.handleCreateWebhook), http.MethodPost)
	route(r, RespondentPrefix, "/webhooks", ra(s.handleActiveWebhook), http.MethodGet)
	route(r, RespondentPrefix, "/webhooks/{id}", ra(s.handleGetWebhook), http.MethodGet)
	route(r, RespondentPrefix, "/webhooks/{id}", ra(s.handleDeleteWebhook), http.MethodDelete)
	route(r, RespondentPrefix, "/webhooks/{id}/event-types", ra(s.handleWebhookEventTypes), http.MethodGet)
	route(r, RespondentPrefix, "/webhooks/{id}/simulate", ra(s.handleSimulate), http.MethodPost)
	route(r, RespondentPrefix, "/projects/{id}", ra(s.handleProject), http.MethodGet)
	route(r, RespondentPrefix, "/projects/{projectId}/screener-responses/{id}", ra(s.handleScreenerResponse), http.MethodGet)

	route(r, ControlPrefix, "/trigger", s.handleTrigger, http.MethodPost)
	route(r, ControlPrefix, "/clock", s.handleClock, http.MethodGet)
	route(r, ControlPrefix, "/clock/advance", s.handleAdvance, http.MethodPost)
	route(r, ControlPrefix, "/journal", s.handleJournal, http.MethodGet)
	route(r, ControlPrefix, "/reset", s.handleReset, http.MethodPost)
	route(r, ControlPrefix, "/info", s.handleInfo, http.MethodGet)
	return r
}

// prolificAuth requires Authorization: Token <t> (spec 1.0), read as
// Django REST framework's TokenAuthentication reads it: the header split
// on white space, the keyword compared case-insensitively (token, TOKEN),
// exactly two parts.
func (s *Server) prolificAuth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if msg := s.checkProlificToken(r.Header.Get("Authorization")); msg != "" {
			s.writeError(w, r, &Error{Status: http.StatusUnauthorized, Code: CodeUnauthorized, kind: ErrUnauthorized,
				Detail: msg})
			return
		}
		h(w, r)
	}
}

// checkProlificToken returns "" for an accepted Authorization header, or
// DRF's message for a refused one.
func (s *Server) checkProlificToken(auth string) string {
	parts := strings.Fields(auth)
	switch {
	case len(parts) == 0 || !strings.EqualFold(parts[0], "Token"):
		return "Authentication credentials were not provided."
	case len(parts) == 1:
		return "Invalid token header. No credentials provided."
	case len(parts) > 2:
		return "Invalid token header. Token string should not contain spaces."
	case s.cfg.Token != "" && parts[1] != s.cfg.Token:
		return "Invalid token."
	}
	return ""
}

// jsonBody returns the body of a Prolific call that has one, negotiated as
// Django REST framework's JSONParser does: an empty body, or one sent
// without a Content-Type, is no data ({}); a body whose media type is
// application/json (any parameters, any letter case) is parsed; any other
// media type is a 415. Respondent (Express's json() body parser) ignores a
// body of any other type, so NestJS's validation sees {}.
func (s *Server) jsonBody(r *http.Request) ([]byte, *Error) {
	body := infoOf(r).body
	if len(body) == 0 {
		return nil, nil
	}
	ct := strings.TrimSpace(r.Header.Get("Content-Type"))
	if ct == "" {
		return nil, nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && strings.EqualFold(mt, "application/json") {
		return body, nil
	}
	if strings.HasPrefix(r.URL.Path+"/", RespondentPrefix) {
		return nil, nil
	}
	if err != nil {
		mt = ct
	}
	return nil, &Error{Status: http.StatusUnsupportedMediaType, Code: CodeUnsupportedMedia, kind: ErrValidation,
		Detail: fmt.Sprintf("Unsupported media type %q in request.", mt)}
}

// respondentAuth requires x-api-key and x-api-secret (spec 4.0).
func (s *Server) respondentAuth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key, sec := r.Header.Get("x-api-key"), r.Header.Get("x-api-secret")
		if key == "" || sec == "" || (s.cfg.RespondentAPIKey != "" && key != s.cfg.RespondentAPIKey) ||
			(s.cfg.RespondentAPISecret != "" && sec != s.cfg.RespondentAPISecret) {
			s.writeError(w, r, &Error{Status: http.StatusUnauthorized, kind: ErrUnauthorized})
			return
		}
		h(w, r)
	}
}

// list is a list envelope: results, plus meta.count where Prolific's CLI
// reads it (P12).
type list[T any] struct {
	Results []T   `json:"results"`
	Meta    *meta `json:"meta,omitempty"`
}

type meta struct {
	Count int `json:"count"`
}

func nonNil[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

func (s *Server) handleEventTypes(w http.ResponseWriter, r *http.Request) {
	type eventType struct {
		EventType   string `json:"event_type"`
		Description string `json:"description"`
	}
	var out []eventType
	for _, t := range s.cfg.Prolific.EventTypes() {
		out = append(out, eventType{t.Name, t.Description})
	}
	writeJSON(w, http.StatusOK, list[eventType]{Results: nonNil(out)})
}

func (s *Server) handleListSecrets(w http.ResponseWriter, r *http.Request) {
	ws := r.URL.Query().Get("workspace_id")
	fe := fieldErrors{}
	if ws == "" {
		fe.add("workspace_id", "This field is required.")
	}
	checkWorkspaceID(fe, ws)
	if err := fe.err(); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list[SecretDetail]{Results: s.Secrets(ws)})
}

func (s *Server) handleCreateSecret(w http.ResponseWriter, r *http.Request) {
	body, e := s.jsonBody(r)
	if e != nil {
		s.writeError(w, r, e)
		return
	}
	ws, e := decodeCreateSecret(body, s.cfg.AllowUnknownFields)
	if e != nil {
		s.writeError(w, r, e)
		return
	}
	sec, err := s.CreateSecret(ws, "")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, sec)
}

func (s *Server) handleListSubscriptions(w http.ResponseWriter, r *http.Request) {
	q, e := parseSubscriptionsQuery(r.URL.Query())
	if e != nil {
		s.writeError(w, r, e)
		return
	}
	subs, total := s.Subscriptions(q.WorkspaceID, q.Enabled, q.Offset, q.Limit)
	writeJSON(w, http.StatusOK, list[Subscription]{Results: nonNil(subs), Meta: &meta{total}})
}

func (s *Server) handleCreateSubscription(w http.ResponseWriter, r *http.Request) {
	body, e := s.jsonBody(r)
	if e != nil {
		s.writeError(w, r, e)
		return
	}
	c, e := decodeCreateSubscription(body, s.cfg.AllowUnknownFields)
	if e != nil {
		s.writeError(w, r, e)
		return
	}
	sub, tok, err := s.CreateSubscription(c.WorkspaceID, c.EventType, c.TargetURL)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("X-Hook-Secret", tok)
	if s.cfg.CreateShape == ShapeResults {
		writeJSON(w, http.StatusCreated, list[Subscription]{Results: []Subscription{sub}})
		return
	}
	writeJSON(w, http.StatusCreated, sub)
}

func (s *Server) handleGetSubscription(w http.ResponseWriter, r *http.Request) {
	sub, err := s.Subscription(mux.Vars(r)["id"])
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sub)
}

func (s *Server) handleConfirmSubscription(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["id"]
	if _, err := s.Subscription(id); err != nil {
		s.writeError(w, r, err)
		return
	}
	body, e := s.jsonBody(r)
	if e != nil {
		s.writeError(w, r, e)
		return
	}
	sec, e := decodeConfirm(body, s.cfg.AllowUnknownFields)
	if e != nil {
		s.writeError(w, r, e)
		return
	}
	sub, err := s.ConfirmSubscription(id, sec)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sub)
}

func (s *Server) handleUpdateSubscription(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["id"]
	if _, err := s.Subscription(id); err != nil {
		s.writeError(w, r, err)
		return
	}
	body, e := s.jsonBody(r)
	if e != nil {
		s.writeError(w, r, e)
		return
	}
	u, e := decodeUpdate(body, s.cfg.AllowUnknownFields)
	if e != nil {
		s.writeError(w, r, e)
		return
	}
	sub, err := s.UpdateSubscription(id, u)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sub)
}

func (s *Server) handleDeleteSubscription(w http.ResponseWriter, r *http.Request) {
	if err := s.DeleteSubscription(mux.Vars(r)["id"]); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["id"]
	if _, err := s.Subscription(id); err != nil {
		s.writeError(w, r, err)
		return
	}
	f, e := parseEventsQuery(r.URL.Query())
	if e != nil {
		s.writeError(w, r, e)
		return
	}
	recs, total, err := s.Events(id, f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list[EventRecord]{Results: nonNil(recs), Meta: &meta{total}})
}

func (s *Server) handleStudy(w http.ResponseWriter, r *http.Request) {
	v, err := s.Study(mux.Vars(r)["id"])
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) handleSubmission(w http.ResponseWriter, r *http.Request) {
	v, err := s.Submission(mux.Vars(r)["id"])
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// Respondent handlers.

func (s *Server) handleCreateWebhook(w http.ResponseWriter, r *http.Request) {
	body, e := s.jsonBody(r)
	if e != nil {
		s.writeError(w, r, e)
		return
	}
	u, e := decodeCreateWebhook(body)
	if e != nil {
		s.writeError(w, r, e)
		return
	}
	hook, err := s.CreateWebhook(u, "")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, hook)
}

func (s *Server) handleActiveWebhook(w http.ResponseWriter, r *http.Request) {
	hook, err := s.ActiveWebhook()
	if err != nil {
		s.writeError(w, r, &Error{Status: http.StatusNotFound, kind: ErrNotFound, Detail: "Webhook not found"})
		return
	}
	writeJSON(w, http.StatusOK, hook)
}

func (s *Server) webhookOr404(w http.ResponseWriter, r *http.Request) (Webhook, bool) {
	id := mux.Vars(r)["id"]
	hook, err := s.Webhook(id)
	if err != nil {
		s.writeError(w, r, &Error{Status: http.StatusNotFound, kind: ErrNotFound, Detail: "Webhook not found"})
		return Webhook{}, false
	}
	return hook, true
}

func (s *Server) handleGetWebhook(w http.ResponseWriter, r *http.Request) {
	if hook, ok := s.webhookOr404(w, r); ok {
		writeJSON(w, http.StatusOK, hook)
	}
}

func (s *Server) handleDeleteWebhook(w http.ResponseWriter, r *http.Request) {
	if err := s.DeactivateWebhook(mux.Vars(r)["id"]); err != nil {
		if errors.Is(err, ErrNotDurable) {
			s.writeError(w, r, err)
			return
		}
		s.writeError(w, r, &Error{Status: http.StatusNotFound, kind: ErrNotFound, Detail: "Webhook not found"})
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (s *Server) handleWebhookEventTypes(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.webhookOr404(w, r); !ok {
		return
	}
	writeJSON(w, http.StatusOK, struct {
		EventTypes []string `json:"eventTypes"`
	}{eventTypeNames(s.cfg.Respondent)})
}

func (s *Server) handleSimulate(w http.ResponseWriter, r *http.Request) {
	body, e := s.jsonBody(r)
	if e != nil {
		s.writeError(w, r, e)
		return
	}
	event, variant, e := decodeSimulate(body)
	if e != nil {
		s.writeError(w, r, e)
		return
	}
	if _, ok := s.webhookOr404(w, r); !ok {
		return
	}
	if _, err := s.Simulate(r.Context(), mux.Vars(r)["id"], event, variant); err != nil {
		var ae *Error
		if errors.As(err, &ae) && errors.Is(err, ErrNotFound) {
			ae.Detail = "Webhook not found"
		}
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusCreated)
}

func (s *Server) handleScreenerResponse(w http.ResponseWriter, r *http.Request) {
	vars := mux.Vars(r)
	v, err := s.ScreenerResponse(vars["projectId"], vars["id"])
	if err != nil {
		s.writeError(w, r, &Error{Status: http.StatusNotFound, kind: ErrNotFound, Detail: "Screener response not found"})
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) handleStudySubmissions(w http.ResponseWriter, r *http.Request) {
	q, e := parseStudySubmissionsQuery(mux.Vars(r)["id"], r.URL.Query())
	if e != nil {
		s.writeError(w, r, e)
		return
	}
	s.writeSubmissions(w, r, q)
}

func (s *Server) handleSubmissions(w http.ResponseWriter, r *http.Request) {
	q, e := parseSubmissionsQuery(r.URL.Query())
	if e != nil {
		s.writeError(w, r, e)
		return
	}
	s.writeSubmissions(w, r, q)
}

func (s *Server) writeSubmissions(w http.ResponseWriter, r *http.Request, q SubmissionsQuery) {
	subs, total, err := s.StudySubmissions(q)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list[SubmissionShort]{Results: nonNil(subs), Meta: &meta{total}})
}

func (s *Server) handleSubmissionCounts(w http.ResponseWriter, r *http.Request) {
	c, err := s.SubmissionCounts(mux.Vars(r)["id"])
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (s *Server) handleProject(w http.ResponseWriter, r *http.Request) {
	v, err := s.Project(mux.Vars(r)["id"])
	if err != nil {
		s.writeError(w, r, &Error{Status: http.StatusNotFound, kind: ErrNotFound, Detail: "Project not found"})
		return
	}
	writeJSON(w, http.StatusOK, v)
}
