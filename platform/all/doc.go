// Package all is the registry of every platform hookdrill knows: the one
// place that lists them. cmd/hookdrill imports it; the core packages never
// do (they take what they need from it: a *platform.Registry of wire
// profiles, mock APIs, reference receivers, conformance suites, load
// profiles). Adding a platform is one folder under platform/ plus one
// entry in Platforms.
//
// It may import every platform package and the core packages; nothing but
// cmd/hookdrill and tests may import it.
package all
