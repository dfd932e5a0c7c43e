package mockserver

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/clock"
	"github.com/hookdrill/hookdrill/sender"
)

// Dispatcher starts deliveries. *sender.Sender satisfies it; the scenario
// runner passes one that also tracks each delivery.
type Dispatcher interface {
	Deliver(ctx context.Context, d sender.Delivery) (*sender.Handle, error)
}

// Defaults of Config.
const (
	// DefaultMaxBodyBytes bounds request bodies; larger ones get 413 [INF].
	DefaultMaxBodyBytes = 1 << 20
	// DefaultEventLogLimit is how many event-log records each
	// subscription (or webhook) keeps (Config.EventLogLimit) [INF].
	DefaultEventLogLimit = 1000
	// DefaultRecordBodyBytes bounds the request body kept per API call in
	// the journal.
	DefaultRecordBodyBytes = 1024
)

// Config configures a Server. The zero value of every field picks the
// documented default (see the Default* constants), so Config{} is a working
// mock on the wall clock.
type Config struct {
	// Clock is the server's clock: event times, the event log, retries of
	// the built-in sender, and the disabling policy's days. Default
	// clock.Real{}. The control API advances it when it is a *clock.Sim.
	Clock clock.Clock
	// Journal receives an api_call entry per management API call, notices
	// (secret rotation, day-3 notice, auto-disable) and, with the built-in
	// sender, every attempt and delivery. Default: a new Journal.
	Journal *hookdrill.Journal
	// Dispatcher delivers events. Default: a *sender.Sender on Clock and
	// Journal seeded with Seed, owned (and closed) by the Server.
	Dispatcher Dispatcher
	// TLSConfig is used by the built-in sender (e.g. InsecureSkipVerify
	// for a receiver with a self-signed certificate).
	TLSConfig *tls.Config
	// Seed makes ids, secrets and generated events reproducible. 0 picks a
	// random seed; Server.Seed reports it.
	Seed uint64
	// ControlToken, when set, is required by the control API as
	// Authorization: Bearer <token>. `hookdrill serve` sets it (to --token)
	// when it listens on a non-loopback address.
	ControlToken string
	// ControlHosts are the host names (no port) the control API accepts in
	// the Host header besides loopback names and addresses (localhost,
	// 127.0.0.1, [::1]); "*" accepts any. Anything else is refused 403, so a
	// web page cannot reach the control API through DNS rebinding.
	ControlHosts []string
	// EventLogLimit is how many event-log records each owner (a
	// subscription, a webhook) keeps, newest first (in memory, and in the state file with
	// StatePath); older ones are dropped. Default DefaultEventLogLimit.
	EventLogLimit int
	// FailedOnEachAttempt flips an event-log record to FAILED after every
	// failed attempt (back to SUCCEEDED on a later 2xx). Default false:
	// PENDING until success or exhaustion (P11).
	FailedOnEachAttempt bool
	// MaxBodyBytes bounds request bodies; larger ones are answered 413.
	// Default DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// StatePath, when set, keeps secrets, subscriptions, webhooks, pair
	// health, event logs (EventLogLimit records each) and the read-only
	// resources in this JSON file: loaded by New (a corrupt file is an error,
	// never replaced; a symlink or read-only file is refused) with its
	// write-ahead log StatePath+".wal". A change is answered only once it
	// is durable; a change that cannot be saved is undone and answered 503.
	StatePath string
	// StateFS is the file system the state is written through. Default
	// OSStateFS.
	StateFS StateFS
	// JournalDurable, when set, is called with the sequence number of each
	// API call's journal entry before the answer is sent (e.g.
	// JournalFile.WaitWritten), so an answered call is on disk.
	JournalDurable func(seq int64) error
	// Log receives operational messages (one line each). Default: discarded.
	Log io.Writer
	// CompactAt is the state log size, in bytes, from which the log is
	// folded into a new snapshot (once it is also larger than the last
	// snapshot). Default 1 MiB.
	CompactAt int64
	// Platforms are the platforms' mock APIs the server answers, each
	// under its own URL prefix (platform/all.Mocks builds one of each).
	// The first is the default platform of a trigger without one. Each
	// value serves one Server.
	Platforms []Platform
}

// Validate reports every setting that cannot work.
func (c Config) Validate() error {
	var errs []error
	if c.EventLogLimit < 0 {
		errs = append(errs, fmt.Errorf("event_log_limit must not be negative, got %d", c.EventLogLimit))
	}
	if c.MaxBodyBytes < 0 {
		errs = append(errs, fmt.Errorf("max_body_bytes must not be negative, got %d", c.MaxBodyBytes))
	}
	seen := map[string]bool{}
	for i, p := range c.Platforms {
		switch {
		case p == nil:
			errs = append(errs, fmt.Errorf("platforms[%d] is nil", i))
			continue
		case seen[p.Name()]:
			errs = append(errs, fmt.Errorf("platform %q given twice", p.Name()))
		case !strings.HasPrefix(p.Prefix(), "/") || !strings.HasSuffix(p.Prefix(), "/") || p.Prefix() == "/" ||
			strings.HasPrefix(ControlPrefix, p.Prefix()) || strings.HasPrefix(p.Prefix(), ControlPrefix):
			errs = append(errs, fmt.Errorf("platform %q: prefix %q must be /name/ and not the control API's", p.Name(), p.Prefix()))
		}
		for _, q := range c.Platforms[:i] {
			if q != nil && (strings.HasPrefix(p.Prefix(), q.Prefix()) || strings.HasPrefix(q.Prefix(), p.Prefix())) {
				errs = append(errs, fmt.Errorf("platforms %q and %q: prefixes %q and %q overlap", q.Name(), p.Name(), q.Prefix(), p.Prefix()))
			}
		}
		seen[p.Name()] = true
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("mockserver config: %w", err)
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.Clock == nil {
		c.Clock = clock.Real{}
	}
	if c.Journal == nil {
		c.Journal = hookdrill.NewJournal()
	}
	if c.EventLogLimit == 0 {
		c.EventLogLimit = DefaultEventLogLimit
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
	if c.StateFS == nil {
		c.StateFS = OSStateFS{}
	}
	return c
}
