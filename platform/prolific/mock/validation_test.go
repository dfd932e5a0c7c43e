package mock

import (
	"encoding/json"
	"net/http"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// prolificErr decodes Prolific's error shape.
func prolificErr(t *testing.T, b []byte) prolificErrorDetail {
	t.Helper()
	var pe struct {
		Error prolificErrorDetail `json:"error"`
	}
	require.NoError(t, json.Unmarshal(b, &pe), "%s", b)
	require.NotZero(t, pe.Error.Status, "not Prolific's error shape: %s", b)
	return pe.Error
}

// TestPatchNullIsEnabled: null is refused like any other non-boolean
// (it used to answer 200 and disable the subscription).
func TestPatchNullIsEnabled(t *testing.T) {
	e := newEnv(t, Config{})
	sub := e.subscribe(testWS, "study.status.change", "https://x.example/h")
	for _, body := range []string{`{"is_enabled": null}`, `{"event_type": null}`, `{"target_url": null}`} {
		resp, b := e.do("PATCH", "/api/v1/hooks/subscriptions/"+sub.ID+"/", body)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode, "%s: %s", body, b)
		tassert.Contains(t, string(b), "may not be null", body)
	}
	got, err := e.srv.Subscription(sub.ID)
	require.NoError(t, err)
	tassert.True(t, got.IsEnabled, "a refused PATCH changes nothing")
}

// TestTokenKeywordCaseInsensitive: DRF's TokenAuthentication compares the
// keyword case-insensitively and splits on white space.
func TestTokenKeywordCaseInsensitive(t *testing.T) {
	e := newEnv(t, Config{Token: "pinned"})
	tests := []struct {
		auth string
		want int
		msg  string
	}{
		{"Token pinned", 200, ""},
		{"token pinned", 200, ""},
		{"TOKEN pinned", 200, ""},
		{"tOkEn \t pinned", 200, ""},
		{"Token", 401, "No credentials provided"},
		{"Token pinned extra", 401, "should not contain spaces"},
		{"Token other", 401, "Invalid token."},
		{"Bearer pinned", 401, "not provided"},
		{"Tokenpinned", 401, "not provided"},
	}
	for _, tc := range tests {
		resp, b := e.do("GET", "/api/v1/hooks/event-types/", "", "Authorization", tc.auth)
		require.Equal(t, tc.want, resp.StatusCode, "%q: %s", tc.auth, b)
		if tc.want != 200 {
			tassert.Contains(t, prolificErr(t, b).Detail, tc.msg, tc.auth)
		}
	}
}

// TestContentNegotiation: bodies are parsed by media type as DRF's
// JSONParser (Prolific) and Express's json() (Respondent) do.
func TestContentNegotiation(t *testing.T) {
	e := newEnv(t, Config{})
	body := `{"workspace_id": "` + testWS + `"}`
	tests := []struct {
		name, ct string
		want     int
		contains string
	}{
		{"json", "application/json", 201, ""},
		{"json charset", "application/json; charset=UTF-8", 201, ""},
		{"json upper case", "Application/JSON", 201, ""},
		{"text", "text/plain", 415, `Unsupported media type \"text/plain\" in request.`},
		{"form", "application/x-www-form-urlencoded", 415, "Unsupported media type"},
		{"vendor json", "application/vnd.api+json", 415, "Unsupported media type"},
		{"garbage", ";;;", 415, "Unsupported media type"},
		// No Content-Type: DRF reads no data, so the field is missing.
		{"none", "", 400, "This field is required."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hdr := []string{"Authorization", "Token " + testToken}
			resp, b := e.do("POST", "/api/v1/hooks/secrets/", body, append(hdr, "Content-Type", tc.ct)...)
			require.Equal(t, tc.want, resp.StatusCode, "%s", b)
			if tc.want >= 400 {
				pe := prolificErr(t, b)
				tassert.Equal(t, tc.want, pe.Status)
				raw, _ := json.Marshal(pe.Detail)
				tassert.Contains(t, string(raw), tc.contains)
			}
		})
	}
	// A GET, and a DELETE without a body, are never refused for their type.
	resp, _ := e.do("GET", "/api/v1/hooks/event-types/", "", "Authorization", "Token t", "Content-Type", "text/plain")
	tassert.Equal(t, 200, resp.StatusCode)

	// Respondent: Express ignores a non-JSON body; Nest's validation sees {}.
	resp, b := e.do("POST", "/v1/webhooks", `{"url": "https://x.example/h"}`,
		"x-api-key", "K", "x-api-secret", "S", "Content-Type", "text/plain")
	require.Equal(t, 400, resp.StatusCode, "%s", b)
	tassert.Contains(t, string(b), "url should not be empty")
	resp, b = e.do("POST", "/v1/webhooks", `{"url": "https://x.example/h"}`,
		"x-api-key", "K", "x-api-secret", "S", "Content-Type", "application/json; charset=utf-8")
	require.Equal(t, 201, resp.StatusCode, "%s", b)
}

// TestDoubledTrailingSlashIsNotCreate: hooks/subscriptions// has an empty
// id; it is a 404, and creates nothing.
func TestDoubledTrailingSlashIsNotCreate(t *testing.T) {
	e := newEnv(t, Config{})
	e.json("POST", "/api/v1/hooks/secrets/", `{"workspace_id": "`+testWS+`"}`, 201, nil)
	body := `{"workspace_id": "` + testWS + `", "event_type": "study.status.change", "target_url": "https://x.example/h"}`
	for _, p := range []string{"/api/v1/hooks/subscriptions//", "/api/v1/hooks/subscriptions///", "/api/v1/hooks/secrets//"} {
		resp, b := e.do("POST", p, body)
		require.Equal(t, http.StatusNotFound, resp.StatusCode, "%s: %s", p, b)
		tassert.Equal(t, 404, prolificErr(t, b).Status)
	}
	subs, _ := e.srv.Subscriptions(testWS, false, 0, 0)
	tassert.Empty(t, subs)
	// One trailing slash stays optional.
	e.json("POST", "/api/v1/hooks/subscriptions", body, 201, nil)
}

// TestWorkspaceIDShape: a workspace id is a 24-hex ObjectId; anything else
// is a 400 in Prolific's error shape naming workspace_id.
func TestWorkspaceIDShape(t *testing.T) {
	e := newEnv(t, Config{})
	target := `", "event_type": "study.status.change", "target_url": "https://x.example/h"}`
	for _, ws := range []string{"w", "63722982f9cc073ecc730f6", "63722982f9cc073ecc730f6bb", "63722982f9cc073ecc730f6g", "../../etc/passwd"} {
		calls := []struct{ method, path, body string }{
			{"POST", "/api/v1/hooks/secrets/", `{"workspace_id": "` + ws + `"}`},
			{"GET", "/api/v1/hooks/secrets/?workspace_id=" + ws, ""},
			{"GET", "/api/v1/hooks/subscriptions/?workspace_id=" + ws, ""},
			{"POST", "/api/v1/hooks/subscriptions/", `{"workspace_id": "` + ws + target},
		}
		for _, c := range calls {
			resp, b := e.do(c.method, c.path, c.body)
			require.Equal(t, 400, resp.StatusCode, "%s %s: %s", c.method, c.path, b)
			pe := prolificErr(t, b)
			d, ok := pe.Detail.(map[string]any)
			require.True(t, ok, "%s", b)
			tassert.Contains(t, d, "workspace_id", "%s %s", c.method, c.path)
		}
	}
	e.json("POST", "/api/v1/hooks/secrets/", `{"workspace_id": "63722982F9CC073ECC730F6B"}`, 201, nil)
}

// TestConfirmTokenReuse: the X-Hook-Secret token is single-use by default
// (P16); ReuseConfirmToken makes a second confirmation an idempotent 200.
func TestConfirmTokenReuse(t *testing.T) {
	for _, reuse := range []bool{false, true} {
		e := newEnv(t, Config{ReuseConfirmToken: reuse})
		e.json("POST", "/api/v1/hooks/secrets/", `{"workspace_id": "`+testWS+`"}`, 201, nil)
		var h cliHook
		hdr := e.json("POST", "/api/v1/hooks/subscriptions/",
			`{"workspace_id": "`+testWS+`", "event_type": "study.status.change", "target_url": "https://x.example/h"}`, 201, &h)
		tok := hdr.Get("X-Hook-Secret")
		path := "/api/v1/hooks/subscriptions/" + h.ID + "/"
		e.json("POST", path, `{"secret": "`+tok+`"}`, 200, nil)
		// Paused: a second confirmation must not be a way to re-enable.
		e.json("PATCH", path, `{"is_enabled": false}`, 200, nil)
		resp, b := e.do("POST", path, `{"secret": "`+tok+`"}`)
		if !reuse {
			require.Equal(t, 400, resp.StatusCode, "%s", b)
			pe := prolificErr(t, b)
			tassert.Equal(t, CodeBadConfirmSecret, pe.ErrorCode)
			tassert.Contains(t, string(b), "already been used")
		} else {
			require.Equal(t, 200, resp.StatusCode, "%s", b)
		}
		got, err := e.srv.Subscription(h.ID)
		require.NoError(t, err)
		tassert.False(t, got.IsEnabled, "reuse=%v: confirming again changes nothing", reuse)
		// A wrong token is a 400 either way.
		resp, _ = e.do("POST", path, `{"secret": "nope"}`)
		tassert.Equal(t, 400, resp.StatusCode)
	}
}
