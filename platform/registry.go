package platform

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hookdrill/hookdrill"
)

// Identifier is implemented by a Profile whose events name an identity of
// their resource that stays the same across every event about it (e.g. the
// participant of a submission). The scenario runner keeps it stable when a
// later step sends another event about the same resource.
type Identifier interface {
	// IdentityKey returns the EventSpec.Extra key of the identity events of
	// eventType carry, and false for types without one.
	IdentityKey(eventType string) (key string, ok bool)
	// Identity returns the identity ev carries, and false when it has none.
	Identity(ev hookdrill.Event) (value string, ok bool)
}

// Registry is an immutable set of platform profiles, by name. The core
// packages take one instead of naming platforms: the list itself lives in
// platform/all, and tests build registries with extra platforms.
type Registry struct {
	names []string // sorted
	ctors map[string]func() hookdrill.Profile
}

// NewRegistry returns a registry of the profiles the constructors build
// (each called once to learn its name, then once per Lookup). Two
// constructors of the same name, or an empty name, are an error.
func NewRegistry(ctors ...func() hookdrill.Profile) (*Registry, error) {
	r := &Registry{ctors: map[string]func() hookdrill.Profile{}}
	for _, c := range ctors {
		if c == nil {
			return nil, errors.New("platform registry: nil constructor")
		}
		name := c().Name()
		if name == "" || name != strings.ToLower(name) || strings.ContainsAny(name, " \t\n/") {
			return nil, fmt.Errorf("platform registry: bad platform name %q (want one lower-case word)", name)
		}
		if _, dup := r.ctors[name]; dup {
			return nil, fmt.Errorf("platform registry: platform %q registered twice", name)
		}
		r.ctors[name] = c
		r.names = append(r.names, name)
	}
	slices.Sort(r.names)
	return r, nil
}

// MustRegistry is NewRegistry for fixed lists; it panics on an error, which
// is a programming mistake in the list.
func MustRegistry(ctors ...func() hookdrill.Profile) *Registry {
	r, err := NewRegistry(ctors...)
	if err != nil {
		panic(err)
	}
	return r
}

// Names returns the platform names, sorted.
func (r *Registry) Names() []string {
	if r == nil {
		return nil
	}
	return append([]string(nil), r.names...)
}

// Has reports whether the registry knows name.
func (r *Registry) Has(name string) bool {
	if r == nil {
		return false
	}
	_, ok := r.ctors[name]
	return ok
}

// Lookup returns a fresh profile of the named platform with default
// options. An unknown name is an error wrapping ErrUnknownPlatform that
// lists the valid names. Names are matched exactly (lower case).
func (r *Registry) Lookup(name string) (hookdrill.Profile, error) {
	if r != nil {
		if c, ok := r.ctors[name]; ok {
			return c(), nil
		}
	}
	return nil, fmt.Errorf("platform lookup: %w %q (valid: %s)", ErrUnknownPlatform, name, strings.Join(r.Names(), ", "))
}

// ForEventType names the platform whose documented catalogue has
// eventType (the platforms' vocabularies must not overlap), or "" and false.
func (r *Registry) ForEventType(eventType string) (string, bool) {
	for _, name := range r.Names() {
		p, _ := r.Lookup(name)
		for _, et := range p.EventTypes() {
			if et.Name == eventType {
				return name, true
			}
		}
	}
	return "", false
}

// IdentityKey returns the EventSpec.Extra key of the identity an event of
// eventType names for its resource on the named platform (see Identifier).
func (r *Registry) IdentityKey(platform, eventType string) (string, bool) {
	p, err := r.Lookup(platform)
	if err != nil {
		return "", false
	}
	if id, ok := p.(Identifier); ok {
		return id.IdentityKey(eventType)
	}
	return "", false
}

// Identity returns the identity ev names for its resource (see Identifier)
// and its Extra key; ok is false for events without one.
func (r *Registry) Identity(ev hookdrill.Event) (key, value string, ok bool) {
	p, err := r.Lookup(ev.Platform)
	if err != nil || ev.ResourceID == "" {
		return "", "", false
	}
	id, isID := p.(Identifier)
	if !isID {
		return "", "", false
	}
	if key, ok = id.IdentityKey(ev.Type); !ok {
		return "", "", false
	}
	value, ok = id.Identity(ev)
	if !ok {
		return "", "", false
	}
	return key, value, true
}
