package mockserver

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sort"

	"github.com/gorilla/mux"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/platform/prolific"
	"github.com/hookdrill/hookdrill/sender"
)

// fakePlatform is the smallest platform the core can serve: hooks (a
// target URL and a signing secret each) created with POST /fake/hooks,
// listed with GET /fake/hooks, each hook's event log under
// GET /fake/hooks/{id}/events; a trigger sends the event to every hook. It
// signs with Prolific's wire profile (any profile would do) and answers
// errors as {"fake_error": "...", "status": N}.
type fakePlatform struct {
	h     *Host
	hooks map[string]*fakeHook // guarded by h.Lock
	// loadErr, when set, refuses any saved state (a platform's validation).
	loadErr error
	// optErr, when set, is a configuration error Attach reports.
	optErr error
}

type fakeHook struct {
	ID     string `json:"id"`
	URL    string `json:"url"`
	Secret string `json:"secret"`
	Seq    int64  `json:"seq"`
}

// fakeRecord is the fake's write-ahead log record.
type fakeRecord struct {
	Put     *fakeHook `json:"put,omitempty"`
	Deleted string    `json:"deleted,omitempty"`
}

var fakeProfile = prolific.New(prolific.Options{})

func newFake() *fakePlatform { return &fakePlatform{hooks: map[string]*fakeHook{}} }

func (f *fakePlatform) Name() string   { return "fake" }
func (f *fakePlatform) Prefix() string { return "/fake/" }

func (f *fakePlatform) Attach(h *Host, saved *Saved) error {
	if f.optErr != nil {
		return f.optErr
	}
	if f.h != nil {
		return errors.New("attached twice")
	}
	f.h = h
	if saved == nil {
		return nil
	}
	if f.loadErr != nil {
		return StateErrorf("%v", f.loadErr)
	}
	if len(saved.Section) > 0 {
		if err := json.Unmarshal(saved.Section, &f.hooks); err != nil {
			return StateErrorf("fake: %v", err)
		}
	}
	for _, raw := range saved.Records {
		if raw == nil {
			f.hooks = map[string]*fakeHook{}
			continue
		}
		var r fakeRecord
		if err := json.Unmarshal(raw, &r); err != nil {
			return StateErrorf("fake record: %v", err)
		}
		if r.Put != nil {
			f.hooks[r.Put.ID] = r.Put
		}
		if r.Deleted != "" {
			delete(f.hooks, r.Deleted)
		}
	}
	for id, hk := range f.hooks {
		if hk == nil || hk.ID != id || hk.Secret == "" {
			return StateErrorf("hook %q is invalid", id)
		}
	}
	h.Events().Retain(func(owner string) bool { _, ok := f.hooks[owner]; return ok })
	return nil
}

func (f *fakePlatform) Mount(r *mux.Router) {
	Route(r, f.Prefix(), "/hooks", f.handleCreate, http.MethodPost)
	Route(r, f.Prefix(), "/hooks", f.handleList, http.MethodGet)
	Route(r, f.Prefix(), "/hooks/{id}", f.handleDelete, http.MethodDelete)
	Route(r, f.Prefix(), "/hooks/{id}/events", f.handleEvents, http.MethodGet)
}

// create makes a hook (the Go API of POST /fake/hooks).
func (f *fakePlatform) create(url string) (fakeHook, error) {
	if url == "" || f.h.IsControlTarget(url) {
		return fakeHook{}, BadRequest("url: give a target outside the control API")
	}
	f.h.Lock()
	defer f.h.Unlock()
	hk := &fakeHook{ID: f.h.Hex24(), URL: url, Secret: f.h.Hex32(), Seq: f.h.NextSeq()}
	f.hooks[hk.ID] = hk
	if err := f.h.Commit(fakeRecord{Put: hk}); err != nil {
		delete(f.hooks, hk.ID)
		return fakeHook{}, err
	}
	return *hk, nil
}

func (f *fakePlatform) remove(id string) error {
	f.h.Lock()
	defer f.h.Unlock()
	hk, ok := f.hooks[id]
	if !ok {
		return NotFound("hook", id)
	}
	delete(f.hooks, id)
	if err := f.h.Commit(fakeRecord{Deleted: id}); err != nil {
		f.hooks[id] = hk
		return err
	}
	f.h.Events().Drop(id)
	return nil
}

func (f *fakePlatform) list() []fakeHook {
	f.h.Lock()
	defer f.h.Unlock()
	out := []fakeHook{}
	for _, hk := range f.hooks {
		out = append(out, *hk)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out
}

func (f *fakePlatform) events(id string, flt EventFilter) ([]LogRecord, int, error) {
	f.h.Lock()
	defer f.h.Unlock()
	if _, ok := f.hooks[id]; !ok {
		return nil, 0, NotFound("hook", id)
	}
	recs, n := f.h.Events().Query(id, flt)
	return recs, n, nil
}

func (f *fakePlatform) handleCreate(w http.ResponseWriter, r *http.Request) {
	fl, e := ParseObject(f.h.Body(r), StyleFields, 0)
	if e != nil {
		f.h.WriteError(w, r, e)
		return
	}
	fl.Known(false, "url")
	url := fl.Str("url", true)
	if e := fl.Err(); e != nil {
		f.h.WriteError(w, r, e)
		return
	}
	hk, err := f.create(url)
	if err != nil {
		f.h.WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, hk)
}

func (f *fakePlatform) handleList(w http.ResponseWriter, r *http.Request) {
	WriteJSON(w, http.StatusOK, f.list())
}

func (f *fakePlatform) handleDelete(w http.ResponseWriter, r *http.Request) {
	if err := f.remove(mux.Vars(r)["id"]); err != nil {
		f.h.WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (f *fakePlatform) handleEvents(w http.ResponseWriter, r *http.Request) {
	recs, n, err := f.events(mux.Vars(r)["id"], EventFilter{})
	if err != nil {
		f.h.WriteError(w, r, err)
		return
	}
	type view struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	out := struct {
		Events []view `json:"events"`
		Count  int    `json:"count"`
	}{Events: []view{}, Count: n}
	for _, e := range recs {
		out.Events = append(out.Events, view{e.ID, string(e.Status)})
	}
	WriteJSON(w, http.StatusOK, out)
}

func (f *fakePlatform) Trigger(ctx context.Context, req TriggerRequest) (TriggerResult, error) {
	h := f.h
	h.Lock()
	if h.Closed() {
		h.Unlock()
		return TriggerResult{}, ClosedError()
	}
	now := h.Now()
	ev, err := fakeProfile.NewEvent(req.Spec(), h.Rand(), now)
	if err != nil {
		h.Unlock()
		fe := FieldErrors{}
		fe.Add("event_type", "%v", err)
		return TriggerResult{}, fe.Err(0)
	}
	res := TriggerResult{Event: ev, Deliveries: []Dispatched{}}
	var jobs []Job
	for _, hk := range f.hooks {
		rec := &LogRecord{Owner: hk.ID, ID: ev.ID, EventType: ev.Type, ResourceID: ev.ResourceID, TargetURL: hk.URL,
			Created: now, Updated: now, Payload: ev.Payload}
		h.Events().Append(rec)
		jobs = append(jobs, Job{Record: rec,
			Delivery: sender.Delivery{Event: ev, Profile: fakeProfile,
				Target: hookdrill.Target{URL: hk.URL, Secret: hookdrill.Secret(hk.Secret)}, Tags: []string{"mock", "hook:" + hk.ID}},
			Out: Dispatched{EventID: ev.ID, SubscriptionID: hk.ID, TargetURL: hookdrill.RedactURL(hk.URL)}})
	}
	h.Reserve(len(jobs))
	h.Unlock()
	res.Deliveries = h.Start(jobs)
	return res, nil
}

func (f *fakePlatform) Unrouted(r *http.Request, notAllowed bool) *Error {
	if notAllowed {
		return &Error{Status: http.StatusMethodNotAllowed, Detail: "no such method"}
	}
	return &Error{Status: http.StatusNotFound, Detail: "no such fake route " + r.URL.Path}
}

func (f *fakePlatform) WriteError(w http.ResponseWriter, r *http.Request, e *Error) {
	WriteJSON(w, e.Status, map[string]any{"fake_error": e.Messages(), "status": e.Status})
}

func (f *fakePlatform) KnownSecrets() []string {
	var out []string
	for _, hk := range f.hooks {
		out = append(out, hk.Secret)
	}
	return out
}

func (f *fakePlatform) Save() (json.RawMessage, error) { return json.Marshal(f.hooks) }

func (f *fakePlatform) Reset() func() {
	old := f.hooks
	f.hooks = map[string]*fakeHook{}
	return func() { f.hooks = old }
}

func (f *fakePlatform) Describe() map[string]any { return map[string]any{"flavour": "plain"} }
