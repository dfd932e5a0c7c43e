// Package mockserver is the core of hookdrill's mock platform APIs: one
// http.Handler (Server, New(Config)) that serves each plugged-in
// platform's management API under its own path prefix, plus the shared
// machinery they all use. It names no platform: each one comes in as a
// Platform value in Config.Platforms (platform/<name>/mock builds them;
// platform/all lists them).
//
// The core owns:
//
//   - routing (gorilla/mux, no path cleaning or redirects, one optional
//     trailing slash), body limits and UTF-8 checks, and the journal's
//     api_call entry per platform API call, with every secret redacted
//     (field names that look secret, and every secret the platforms report
//     through Platform.KnownSecrets);
//   - errors: *Error, written in the shape of the platform whose prefix the
//     path is under (Platform.WriteError; unrouted paths answer in that
//     platform's shape too), and the control API's own shape;
//   - the control API under /_hookdrill/ (trigger, clock, clock/advance,
//     journal, reset, info), its defences against browsers (Host, Origin,
//     Sec-Fetch-Site, JSON content type, optional bearer token), and
//     Client, which calls it;
//   - the delivery lifecycle: a Dispatcher (*sender.Sender by default),
//     the count of live deliveries, Close, Drain, Shutdown and Wait;
//   - seeded id generation (Host.Hex24, UUID4, ...), so the same seed gives
//     the same ids, secrets and events;
//   - the event log (EventLog, LogRecord): per owner, what was sent, moving
//     from PENDING to SUCCEEDED or FAILED with the real outcome, queried with
//     a filter and paging; platforms own its views;
//   - persistence with Config.StatePath: a snapshot (each platform's state
//     is an opaque section) and a write-ahead log whose records are tagged
//     with the platform's name; a change is answered only once durable, one
//     that cannot be saved is undone and answered 503 (ErrNotDurable), and a
//     corrupt file is an error (ErrCorruptState), never replaced; a
//     version-1 file (before the platform split) is migrated on load through
//     the platforms' optional V1Migrator (migrate.go);
//   - JournalFile, which appends the journal to a file as it grows.
//
// A platform plugs in through Platform (its routes on the server's
// *mux.Router, its trigger, its error shape, its secrets, its state) and
// gets a *Host: the server's lock, clock, journal notices, ids,
// persistence, event log and delivery.
//
// The package must not import any platform package (platform/...) nor
// scenarios: platforms depend on it, never the reverse.
package mockserver
