package mock

import (
	"encoding/json"
	"strings"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestProlificErrorShapes checks status and body shape (spec 1.0) for bad
// input on every endpoint: never a 500.
func TestProlificErrorShapes(t *testing.T) {
	e := newEnv(t, Config{MaxBodyBytes: 256})
	e.json("POST", "/api/v1/hooks/secrets/", `{"workspace_id": "aaaaaaaaaaaaaaaaaaaaaaaa"}`, 201, nil)
	sub, _, err := e.srv.CreateSubscription("aaaaaaaaaaaaaaaaaaaaaaaa", "study.status.change", "https://x.example/h")
	require.NoError(t, err)
	subs := "/api/v1/hooks/subscriptions/"
	one := subs + sub.ID + "/"
	tests := []struct {
		name, method, path, body string
		hdr                      []string
		status                   int
		field                    string // a key of detail (per-field validation), or "" for a string detail
		inDetail                 string
	}{
		{"no token", "GET", "/api/v1/hooks/event-types/", "", []string{"X-No-Auth", "1"}, 401, "", "Authentication credentials were not provided."},
		{"bearer instead of token", "GET", subs, "", []string{"Authorization", "Bearer T"}, 401, "", ""},
		{"unknown path", "GET", "/api/v1/hooks/nothing/", "", nil, 404, "", "Not found"},
		{"wrong method", "PUT", one, `{}`, nil, 405, "", "PUT"},
		{"wrong method on list", "DELETE", subs, "", nil, 405, "", ""},
		{"too large", "POST", subs, `{"workspace_id": "` + strings.Repeat("w", 300) + `"}`, nil, 413, "", "exceeds"},
		{"malformed JSON", "POST", subs, `{"workspace_id": `, nil, 400, "", "JSON parse error"},
		{"not an object", "POST", subs, `[1, 2]`, nil, 400, "non_field_errors", "list"},
		{"empty body", "POST", subs, ``, nil, 400, "workspace_id", "required"},
		{"wrong type", "POST", subs, `{"workspace_id": 5, "event_type": "study.status.change", "target_url": "https://x.example"}`, nil, 400, "workspace_id", "valid string"},
		{"null field", "POST", subs, `{"workspace_id": null, "event_type": "study.status.change", "target_url": "https://x.example"}`, nil, 400, "workspace_id", "null"},
		{"unknown field", "POST", subs, `{"workspaceId": "w", "workspace_id": "aaaaaaaaaaaaaaaaaaaaaaaa", "event_type": "study.status.change", "target_url": "https://x.example"}`, nil, 400, "workspaceId", "Unknown field"},
		{"unknown event type", "POST", subs, `{"workspace_id": "aaaaaaaaaaaaaaaaaaaaaaaa", "event_type": "participant.completed", "target_url": "https://x.example"}`, nil, 400, "event_type", "not a valid choice"},
		{"no secret", "POST", subs, `{"workspace_id": "cccccccccccccccccccccccc", "event_type": "study.status.change", "target_url": "https://x.example"}`, nil, 400, "", "workspaces with a secret"},
		{"bad is_enabled type", "POST", subs, `{"workspace_id": "aaaaaaaaaaaaaaaaaaaaaaaa", "event_type": "study.status.change", "target_url": "https://x.example", "is_enabled": "yes"}`, nil, 400, "is_enabled", "boolean"},
		{"wrong confirmation secret", "POST", one, `{"secret": "nope"}`, nil, 400, "secret", "does not match"},
		{"confirmation without secret", "POST", one, `{}`, nil, 400, "secret", "required"},
		{"confirm unknown id", "POST", subs + "ffffffffffffffffffffffff/", `{"secret": "x"}`, nil, 404, "", "No subscription"},
		{"patch wrong type", "PATCH", one, `{"is_enabled": "false"}`, nil, 400, "is_enabled", "boolean"},
		{"enable unconfirmed", "PATCH", one, `{"is_enabled": true}`, nil, 400, "is_enabled", "Confirm"},
		{"patch bad target", "PATCH", one, `{"target_url": "nope"}`, nil, 400, "target_url", "valid URL"},
		{"delete unknown", "DELETE", subs + "nope/", "", nil, 404, "", ""},
		{"events bad limit", "GET", one + "events/?limit=0", "", nil, 400, "limit", "greater than or equal to 1"},
		{"events limit too big", "GET", one + "events/?limit=1001", "", nil, 400, "limit", "less than or equal to 1000"},
		{"events bad offset", "GET", one + "events/?offset=x", "", nil, 400, "offset", "integer"},
		{"events bad status", "GET", one + "events/?status=DONE", "", nil, 400, "status", "not a valid choice"},
		{"events bad status array", "GET", one + `events/?status=["FAILED"`, "", nil, 400, "status", "JSON array"},
		{"events unknown subscription", "GET", subs + "nope/events/", "", nil, 404, "", ""},
		{"list bad is_enabled", "GET", subs + "?is_enabled=maybe", "", nil, 400, "is_enabled", "boolean"},
		{"secrets without workspace", "GET", "/api/v1/hooks/secrets/", "", nil, 400, "workspace_id", "required"},
		{"create secret without workspace", "POST", "/api/v1/hooks/secrets/", `{}`, nil, 400, "workspace_id", "required"},
		{"unknown submission", "GET", "/api/v1/submissions/nope/", "", nil, 404, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := e.do(tt.method, tt.path, tt.body, tt.hdr...)
			require.Equal(t, tt.status, resp.StatusCode, "%s", body)
			tassert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			var pe struct {
				Error struct {
					Status    *int            `json:"status"`
					ErrorCode *int            `json:"error_code"`
					Title     *string         `json:"title"`
					Detail    json.RawMessage `json:"detail"`
				} `json:"error"`
			}
			require.NoError(t, json.Unmarshal(body, &pe), "%s", body)
			require.NotNil(t, pe.Error.Status, "%s", body)
			require.NotNil(t, pe.Error.ErrorCode)
			require.NotNil(t, pe.Error.Title)
			require.NotEmpty(t, pe.Error.Detail)
			tassert.Equal(t, tt.status, *pe.Error.Status)
			if tt.field != "" {
				var d map[string][]string
				require.NoError(t, json.Unmarshal(pe.Error.Detail, &d), "per-field detail: %s", pe.Error.Detail)
				require.Contains(t, d, tt.field)
				tassert.Contains(t, strings.Join(d[tt.field], " "), tt.inDetail)
			} else if tt.inDetail != "" {
				tassert.Contains(t, string(pe.Error.Detail), tt.inDetail)
			}
		})
	}
	// Every one of those calls is in the journal with its status.
	for _, c := range e.srv.Journal().Snapshot().APICalls() {
		tassert.NotEqual(t, 500, c.Status)
	}
}
