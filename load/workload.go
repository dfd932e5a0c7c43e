package load

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// Workload is what one platform contributes to load tests besides its
// wire profile: the event mix of a constant-rate run and its built-in
// profiles. Each platform's platform/<name>/loadprofile package returns
// one; platform/all lists them (all.LoadWorkloads).
type Workload struct {
	// Platform is the platform's name.
	Platform string
	// Mix is the event mix of a constant-rate run without Config.Events:
	// what a busy account of the platform receives.
	Mix Mix
	// Profiles are the platform's built-in profiles.
	Profiles []Profile
}

// Workloads are the workloads of several platforms, in order.
type Workloads []Workload

// Profiles returns every built-in profile, in order.
func (ws Workloads) Profiles() []Profile {
	var out []Profile
	for _, w := range ws {
		out = append(out, w.Profiles...)
	}
	return out
}

// Mix returns the default event mix of platform, and false when no
// workload has one.
func (ws Workloads) Mix(platform string) (Mix, bool) {
	for _, w := range ws {
		if w.Platform == platform && len(w.Mix) > 0 {
			return w.Mix, true
		}
	}
	return nil, false
}

// Profile is a built-in load profile: a seeded model of one platform's
// workload, with its default N and T.
type Profile struct {
	// Name is what --profile names, e.g. "study-fill".
	Name string
	// Description says what the profile models, in one line.
	Description string
	// Platform is the platform the profile is for.
	Platform string
	// Participants is the default N.
	Participants int
	// Span is the default T.
	Span time.Duration
	// Generate returns the deliveries of n participants over span,
	// drawing every random choice from r (so a seed reproduces them). The
	// order does not matter (the schedule is sorted by At, stably); Key
	// groups the items of one resource on one shard (see Item).
	Generate func(n int, span time.Duration, r *rand.Rand) []Item
}

// Scenario returns the profile as a Scenario to play with N participants
// (0: the default Participants), validated.
func (p Profile) Scenario(participants int) (*Scenario, error) {
	if p.Generate == nil {
		return nil, fmt.Errorf("profile %s: no generator", p.Name)
	}
	s := &Scenario{Name: p.Name, Description: p.Description, Platform: p.Platform, Participants: p.Participants,
		Span: p.Span, gen: p.Generate}
	if participants != 0 {
		s.Participants = participants
	}
	return s, s.Validate()
}
