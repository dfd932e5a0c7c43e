package mock

import (
	"encoding/json"
	"strings"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRespondentErrorShapes(t *testing.T) {
	e := newEnv(t, Config{RespondentAPIKey: "K", RespondentAPISecret: "S"})
	var w Webhook
	e.json("POST", "/v1/webhooks", `{"url": "http://127.0.0.1:9/h"}`, 201, &w)
	tests := []struct {
		name, method, path, body string
		hdr                      []string
		status                   int
		inMessage                string
	}{
		{"no key", "GET", "/v1/webhooks", "", []string{"x-api-secret", "S"}, 401, "Unauthorized"},
		{"wrong secret", "GET", "/v1/webhooks", "", []string{"x-api-key", "K", "x-api-secret", "nope"}, 401, "Unauthorized"},
		{"malformed", "POST", "/v1/webhooks", `{"url":`, nil, 400, "JSON"},
		{"missing url", "POST", "/v1/webhooks", `{}`, nil, 400, "url should not be empty"},
		{"bad url", "POST", "/v1/webhooks", `{"url": "nope"}`, nil, 400, "url must be a URL address"},
		{"wrong type", "POST", "/v1/webhooks", `{"url": 3}`, nil, 400, "url must be a string"},
		{"extra property", "POST", "/v1/webhooks", `{"url": "https://x.example", "events": []}`, nil, 400, "property events should not exist"},
		{"unknown webhook", "GET", "/v1/webhooks/ffffffffffffffffffffffff", "", nil, 404, "Webhook not found"},
		{"simulate bad event", "POST", "/v1/webhooks/" + w.ID + "/simulate", `{"event": "NOPE"}`, nil, 400, "event must be one of"},
		{"simulate bad variant", "POST", "/v1/webhooks/" + w.ID + "/simulate", `{"event": "SCREENER_RESPONSES.UPDATED", "screenerResponseUpdatedType": "X"}`, nil, 400, "screenerResponseUpdatedType"},
		{"simulate variant on wrong event", "POST", "/v1/webhooks/" + w.ID + "/simulate", `{"event": "PROJECTS.UPDATED", "screenerResponseUpdatedType": "REJECTED.TRUE"}`, nil, 400, "only valid"},
		{"simulate unknown webhook", "POST", "/v1/webhooks/nope/simulate", `{"event": "PROJECTS.UPDATED"}`, nil, 404, "Webhook not found"},
		{"unrouted method", "PATCH", "/v1/webhooks/" + w.ID, `{}`, nil, 404, "Cannot PATCH"},
		{"unknown screener response", "GET", "/v1/projects/p/screener-responses/r", "", nil, 404, "not found"},
		{"too large", "POST", "/v1/webhooks", `{"url": "https://x.example/` + strings.Repeat("a", 2<<20) + `"}`, nil, 413, "exceeds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hdr := tt.hdr
			if hdr == nil {
				hdr = []string{"x-api-key", "K", "x-api-secret", "S"}
			}
			resp, body := e.do(tt.method, tt.path, tt.body, hdr...)
			require.Equal(t, tt.status, resp.StatusCode, "%s", body)
			var ne struct {
				StatusCode int `json:"statusCode"`
				Message    any `json:"message"`
			}
			require.NoError(t, json.Unmarshal(body, &ne), "%s", body)
			tassert.Equal(t, tt.status, ne.StatusCode)
			b, _ := json.Marshal(ne.Message)
			tassert.Contains(t, string(b), tt.inMessage)
		})
	}
}
