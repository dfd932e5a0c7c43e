package load

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/platform"
)

// Scenario is a load profile to play: a built-in model of a platform
// workload (a Profile, see Profile.Scenario and Workloads.LookupProfile) or
// a custom one read from YAML (ParseScenario).
type Scenario struct {
	// Name is the built-in's name or the file's name field.
	Name string `json:"name" yaml:"name"`
	// Description says what the profile models.
	Description string `json:"description,omitempty" yaml:"description"`
	// Platform is the platform the profile is for.
	Platform string `json:"platform" yaml:"platform"`
	// Participants is N for the built-in profiles.
	Participants int `json:"participants,omitempty" yaml:"-"`
	// Span is how long the schedule lasts (T); Config.Duration overrides
	// it for the built-ins.
	Span time.Duration `json:"span" yaml:"-"`
	// Phases of a custom profile.
	Phases []Phase `json:"phases,omitempty" yaml:"-"`
	// File is the file a custom profile came from.
	File string `json:"file,omitempty" yaml:"-"`

	gen func(n int, span time.Duration, r *rand.Rand) []Item
}

// Phase is one stretch of a custom profile: Count deliveries (or Rate
// for its length) from Start to End, each an event drawn from Mix.
type Phase struct {
	Name    string        `json:"name,omitempty"`
	Start   time.Duration `json:"start"`
	End     time.Duration `json:"end"`
	Count   int           `json:"count,omitempty"`
	Rate    Rate          `json:"-"`
	Arrival string        `json:"arrival"` // even or random
	Mix     Mix           `json:"mix"`
	Line    int           `json:"line,omitempty"`
}

// Arrival patterns of a Phase.
const (
	ArrivalEven   = "even"   // evenly spaced
	ArrivalRandom = "random" // uniformly at random over the phase (seeded): bursts and gaps
)

// LookupProfile returns the built-in profile name of ws with N
// participants (0: the profile's default).
func (ws Workloads) LookupProfile(name string, participants int) (*Scenario, error) {
	for _, p := range ws.Profiles() {
		if p.Name == name {
			return p.Scenario(participants)
		}
	}
	var names []string
	for _, p := range ws.Profiles() {
		names = append(names, p.Name)
	}
	return nil, fmt.Errorf("unknown profile %q (built-in: %s; or a YAML file)", name, strings.Join(names, ", "))
}

// Validate reports a profile that cannot be played.
func (s *Scenario) Validate() error {
	if s.gen != nil {
		if s.Participants < 1 || s.Participants > MaxParticipants {
			return fmt.Errorf("profile %s: participants must be between 1 and %d, got %d", s.Name, MaxParticipants, s.Participants)
		}
		return nil
	}
	if len(s.Phases) == 0 {
		return fmt.Errorf("profile %s: no phases", s.Name)
	}
	return nil
}

// Schedule builds the schedule a run of the profile plays on platform
// with seed, sorted by due time and numbered (Item.Seq), and its span;
// span, when not 0, overrides a built-in profile's.
func (s *Scenario) Schedule(platform string, seed uint64, span time.Duration) ([]Item, time.Duration, error) {
	return s.items(platform, seed, span)
}

// items builds the schedule.
func (s *Scenario) items(platform string, seed uint64, override time.Duration) ([]Item, time.Duration, error) {
	if s.Platform != "" && s.Platform != platform {
		return nil, 0, fmt.Errorf("profile %s is for %s, not %s", s.Name, s.Platform, platform)
	}
	r := rand.New(rand.NewPCG(seed, 0x70726f66)) // "prof"
	if s.gen != nil {
		span := s.Span
		if override != 0 {
			span = override
		}
		items := s.gen(s.Participants, span, r)
		sortItems(items)
		return items, span, nil
	}
	var items []Item
	for pi, p := range s.Phases {
		n := p.Count
		if n == 0 {
			n = int(p.Rate.PerSecond() * (p.End - p.Start).Seconds())
		}
		pick := newPicker(p.Mix)
		width := p.End - p.Start
		for k := range n {
			at := p.Start + time.Duration(float64(width)*float64(k)/float64(n))
			if p.Arrival == ArrivalRandom {
				at = p.Start + time.Duration(r.Int64N(int64(width)))
			}
			e := pick.pick(r)
			items = append(items, Item{At: at, Key: uint64(pi)<<40 | uint64(k),
				Spec: hookdrill.EventSpec{Type: e.Event, Status: e.Status, Extra: e.Extra}})
		}
	}
	sortItems(items)
	// Keys spread a phase's items over the shards in order.
	for i := range items {
		items[i].Key = items[i].Seq
	}
	return items, s.Span, nil
}

// ObjectID draws a 24-hex id from r, for profile generators.
func ObjectID(r *rand.Rand) string {
	const hex = "0123456789abcdef"
	var b [24]byte
	x, y := r.Uint64(), r.Uint64()
	for i := range 12 {
		b[i] = hex[x>>(4*i)&15]
		b[12+i] = hex[y>>(4*i)&15]
	}
	return string(b[:])
}

// Frac returns f of span, for profile generators.
func Frac(span time.Duration, f float64) time.Duration { return time.Duration(float64(span) * f) }

// Between draws a uniform time in [a, b) of span from r, for profile
// generators.
func Between(r *rand.Rand, span time.Duration, a, b float64) time.Duration {
	return Frac(span, a+(b-a)*r.Float64())
}

// ScenarioVersion is the custom profile format version.
const ScenarioVersion = 1

// fileScenario is the YAML form of a custom profile.
type fileScenario struct {
	Version     int         `yaml:"version"`
	Name        string      `yaml:"name"`
	Description string      `yaml:"description"`
	Platform    string      `yaml:"platform"`
	Phases      []filePhase `yaml:"phases"`
}

type filePhase struct {
	Name    string    `yaml:"name"`
	Start   string    `yaml:"start"`
	End     string    `yaml:"end"`
	Count   int       `yaml:"count"`
	Rate    string    `yaml:"rate"`
	Arrival string    `yaml:"arrival"`
	Send    *MixEntry `yaml:"send"`
	Mix     Mix       `yaml:"mix"`
}

// ErrBadScenario is wrapped by ParseScenario errors.
var ErrBadScenario = errors.New("bad load profile")

// ParseScenario reads a custom profile (format version 1):
//
//	version: 1
//	name: nightly-approvals
//	platform: prolific
//	phases:
//	  - name: approvals
//	    start: 0s
//	    end: 30s
//	    rate: 50/s            # or count: 1500
//	    arrival: even         # or random (seeded)
//	    send: {event: submission.status.change, status: APPROVED}
//	  - start: 30s
//	    end: 40s
//	    count: 200
//	    mix:                  # weighted choice instead of send
//	      - {event: study.progress.change, weight: 1}
//	      - {event: submission.status.change, status: RETURNED, weight: 3}
//
// send and mix entries take the scenario vocabulary (event, status,
// extra). Decoding is strict: unknown fields and wrong types are errors;
// every error names file:line. platform must be a name of platforms; the
// platform's catalogue checks event types and statuses when the run
// starts.
func ParseScenario(file string, data []byte, platforms *platform.Registry) (*Scenario, error) {
	fail := func(line int, format string, a ...any) error {
		return fmt.Errorf("%w: %s:%d: %s", ErrBadScenario, file, line, fmt.Sprintf(format, a...))
	}
	if platforms == nil {
		return nil, fmt.Errorf("%w: %s: no platforms to check its platform against (platforms is nil)", ErrBadScenario, file)
	}
	if len(data) > 1<<20 {
		return nil, fail(1, "larger than 1 MiB")
	}
	var fs fileScenario
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&fs); err != nil {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		msg = strings.TrimPrefix(msg, "unmarshal errors:\n")
		msg, _, _ = strings.Cut(strings.TrimSpace(msg), "\n") // the first problem
		line := 1
		if rest, ok := strings.CutPrefix(msg, "line "); ok {
			num, text, _ := strings.Cut(rest, ":")
			if n, err := strconv.Atoi(num); err == nil {
				line, msg = n, strings.TrimSpace(text)
			}
		}
		msg = strings.NewReplacer(" in type load.fileScenario", "", " in type load.filePhase", "", " in type load.MixEntry", "",
			"load.filePhase", "phase", "load.MixEntry", "event", "load.Mix", "mix").Replace(msg)
		return nil, fail(line, "%s", msg)
	}
	var root yaml.Node
	_ = yaml.Unmarshal(data, &root) // decoded above: it parses
	pos := func(path ...any) int { return lineOf(&root, path...) }
	if fs.Version != ScenarioVersion {
		return nil, fail(pos("version"), "version: want %d, got %d", ScenarioVersion, fs.Version)
	}
	if !platforms.Has(fs.Platform) {
		return nil, fail(pos("platform"), "platform: want %s, got %q", orList(platforms.Names()), fs.Platform)
	}
	if len(fs.Phases) == 0 {
		return nil, fail(pos("phases"), "phases: at least one phase is required")
	}
	if len(fs.Phases) > 1000 {
		return nil, fail(pos("phases"), "phases: more than 1000")
	}
	s := &Scenario{Name: fs.Name, Description: fs.Description, Platform: fs.Platform, File: file}
	if s.Name == "" {
		s.Name = file
	}
	var total int
	for i, fp := range fs.Phases {
		at := func(field string) int { return pos("phases", i, field) }
		p := Phase{Name: fp.Name, Arrival: fp.Arrival, Line: pos("phases", i)}
		var err error
		if p.Start, err = parseOffset(fp.Start, true); err != nil {
			return nil, fail(at("start"), "phases[%d].start: %v", i, err)
		}
		if p.End, err = parseOffset(fp.End, false); err != nil {
			return nil, fail(at("end"), "phases[%d].end: %v", i, err)
		}
		if p.End <= p.Start {
			return nil, fail(at("end"), "phases[%d].end %s: must be after start %s", i, p.End, p.Start)
		}
		if p.End-p.Start < MinDuration {
			return nil, fail(at("end"), "phases[%d]: shorter than %s", i, MinDuration)
		}
		switch {
		case fp.Count != 0 && fp.Rate != "":
			return nil, fail(at("rate"), "phases[%d]: set count or rate, not both", i)
		case fp.Count < 0 || fp.Count > MaxProfileDeliveries:
			return nil, fail(at("count"), "phases[%d].count: must be between 1 and %d, got %d", i, MaxProfileDeliveries, fp.Count)
		case fp.Count > 0:
			p.Count = fp.Count
		case fp.Rate != "":
			if p.Rate, err = ParseRate(fp.Rate); err != nil || p.Rate.Max {
				if err == nil {
					err = errors.New("max is not a rate a profile can schedule")
				}
				return nil, fail(at("rate"), "phases[%d].rate: %v", i, err)
			}
			p.Count = int(p.Rate.PerSecond() * (p.End - p.Start).Seconds())
			if p.Count < 1 {
				return nil, fail(at("rate"), "phases[%d].rate %s: no delivery falls in %s", i, p.Rate, p.End-p.Start)
			}
		default:
			return nil, fail(at("start"), "phases[%d]: count or rate is required", i)
		}
		total += p.Count
		if total > MaxProfileDeliveries {
			return nil, fail(at("count"), "more than %d deliveries in all", MaxProfileDeliveries)
		}
		switch p.Arrival {
		case "":
			p.Arrival = ArrivalEven
		case ArrivalEven, ArrivalRandom:
		default:
			return nil, fail(at("arrival"), "phases[%d].arrival: want even or random, got %q", i, p.Arrival)
		}
		switch {
		case fp.Send != nil && len(fp.Mix) > 0:
			return nil, fail(at("mix"), "phases[%d]: set send or mix, not both", i)
		case fp.Send != nil:
			p.Mix = Mix{*fp.Send}
		case len(fp.Mix) > 0:
			p.Mix = fp.Mix
		default:
			return nil, fail(at("start"), "phases[%d]: send or mix is required", i)
		}
		for j := range p.Mix {
			e := &p.Mix[j]
			line := at("send")
			if fp.Send == nil {
				line = pos("phases", i, "mix", j)
			}
			if e.Event == "" {
				return nil, fail(line, "phases[%d]: event is required", i)
			}
			if e.Weight < 0 || e.Weight > 1_000_000 {
				return nil, fail(line, "phases[%d]: weight must be between 1 and 1000000, got %d", i, e.Weight)
			}
			if e.Weight == 0 {
				e.Weight = 1
			}
		}
		s.Phases = append(s.Phases, p)
		s.Span = max(s.Span, p.End)
	}
	if s.Span > MaxDuration {
		return nil, fail(pos("phases"), "the phases last %s, longer than %s", s.Span, MaxDuration)
	}
	return s, nil
}

// parseOffset reads a phase boundary: a Go duration, 0 allowed for start.
func parseOffset(s string, zeroOK bool) (time.Duration, error) {
	if s == "" {
		if zeroOK {
			return 0, nil
		}
		return 0, errors.New("required (e.g. 30s)")
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration (e.g. 500ms, 30s, 10m)", s)
	}
	if d < 0 || d > MaxDuration {
		return 0, fmt.Errorf("%s: must be between 0 and %s", d, MaxDuration)
	}
	return d, nil
}

// lineOf follows path (mapping keys and sequence indexes) from the
// document root and returns the line of the node found, or of the
// deepest node reached.
func lineOf(root *yaml.Node, path ...any) int {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := max(n.Line, 1)
	for _, p := range path {
		switch k := p.(type) {
		case string:
			if n.Kind != yaml.MappingNode {
				return line
			}
			found := false
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == k {
					line, n, found = n.Content[i].Line, n.Content[i+1], true
					break
				}
			}
			if !found {
				return line
			}
		case int:
			if n.Kind != yaml.SequenceNode || k >= len(n.Content) {
				return line
			}
			n = n.Content[k]
			line = n.Line
		}
	}
	return line
}

// orList joins names as "a", "a or b", "a, b or c".
func orList(names []string) string {
	switch len(names) {
	case 0:
		return "a platform name"
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
