package mockserver

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/clock"
	"github.com/hookdrill/hookdrill/platform/prolific"
	"github.com/hookdrill/hookdrill/platform/respondent"
	"github.com/hookdrill/hookdrill/sender"
)

// Dispatcher starts deliveries. *sender.Sender satisfies it; the scenario
// runner passes one that also tracks each delivery.
type Dispatcher interface {
	Deliver(ctx context.Context, d sender.Delivery) (*sender.Handle, error)
}

// CreateShape is the body shape of a successful create-subscription call
// (spec 1.5, P4).
type CreateShape string

// Create-subscription body shapes.
const (
	// ShapeObject is a single SubscriptionDetail object, as Prolific's own
	// CLI and MCP server decode it (the live API). The default.
	ShapeObject CreateShape = "object"
	// ShapeResults is the documented SubscriptionList {"results": [...]}.
	ShapeResults CreateShape = "results"
)

// HealthFrom selects what the Prolific disabling policy observes (spec 2.8).
type HealthFrom string

// Observation sources for the disabling policy.
const (
	// HealthFromAttempts observes every delivery attempt (the default): a
	// day with any failed request and no 2xx is a failing day.
	HealthFromAttempts HealthFrom = "attempts"
	// HealthFromDeliveries observes only deliveries that ended (SUCCEEDED
	// after any attempt, FAILED when retries ran out).
	HealthFromDeliveries HealthFrom = "deliveries"
)

// Defaults of Config. Every [INF] choice of spec section 5 that the mock
// makes is one of these, and each is a Config field.
const (
	// DefaultCreateShape is the create-subscription body (P4).
	DefaultCreateShape = ShapeObject
	// DefaultMaxBodyBytes bounds request bodies; larger ones get 413 [INF].
	DefaultMaxBodyBytes = 1 << 20
	// DefaultEventsLimit is the events list page size when limit is absent
	// (spec 1.10).
	DefaultEventsLimit = 100
	// MaxEventsLimit is the largest events limit accepted (spec 1.10).
	MaxEventsLimit = 1000
	// DefaultSubmissionsPageSize is the page size of GET
	// /api/v1/submissions/ without page_size (its documented default).
	DefaultSubmissionsPageSize = 20
	// MaxSubmissionsPageSize caps page_size [INF].
	MaxSubmissionsPageSize = 1000
	// DefaultEventLogLimit is how many event-log records each
	// subscription and webhook keeps (Config.EventLogLimit) [INF].
	DefaultEventLogLimit = 1000
	// DefaultHealthFrom is what the disabling policy observes [INF, 2.8].
	DefaultHealthFrom = HealthFromAttempts
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
	// Token pins the Prolific API token (Authorization: Token <t>). Empty
	// accepts any non-empty token.
	Token string
	// ControlToken, when set, is required by the control API as
	// Authorization: Bearer <token>. `hookdrill serve` sets it (to --token)
	// when it listens on a non-loopback address.
	ControlToken string
	// ControlHosts are the host names (no port) the control API accepts in
	// the Host header besides loopback names and addresses (localhost,
	// 127.0.0.1, [::1]); "*" accepts any. Anything else is refused 403, so a
	// web page cannot reach the control API through DNS rebinding.
	ControlHosts []string
	// RespondentAPIKey and RespondentAPISecret pin the x-api-key and
	// x-api-secret headers. Empty accepts any non-empty value.
	RespondentAPIKey    string
	RespondentAPISecret string
	// StrictTargets rejects Prolific target URLs the real API rejects:
	// anything but https to a public host (spec 1.5). Off by default: http
	// and loopback targets are accepted (local receivers are the point) and
	// the server logs once that it does.
	StrictTargets bool
	// CreateShape is the create-subscription body shape (P4); default
	// ShapeObject.
	CreateShape CreateShape
	// AllowUnknownFields accepts request bodies with fields the endpoint
	// does not define (ignored, as Django REST framework does). Off by
	// default: unknown fields are a 400 naming them, which catches typos
	// such as "workspaceId" [INF].
	AllowUnknownFields bool
	// ReuseConfirmToken lets a confirmed subscription be confirmed again
	// with its X-Hook-Secret token: an idempotent 200 that changes nothing
	// (the reading of spec 1.7). Default false: the token is single-use
	// (spec 1.11 and the section-5 default P16), so a second confirmation is
	// a 400 on "secret" with error_code CodeBadConfirmSecret.
	ReuseConfirmToken bool
	// SimulateFetchable makes the screener responses announced by
	// POST /v1/webhooks/{id}/simulate fetchable from
	// GET /v1/projects/{projectId}/screener-responses/{id}. Default false:
	// simulate uses random, throwaway resource ids (spec 4.1), so fetching
	// them is a 404, as on the platform. Events from the control API's
	// trigger are always fetchable.
	SimulateFetchable bool
	// EventLogLimit is how many event-log records each subscription and
	// webhook keeps, newest first (in memory, and in the state file with
	// StatePath); older ones are dropped. Default DefaultEventLogLimit.
	EventLogLimit int
	// FailedOnEachAttempt flips an event-log record to FAILED after every
	// failed attempt (back to SUCCEEDED on a later 2xx). Default false:
	// PENDING until success or exhaustion (P11).
	FailedOnEachAttempt bool
	// DisablePolicy is Prolific's persistent-failure policy (spec 2.8);
	// zero fields take the documented 3-day notice, 5-day disable.
	DisablePolicy prolific.DisablePolicy
	// HealthFrom selects what the disabling policy observes; default
	// HealthFromAttempts.
	HealthFrom HealthFrom
	// Prolific and Respondent are the platform profiles that build, encode
	// and sign events. Default: prolific.New and respondent.New with
	// ProlificOptions and RespondentOptions.
	Prolific   hookdrill.Profile
	Respondent hookdrill.Profile
	// ProlificOptions and RespondentOptions configure the default profiles.
	ProlificOptions   prolific.Options
	RespondentOptions respondent.Options
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
}

// Validate reports every setting that cannot work.
func (c Config) Validate() error {
	var errs []error
	switch c.CreateShape {
	case "", ShapeObject, ShapeResults:
	default:
		errs = append(errs, fmt.Errorf("create_shape %q: valid: %q, %q", c.CreateShape, ShapeObject, ShapeResults))
	}
	switch c.HealthFrom {
	case "", HealthFromAttempts, HealthFromDeliveries:
	default:
		errs = append(errs, fmt.Errorf("health_from %q: valid: %q, %q", c.HealthFrom, HealthFromAttempts, HealthFromDeliveries))
	}
	if c.EventLogLimit < 0 {
		errs = append(errs, fmt.Errorf("event_log_limit must not be negative, got %d", c.EventLogLimit))
	}
	if c.MaxBodyBytes < 0 {
		errs = append(errs, fmt.Errorf("max_body_bytes must not be negative, got %d", c.MaxBodyBytes))
	}
	if err := c.DisablePolicy.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := c.ProlificOptions.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := c.RespondentOptions.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.Prolific != nil && c.Prolific.Name() != prolific.Name {
		errs = append(errs, fmt.Errorf("prolific profile is named %q", c.Prolific.Name()))
	}
	if c.Respondent != nil && c.Respondent.Name() != respondent.Name {
		errs = append(errs, fmt.Errorf("respondent profile is named %q", c.Respondent.Name()))
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
	if c.CreateShape == "" {
		c.CreateShape = DefaultCreateShape
	}
	if c.HealthFrom == "" {
		c.HealthFrom = DefaultHealthFrom
	}
	if c.EventLogLimit == 0 {
		c.EventLogLimit = DefaultEventLogLimit
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.Prolific == nil {
		c.Prolific = prolific.New(c.ProlificOptions)
	}
	if c.Respondent == nil {
		c.Respondent = respondent.New(c.RespondentOptions)
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
	if c.StateFS == nil {
		c.StateFS = OSStateFS{}
	}
	return c
}
