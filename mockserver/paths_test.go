package mockserver_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rawRequest sends a request line with exactly this path (no client-side
// cleaning or escaping).
func rawRequest(t *testing.T, e *env, method, rawPath, body string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, e.ts.URL+"/", strings.NewReader(body))
	require.NoError(t, err)
	req.URL.Opaque = rawPath
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}).Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// TestNoRedirectToAttackerLocation: dot segments, encoded slashes and
// doubled slashes never get a 301 (with an attacker-chosen Location): they
// are a 404 in the platform's shape.
func TestNoRedirectToAttackerLocation(t *testing.T) {
	e := newEnv(t, Config{})
	paths := []string{
		"//evil.example/x",
		"/api/v1/..%2F..%2F%2Fevil.example",
		"/api/v1/../..//evil.example/",
		"/api/v1/hooks/../../../evil.example",
		"/v1/webhooks/..%2F..%2Fevil",
		"/v1//webhooks",
		"/_hookdrill/../_hookdrill/info",
		"/./api/v1/hooks/event-types/",
	}
	for _, p := range paths {
		resp, body := rawRequest(t, e, "GET", p, "", "Authorization", "Token "+testToken, "x-api-key", "K", "x-api-secret", "S")
		tassert.Empty(t, resp.Header.Get("Location"), p)
		require.Equal(t, 404, resp.StatusCode, "%s: %s", p, body)
		var v map[string]any
		require.NoError(t, json.Unmarshal(body, &v), "%s: %s", p, body)
	}
}

// TestInvalidUTF8Is400: ids, queries and bodies with invalid UTF-8 are
// refused instead of being silently replaced with U+FFFD.
func TestInvalidUTF8Is400(t *testing.T) {
	e := newEnv(t, Config{})
	sub := e.subscribe(testWS, "study.status.change", "https://x.example/h")
	tests := []struct{ method, path, body string }{
		{"GET", "/api/v1/hooks/subscriptions/%FF%FE/", ""},
		{"GET", "/api/v1/studies/ab%C3/", ""},
		{"GET", "/api/v1/hooks/subscriptions/?workspace_id=%FF", ""},
		{"GET", "/v1/webhooks/%FF", ""},
		{"POST", "/api/v1/hooks/secrets/", "{\"workspace_id\":\"w\xff\"}"},
		{"PATCH", "/api/v1/hooks/subscriptions/" + sub.ID + "/", "{\"target_url\":\"https://x.example/\xfe\"}"},
		{"POST", "/v1/webhooks", "{\"url\":\"https://x.example/\xff\"}"},
	}
	for _, tc := range tests {
		hdr := []string{"Authorization", "Token " + testToken, "Content-Type", "application/json"}
		if strings.HasPrefix(tc.path, "/v1/") {
			hdr = []string{"x-api-key", "K", "x-api-secret", "S", "Content-Type", "application/json"}
		}
		resp, body := rawRequest(t, e, tc.method, tc.path, tc.body, hdr...)
		require.Equal(t, 400, resp.StatusCode, "%s %s: %s", tc.method, tc.path, body)
		tassert.NotContains(t, string(body), "\ufffd")
		tassert.Contains(t, string(body), "UTF-8")
	}
	tassert.Empty(t, e.srv.Secrets("w\ufffd"))
}
