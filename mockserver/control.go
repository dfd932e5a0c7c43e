package mockserver

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/hookdrill/hookdrill"
)

// The control API, under ControlPrefix. It is for the tester, not for the
// code under test: JSON in and out (POSTs must say Content-Type:
// application/json), errors as {"error": "...", "detail": ...}; only
// requests whose Host is this server and whose Origin, if any, is the same
// are answered; with Config.ControlToken a bearer token is required.

// ClockState is the answer of GET /_hookdrill/clock.
type ClockState struct {
	Now time.Time `json:"now"`
	// Simulated is true on a *clock.Sim (advance works).
	Simulated bool `json:"simulated"`
	// PendingTimers counts scheduled timers (retries waiting) on a Sim.
	PendingTimers int `json:"pending_timers"`
}

// AdvanceRequest is the body of POST /_hookdrill/clock/advance: exactly
// one of By (a Go duration, e.g. "90m"), To (an RFC 3339 time) or
// UntilIdle (run every pending timer, however far away).
type AdvanceRequest struct {
	By        string    `json:"by,omitempty"`
	To        time.Time `json:"to,omitzero"`
	UntilIdle bool      `json:"until_idle,omitempty"`
}

// JournalPage is the answer of GET /_hookdrill/journal?format=json.
type JournalPage struct {
	Entries hookdrill.Snapshot `json:"entries"`
	// LastSeq is the highest sequence number seen (filtered or not): pass
	// it as since to poll for newer entries.
	LastSeq int64 `json:"last_seq"`
}

// Info is the answer of GET /_hookdrill/info.
type Info struct {
	// Seed reproduces every id and secret the server made: it is only
	// given on request (GET /_hookdrill/info?seed=1).
	Seed  uint64    `json:"seed,omitempty"`
	Clock string    `json:"clock"` // "sim" or "real"
	Now   time.Time `json:"now"`
	// Platforms describes each platform's API by name: its base path
	// ("base") and the settings it reports (Describer).
	Platforms map[string]map[string]any `json:"platforms"`
}

// MarshalJSON writes the answer with, besides "platforms", the keys of the
// earlier flat answer, so that clients written against it keep working:
// "<name>_base" for each platform, and each platform's settings at the top
// level (the first platform's, in name order, when two share a key).
func (i Info) MarshalJSON() ([]byte, error) {
	m := map[string]any{"clock": i.Clock, "now": i.Now, "platforms": i.Platforms}
	if i.Seed != 0 {
		m["seed"] = i.Seed
	}
	names := make([]string, 0, len(i.Platforms))
	for name := range i.Platforms {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		d := i.Platforms[name]
		if b, ok := d["base"]; ok {
			m[name+"_base"] = b
		}
		for k, v := range d {
			if _, taken := m[k]; !taken && k != "base" {
				m[k] = v
			}
		}
	}
	return json.Marshal(m)
}

// ClockState returns the clock's state.
func (s *Server) ClockState() ClockState {
	st := ClockState{Now: s.clk.Now(), Simulated: s.sim != nil}
	if s.sim != nil {
		st.PendingTimers = s.sim.Pending()
	}
	return st
}

// Info describes the server, without its seed (see Seed).
func (s *Server) Info() Info {
	c := "real"
	if s.sim != nil {
		c = "sim"
	}
	in := Info{Clock: c, Now: s.clk.Now(), Platforms: map[string]map[string]any{}}
	for _, p := range s.plats {
		d := map[string]any{}
		if ds, ok := p.(Describer); ok {
			for k, v := range ds.Describe() {
				d[k] = v
			}
		}
		d["base"] = p.Prefix()
		in.Platforms[p.Name()] = d
	}
	return in
}

func (s *Server) handleTrigger(w http.ResponseWriter, r *http.Request) {
	req, e := decodeTrigger(infoOf(r).body)
	if e != nil {
		s.writeError(w, r, e)
		return
	}
	res, err := s.Trigger(r.Context(), req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) handleClock(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.ClockState())
}

func (s *Server) handleAdvance(w http.ResponseWriter, r *http.Request) {
	if s.sim == nil {
		s.writeError(w, r, &Error{Status: http.StatusConflict,
			Detail: "the server runs on the wall clock; start it with a simulated clock (--clock sim) to advance time"})
		return
	}
	var req AdvanceRequest
	dec := json.NewDecoder(bytes.NewReader(infoOf(r).body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		s.writeError(w, r, BadRequest("body must be {\"by\": \"1h\"}, {\"to\": \"<RFC 3339>\"} or {\"until_idle\": true}: "+err.Error()))
		return
	}
	n := 0
	if req.By != "" {
		n++
	}
	if !req.To.IsZero() {
		n++
	}
	if req.UntilIdle {
		n++
	}
	if n != 1 {
		s.writeError(w, r, BadRequest("give exactly one of by, to, until_idle"))
		return
	}
	var err error
	switch {
	case req.By != "":
		d, perr := time.ParseDuration(req.By)
		if perr != nil || d < 0 {
			s.writeError(w, r, BadRequest("by must be a non-negative Go duration such as 90m or 48h"))
			return
		}
		err = s.sim.Advance(r.Context(), d)
	case !req.To.IsZero():
		err = s.sim.AdvanceTo(r.Context(), req.To)
	default:
		err = s.sim.RunUntilIdle(r.Context())
	}
	if err != nil {
		s.writeError(w, r, &Error{Status: http.StatusConflict, Detail: err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, s.ClockState())
}

func (s *Server) handleJournal(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var since int64
	if v := q.Get("since"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			s.writeError(w, r, BadRequest("since must be a non-negative integer"))
			return
		}
		since = n
	}
	format := q.Get("format")
	if format == "" {
		format = "json"
	}
	if format != "json" && format != "jsonl" {
		s.writeError(w, r, BadRequest("format must be json or jsonl"))
		return
	}
	snap := s.journal.Since(since)
	page := JournalPage{Entries: filterEntries(snap, q["kind"], q["delivery"]), LastSeq: since}
	if n := len(snap); n > 0 {
		page.LastSeq = snap[n-1].Seq
	}
	if format == "jsonl" {
		var buf bytes.Buffer
		if err := page.Entries.WriteJSONL(&buf); err != nil {
			s.writeError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/x-ndjson")
		w.Header().Set("X-Hookdrill-Last-Seq", strconv.FormatInt(page.LastSeq, 10))
		_, _ = w.Write(buf.Bytes())
		return
	}
	writeJSON(w, http.StatusOK, page)
}

// filterEntries keeps entries of the given kinds and deliveries (empty:
// any).
func filterEntries(snap hookdrill.Snapshot, kinds, deliveries []string) hookdrill.Snapshot {
	out := hookdrill.Snapshot{}
	for _, e := range snap {
		if len(kinds) > 0 && !contains(kinds, string(e.Kind)) {
			continue
		}
		if len(deliveries) > 0 {
			id := ""
			switch {
			case e.Attempt != nil:
				id = e.Attempt.DeliveryID
			case e.Delivery != nil:
				id = e.Delivery.DeliveryID
			}
			if !contains(deliveries, id) {
				continue
			}
		}
		out = append(out, e)
	}
	return out
}

func (s *Server) handleReset(w http.ResponseWriter, r *http.Request) {
	if err := s.Reset(); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"reset": true})
}

func (s *Server) handleInfo(w http.ResponseWriter, r *http.Request) {
	in := s.Info()
	if r.URL.Query().Get("seed") == "1" {
		in.Seed = s.seed
	}
	writeJSON(w, http.StatusOK, in)
}
