// Package specguard is the spec-drift guard the platform mocks' tests
// share: it validates a mock's answers with kin-openapi (openapi3 +
// openapi3filter, JSON Schema 2020-12 for OpenAPI 3.1 documents) against
// the platform's API document, with object schemas made strict
// (additionalProperties: false) so that a field the document does not have
// is drift too, and keeps account of the departures (departures.yml: what
// the mock answers on purpose otherwise, each with its reason) and of the
// (route, status) pairs validated.
//
// It is for tests only; it imports no platform package.
package specguard
