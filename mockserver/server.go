package mockserver

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/clock"
	"github.com/hookdrill/hookdrill/sender"
)

// Server is the core of the mock: the platforms' APIs (Config.Platforms),
// the control API, the journal, the clock, delivery and persistence. It is
// an http.Handler and safe for concurrent use. Build it with New; stop it
// with Close or Shutdown.
type Server struct {
	cfg     Config
	clk     clock.Clock
	sim     *clock.Sim // non-nil when cfg.Clock is a *clock.Sim
	journal *hookdrill.Journal
	disp    Dispatcher
	own     *sender.Sender // the built-in sender, closed by Close; nil with cfg.Dispatcher
	seed    uint64
	router  http.Handler
	plats   []Platform

	ctx    context.Context // governs every delivery; cancelled by Close
	cancel context.CancelFunc
	live   sync.WaitGroup // one count per delivery started and not yet done

	store        *store // nil without cfg.StatePath
	snapshotSize int64  // bytes of the last snapshot written; s.mu
	compactAt    int64  // log size from which it is folded into a snapshot (once larger than it)

	mu         sync.Mutex // guards everything below, and every platform's state
	closed     bool
	rnd        *rand.Rand
	generation uint64 // counts loads; seeds the generator so that ids made after a restart differ
	seq        int64  // creation order (Host.NextSeq)
	events     *eventStore
}

// New returns a Server for cfg. With cfg.StatePath it loads the state file
// (a missing file is an empty state; a corrupt one is an error).
func New(cfg Config) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	s := &Server{cfg: cfg, clk: cfg.Clock, journal: cfg.Journal, seed: cfg.Seed, plats: cfg.Platforms}
	s.events = newEventLog(s, cfg.EventLogLimit)
	if sim, ok := cfg.Clock.(*clock.Sim); ok {
		s.sim = sim
	}
	if s.seed == 0 {
		var b [8]byte
		_, _ = crand.Read(b[:])
		s.seed = binary.LittleEndian.Uint64(b[:])>>1 | 1
	}
	var loaded *loadedState
	if cfg.StatePath != "" {
		if err := checkStatePath(cfg.StatePath); err != nil {
			return nil, err
		}
		cleanTemps(cfg.StatePath)
		ls, err := loadState(cfg.StatePath, s.platformNames(), s.v1Migrators())
		if err != nil {
			return nil, err
		}
		if ls != nil {
			loaded = ls
			s.generation, s.seq = ls.generation+1, ls.seq
		}
	}
	s.rnd = rand.New(rand.NewPCG(s.seed, 0x6d6f636b^s.generation))
	var problems []string
	if loaded != nil {
		problems = append(problems, s.events.load(loaded.events)...)
	}
	for _, p := range s.plats {
		var saved *Saved
		if loaded != nil {
			saved = loaded.platforms[p.Name()]
		}
		if err := p.Attach(&Host{s: s, name: p.Name()}, saved); err != nil {
			var se *StateError
			if !errors.As(err, &se) {
				return nil, fmt.Errorf("mockserver: %s: %w", p.Name(), err)
			}
			problems = append(problems, se.Problem)
		}
	}
	s.events.retainPlatforms(s.platformNames())
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, fmt.Errorf("mockserver: state file %s: %w: %s (it was left untouched: fix it, or move it away to start empty)",
			cfg.StatePath, ErrCorruptState, strings.Join(problems, "; "))
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
		if cfg.CompactAt > 0 {
			s.compactAt = cfg.CompactAt
		}
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

// v1Migrators are the served platforms that migrate version-1 state.
func (s *Server) v1Migrators() []v1Migrator {
	var out []v1Migrator
	for _, p := range s.plats {
		if m, ok := p.(V1Migrator); ok {
			out = append(out, v1Migrator{name: p.Name(), m: m})
		}
	}
	return out
}

func (s *Server) platformNames() []string {
	out := make([]string, len(s.plats))
	for i, p := range s.plats {
		out[i] = p.Name()
	}
	return out
}

// Platform returns the plugged-in platform of that name (nil: none). The
// platform mock packages use it for their typed views of a server.
func (s *Server) Platform(name string) Platform {
	for _, p := range s.plats {
		if p.Name() == name {
			return p
		}
	}
	return nil
}

// Platforms returns the plugged-in platforms, in Config order.
func (s *Server) Platforms() []Platform { return append([]Platform(nil), s.plats...) }

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

// Reset forgets every platform's state (secrets, subscriptions, event
// logs, resources...) and empties the journal. The generator keeps going,
// so new ids differ from the old ones.
func (s *Server) Reset() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var undos []func()
	for _, p := range s.plats {
		if undo := p.Reset(); undo != nil {
			undos = append(undos, undo)
		}
	}
	if err := s.commitLocked(walRec{Reset: true}, nil); err != nil {
		for _, u := range undos {
			u()
		}
		return err
	}
	s.events.reset()
	s.journal.Reset()
	return nil
}

// logf writes one operational log line.
func (s *Server) logf(format string, a ...any) {
	fmt.Fprintf(s.cfg.Log, "hookdrill mock: "+format+"\n", a...)
}

// hex24 returns a Mongo-ObjectId-like id: 24 lowercase hex characters;
// s.mu must be held (s.rnd is not safe for concurrent use).
func (s *Server) hex24() string { return fmt.Sprintf("%016x%08x", s.rnd.Uint64(), s.rnd.Uint32()) }
