package sender

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/clock"
	"github.com/hookdrill/hookdrill/internal/h1"
)

// Defaults for Config.
const (
	DefaultConcurrency       = 64
	DefaultRecordBodyBytes   = 1024    // response body bytes kept in the journal
	DefaultMaxResponseBytes  = 1 << 20 // response body bytes read before the connection is dropped
	DefaultMaxHeaderBytes    = 1 << 20 // response header bytes read, as net/http's default server limit
	DefaultRecordHeaderBytes = 8 << 10 // response header bytes (names and values) kept in the journal
	DefaultSkew              = 10 * time.Minute
)

// SignTime selects the source of signed request timestamps.
type SignTime string

// Sources of request timestamps.
const (
	SignWall  SignTime = "wall"
	SignClock SignTime = "clock"
)

// ErrClosed is returned by Deliver after Close.
var ErrClosed = errors.New("sender: closed")

// Config configures a Sender. The zero value of every optional field picks
// the documented default.
type Config struct {
	// Profile is the default platform profile; a Delivery may override it.
	Profile hookdrill.Profile
	// Clock schedules retries; default clock.Real{}.
	Clock clock.Clock
	// Journal receives every attempt and delivery; default a new Journal.
	Journal *hookdrill.Journal
	// Seed makes jitter reproducible: delivery n draws from PCG(Seed, n).
	Seed uint64
	// Policy overrides the profile's retry policy for every delivery.
	Policy *hookdrill.RetryPolicy
	// Concurrency bounds requests in flight at once; default 64.
	Concurrency int
	// Client, when set, sends the requests through net/http (its
	// CheckRedirect is left alone: set it to http.ErrUseLastResponse to keep
	// the platforms' no-redirect behaviour; see NewClient). By default the
	// sender uses its own lean keep-alive HTTP/1.1 client that never follows
	// redirects, ignores proxy settings and adds no Accept-Encoding.
	Client *http.Client
	// TLSConfig is used by the default client (e.g. InsecureSkipVerify for a
	// local receiver with a self-signed certificate).
	TLSConfig *tls.Config
	// WallNow is the wall clock used for request timestamps and latency;
	// default time.Now. Tests inject a fixed clock for golden output.
	WallNow func() time.Time
	// SignWith picks the time written into signed request timestamps:
	// SignWall (default; receivers check freshness against their own wall
	// clock) or SignClock (the scheduling clock's time, e.g. simulated time,
	// for fully reproducible journals against receivers that share it).
	SignWith SignTime
	// RecordBodyBytes bounds the response body kept per attempt; default 1 KiB.
	RecordBodyBytes int
	// MaxResponseBytes bounds the response body read; default 1 MiB.
	MaxResponseBytes int64
	// MaxHeaderBytes bounds the response header read (status line and
	// header lines, interim 1xx answers included); default 1 MiB. A longer
	// header ends the attempt as a protocol_error with
	// hookdrill.TruncatedResponseHeader, and the connection is dropped.
	// It applies to the default client and to NewClient's; a Client of
	// your own keeps its Transport's MaxResponseHeaderBytes.
	MaxHeaderBytes int64
	// RecordHeaderBytes bounds the response header kept per attempt in the
	// journal and reports (names and values, in all); default 8 KiB.
	// Values beyond it are clipped and the attempt is marked
	// hookdrill.TruncatedRecordedHeader.
	RecordHeaderBytes int
}

// Validate reports a Config that cannot work.
func (c Config) Validate() error {
	var errs []error
	if c.Concurrency < 0 {
		errs = append(errs, fmt.Errorf("concurrency must not be negative, got %d", c.Concurrency))
	}
	if c.RecordBodyBytes < 0 || c.MaxResponseBytes < 0 || c.MaxHeaderBytes < 0 || c.RecordHeaderBytes < 0 {
		errs = append(errs, errors.New("body and header limits must not be negative"))
	}
	switch c.SignWith {
	case "", SignWall, SignClock:
	default:
		errs = append(errs, fmt.Errorf("sign_with must be %q or %q, got %q", SignWall, SignClock, c.SignWith))
	}
	if c.Policy != nil {
		if err := c.Policy.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("retry policy: %w", err))
		}
	}
	return errors.Join(errs...)
}

// horizonHolder is implemented by discrete-event clocks (clock.Sim) that let
// in-flight work promise it schedules nothing before a given instant, so the
// clock may fire earlier timers concurrently.
type horizonHolder interface {
	HoldUntil(t time.Time) (release func())
}

// Sender delivers events. It is safe for concurrent use.
type Sender struct {
	cfg      Config
	realWall bool // cfg.WallNow is time.Now
	clk      clock.Clock
	sim      horizonHolder // non-nil on a discrete-event clock
	journal  *hookdrill.Journal
	client   *http.Client // set when the user supplies one; otherwise h1 is used
	h1       *h1.Client
	slots    *slots // bounds the exchanges in flight; queues the rest
	seq      atomic.Uint64
	workers  *workers // runs the attempts that cannot run where they start

	mu       sync.Mutex // guards live, targets and policies, and orders closed with wg
	closed   atomic.Bool
	live     *delivery // most recent live delivery; linked through delivery.next
	targets  map[string]*target
	policies []*hookdrill.RetryPolicy
	wg       sync.WaitGroup // one count per live delivery
}

// New returns a Sender for cfg.
func New(cfg Config) (*Sender, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("sender config: %w", err)
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	if cfg.Journal == nil {
		cfg.Journal = hookdrill.NewJournal()
	}
	if cfg.Concurrency == 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	realWall := cfg.WallNow == nil
	if realWall {
		cfg.WallNow = time.Now
	}
	if cfg.RecordBodyBytes == 0 {
		cfg.RecordBodyBytes = DefaultRecordBodyBytes
	}
	if cfg.MaxResponseBytes == 0 {
		cfg.MaxResponseBytes = DefaultMaxResponseBytes
	}
	if cfg.MaxHeaderBytes == 0 {
		cfg.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if cfg.RecordHeaderBytes == 0 {
		cfg.RecordHeaderBytes = DefaultRecordHeaderBytes
	}
	s := &Sender{
		cfg:      cfg,
		realWall: realWall,
		clk:      cfg.Clock,
		journal:  cfg.Journal,
		client:   cfg.Client,
		slots:    newSlots(cfg.Concurrency),
		workers:  newWorkers(cfg.Concurrency),
		targets:  make(map[string]*target),
	}
	if h, ok := cfg.Clock.(horizonHolder); ok {
		s.sim = h
	}
	if s.client == nil {
		s.h1 = h1.NewClient(cfg.Concurrency, cfg.TLSConfig, cfg.MaxHeaderBytes)
	}
	return s, nil
}

// NewClient returns the HTTP client a Sender uses by default: keep-alive
// with up to maxConns idle connections per host, no redirects followed, no
// proxy, no transparent compression (platforms send no Accept-Encoding), at
// most DefaultMaxHeaderBytes of response header.
func NewClient(maxConns int, tlsConf *tls.Config) *http.Client {
	if maxConns <= 0 {
		maxConns = DefaultConcurrency
	}
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        maxConns * 2,
		MaxIdleConnsPerHost: maxConns,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 10 * time.Second,
		DisableCompression:  true,
		TLSClientConfig:     tlsConf,
		// net/http's own default is 10 MiB.
		MaxResponseHeaderBytes: DefaultMaxHeaderBytes,
	}
	return &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Journal returns the journal the sender appends to.
func (s *Sender) Journal() *hookdrill.Journal { return s.journal }

// Clock returns the clock retries are scheduled on.
func (s *Sender) Clock() clock.Clock { return s.clk }

// delivery is the state of one delivery in flight. It holds only what the
// attempts and the journal need, kept small because one exists for every
// delivery waiting on a retry: the parsed target and the retry policy are
// shared between deliveries, and hooks, faults and tags live behind a
// pointer that is nil when the delivery has none. Everything but mu's
// fields and the live-list links is written before the first attempt and
// read-only afterwards, except attempts and lastDue, which only the
// goroutine running the current attempt touches (attempts of one delivery
// never overlap).
type delivery struct {
	s      *Sender
	handle *Handle // also holds the delivery id
	prof   hookdrill.Profile
	pol    *hookdrill.RetryPolicy // shared; read-only
	tgt    *target                // shared; read-only
	ev     hookdrill.Event
	secret hookdrill.Secret
	opt    *extras // nil when the delivery has no hooks, faults or tags
	body   []byte  // canonical (or styled) bytes that are signed
	ctx    context.Context
	first  time.Time // clock time the first attempt was due
	pcg    rand.PCG  // jitter source: PCG(Seed, n)

	prev, next *delivery // Sender.live list; guarded by s.mu

	attempts []*hookdrill.Attempt
	lastDue  time.Time // clock instant of the latest attempt

	mu       sync.Mutex // guards timer and finished
	finished bool
	timer    clock.Timer
	stopCtx  func() bool
}

// extras are the parts of a Delivery most deliveries leave empty.
type extras struct {
	hooks  Hooks
	faults *Faults // nil when the faults are all zero
	tags   []string
}

func newExtras(d *Delivery) *extras {
	f := &d.Faults
	hasFaults := len(f.Tamper) > 0 || f.TamperAttempts != 0 || f.Skew != 0 || f.LostAck != 0 ||
		f.BodyStyle != "" || f.Algorithm != ""
	h := &d.Hooks
	if !hasFaults && d.Tags == nil && h.Secret == nil && h.Active == nil && h.OnAttempt == nil && h.OnDone == nil {
		return nil
	}
	x := &extras{hooks: d.Hooks, tags: d.Tags}
	if hasFaults {
		fc := d.Faults
		x.faults = &fc
	}
	return x
}

func (dl *delivery) id() string { return dl.handle.id }

func (dl *delivery) faults() Faults {
	if dl.opt == nil || dl.opt.faults == nil {
		return Faults{}
	}
	return *dl.opt.faults
}

func (dl *delivery) hooks() Hooks {
	if dl.opt == nil {
		return Hooks{}
	}
	return dl.opt.hooks
}

func (dl *delivery) tags() []string {
	if dl.opt == nil {
		return nil
	}
	return dl.opt.tags
}

// rnd returns the delivery's jitter source. rand.Rand holds nothing but its
// Source, so a Rand made afresh over the same PCG draws the same sequence.
func (dl *delivery) rnd() *rand.Rand { return rand.New(&dl.pcg) }

// Deliver starts delivering d and returns at once. ctx governs the whole
// delivery, retries included: cancelling it ends the delivery as cancelled.
// Errors are returned for deliveries that cannot start (bad target, unknown
// tamper for the platform, body that cannot be encoded).
func (s *Sender) Deliver(ctx context.Context, d Delivery) (*Handle, error) {
	prof := d.Profile
	if prof == nil {
		prof = s.cfg.Profile
	}
	if prof == nil {
		return nil, errors.New("sender: no platform profile for the delivery")
	}
	tgt := s.cachedTarget(d.Target.URL)
	if tgt == nil || d.Target.Secret == "" {
		if err := d.Target.Validate(); err != nil {
			return nil, fmt.Errorf("sender: %w", err)
		}
	}
	var pol hookdrill.RetryPolicy
	switch {
	case d.Policy != nil:
		pol = *d.Policy
	case s.cfg.Policy != nil:
		pol = *s.cfg.Policy
	default:
		pol = prof.RetryPolicy()
	}
	if err := pol.Validate(); err != nil {
		return nil, fmt.Errorf("sender: retry policy %q: %w", pol.Name, err)
	}
	if err := checkTampers(prof, d.Faults.Tamper); err != nil {
		return nil, fmt.Errorf("sender: %w", err)
	}
	body, err := prof.Encode(d.Event)
	if err != nil {
		return nil, fmt.Errorf("sender: encode %s event %s: %w", prof.Name(), d.Event.Type, err)
	}
	if body, err = styleBody(body, d.Faults.BodyStyle); err != nil {
		return nil, fmt.Errorf("sender: %w", err)
	}
	if tgt == nil {
		u, _ := url.Parse(d.Target.URL) // Validate parsed it already
		tgt = &target{ep: h1.NewEndpoint(u), log: hookdrill.RedactURL(d.Target.URL)}
	}
	dl := &delivery{
		s: s, prof: prof, tgt: tgt, ev: d.Event, secret: d.Target.Secret, opt: newExtras(&d), body: body, ctx: ctx,
	}

	s.mu.Lock()
	if s.closed.Load() {
		s.mu.Unlock()
		return nil, ErrClosed
	}
	n := s.seq.Add(1)
	if d.ID == "" {
		d.ID = deliveryID(n)
	}
	dl.handle = &Handle{id: d.ID}
	dl.pcg.Seed(s.cfg.Seed, n)
	dl.pol = s.internPolicy(&pol)
	s.keepTarget(d.Target.URL, tgt)
	s.pushLive(dl)
	s.wg.Add(1)
	s.mu.Unlock()

	dl.first = s.clk.Now().Add(max(d.Faults.Delay, 0))
	if ctx.Done() != nil {
		dl.stopCtx = context.AfterFunc(ctx, dl.cancelPending)
	}
	if d.Faults.Delay > 0 {
		dl.schedule(1, dl.first, d.Faults.Delay)
	} else {
		dl.start(1, dl.first, false)
	}
	return dl.handle, nil
}

// deliveryID formats n as fmt.Sprintf("d%06d", n) does.
func deliveryID(n uint64) string {
	var b [24]byte
	d := strconv.AppendUint(b[:1], n, 10)
	if pad := 7 - len(d); pad > 0 {
		d = append(b[:1], "000000"[:pad]...)
		d = strconv.AppendUint(d, n, 10)
	}
	d[0] = 'd'
	return string(d)
}

// target is a parsed Target.URL with its redacted form for the journal,
// shared by the deliveries to that URL. It is never modified once built.
type target struct {
	ep  h1.Endpoint // ep.URL is the parsed URL
	log string
}

// Bounds of the Sender's caches of shared per-delivery values.
const (
	maxTargets  = 256
	maxPolicies = 16
)

// cachedTarget returns the shared parse of rawURL, or nil if none is cached.
func (s *Sender) cachedTarget(rawURL string) *target {
	s.mu.Lock()
	t := s.targets[rawURL]
	s.mu.Unlock()
	return t
}

// keepTarget caches t for rawURL; the cache starts over when full. Called
// with s.mu held.
func (s *Sender) keepTarget(rawURL string, t *target) {
	if _, ok := s.targets[rawURL]; ok {
		return
	}
	if len(s.targets) >= maxTargets {
		clear(s.targets)
	}
	s.targets[rawURL] = t
}

// internPolicy returns a shared copy of *p: deliveries with equal policies
// (the profile's or the sender's default, typically) point to one value.
// Called with s.mu held.
func (s *Sender) internPolicy(p *hookdrill.RetryPolicy) *hookdrill.RetryPolicy {
	for _, q := range s.policies {
		if *q == *p {
			return q
		}
	}
	c := *p
	if len(s.policies) < maxPolicies {
		s.policies = append(s.policies, &c)
	}
	return &c
}

// pushLive and dropLive maintain the list of live deliveries that Close
// cancels. Called with s.mu held.
func (s *Sender) pushLive(dl *delivery) {
	dl.next = s.live
	if s.live != nil {
		s.live.prev = dl
	}
	s.live = dl
}

func (s *Sender) dropLive(dl *delivery) {
	if dl.prev != nil {
		dl.prev.next = dl.next
	} else {
		s.live = dl.next
	}
	if dl.next != nil {
		dl.next.prev = dl.prev
	}
	dl.prev, dl.next = nil, nil
}

// schedule arms the timer for attempt n, due at the given clock instant.
// A Close or cancellation that looked for the timer before it was armed
// (between the attempt's end and here) cannot have stopped it: it is
// stopped here instead. Close sets closed, and a context its error, before
// cancelPending reads the timer, so one of the two always sees it.
func (dl *delivery) schedule(n int, due time.Time, wait time.Duration) {
	dl.mu.Lock()
	if dl.finished {
		dl.mu.Unlock()
		return
	}
	dl.timer = dl.s.clk.AfterFunc(wait, func() { dl.start(n, due, true) })
	dl.mu.Unlock()
	if dl.s.isClosed() || dl.ctx.Err() != nil {
		dl.cancelPending()
	}
}

// cancelPending ends a delivery whose next attempt is waiting on a timer
// or, once its context is done, for a free connection slot. An attempt in
// flight notices cancellation by itself.
func (dl *delivery) cancelPending() {
	dl.mu.Lock()
	t := dl.timer
	dl.mu.Unlock()
	if t != nil && t.Stop() {
		dl.finish(hookdrill.OutcomeCancelled, "cancelled while waiting to retry")
		return
	}
	if dl.ctx.Err() != nil {
		if t, ok := dl.s.slots.remove(dl); ok {
			dl.finish(hookdrill.OutcomeCancelled, "cancelled while waiting for a free connection slot")
			t.release()
		}
	}
}

// start works out attempt n, due at the clock instant due: the wait that
// would follow a failure (drawing jitter now, so the draw order is fixed)
// and a clock hold that promises nothing is scheduled before that wait
// ends, so a simulated clock can keep firing other deliveries' timers
// while the exchange runs. The attempt then runs when a connection slot is
// free: on this goroutine if inline is set and the clock is real (a
// timer's own goroutine), otherwise on a worker. start never blocks on the
// exchange: Deliver and a simulated clock's goroutine call it.
func (dl *delivery) start(n int, due time.Time, inline bool) {
	dl.mu.Lock()
	dl.timer = nil
	dl.mu.Unlock()
	s := dl.s
	elapsed := due.Sub(dl.first)
	wait, stop := dl.pol.Next(n, elapsed, hookdrill.OutcomeHTTPError, dl.rnd())
	var release func()
	if s.sim == nil {
		release = s.clk.Hold()
	} else {
		horizon := due.Add(wait)
		if stop {
			horizon = due.Add(1 << 62) // schedules nothing
		}
		release = s.sim.HoldUntil(horizon)
		inline = false
	}
	t := task{dl: dl, n: n, due: due, wait: wait, stop: stop, release: release}
	switch s.slots.take(t) {
	case slotQueued:
		// The attempt that frees a slot runs it.
	case slotCancelled:
		dl.finish(hookdrill.OutcomeCancelled, "cancelled while waiting for a free connection slot")
		release()
	default:
		if inline {
			t.run()
		} else {
			s.workers.run(t)
		}
	}
}

// attempt makes attempt n, holding a connection slot, and either finishes
// the delivery or schedules the next attempt. It gives the slot up when
// the exchange is over and returns the waiting task it handed the slot to,
// if any, for the caller to run next.
func (dl *delivery) attempt(n int, due time.Time, wait time.Duration, stopIfRetryable bool) (task, bool) {
	s := dl.s
	if err := dl.ctx.Err(); err != nil {
		dl.finish(hookdrill.OutcomeCancelled, "cancelled before attempt "+strconv.Itoa(n))
		return s.slots.handOff()
	}
	if s.isClosed() {
		dl.finish(hookdrill.OutcomeCancelled, "sender closed before attempt "+strconv.Itoa(n))
		return s.slots.handOff()
	}
	if h := dl.hooks().Active; h != nil && !h() {
		dl.finish(hookdrill.OutcomeUndelivered, "the subscription is no longer active")
		return s.slots.handOff()
	}
	a := dl.exchange(n, due)
	next, handed := s.slots.handOff()
	dl.lastDue = due

	last := !a.Outcome.Retryable() || stopIfRetryable || s.isClosed() || dl.ctx.Err() != nil
	if !last {
		a.NextAttemptIn = wait
	}
	a.Final = last
	dl.attempts = append(dl.attempts, a)
	e := hookdrill.Entry{Kind: hookdrill.KindAttempt, Tags: dl.tags(), Attempt: a}
	if s.sim != nil {
		e.Sim = due
	}
	s.journal.Append(e)
	if h := dl.hooks().OnAttempt; h != nil {
		h(*a)
	}
	if last {
		dl.finish(a.Outcome, dl.reason(a, stopIfRetryable))
		return next, handed
	}
	at := due.Add(wait)
	if s.sim == nil {
		at = s.clk.Now().Add(wait) // on the wall clock the wait starts when the attempt ended
	}
	dl.schedule(n+1, at, at.Sub(s.clk.Now()))
	return next, handed
}

func (dl *delivery) reason(a *hookdrill.Attempt, cut bool) string {
	switch {
	case a.Outcome.Success():
		return ""
	case dl.s.isClosed():
		return "sender closed; no further attempts"
	case dl.ctx.Err() != nil:
		return "cancelled; no further attempts"
	case !a.Outcome.Retryable():
		return fmt.Sprintf("attempt %d ended with %s, which is not retried", a.Number, a.Outcome)
	case cut && a.Number >= dl.pol.MaxAttempts:
		return fmt.Sprintf("all %d attempts failed (policy %s)", dl.pol.MaxAttempts, dl.pol.Name)
	default:
		return fmt.Sprintf("gave up after %d attempts: the next would fall after the %s cut-off (policy %s)",
			a.Number, dl.pol.Cutoff, dl.pol.Name)
	}
}

// finish ends the delivery once.
func (dl *delivery) finish(last hookdrill.Outcome, reason string) {
	dl.mu.Lock()
	if dl.finished {
		dl.mu.Unlock()
		return
	}
	dl.finished = true
	dl.mu.Unlock()
	if dl.stopCtx != nil {
		dl.stopCtx()
	}
	s := dl.s
	status := hookdrill.StatusFailed
	if last.Success() {
		status = hookdrill.StatusSucceeded
	}
	var res *Result
	if len(dl.attempts) == 1 {
		// The common case: the result and its one attempt in one allocation.
		r := &struct {
			res Result
			a   [1]hookdrill.Attempt
		}{}
		r.a[0] = *dl.attempts[0]
		res = &r.res
		res.Attempts = r.a[:]
	} else {
		res = &Result{Attempts: make([]hookdrill.Attempt, len(dl.attempts))}
		for i, a := range dl.attempts {
			res.Attempts[i] = *a
		}
	}
	res.DeliveryID, res.EventID, res.Status, res.Outcome, res.Reason = dl.id(), dl.ev.ID, status, last, reason
	e := hookdrill.Entry{Kind: hookdrill.KindDelivery, Tags: dl.tags(), Delivery: &hookdrill.Delivery{
		DeliveryID: dl.id(), Platform: dl.prof.Name(), EventID: dl.ev.ID, EventType: dl.ev.Type,
		ResourceID: dl.ev.ResourceID, TargetURL: dl.tgt.log,
		Status: status, Attempts: len(dl.attempts), Outcome: last, Reason: reason,
	}}
	if s.sim != nil {
		e.Sim = dl.lastDue // not Now(): other deliveries may have moved the clock on
		if e.Sim.IsZero() {
			e.Sim = dl.first
		}
	}
	s.journal.Append(e)
	if h := dl.hooks().OnDone; h != nil {
		h(*res)
	}
	dl.handle.end(res)
	s.mu.Lock()
	s.dropLive(dl)
	s.mu.Unlock()
	s.wg.Done()
}

func (s *Sender) isClosed() bool { return s.closed.Load() }

// Close stops accepting deliveries, cancels every attempt that is waiting
// on a retry timer or for a free connection slot (recording it as
// cancelled), and waits for attempts in flight to finish; none of them
// schedules another. It is idempotent.
func (s *Sender) Close() error {
	s.mu.Lock()
	wasClosed := s.closed.Swap(true)
	var pending []*delivery
	for dl := s.live; dl != nil; dl = dl.next {
		pending = append(pending, dl)
	}
	s.mu.Unlock()
	slices.Reverse(pending) // oldest first
	for _, dl := range pending {
		dl.cancelPending()
	}
	for _, t := range s.slots.drain() {
		t.dl.finish(hookdrill.OutcomeCancelled, "sender closed before attempt "+strconv.Itoa(t.n))
		t.release()
	}
	s.wg.Wait()
	if !wasClosed {
		s.workers.stop()
	}
	if s.h1 != nil {
		s.h1.Close()
	}
	return nil
}

// Shutdown waits for every delivery to end by itself, retries included,
// until ctx is done; then it closes the sender as Close does and returns
// ctx's error.
func (s *Sender) Shutdown(ctx context.Context) error {
	if err := s.Wait(ctx); err != nil {
		_ = s.Close()
		return err
	}
	return s.Close()
}

// Wait blocks until no delivery is live or ctx is done.
func (s *Sender) Wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func checkTampers(p hookdrill.Profile, ts []hookdrill.Tamper) error {
	for _, t := range ts {
		switch t {
		case hookdrill.TamperWrongSecret, hookdrill.TamperBodyChanged, hookdrill.TamperStale, hookdrill.TamperFuture:
			if (t == hookdrill.TamperStale || t == hookdrill.TamperFuture) && !signsTimestamp(p) {
				return fmt.Errorf("tamper %q: %s signs no timestamp", t, p.Name())
			}
			continue
		}
		known := false
		for _, k := range hookdrill.AllTampers {
			known = known || k == t
		}
		if !known {
			return fmt.Errorf("unknown tamper %q (valid: %v)", t, hookdrill.AllTampers)
		}
		h, err := p.Sign(hookdrill.SignInput{Body: []byte("{}"), Secret: "probe-secret", SentAt: time.Unix(1767225600, 0)})
		if err != nil {
			return fmt.Errorf("tamper %q: %w", t, err)
		}
		if err := p.ApplyTamper(h, t); err != nil {
			return fmt.Errorf("tamper %q on %s: %w", t, p.Name(), err)
		}
	}
	return nil
}

// signsTimestamp reports whether the platform's signature covers a request
// timestamp (a different SentAt changes the signature).
func signsTimestamp(p hookdrill.Profile) bool {
	in := hookdrill.SignInput{Body: []byte("{}"), Secret: "probe-secret", SentAt: time.Unix(1767225600, 0)}
	a, err1 := p.Sign(in)
	in.SentAt = in.SentAt.Add(time.Hour)
	b, err2 := p.Sign(in)
	if err1 != nil || err2 != nil {
		return false
	}
	for k := range a {
		if a.Get(k) != b.Get(k) {
			return true
		}
	}
	return false
}

func styleBody(body []byte, st BodyStyle) ([]byte, error) {
	switch st {
	case "", BodyCanonical:
		return body, nil
	case BodyIndented:
		var b bytes.Buffer
		if err := json.Indent(&b, body, "", "  "); err != nil {
			return nil, fmt.Errorf("indent body: %w", err)
		}
		return b.Bytes(), nil
	}
	return nil, fmt.Errorf("unknown body style %q (valid: %s, %s)", st, BodyCanonical, BodyIndented)
}
