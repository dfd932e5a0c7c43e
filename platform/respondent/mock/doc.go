// Package mock is Respondent's mock management API, a mockserver.Platform
// (importers alias it respondentmock):
//
//   - the webhooks API under /v1/ (spec 4.1): one active webhook per team,
//     its event types, simulate (a real signed delivery with throwaway
//     resource ids unless Options.SimulateFetchable);
//   - the read-only /v1/projects/{projectId} and
//     /v1/projects/{projectId}/screener-responses/{id}, following the
//     events triggered for them;
//   - NestJS's validation wording, x-api-key/x-api-secret authentication,
//     Express's 404 for unrouted paths and NestJS's error shape;
//   - the trigger (to the active webhook), its part of the state file
//     (team, webhooks, resources), and Scenario, the scenariomock.Maker.
//
// New(Options) makes one; Of(srv) finds it in a server.
//
// It imports the core (mockserver, mockserver/scenariomock, scenarios,
// sender) and its own wire package (platform/respondent); it must not
// import another platform's packages.
package mock
