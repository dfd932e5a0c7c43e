package sender

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/internal/h1"
)

// BodyStyle selects how the body bytes are laid out. Every style is signed
// over the exact bytes sent, so a raw-body verifier accepts them all.
type BodyStyle string

// Body styles.
const (
	// BodyCanonical is the platform's own serialisation (the default).
	BodyCanonical BodyStyle = "canonical"
	// BodyIndented is the same JSON re-indented: valid and correctly signed,
	// but different from any re-serialisation a receiver might do.
	BodyIndented BodyStyle = "indented"
)

// Faults change how a delivery is made, to exercise a receiver's handling
// of what real platforms do now and then (or of attacks).
type Faults struct {
	// Tamper corrupts the signed request in each listed way.
	Tamper []hookdrill.Tamper `json:"tamper,omitempty"`
	// TamperAttempts limits Tamper to the first N attempts (0: all).
	TamperAttempts int `json:"tamper_attempts,omitempty"`
	// Skew shifts the request timestamp used for TamperStale (back) and
	// TamperFuture (forward). Default 10 minutes.
	Skew time.Duration `json:"skew,omitempty"`
	// LostAck treats the receiver's first N answers as timeouts, so the
	// event is redelivered although the receiver saw it.
	LostAck int `json:"lost_ack,omitempty"`
	// BodyStyle lays out the body bytes; default canonical.
	BodyStyle BodyStyle `json:"body_style,omitempty"`
	// Algorithm overrides the platform's signature algorithm name where the
	// platform puts one on the wire (Respondent: sha256, sha512).
	Algorithm string `json:"algorithm,omitempty"`
	// Delay waits this long on the clock before the first attempt.
	Delay time.Duration `json:"delay,omitempty"`
}

// Hooks let the owner of a delivery (the mock server) follow and steer it.
// Every field is optional; hooks run on the delivery's goroutine and must
// not block for long. In particular a hook must not wait for another
// delivery to progress: when connection slots are all taken, the goroutine
// running the hook is the one that runs the next queued attempt.
type Hooks struct {
	// Secret is asked for the signing key before every attempt, so a
	// rotated secret signs later attempts. ok=false keeps Target.Secret.
	Secret func() (secret string, ok bool)
	// Active is asked before every attempt; false ends the delivery as
	// undelivered (e.g. the subscription was disabled or deleted).
	Active func() bool
	// OnAttempt is called after each attempt is journaled.
	OnAttempt func(hookdrill.Attempt)
	// OnDone is called once when the delivery ends.
	OnDone func(Result)
}

// Delivery is one event to deliver to one target.
type Delivery struct {
	// ID names the delivery in the journal; generated when empty.
	ID     string
	Event  hookdrill.Event
	Target hookdrill.Target
	// Profile overrides the sender's default profile for this delivery.
	Profile hookdrill.Profile
	// Policy overrides the retry policy for this delivery.
	Policy *hookdrill.RetryPolicy
	Faults Faults
	// Tags are copied onto every journal entry of the delivery.
	Tags  []string
	Hooks Hooks
}

// Result is how a delivery ended.
type Result struct {
	DeliveryID string                   `json:"delivery_id"`
	EventID    string                   `json:"event_id"`
	Status     hookdrill.DeliveryStatus `json:"status"`
	Outcome    hookdrill.Outcome        `json:"outcome"` // of the last attempt
	Attempts   []hookdrill.Attempt      `json:"attempts"`
	// Reason explains a failure in one sentence.
	Reason string `json:"reason,omitempty"`
}

// Delivered reports whether the event reached the receiver with a 2xx.
func (r Result) Delivered() bool { return r.Status == hookdrill.StatusSucceeded }

// Handle follows a delivery in flight.
type Handle struct {
	id     string
	result atomic.Pointer[Result] // set once, when the delivery ends

	mu   sync.Mutex    // guards done and orders it with result
	done chan struct{} // made on the first call to Done before the end
}

// end records the result and closes done; called once.
func (h *Handle) end(r *Result) {
	h.mu.Lock()
	h.result.Store(r)
	if h.done != nil {
		close(h.done)
	}
	h.mu.Unlock()
}

// ID returns the delivery id.
func (h *Handle) ID() string { return h.id }

// Done is closed when the delivery has ended.
func (h *Handle) Done() <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.done == nil {
		h.done = make(chan struct{})
		if h.result.Load() != nil {
			close(h.done) // the delivery ended before anyone asked
		}
	}
	return h.done
}

// Result returns the outcome; it is complete only after Done is closed.
func (h *Handle) Result() Result {
	if r := h.result.Load(); r != nil {
		return *r
	}
	return Result{DeliveryID: h.id, Status: hookdrill.StatusPending}
}

// Wait blocks until the delivery ends or ctx is done.
func (h *Handle) Wait(ctx context.Context) (Result, error) {
	if r := h.result.Load(); r != nil {
		return *r, nil
	}
	select {
	case <-h.Done():
		return *h.result.Load(), nil
	case <-ctx.Done():
		return Result{DeliveryID: h.id, Status: hookdrill.StatusPending}, ctx.Err()
	}
}

// HeaderTooLargeError reports an answer whose header (status line, header
// lines and any interim 1xx answers) is longer than the sender reads
// (Config.MaxHeaderBytes). It is the error of the internal HTTP/1.1 client.
type HeaderTooLargeError = h1.HeaderTooLargeError
