// Package mockserver mocks the webhook management APIs of Prolific and
// Respondent, wired to a delivery engine, so that code written against the
// real platforms can be developed and tested locally.
//
// A Server (New(Config)) is an http.Handler (gorilla/mux) that answers:
//
//   - Prolific's hooks API under /api/v1/hooks/ (spec section 1): event
//     types, workspace secrets, subscriptions with the X-Hook-Secret
//     confirmation handshake, PATCH/DELETE, and each subscription's event
//     log; plus the read-only resources receivers fetch after an event:
//     /api/v1/studies/{id}/, a study's submissions (list and counts),
//     /api/v1/submissions/ and /api/v1/submissions/{id}/, in the shapes of
//     Prolific's OpenAPI schemas, with seeded fake values for what no
//     event sets (resources.go).
//   - Respondent's webhooks API under /v1/ (spec 4.1): one webhook per team,
//     event types, simulate; plus the read-only /v1/projects/{projectId}
//     and /v1/projects/{projectId}/screener-responses/{id}.
//   - A control API under /_hookdrill/: trigger an event, read or advance
//     the clock, read the journal, reset. Client calls it.
//
// Triggered events go only to confirmed, enabled subscriptions (or the
// active webhook) through a Dispatcher (*sender.Sender by default), signed
// with the workspace's current secret, retried on the platform's schedule on
// the server's clock.Clock. Each Prolific event-log record moves from
// PENDING to SUCCEEDED or FAILED with the real outcome, and Prolific's
// persistent-failure policy (platform/prolific.DisablePolicy) disables every
// subscription of a failing (target URL, event type) pair, recording the
// day-3 notice and the disabling as journal notices.
//
// Everything the spec leaves open is a Config field with a documented
// default (the Default* constants). Every API call, attempt and platform
// action is appended to the hookdrill.Journal (request bodies with every
// secret redacted; JournalFile appends it to a file as it goes). With
// Config.StatePath, secrets, subscriptions, webhooks and pair health
// survive restarts: each change is an fsynced write-ahead log record before
// it is answered, and a change that cannot be saved is undone and answered
// 503. Event logs (the newest Config.EventLogLimit records per subscription
// and webhook) and read-only resources survive too, written in batches
// nobody waits for (persist_events.go).
//
// Requests are validated as the real APIs validate them (Django REST
// framework's token keyword and JSON content negotiation, null fields,
// workspace id shape), and TestSpecDrift validates every answer of both
// APIs against the OpenAPI documents in testdata/openapi, with the
// departures listed in testdata/openapi/departures.yml.
//
// The control API refuses what a browser could send on a web page's behalf
// (non-JSON POSTs, foreign Host or Origin), needs Config.ControlToken when
// set, and no target URL may lead into it.
//
// The same operations are available from Go (CreateSecret,
// CreateSubscription, Trigger, Events, ...), which is what the scenario
// runner's adapter, package mockserver/scenariomock, uses.
package mockserver
