package receiver

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"maps"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hookdrill/hookdrill/clock"
)

// Defaults.
const (
	// DefaultTolerance is how far X-Prolific-Request-Timestamp may be from
	// now, either way.
	DefaultTolerance = 5 * time.Minute
	// DefaultMaxBodyBytes bounds a delivery body.
	DefaultMaxBodyBytes = 1 << 20
	// DefaultSlowDelay is how long BugSlow takes per delivery; the slow
	// bugs are meant to be checked with a latency budget below it (conform
	// --timeout 500ms), so that the suite's other checks still pass within
	// the platforms' own timeouts. BugSlowUnderLoad takes an eighth of it
	// per delivery, one delivery at a time.
	DefaultSlowDelay = time.Second
)

// Platform names.
const (
	Prolific   = "prolific"
	Respondent = "respondent"
)

// Config configures a reference receiver.
type Config struct {
	// Platform is "prolific" or "respondent".
	Platform string
	// Secret is the current signing secret (Prolific workspace secret value,
	// Respondent webhook privateKey).
	Secret string
	// OldSecrets are secrets rotated away. The correct receiver rejects
	// them; BugAcceptsOldSecret accepts them.
	OldSecrets []string
	// Tolerance is the request-timestamp window (Prolific); default
	// DefaultTolerance.
	Tolerance time.Duration
	// MaxBodyBytes bounds a body (default DefaultMaxBodyBytes; larger: 413).
	MaxBodyBytes int64
	// Clock gives now for timestamp checks and times the slow bugs
	// (default clock.Real).
	Clock clock.Clock
	// Bugs switches deliberate defects on.
	Bugs []Bug
	// SlowDelay is how long BugSlow takes (default DefaultSlowDelay).
	SlowDelay time.Duration
}

// Validate reports settings that cannot work.
func (c Config) Validate() error {
	var errs []error
	if c.Platform != Prolific && c.Platform != Respondent {
		errs = append(errs, fmt.Errorf("platform %q: want prolific or respondent", c.Platform))
	}
	if c.Secret == "" {
		errs = append(errs, errors.New("secret is empty"))
	}
	if c.Tolerance < 0 || c.MaxBodyBytes < 0 || c.SlowDelay < 0 {
		errs = append(errs, errors.New("tolerance, max body bytes and slow delay must not be negative"))
	}
	for _, b := range c.Bugs {
		if !validBug(c.Platform, b) {
			errs = append(errs, fmt.Errorf("unknown %s bug %q (valid: %s)", c.Platform, b, bugNames(c.Platform)))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("receiver: %w", err)
	}
	return nil
}

// State is what the receiver has done, as GET /_state serves it.
type State struct {
	// Processed counts how many times each event was applied, by event id
	// (Prolific X-Event-ID, Respondent body "uuid").
	Processed map[string]int `json:"processed"`
	// Status is each resource's current status.
	Status map[string]string `json:"status"`
	// Received counts deliveries; Rejected those answered 4xx or 5xx;
	// Ignored the authentic ones acknowledged without effect (duplicates,
	// stale statuses, unknown event types).
	Received int `json:"received"`
	Rejected int `json:"rejected"`
	Ignored  int `json:"ignored"`
}

// Receiver is a reference webhook receiver, an http.Handler.
type Receiver struct {
	cfg  Config
	bugs map[Bug]bool
	clk  clock.Clock

	// loadMu serialises deliveries under BugSlowUnderLoad.
	loadMu sync.Mutex

	mu    sync.Mutex // guards the fields below
	st    State
	order map[string]time.Time // resource id -> ordering time of its status
	seen  map[string]bool      // event ids recorded (after apply, or before verify under the bug)
}

// New returns a receiver for cfg.
func New(cfg Config) (*Receiver, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Tolerance == 0 {
		cfg.Tolerance = DefaultTolerance
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.SlowDelay == 0 {
		cfg.SlowDelay = DefaultSlowDelay
	}
	r := &Receiver{cfg: cfg, clk: cfg.Clock, bugs: map[Bug]bool{}}
	if r.clk == nil {
		r.clk = clock.Real{}
	}
	for _, b := range cfg.Bugs {
		r.bugs[b] = true
	}
	r.reset()
	return r, nil
}

func (r *Receiver) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.st = State{Processed: map[string]int{}, Status: map[string]string{}}
	r.order = map[string]time.Time{}
	r.seen = map[string]bool{}
}

// State returns a copy of the receiver's state.
func (r *Receiver) State() State {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.st
	s.Processed = maps.Clone(r.st.Processed)
	s.Status = maps.Clone(r.st.Status)
	return s
}

// ServeHTTP routes POST deliveries, GET /_state and POST /_reset.
func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	switch {
	case req.URL.Path == "/_state" && req.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, r.State())
	case req.URL.Path == "/_state":
		methodNotAllowed(w, http.MethodGet)
	case req.URL.Path == "/_reset" && req.Method == http.MethodPost:
		r.reset()
		writeJSON(w, http.StatusOK, map[string]bool{"reset": true})
	case req.URL.Path == "/_reset":
		methodNotAllowed(w, http.MethodPost)
	case req.Method == http.MethodPost:
		code, msg := r.deliver(w, req)
		r.mu.Lock()
		r.st.Received++
		if code >= 400 {
			r.st.Rejected++
		}
		r.mu.Unlock()
		if code == http.StatusPermanentRedirect {
			w.Header().Set("Location", strings.TrimSuffix(req.URL.Path, "/")+"/")
		}
		writeJSON(w, code, map[string]string{"result": msg})
	default:
		methodNotAllowed(w, http.MethodPost)
	}
}

func methodNotAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"result": "method not allowed"})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, _ := json.Marshal(v) // maps and State always marshal
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write(append(b, '\n'))
}

// event is what the receiver reads from a delivery.
type event struct {
	key      string    // idempotency key
	typ      string    // event type
	resource string    // resource id
	status   string    // new status, if the event carries one
	at       time.Time // ordering time
	// nonString: some updatedFields value is not a string (Respondent).
	nonString bool
}

// deliver handles one delivery and returns the status code and a short
// message for the answer.
func (r *Receiver) deliver(w http.ResponseWriter, req *http.Request) (int, string) {
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, r.cfg.MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return http.StatusRequestEntityTooLarge, "body too large"
		}
		return http.StatusBadRequest, "could not read the body"
	}
	if r.bugs[BugDedupBeforeVerify] {
		// Deliberate bug (dedup-before-verify): the id is recorded on
		// arrival, so a rejected attempt marks its valid retry a duplicate.
		if key := r.peekKey(req, body); key != "" {
			r.mu.Lock()
			dup := r.seen[key]
			r.seen[key] = true
			r.mu.Unlock()
			if dup {
				r.ignored()
				return http.StatusOK, "duplicate"
			}
		}
	}
	if code, msg := r.verify(req, body); code != 0 {
		return code, msg
	}
	ev, err := r.parse(req, body)
	if err != nil {
		return http.StatusBadRequest, err.Error()
	}
	if r.bugs[BugStringValuesOnly] && ev.nonString {
		// Deliberate bug (string-values-only): the typed decode of
		// updatedFields fails on a boolean and the error escapes as a 500.
		return http.StatusInternalServerError, "internal error"
	}
	if !r.known(ev.typ) {
		if r.bugs[Bug5xxOnUnknownEvent] {
			// Deliberate bug (5xx-on-unknown-event): the handler lookup
			// fails and the error escapes as a 500.
			return http.StatusInternalServerError, "internal error"
		}
		r.ignored()
		return http.StatusOK, "ignored: unknown event type"
	}
	if r.bugs[BugMissingEventType] && ev.typ == missingType[r.cfg.Platform] {
		// Deliberate bug (missing-event-type): no handler was written.
		return http.StatusBadRequest, "unsupported event type"
	}
	if r.bugs[BugRedirects] && ev.typ == redirectType[r.cfg.Platform] {
		// Deliberate bug (redirects): this route is mounted with a
		// trailing slash, and the router redirects.
		return http.StatusPermanentRedirect, "moved"
	}
	if r.bugs[BugRejectsSpacedStatus] && strings.Contains(ev.status, " ") {
		// Deliberate bug (rejects-spaced-status): validated as UPPER_SNAKE.
		return http.StatusBadRequest, "invalid status"
	}
	if err := r.work(req.Context()); err != nil {
		return http.StatusServiceUnavailable, "cancelled"
	}
	return r.apply(ev)
}

func (r *Receiver) ignored() {
	r.mu.Lock()
	r.st.Ignored++
	r.mu.Unlock()
}

// work is the receiver's processing time: none, unless a slow bug is on.
func (r *Receiver) work(ctx context.Context) error {
	switch {
	case r.bugs[BugSlow]:
		// Deliberate bug (slow): synchronous work before answering.
		return clock.Sleep(ctx, r.clk, r.cfg.SlowDelay)
	case r.bugs[BugSlowUnderLoad]:
		// Deliberate bug (slow-under-load): one worker, deliveries queue.
		r.loadMu.Lock()
		defer r.loadMu.Unlock()
		return clock.Sleep(ctx, r.clk, r.cfg.SlowDelay/8)
	}
	return nil
}

// apply applies ev once, honouring idempotency and ordering.
func (r *Receiver) apply(ev event) (int, string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen[ev.key] && !r.bugs[BugDedupBeforeVerify] {
		switch {
		case r.bugs[BugRejectsDuplicates]:
			// Deliberate bug (rejects-duplicates): a unique-constraint
			// violation is answered as a conflict.
			return http.StatusConflict, "duplicate"
		case r.bugs[BugNoDedup]:
			// Deliberate bug (no-dedup): the id is recorded but never
			// consulted.
		default:
			r.st.Ignored++
			return http.StatusOK, "duplicate"
		}
	}
	if ev.status != "" && ev.resource != "" {
		last, ok := r.order[ev.resource]
		if ok && !ev.at.IsZero() && ev.at.Before(last) && !r.bugs[BugNoOrdering] {
			r.st.Ignored++
			r.seen[ev.key] = true
			return http.StatusOK, "ignored: older than the current status"
		}
		r.order[ev.resource] = ev.at
		r.st.Status[ev.resource] = ev.status
	}
	r.st.Processed[ev.key]++
	// The id is recorded in the same critical section as the work.
	r.seen[ev.key] = true
	return http.StatusOK, "applied"
}

// missingType and redirectType are the event types the missing-event-type
// and redirects bugs affect.
var (
	missingType  = map[string]string{Prolific: "study.has_high_return_rate", Respondent: "CONVERSATIONS.CREATED"}
	redirectType = map[string]string{Prolific: "study.progress.change", Respondent: "MESSAGES.CREATED"}
)

var knownTypes = map[string][]string{
	Prolific:   {"submission.status.change", "study.status.change", "study.progress.change", "study.has_high_return_rate"},
	Respondent: {"PROJECTS.UPDATED", "SCREENER_RESPONSES.CREATED", "SCREENER_RESPONSES.UPDATED", "MESSAGES.CREATED", "CONVERSATIONS.CREATED"},
}

func (r *Receiver) known(typ string) bool { return slices.Contains(knownTypes[r.cfg.Platform], typ) }

// Header names, from the wire contract.
const (
	hdrProlificSignature = "X-Prolific-Request-Signature"
	hdrProlificTimestamp = "X-Prolific-Request-Timestamp"
	hdrEventID           = "X-Event-ID"
	hdrEventTimestamp    = "X-Timestamp"
	hdrRespondentSig     = "Respondent-Webhook-Signature"
)

// peekKey reads the idempotency key without verifying anything.
func (r *Receiver) peekKey(req *http.Request, body []byte) string {
	if r.cfg.Platform == Prolific {
		return req.Header.Get(hdrEventID)
	}
	var env struct {
		UUID string `json:"uuid"`
	}
	_ = json.Unmarshal(body, &env) // an unparsable body has no key
	return env.UUID
}

// verify checks the delivery's authenticity. It returns 0 when the delivery
// is authentic, or the status and message to answer.
func (r *Receiver) verify(req *http.Request, body []byte) (int, string) {
	if r.bugs[BugNoSignatureCheck] {
		// Deliberate bug (no-signature-check).
		return 0, ""
	}
	if r.bugs[BugReserializesBody] {
		// Deliberate bug (reserializes-body): the body is parsed and
		// serialised again in the platform's style before verifying, which
		// only matches when the sender used exactly that style.
		body = reserialize(body, r.cfg.Platform == Prolific)
	}
	var err error
	if r.cfg.Platform == Prolific {
		err = r.verifyProlific(req.Header, body)
	} else {
		err = r.verifyRespondent(req.Header, body)
	}
	switch {
	case err == nil:
		return 0, ""
	case errors.Is(err, errMalformed) && r.bugs[Bug5xxOnMalformedSignature]:
		// Deliberate bug (5xx-on-malformed-signature): the decode error
		// escapes as a 500.
		return http.StatusInternalServerError, "internal error"
	case errors.Is(err, errMismatch) && r.bugs[Bug5xxOnBadSignature]:
		// Deliberate bug (5xx-on-bad-signature).
		return http.StatusInternalServerError, "internal error"
	}
	return http.StatusUnauthorized, err.Error()
}

var (
	errMissing   = errors.New("signature header missing")
	errMalformed = errors.New("signature header malformed")
	errMismatch  = errors.New("signature mismatch")
	errStale     = errors.New("request timestamp outside the tolerance")
)

func (r *Receiver) verifyProlific(h http.Header, body []byte) error {
	sig, ts := h.Get(hdrProlificSignature), h.Get(hdrProlificTimestamp)
	if sig == "" {
		if r.bugs[BugIgnoresMissingSignature] {
			// Deliberate bug (ignores-missing-signature).
			return nil
		}
		return errMissing
	}
	if ts == "" {
		return fmt.Errorf("%w: %s missing", errMalformed, hdrProlificTimestamp)
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: %s is not integer seconds", errMalformed, hdrProlificTimestamp)
	}
	got, err := decodeStd(sig)
	if err != nil {
		return err
	}
	if !r.bugs[BugNoTimestampCheck] {
		if d := r.clk.Now().Sub(time.Unix(secs, 0)); d > r.cfg.Tolerance || d < -r.cfg.Tolerance {
			return errStale
		}
	}
	msg := append([]byte(ts), body...)
	for _, s := range r.secrets() {
		if hmac.Equal(got, mac(sha256.New, s, msg)) {
			return nil
		}
	}
	return errMismatch
}

func (r *Receiver) verifyRespondent(h http.Header, body []byte) error {
	v := h.Get(hdrRespondentSig)
	if v == "" {
		if r.bugs[BugIgnoresMissingSignature] {
			// Deliberate bug (ignores-missing-signature).
			return nil
		}
		return errMissing
	}
	alg, sig, ok := strings.Cut(v, "=")
	if !ok {
		return fmt.Errorf("%w: want ALGORITHM=BASE64", errMalformed)
	}
	var hf func() hash.Hash
	switch alg {
	case "sha256":
		hf = sha256.New
	case "sha512":
		hf = sha512.New
	default:
		// Like Node's createHmac, an unknown algorithm is a decoding
		// failure, not a mismatch.
		return fmt.Errorf("%w: algorithm %q not accepted", errMalformed, alg)
	}
	got, err := decodeStd(sig)
	if err != nil {
		return err
	}
	for _, s := range r.secrets() {
		if hmac.Equal(got, mac(hf, s, body)) {
			return nil
		}
	}
	return errMismatch
}

// secrets lists the keys a signature may be made with.
func (r *Receiver) secrets() []string {
	if r.bugs[BugAcceptsOldSecret] {
		// Deliberate bug (accepts-old-secret): rotated secrets never expire.
		return append([]string{r.cfg.Secret}, r.cfg.OldSecrets...)
	}
	return []string{r.cfg.Secret}
}

// decodeStd decodes canonical standard base64 (padding, no stray bits).
func decodeStd(s string) ([]byte, error) {
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: not standard base64", errMalformed)
	}
	return b, nil
}

func mac(h func() hash.Hash, key string, msg []byte) []byte {
	m := hmac.New(h, []byte(key))
	m.Write(msg)
	return m.Sum(nil)
}

// parse reads the event from an authentic delivery.
func (r *Receiver) parse(req *http.Request, body []byte) (event, error) {
	if r.cfg.Platform == Prolific {
		return parseProlific(req.Header, body)
	}
	return parseRespondent(body)
}

func parseProlific(h http.Header, body []byte) (event, error) {
	var p struct {
		ResourceID string `json:"resource_id"`
		EventType  string `json:"event_type"`
		Status     string `json:"status"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return event{}, errors.New("body is not a JSON object of the documented shape")
	}
	ev := event{key: h.Get(hdrEventID), typ: p.EventType, resource: p.ResourceID, status: p.Status}
	if ev.key == "" {
		return event{}, errors.New(hdrEventID + " missing")
	}
	if ev.typ == "" {
		return event{}, errors.New("event_type missing")
	}
	if ts := h.Get(hdrEventTimestamp); ts != "" {
		secs, err := strconv.ParseInt(ts, 10, 64)
		if err != nil {
			return event{}, errors.New(hdrEventTimestamp + " is not integer seconds")
		}
		ev.at = time.Unix(secs, 0)
	}
	return ev, nil
}

func parseRespondent(body []byte) (event, error) {
	var p struct {
		Event   string `json:"event"`
		UUID    string `json:"uuid"`
		Created string `json:"created"`
		Payload struct {
			Resource struct {
				ID            string `json:"id"`
				MessageID     string `json:"messageId"`
				UpdatedFields []struct {
					Name     string `json:"name"`
					NewValue any    `json:"newValue"`
				} `json:"updatedFields"`
				Conversation struct {
					UID string `json:"uid"`
				} `json:"conversation"`
			} `json:"resource"`
		} `json:"payload"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return event{}, errors.New("body is not a JSON object of the documented shape")
	}
	if p.Event == "" || p.UUID == "" {
		return event{}, errors.New("event or uuid missing")
	}
	res := p.Payload.Resource
	ev := event{key: p.UUID, typ: p.Event, resource: res.ID}
	if ev.resource == "" {
		ev.resource = res.MessageID
	}
	if ev.resource == "" {
		ev.resource = res.Conversation.UID
	}
	for _, f := range res.UpdatedFields {
		if _, ok := f.NewValue.(string); !ok {
			ev.nonString = true
		}
		if s, ok := f.NewValue.(string); ok && (f.Name == "status" || f.Name == "recruitingStatus") {
			ev.status = s
		}
	}
	if p.Created != "" {
		t, err := time.Parse(time.RFC3339Nano, p.Created)
		if err != nil {
			return event{}, errors.New("created is not an ISO-8601 time")
		}
		ev.at = t
	}
	return ev, nil
}

// reserialize rewrites a JSON document's whitespace the way the platform's
// own serialiser would: compact, or with Python's ", " and ": " separators.
// Only the bug path uses it.
func reserialize(body []byte, python bool) []byte {
	out := make([]byte, 0, len(body))
	inStr, esc := false, false
	for _, c := range body {
		switch {
		case inStr:
			out = append(out, c)
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
		case c == '"':
			inStr = true
			out = append(out, c)
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		case python && (c == ',' || c == ':'):
			out = append(out, c, ' ')
		default:
			out = append(out, c)
		}
	}
	return out
}

// Start serves a receiver for cfg on 127.0.0.1 (a free port) and returns
// its base URL and a stop function that shuts it down.
func Start(cfg Config) (url string, stop func(), err error) {
	rcv, err := New(cfg)
	if err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("receiver: listen: %w", err)
	}
	srv := &http.Server{Handler: rcv, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln) // returns http.ErrServerClosed after stop
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			if srv.Shutdown(ctx) != nil {
				_ = srv.Close()
			}
			<-done
		})
	}
	return "http://" + ln.Addr().String(), stop, nil
}
