// Package wire holds the small helpers both platform profiles share: seeded
// fake values, id mutation, strict base64 MAC decoding, header reading and
// the catalogue errors. It is internal so that the profiles' public APIs stay
// the only contract.
package wire
