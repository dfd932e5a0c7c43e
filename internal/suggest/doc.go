// Package suggest finds the valid name a user probably meant, for the
// "did you mean" of error messages: commands and flags (cmd/hookdrill),
// bug names (receiver.ParseBugs) and statuses (the platforms' checks).
package suggest
