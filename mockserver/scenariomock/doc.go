// Package scenariomock adapts a mockserver.Server to the scenario runner's
// scenarios.MockAPI. Factory(makers...) is a scenarios.MockFactory: for
// each scenario it starts a server with the scenario platform's mock (the
// Maker of that name, from the platform's mock package; platform/all lists
// them) and delegates the scenario verbs to it (Platform). It lives in its
// own package so that mockserver does not import scenarios (and scenarios
// need not import mockserver): dependencies stay one-way.
//
//	cfg := scenarios.RunConfig{Mock: scenariomock.Factory(all.Mocks()...), ...}
//
// It must not import any platform package: platforms come in as Makers.
package scenariomock
