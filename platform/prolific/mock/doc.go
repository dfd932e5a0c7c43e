// Package mock is Prolific's mock management API, a mockserver.Platform
// (importers alias it prolificmock):
//
//   - the hooks API under /api/v1/hooks/ (spec section 1): event types,
//     workspace secrets, subscriptions with the X-Hook-Secret confirmation
//     handshake, PATCH/DELETE, and each subscription's event log (the
//     core's EventLog in Prolific's EventRecord shape);
//   - the read-only resources receivers fetch after an event: studies, a
//     study's submissions (list and counts), submissions, in the shapes of
//     Prolific's OpenAPI schemas, with seeded fake values for what no
//     event sets;
//   - Django REST framework's validation, token authentication, content
//     negotiation and Prolific's {"error": {...}} error shape with its
//     error_code values;
//   - the trigger: every confirmed, enabled subscription of the event type
//     gets its own X-Event-ID, and the persistent-failure policy
//     (prolific.DisablePolicy) notices and disables failing pairs;
//   - its part of the state file (secrets, subscriptions, pair health,
//     resources);
//   - Scenario, the scenariomock.Maker that gives the scenario runner the
//     scenario verbs (subscribe, disable, rotate the secret, inspect).
//
// New(Options) makes one; Of(srv) finds it in a server. TestSpecDrift
// checks every answer against the OpenAPI documents in testdata/openapi,
// with the departures listed in testdata/openapi/departures.yml.
//
// It imports the core (mockserver, mockserver/scenariomock, scenarios,
// sender) and its own wire package (platform/prolific); it must not import
// another platform's packages (tests may, to serve both on one server).
package mock
