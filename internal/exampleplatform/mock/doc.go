// Package mock is the example platform's mock API, a mockserver.Platform:
// a minimal webhook management API under /example/v1/ and the scenario
// verbs on it (Scenario, for mockserver/scenariomock).
//
//	POST   /example/v1/endpoints              {"url", "secret"?} → 201 endpoint, with its secret
//	GET    /example/v1/endpoints              → 200 {"data": [endpoint...]} (no secrets)
//	GET    /example/v1/endpoints/{id}         → 200 endpoint (no secret)
//	PATCH  /example/v1/endpoints/{id}         {"enabled"} → 200 endpoint
//	DELETE /example/v1/endpoints/{id}         → 204
//	POST   /example/v1/endpoints/{id}/test    {"status"?} → 202 {"event_id", "delivery_id"}
//	GET    /example/v1/endpoints/{id}/events  ?status= → 200 {"data": [...], "total"}
//
// Calls need "Authorization: Bearer <token>" (Options.APIToken; any
// non-empty token when unset). Errors are {"error": {"type", "message"}}.
// The control API's trigger sends an event to every enabled endpoint, each
// signed with the endpoint's own secret. Endpoints and the event log
// survive a restart with a state file.
//
// It imports mockserver, mockserver/scenariomock, scenarios, sender, the
// root package and the example wire profile; it must not import
// platform/all or another platform's packages. Being internal, only
// hookdrill's tests use it.
package mock
