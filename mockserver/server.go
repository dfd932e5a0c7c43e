package mockserver

import (
	"context"
	crand "crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/clock"
	"github.com/hookdrill/hookdrill/platform/prolific"
	"github.com/hookdrill/hookdrill/sender"
)

// Server is the mock of both platforms' management APIs, their read-only
// resources, and the control API. It is an http.Handler and safe for
// concurrent use. Build it with New; stop it with Close or Shutdown.
type Server struct {
	cfg     Config
	clk     clock.Clock
	sim     *clock.Sim // non-nil when cfg.Clock is a *clock.Sim
	journal *hookdrill.Journal
	disp    Dispatcher
	own     *sender.Sender // the built-in sender, closed by Close; nil with cfg.Dispatcher
	policy  prolific.DisablePolicy
	seed    uint64
	router  http.Handler

	ctx    context.Context // governs every delivery; cancelled by Close
	cancel context.CancelFunc
	live   sync.WaitGroup // one count per delivery started and not yet done

	looseOnce sync.Once // the "accepting local targets" log line

	store        *store // nil without cfg.StatePath
	snapshotSize int64  // bytes of the last snapshot written; s.mu
	compactAt    int64  // log size from which it is folded into a snapshot (once larger than it)

	mu     sync.Mutex // guards everything below
	closed bool
	rnd    *rand.Rand
	st     *state
	// events holds each subscription's and webhook's event log, oldest
	// first, at most cfg.EventLogLimit records each (kept in the state
	// with StatePath).
	events map[string][]*eventRec
	// studies, submissions and responses (key projectId/id) hold the
	// latest state announced by triggered events (kept in the state with
	// StatePath).
	studies, submissions, responses, projects map[string]*resource
	resSeq                                    int64 // creation order of resources
	health                                    map[prolific.Pair]prolific.PairHealth
}

// state is what survives a restart with Config.StatePath.
type state struct {
	Version int `json:"version"`
	// Generation counts loads; it seeds the generator so that ids made
	// after a restart do not repeat those made before it.
	Generation     uint64                   `json:"generation"`
	Seq            int64                    `json:"seq"`
	Secrets        map[string]*SecretDetail `json:"secrets"` // by workspace id
	Subscriptions  map[string]*subRec       `json:"subscriptions"`
	Health         []healthRec              `json:"health,omitempty"`
	TeamID         string                   `json:"team_id"`
	OrganizationID string                   `json:"organization_id"`
	Webhooks       map[string]*webhookRec   `json:"webhooks"`
	// Events holds each subscription's and webhook's event log (newest
	// Config.EventLogLimit records, oldest first) and Resources the
	// read-only resources by kind and key; both are filled only while a
	// snapshot is written or loaded (the server keeps them in s.events and
	// the resource maps).
	Events    map[string][]*storedEvent       `json:"events,omitempty"`
	Resources map[string]map[string]*resource `json:"resources,omitempty"`
	ResSeq    int64                           `json:"resource_seq,omitempty"`
}

const stateVersion = 1

func newState() *state {
	return &state{Version: stateVersion, Secrets: map[string]*SecretDetail{},
		Subscriptions: map[string]*subRec{}, Webhooks: map[string]*webhookRec{}}
}

// New returns a Server for cfg. With cfg.StatePath it loads the state file
// (a missing file is an empty state; a corrupt one is an error).
func New(cfg Config) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	s := &Server{cfg: cfg, clk: cfg.Clock, journal: cfg.Journal, policy: cfg.DisablePolicy, seed: cfg.Seed,
		events: map[string][]*eventRec{}, studies: map[string]*resource{}, submissions: map[string]*resource{},
		responses: map[string]*resource{}, projects: map[string]*resource{}, health: map[prolific.Pair]prolific.PairHealth{}}
	if sim, ok := cfg.Clock.(*clock.Sim); ok {
		s.sim = sim
	}
	if s.seed == 0 {
		var b [8]byte
		_, _ = crand.Read(b[:])
		s.seed = binary.LittleEndian.Uint64(b[:])>>1 | 1
	}
	s.st = newState()
	if cfg.StatePath != "" {
		if err := checkStatePath(cfg.StatePath); err != nil {
			return nil, err
		}
		cleanTemps(cfg.StatePath)
		st, err := loadState(cfg.StatePath)
		if err != nil {
			return nil, err
		}
		if st != nil {
			if err := s.validateState(st); err != nil {
				return nil, err
			}
			s.st = st
			s.st.Generation++
			for _, h := range st.Health {
				s.health[h.Pair] = h.Health
			}
			s.loadEventsLocked()
		}
	}
	s.rnd = rand.New(rand.NewPCG(s.seed, 0x6d6f636b^s.st.Generation))
	if s.st.TeamID == "" {
		s.st.TeamID, s.st.OrganizationID = s.hex24(), s.hex24()
	}
	if cfg.Dispatcher != nil {
		s.disp = cfg.Dispatcher
	} else {
		snd, err := sender.New(sender.Config{Clock: cfg.Clock, Journal: cfg.Journal, Seed: s.seed, TLSConfig: cfg.TLSConfig})
		if err != nil {
			return nil, fmt.Errorf("mockserver: %w", err)
		}
		s.own, s.disp = snd, snd
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.router = s.routes()
	if cfg.StatePath != "" {
		s.store = newStore(cfg.StateFS, cfg.StatePath, s.logf)
		s.compactAt = defaultCompactAt
		s.mu.Lock()
		err := s.snapshotLocked()
		s.mu.Unlock()
		if err != nil {
			_ = s.store.close()
			s.cancel()
			if s.own != nil {
				_ = s.own.Close()
			}
			return nil, err
		}
		s.store.start()
	}
	return s, nil
}

// Seed returns the seed in use (the random one picked for Config.Seed 0).
func (s *Server) Seed() uint64 { return s.seed }

// Journal returns the journal the server appends to.
func (s *Server) Journal() *hookdrill.Journal { return s.journal }

// Clock returns the server's clock.
func (s *Server) Clock() clock.Clock { return s.clk }

// Close stops accepting triggers, cancels deliveries waiting to retry
// (recorded as cancelled), and waits for attempts in flight to finish. The
// HTTP API keeps answering reads. Close is idempotent.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	var err error
	if s.own != nil {
		err = s.own.Close()
	}
	s.live.Wait()
	if s.store != nil {
		s.mu.Lock()
		if serr := s.snapshotLocked(); serr != nil && !errors.Is(serr, ErrClosed) {
			s.logf("%v (the state log keeps every change)", serr)
		}
		s.mu.Unlock()
		if cerr := s.store.close(); cerr != nil && err == nil {
			err = cerr
		}
	}
	return err
}

// Drain stops accepting triggers, cancels the deliveries waiting to retry
// (recorded as cancelled) and gives the attempts in flight until ctx ends
// to finish by themselves; then it cancels them. It returns ctx's error
// when it had to cancel. Close the server after it.
func (s *Server) Drain(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	done := make(chan struct{})
	go func() {
		if s.own != nil {
			_ = s.own.Close() // cancels what waits, waits for what is in flight
		}
		s.live.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		s.cancel()
		<-done
		return ctx.Err()
	}
}

// Shutdown stops accepting triggers and waits until every delivery has
// ended by itself, retries included, or ctx is done; then it closes the
// server as Close does and returns ctx's error, if any.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	if err := s.Wait(ctx); err != nil {
		_ = s.Close()
		return err
	}
	return s.Close()
}

// Wait blocks until no delivery started by the server is live, or ctx ends.
func (s *Server) Wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() { s.live.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Reset forgets every secret, subscription, webhook, event log, resource
// and pair health, and empties the journal. The generator keeps going, so
// new ids differ from the old ones.
func (s *Server) Reset() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, oldHealth := s.st, s.health
	team, org, gen, seq := s.st.TeamID, s.st.OrganizationID, s.st.Generation, s.st.Seq
	s.st = newState()
	s.st.TeamID, s.st.OrganizationID, s.st.Generation, s.st.Seq = team, org, gen, seq
	s.health = map[prolific.Pair]prolific.PairHealth{}
	if err := s.commitLocked(walRec{Reset: true}); err != nil {
		s.st, s.health = old, oldHealth
		return err
	}
	s.events = map[string][]*eventRec{}
	s.studies, s.submissions, s.responses, s.projects = map[string]*resource{}, map[string]*resource{}, map[string]*resource{}, map[string]*resource{}
	s.journal.Reset()
	return nil
}

// logf writes one operational log line.
func (s *Server) logf(format string, a ...any) {
	fmt.Fprintf(s.cfg.Log, "hookdrill mock: "+format+"\n", a...)
}

// notice journals a platform-side action; s.mu may be held.
func (s *Server) notice(n hookdrill.Notice) {
	e := hookdrill.Entry{Kind: hookdrill.KindNotice, Notice: &n}
	if s.sim != nil {
		e.Sim = s.clk.Now()
	}
	s.journal.Append(e)
}

// Generators; s.mu must be held (s.rnd is not safe for concurrent use).

// hex24 returns a Mongo-ObjectId-like id: 24 lowercase hex characters.
func (s *Server) hex24() string { return fmt.Sprintf("%016x%08x", s.rnd.Uint64(), s.rnd.Uint32()) }

// token returns a 32-hex-character confirmation token (X-Hook-Secret).
func (s *Server) token() string { return fmt.Sprintf("%016x%016x", s.rnd.Uint64(), s.rnd.Uint64()) }

// secretValue returns 32 random bytes as base64url without padding (P19).
func (s *Server) secretValue() string {
	var b [32]byte
	for i := 0; i < 32; i += 8 {
		binary.LittleEndian.PutUint64(b[i:], s.rnd.Uint64())
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// uuid4 returns a random UUIDv4 string (Respondent's privateKey form, R8).
func (s *Server) uuid4() string {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], s.rnd.Uint64())
	binary.LittleEndian.PutUint64(b[8:], s.rnd.Uint64())
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func (s *Server) nextSeq() int64 {
	s.st.Seq++
	return s.st.Seq
}
