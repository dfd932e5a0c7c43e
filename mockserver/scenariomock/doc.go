// Package scenariomock adapts a mockserver.Server to the scenario runner's
// scenarios.MockAPI: New is a scenarios.MockFactory. It lives in its own
// package so that mockserver does not import scenarios (and scenarios need
// not import mockserver): dependencies stay one-way.
//
//	cfg := scenarios.RunConfig{Mock: scenariomock.New, ...}
package scenariomock
