package receiver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hookdrill/hookdrill/clock"
)

// Defaults.
const (
	// DefaultTolerance is how far a signed request timestamp may be from
	// now, either way (for platforms that sign one).
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

// Config configures a reference receiver.
type Config struct {
	// Platform is the platform's part (platform/NAME/reference).
	Platform Platform
	// Secret is the current signing secret.
	Secret string
	// OldSecrets are secrets rotated away. The correct receiver rejects
	// them; BugAcceptsOldSecret accepts them.
	OldSecrets []string
	// Tolerance is the request-timestamp window, for platforms that sign
	// one; default DefaultTolerance.
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
	if c.Platform == nil {
		errs = append(errs, errors.New("platform is not set"))
	}
	if c.Secret == "" {
		errs = append(errs, errors.New("secret is empty"))
	}
	if c.Tolerance < 0 || c.MaxBodyBytes < 0 || c.SlowDelay < 0 {
		errs = append(errs, errors.New("tolerance, max body bytes and slow delay must not be negative"))
	}
	if c.Platform != nil {
		for _, b := range c.Bugs {
			if !validBug(c.Platform, b) {
				errs = append(errs, fmt.Errorf("unknown %s bug %q (valid: %s)", c.Platform.Name(), b, bugNames(c.Platform)))
			}
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
	// (the idempotency key).
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
	plat Platform
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
	r := &Receiver{cfg: cfg, plat: cfg.Platform, clk: cfg.Clock, bugs: map[Bug]bool{}}
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

// on reports whether a bug is switched on.
func (r *Receiver) on(b Bug) bool { return r.bugs[b] }

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
	d := Delivery{Header: req.Header, Body: body, Bug: r.on}
	if r.bugs[BugDedupBeforeVerify] {
		// Deliberate bug (dedup-before-verify): the id is recorded on
		// arrival, so a rejected attempt marks its valid retry a duplicate.
		if key := r.plat.Key(d); key != "" {
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
	if code, msg := r.verify(d); code != 0 {
		return code, msg
	}
	ev, err := r.plat.Parse(d)
	if err != nil {
		var a *Answer
		if errors.As(err, &a) {
			return a.Code, a.Message
		}
		return http.StatusBadRequest, err.Error()
	}
	if !slices.Contains(r.plat.EventTypes(), ev.Type) {
		if r.bugs[Bug5xxOnUnknownEvent] {
			// Deliberate bug (5xx-on-unknown-event): the handler lookup
			// fails and the error escapes as a 500.
			return http.StatusInternalServerError, "internal error"
		}
		r.ignored()
		return http.StatusOK, "ignored: unknown event type"
	}
	if r.bugs[BugMissingEventType] && ev.Type == r.plat.BugEventType(BugMissingEventType) {
		// Deliberate bug (missing-event-type): no handler was written.
		return http.StatusBadRequest, "unsupported event type"
	}
	if r.bugs[BugRedirects] && ev.Type == r.plat.BugEventType(BugRedirects) {
		// Deliberate bug (redirects): this route is mounted with a
		// trailing slash, and the router redirects.
		return http.StatusPermanentRedirect, "moved"
	}
	if r.bugs[BugRejectsSpacedStatus] && strings.Contains(ev.Status, " ") {
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
func (r *Receiver) apply(ev Event) (int, string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen[ev.Key] && !r.bugs[BugDedupBeforeVerify] {
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
	if ev.Status != "" && ev.Resource != "" {
		last, ok := r.order[ev.Resource]
		if ok && !ev.At.IsZero() && ev.At.Before(last) && !r.bugs[BugNoOrdering] {
			r.st.Ignored++
			r.seen[ev.Key] = true
			return http.StatusOK, "ignored: older than the current status"
		}
		r.order[ev.Resource] = ev.At
		r.st.Status[ev.Resource] = ev.Status
	}
	r.st.Processed[ev.Key]++
	// The id is recorded in the same critical section as the work.
	r.seen[ev.Key] = true
	return http.StatusOK, "applied"
}

// verify checks the delivery's authenticity. It returns 0 when the delivery
// is authentic, or the status and message to answer.
func (r *Receiver) verify(d Delivery) (int, string) {
	if r.bugs[BugNoSignatureCheck] {
		// Deliberate bug (no-signature-check).
		return 0, ""
	}
	if r.bugs[BugReserializesBody] {
		// Deliberate bug (reserializes-body): the body is parsed and
		// serialised again in the platform's style before verifying, which
		// only matches when the sender used exactly that style.
		d.Body = r.plat.Reserialize(d.Body)
	}
	err := r.plat.Verify(d, Keys{Secrets: r.secrets(), Now: r.clk.Now(), Tolerance: r.cfg.Tolerance})
	switch {
	case err == nil:
		return 0, ""
	case errors.Is(err, ErrMissingSignature) && r.bugs[BugIgnoresMissingSignature]:
		// Deliberate bug (ignores-missing-signature).
		return 0, ""
	case errors.Is(err, ErrMalformedSignature) && r.bugs[Bug5xxOnMalformedSignature]:
		// Deliberate bug (5xx-on-malformed-signature): the decode error
		// escapes as a 500.
		return http.StatusInternalServerError, "internal error"
	case errors.Is(err, ErrSignatureMismatch) && r.bugs[Bug5xxOnBadSignature]:
		// Deliberate bug (5xx-on-bad-signature).
		return http.StatusInternalServerError, "internal error"
	}
	return http.StatusUnauthorized, err.Error()
}

// secrets lists the keys a signature may be made with.
func (r *Receiver) secrets() []string {
	if r.bugs[BugAcceptsOldSecret] {
		// Deliberate bug (accepts-old-secret): rotated secrets never expire.
		return append([]string{r.cfg.Secret}, r.cfg.OldSecrets...)
	}
	return []string{r.cfg.Secret}
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
