package mockserver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gorilla/mux"

	"github.com/hookdrill/hookdrill"
)

// ControlPrefix is the control API's path prefix; each platform answers
// under its own (Platform.Prefix).
const ControlPrefix = "/_hookdrill/"

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

// platformOf returns the platform whose prefix path is under (nil: none).
func (s *Server) platformOf(path string) Platform {
	for _, p := range s.plats {
		if strings.HasPrefix(path, p.Prefix()) || path == strings.TrimSuffix(p.Prefix(), "/") {
			return p
		}
	}
	return nil
}

// ServeHTTP answers the platforms' APIs and the control API. Paths work
// with and without a trailing slash (no redirect). Every call to a
// platform API is journaled as an api_call entry.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	plat := s.platformOf(r.URL.Path)
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
				s.writeError(sw, r2, &Error{Status: http.StatusInternalServerError, Detail: "internal error"})
			}
		}
		if plat != nil {
			s.record(plat.Name(), r, info, sw.status, time.Since(start))
		}
	}()
	if !utf8.ValidString(r.URL.Path) || !utf8.ValidString(r.URL.RawQuery) || !validQuery(r.URL.RawQuery) {
		s.writeError(sw, r2, BadRequest("The request path or query is not valid UTF-8."))
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
			s.writeError(sw, r2, &Error{Status: http.StatusRequestEntityTooLarge,
				Detail: fmt.Sprintf("The request body exceeds %d bytes.", s.cfg.MaxBodyBytes)})
			return
		case err != nil:
			s.writeError(sw, r2, BadRequest("Could not read the request body: "+err.Error()))
			return
		case !utf8.Valid(b):
			s.writeError(sw, r2, BadRequest("The request body is not valid UTF-8."))
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

// knownSecrets lists every secret the server holds: the control token
// and what each platform reports (Platform.KnownSecrets).
func (s *Server) knownSecrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []string{s.cfg.ControlToken}
	for _, p := range s.plats {
		out = append(out, p.KnownSecrets()...)
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

// WriteJSON writes v as JSON with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
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

func writeJSON(w http.ResponseWriter, status int, v any) { WriteJSON(w, status, v) }

// writeError writes err in the shape of the API the request is for: the
// platform's under its prefix, the control API's elsewhere (the first
// platform's for a path outside every prefix).
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e := AsError(err)
	path := r.URL.Path + "/"
	if strings.HasPrefix(path, ControlPrefix) {
		WriteJSON(w, e.Status, controlError{Error: strings.Join(e.Messages(), "; "), Detail: e.Detail})
		return
	}
	p := s.platformOf(r.URL.Path)
	if p == nil && len(s.plats) > 0 {
		p = s.plats[0]
	}
	if p == nil {
		WriteJSON(w, e.Status, controlError{Error: strings.Join(e.Messages(), "; "), Detail: e.Detail})
		return
	}
	p.WriteError(w, r, e)
}

// Route registers h under a documented template below prefix (journaled
// as the call's route, with the {id} variable as its resource); the
// template is given with its trailing slash and matched without it.
func Route(r *mux.Router, prefix, template string, h http.HandlerFunc, methods ...string) {
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
	unrouted := func(notAllowed bool) http.HandlerFunc {
		return func(w http.ResponseWriter, req *http.Request) {
			if p := s.platformOf(req.URL.Path); p != nil {
				s.writeError(w, req, p.Unrouted(req, notAllowed))
				return
			}
			if notAllowed {
				s.writeError(w, req, &Error{Status: http.StatusMethodNotAllowed,
					Detail: fmt.Sprintf("Method %q not allowed.", req.Method)})
				return
			}
			s.writeError(w, req, &Error{Status: http.StatusNotFound, Kind: ErrNotFound, Detail: "Not found."})
		}
	}
	r.NotFoundHandler = unrouted(false)
	r.MethodNotAllowedHandler = unrouted(true)
	for _, p := range s.plats {
		p.Mount(r)
	}
	Route(r, ControlPrefix, "/trigger", s.handleTrigger, http.MethodPost)
	Route(r, ControlPrefix, "/clock", s.handleClock, http.MethodGet)
	Route(r, ControlPrefix, "/clock/advance", s.handleAdvance, http.MethodPost)
	Route(r, ControlPrefix, "/journal", s.handleJournal, http.MethodGet)
	Route(r, ControlPrefix, "/reset", s.handleReset, http.MethodPost)
	Route(r, ControlPrefix, "/info", s.handleInfo, http.MethodGet)
	return r
}

// isControlTarget reports whether a target URL's path, however spelled
// (escapes such as %2F or %5F, doubled or trailing slashes, dot segments,
// any letter case), leads into a control API: a delivery there would
// drive the mock (a reset on every trigger). It is refused whatever the
// host, since any host name or spelling of an address (localhost,
// 127.0.0.1, [::1], 0.0.0.0, a DNS name) may lead back to this server,
// or to another hookdrill.
func isControlTarget(raw string) bool {
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
