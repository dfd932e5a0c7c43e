package mock

import (
	"encoding/json"
	"github.com/hookdrill/hookdrill/platform/internal/mocktest"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

var bodySeeds = []string{
	``, `{}`, `[]`, `null`, `"x"`, `{"workspace_id": "aaaaaaaaaaaaaaaaaaaaaaaa"}`, `{"workspace_id": 1}`,
	`{"workspace_id": "aaaaaaaaaaaaaaaaaaaaaaaa", "event_type": "study.status.change", "target_url": "https://x.example"}`,
	`{"secret": "abc"}`, `{"secret": null}`, `{"is_enabled": true}`, `{"is_enabled": "true"}`,
	`{"target_url": "http://[::1"}`, `{"url": "https://x.example"}`, `{"event": "PROJECTS.UPDATED"}`,
	`{"event_type": "submission.status.change", "payload": {"a": [1, {"b": null}]}}`, `{"extra": {"a": 1}}`,
	`{"a":` + strings.Repeat("[", 300), "\xff\xfe",
}

func FuzzDecoders(f *testing.F) {
	for _, s := range bodySeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		check := func(e *Error) {
			if e != nil && (e.Status < 400 || e.Status >= 500) {
				t.Fatalf("status %d for %q", e.Status, b)
			}
		}
		_, e := decodeCreateSecret(b, false)
		check(e)
		_, e = decodeCreateSubscription(b, false)
		check(e)
		_, e = decodeConfirm(b, true)
		check(e)
		_, e = decodeUpdate(b, false)
		check(e)
	})
}

func FuzzQueries(f *testing.F) {
	for _, s := range []string{"", "limit=0", "limit=1000&offset=3", `status=["FAILED","PENDING"]`, "status=[", "is_enabled=yes", "offset=-1&limit=x",
		"study=a&status=awaiting_review&completed=T&page=2&page_size=5", "study=a&page=last&ordering=-started_at",
		"study=a&submitted_from=31/12/2025&page=0", "ordering=-status&page_size=-3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		if f, e := parseEventsQuery(q); e == nil && (f.Limit < 1 || f.Limit > MaxEventsLimit || f.Offset < 0) {
			t.Fatalf("accepted %+v from %q", f, raw)
		}
		if _, e := parseSubscriptionsQuery(q); e != nil && e.Status != 400 {
			t.Fatalf("status %d", e.Status)
		}
		sq, e := parseSubmissionsQuery(q)
		switch {
		case e != nil && e.Status != 400 && e.Status != 404:
			t.Fatalf("submissions: status %d for %q", e.Status, raw)
		case e == nil && (sq.StudyID == "" || sq.PageSize < 1 || sq.PageSize > MaxSubmissionsPageSize || (sq.Page < 1 && sq.Page != -1)):
			t.Fatalf("submissions: accepted %+v from %q", sq, raw)
		}
		if _, e := parseStudySubmissionsQuery("s", q); e != nil && e.Status != 400 {
			t.Fatalf("study submissions: status %d", e.Status)
		}
	})
}

// FuzzHandler sends arbitrary bodies with arbitrary Content-Types to every
// writing endpoint: never a 5xx, always a JSON body (or none).
func FuzzHandler(f *testing.F) {
	for i, s := range bodySeeds {
		f.Add(i, "application/json", []byte(s))
	}
	f.Add(0, "text/plain", []byte(`{"workspace_id": "aaaaaaaaaaaaaaaaaaaaaaaa"}`))
	f.Add(1, "", []byte(`{}`))
	f.Add(3, "application/json; charset=\"", []byte(`{}`))
	srv, err := newServer(Config{Seed: 1, Dispatcher: &mocktest.Dispatcher{}})
	if err != nil {
		f.Fatal(err)
	}
	srv.cfg.Dispatcher.(*mocktest.Dispatcher).Clock = srv.clk
	_, _ = srv.CreateSecret("aaaaaaaaaaaaaaaaaaaaaaaa", "")
	sub, _, _ := srv.CreateSubscription("aaaaaaaaaaaaaaaaaaaaaaaa", "study.status.change", "https://x.example/h")
	hook, _ := srv.CreateWebhook("https://x.example/r", "")
	targets := []struct{ method, path string }{
		{"POST", "/api/v1/hooks/secrets/"}, {"POST", "/api/v1/hooks/subscriptions/"},
		{"POST", "/api/v1/hooks/subscriptions/" + sub.ID + "/"}, {"PATCH", "/api/v1/hooks/subscriptions/" + sub.ID + "/"},
		{"POST", "/v1/webhooks"}, {"POST", "/v1/webhooks/" + hook.ID + "/simulate"}, {"POST", "/_hookdrill/trigger"},
		{"POST", "/_hookdrill/clock/advance"},
	}
	f.Fuzz(func(t *testing.T, which int, ct string, b []byte) {
		tg := targets[uint(which)%uint(len(targets))]
		req := httptest.NewRequest(tg.method, tg.path, strings.NewReader(string(b)))
		req.Header.Set("Authorization", "Token t")
		req.Header.Set("x-api-key", "k")
		req.Header.Set("x-api-secret", "s")
		req.Header.Set("Content-Type", ct)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", tg.method, tg.path, b, rec.Code, rec.Body)
		}
		if rec.Body.Len() > 0 && !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("invalid JSON answer %q", rec.Body)
		}
	})
}
