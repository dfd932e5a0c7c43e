package mockserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Version-1 state files (written before the mock was split into a core
// and platform plug-ins) are migrated on load: the core reads its own
// fields (generation, seq, event logs, resets) and hands every platform
// that implements V1Migrator the whole version-1 snapshot and each log
// record, to take out its part as a version-2 section and records. The
// result goes through each platform's Attach like a version-2 file (same
// checks), and the snapshot New writes at start is version 2: the old
// file is replaced atomically only once that is durable, and its log is
// emptied only after.
//
// Nothing is dropped silently: a version-1 field that no served platform
// claims (V1Migrator.V1Fields) and that holds anything is ErrCorruptState,
// as a version-2 section of a platform the server does not serve is.

// V1Migrator is implemented by a platform whose state was kept in
// version-1 state files. Version 1 had one flat object for every platform;
// its "resources" field (by kind, then key, in the snapshot; a list of
// {"kind","key","resource"} in log records) and "resource_seq" were shared.
// Version-1 event logs were keyed by owner alone: the core offers each to
// every migrating platform under that platform's key, and Attach keeps
// those of its own owners (EventLog.Retain), as after any load. A reset
// record becomes a nil Saved record of every platform (the core's part).
type V1Migrator interface {
	// V1Fields names the platform's top-level fields of a version-1
	// snapshot and log record; "resources.<kind>" claims one kind of the
	// shared resources. Several platforms may claim "resource_seq".
	V1Fields() []string
	// MigrateV1 returns the platform's version-2 section for a version-1
	// snapshot (the whole object); nil when it holds nothing of the
	// platform's. PickV1 does the usual work.
	MigrateV1(snapshot json.RawMessage) (json.RawMessage, error)
	// MigrateV1Record returns the platform's version-2 log record for a
	// version-1 log record (the whole object); nil when it holds nothing
	// of the platform's.
	MigrateV1Record(record json.RawMessage) (json.RawMessage, error)
}

// The core's fields of version 1.
var (
	v1SnapshotCore = []string{"version", "generation", "seq", "events"}
	v1RecordCore   = []string{"seq", "reset", "events"}
)

// v1ResourcesField is the version-1 field shared by kind.
const v1ResourcesField = "resources"

// PickV1 returns the fields of a version-1 object (a snapshot or a log
// record) that fields names, as one JSON object; "resources.<kind>" keeps
// that kind of the shared resources (both layouts). It returns nil when
// none is there.
func PickV1(obj json.RawMessage, fields []string) (json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(obj, &m); err != nil {
		return nil, err
	}
	out := map[string]json.RawMessage{}
	var kinds []string
	for _, f := range fields {
		if k, ok := strings.CutPrefix(f, v1ResourcesField+"."); ok {
			kinds = append(kinds, k)
			continue
		}
		if v, ok := m[f]; ok && !emptyJSON(v) {
			out[f] = v
		}
	}
	if v, ok := m[v1ResourcesField]; ok && len(kinds) > 0 && !emptyJSON(v) {
		kept, err := filterKinds(v, func(k string) bool { return slices.Contains(kinds, k) })
		if err != nil {
			return nil, fmt.Errorf("%s: %w", v1ResourcesField, err)
		}
		if !emptyJSON(kept) {
			out[v1ResourcesField] = kept
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	return json.Marshal(out)
}

// filterKinds keeps the resources of kinds keep accepts: an object by kind
// (snapshot) or a list of {"kind",…} (log record).
func filterKinds(v json.RawMessage, keep func(string) bool) (json.RawMessage, error) {
	switch t := bytes.TrimSpace(v); {
	case len(t) > 0 && t[0] == '{':
		var byKind map[string]json.RawMessage
		if err := json.Unmarshal(t, &byKind); err != nil {
			return nil, err
		}
		for k := range byKind {
			if !keep(k) {
				delete(byKind, k)
			}
		}
		return json.Marshal(byKind)
	case len(t) > 0 && t[0] == '[':
		var items []json.RawMessage
		if err := json.Unmarshal(t, &items); err != nil {
			return nil, err
		}
		out := []json.RawMessage{}
		for _, it := range items {
			var k struct {
				Kind string `json:"kind"`
			}
			if err := json.Unmarshal(it, &k); err != nil {
				return nil, err
			}
			if keep(k.Kind) {
				out = append(out, it)
			}
		}
		return json.Marshal(out)
	}
	return nil, fmt.Errorf("want an object or a list, got %.20s", v)
}

// emptyJSON reports whether v holds nothing (null, {}, [], "", 0, false):
// a field that is dropped loses no data.
func emptyJSON(v json.RawMessage) bool {
	switch string(bytes.TrimSpace(v)) {
	case "", "null", "{}", "[]", `""`, "0", "false":
		return true
	}
	t := bytes.TrimSpace(v)
	if len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		var x any
		if json.Unmarshal(t, &x) == nil {
			switch x := x.(type) {
			case map[string]any:
				return len(x) == 0
			case []any:
				return len(x) == 0
			}
		}
	}
	return false
}

// v1Migrators are the served platforms that migrate version-1 state, in
// the server's order.
type v1Migrator struct {
	name string
	m    V1Migrator
}

// checkV1Fields refuses a field of a version-1 object that neither the
// core nor a served platform claims and that holds something.
func checkV1Fields(obj map[string]json.RawMessage, core []string, migs []v1Migrator) error {
	claimed := map[string]bool{}
	var kinds []string
	for _, mg := range migs {
		for _, f := range mg.m.V1Fields() {
			if k, ok := strings.CutPrefix(f, v1ResourcesField+"."); ok {
				kinds = append(kinds, k)
			} else {
				claimed[f] = true
			}
		}
	}
	var problems []string
	for f, v := range obj {
		switch {
		case slices.Contains(core, f) || claimed[f] || emptyJSON(v):
		case f == v1ResourcesField:
			rest, err := filterKinds(v, func(k string) bool { return !slices.Contains(kinds, k) })
			if err != nil {
				problems = append(problems, fmt.Sprintf("field %q: %v", f, err))
			} else if !emptyJSON(rest) {
				problems = append(problems, fmt.Sprintf("field %q holds kinds no served platform keeps: %s", f, rest))
			}
		default:
			problems = append(problems, fmt.Sprintf("field %q belongs to no served platform", f))
		}
	}
	sort.Strings(problems)
	if len(problems) > 0 {
		return fmt.Errorf("version 1: %s", strings.Join(problems, "; "))
	}
	return nil
}

// decodeFields decodes the fields of obj that dst names, refusing
// unknown fields inside them.
func decodeFields(obj map[string]json.RawMessage, dst map[string]any) error {
	names := make([]string, 0, len(dst))
	for f := range dst {
		names = append(names, f)
	}
	sort.Strings(names)
	for _, f := range names {
		v, ok := obj[f]
		if !ok {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(v))
		dec.DisallowUnknownFields()
		if err := dec.Decode(dst[f]); err != nil {
			return fmt.Errorf("field %q: %w", f, err)
		}
	}
	return nil
}

// v1Events are version-1 event logs, by owner (no platform in the key).
type v1Events map[string][]*storedEvent

// migrateV1Snapshot fills ls from a version-1 snapshot b.
func migrateV1Snapshot(b []byte, ls *loadedState, migs []v1Migrator) (v1Events, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return nil, err
	}
	if err := checkV1Fields(obj, v1SnapshotCore, migs); err != nil {
		return nil, err
	}
	var core struct {
		Generation uint64
		Seq        int64
		Events     v1Events
	}
	if err := decodeFields(obj, map[string]any{"generation": &core.Generation, "seq": &core.Seq, "events": &core.Events}); err != nil {
		return nil, err
	}
	ls.generation, ls.seq = core.Generation, core.Seq
	evs := v1Events{}
	for owner, log := range core.Events {
		for _, e := range log {
			if e != nil {
				e.Key = ""
				evs[owner] = append(evs[owner], e)
			}
		}
	}
	for _, mg := range migs {
		sec, err := mg.m.MigrateV1(b)
		if err != nil {
			return nil, fmt.Errorf("version 1, %s: %w", mg.name, err)
		}
		ls.platforms[mg.name].Section = sec
	}
	return evs, nil
}

// v1Record is a version-1 log record's core part.
type v1Record struct {
	seq    int64
	reset  bool
	events []*storedEvent
	raw    json.RawMessage
}

// decodeV1Record reads one version-1 log line.
func decodeV1Record(line []byte, migs []v1Migrator) (*v1Record, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(line, &obj); err != nil {
		return nil, err
	}
	if err := checkV1Fields(obj, v1RecordCore, migs); err != nil {
		return nil, err
	}
	var core struct {
		Seq    int64
		Reset  bool
		Events []*storedEvent
	}
	if err := decodeFields(obj, map[string]any{"seq": &core.Seq, "reset": &core.Reset, "events": &core.Events}); err != nil {
		return nil, err
	}
	for _, e := range core.Events {
		if e != nil {
			e.Key = ""
		}
	}
	return &v1Record{seq: core.Seq, reset: core.Reset, events: core.Events, raw: append(json.RawMessage(nil), line...)}, nil
}

// applyV1Records replays version-1 log records onto ls (its platforms'
// records, seq) and evs (event logs by owner); it reports whether a reset
// was among them.
func applyV1Records(recs []*v1Record, ls *loadedState, evs v1Events, migs []v1Migrator) (bool, error) {
	reset := false
	for i, r := range recs {
		if r.reset {
			reset = true
			for _, p := range ls.platforms {
				p.Records = append(p.Records, nil)
			}
			clear(evs)
		}
		if r.seq > ls.seq {
			ls.seq = r.seq
		}
		for _, mg := range migs {
			rec, err := mg.m.MigrateV1Record(r.raw)
			if err != nil {
				return false, fmt.Errorf("record %d, %s: %w", i+1, mg.name, err)
			}
			if len(rec) > 0 {
				p := ls.platforms[mg.name]
				p.Records = append(p.Records, rec)
			}
		}
		applyEvents(evs, r.events, nil)
	}
	return reset, nil
}

// placeV1Events puts version-1 event logs (by owner) into ls under every
// migrating platform's key: each platform's Attach keeps the logs of its
// own owners (EventLog.Retain), as version 1 kept the logs of owners that
// still existed.
func placeV1Events(evs v1Events, ls *loadedState, migs []v1Migrator) {
	for owner, log := range evs {
		for _, mg := range migs {
			k := mg.name + "/" + owner
			puts := make([]*storedEvent, 0, len(log))
			for _, e := range log {
				c := *e
				c.Key = k
				puts = append(puts, &c)
			}
			applyEvents(ls.events, puts, nil)
		}
	}
}
