// Package wire holds the small helpers the platforms' wire profiles share:
// seeded fake values, id mutation, strict base64 MAC decoding, header
// reading and the catalogue errors. It is internal so that the profiles'
// public APIs stay the only contract.
//
// Imports: the root package and internal/suggest only. It must not import
// any platform package or any core package (sender, mockserver, scenarios,
// ...): the wire profiles import it.
package wire
