package mockserver_test

import (
	"context"
	"encoding/json"
	"github.com/hookdrill/hookdrill/internal/testkit"
	"io"
	"net/http"
	"strings"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// controlCall sends one control API request with the given headers and
// returns the status and body.
func controlCall(t *testing.T, e *env, method, path, body string, hdr map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, e.ts.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	for k, v := range hdr {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := e.ts.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestControlAPIRefusesBrowsers: what a web page can make a browser send
// to 127.0.0.1 (a text/plain "simple" POST, a foreign Origin, a rebinding
// host name) neither resets nor triggers.
func TestControlAPIRefusesBrowsers(t *testing.T) {
	json := map[string]string{"Content-Type": "application/json"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{"Content-Type": "application/json"}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == "" {
				delete(m, kv[i])
			} else {
				m[kv[i]] = kv[i+1]
			}
		}
		return m
	}
	tests := []struct {
		name   string
		method string
		path   string
		hdr    map[string]string
		want   int
	}{
		{"text/plain reset", "POST", "/_hookdrill/reset", with("Content-Type", "text/plain"), 415},
		{"form reset", "POST", "/_hookdrill/reset", with("Content-Type", "application/x-www-form-urlencoded"), 415},
		{"no content type", "POST", "/_hookdrill/reset", with("Content-Type", ""), 415},
		{"text/plain trigger", "POST", "/_hookdrill/trigger", with("Content-Type", "text/plain;charset=UTF-8"), 415},
		{"foreign origin", "POST", "/_hookdrill/reset", with("Origin", "https://evil.example"), 403},
		{"null origin", "POST", "/_hookdrill/reset", with("Origin", "null"), 403},
		{"cross-site fetch", "POST", "/_hookdrill/reset", with("Sec-Fetch-Site", "cross-site"), 403},
		{"rebinding host", "POST", "/_hookdrill/reset", with("Host", "evil.example:8787"), 403},
		{"rebinding host get", "GET", "/_hookdrill/info?seed=1", with("Host", "rebind.evil.example"), 403},
		{"json reset", "POST", "/_hookdrill/reset", json, 200},
		{"same origin", "POST", "/_hookdrill/reset", with("Origin", "ORIGIN"), 200},
		{"localhost host", "POST", "/_hookdrill/reset", with("Host", "localhost:1"), 200},
		{"ipv6 loopback host", "POST", "/_hookdrill/reset", with("Host", "[::1]:1"), 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, Config{})
			e.subscribe(testWS, "study.status.change", "https://x.example/h")
			if tc.hdr["Origin"] == "ORIGIN" {
				tc.hdr["Origin"] = e.ts.URL
			}
			status, body := controlCall(t, e, tc.method, tc.path, "{}", tc.hdr)
			require.Equal(t, tc.want, status, body)
			subs, _ := e.srv.Subscriptions("", true, 0, 0)
			if tc.want == 200 {
				tassert.Empty(t, subs)
				return
			}
			tassert.Len(t, subs, 1, "state untouched")
			var ce controlError
			require.NoError(t, jsonUnmarshal(body, &ce), body)
			tassert.NotEmpty(t, ce.Error)
		})
	}
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

// TestControlToken: with a ControlToken (serve on a non-loopback address)
// the control API needs it, and the configured host is accepted.
func TestControlToken(t *testing.T) {
	e := newEnv(t, Config{ControlToken: "tok", ControlHosts: []string{"mock.internal"}})
	hdr := map[string]string{"Content-Type": "application/json", "Host": "mock.internal:8787"}
	status, body := controlCall(t, e, "POST", "/_hookdrill/reset", "{}", hdr)
	require.Equal(t, 401, status, body)
	hdr["Authorization"] = "Bearer nope"
	status, _ = controlCall(t, e, "POST", "/_hookdrill/reset", "{}", hdr)
	require.Equal(t, 401, status)
	hdr["Authorization"] = "Bearer tok"
	status, body = controlCall(t, e, "POST", "/_hookdrill/reset", "{}", hdr)
	require.Equal(t, 200, status, body)

	c, err := NewClient(e.ts.URL, e.ts.Client())
	require.NoError(t, err)
	_, err = c.Info(context.Background())
	require.Error(t, err)
	c.SetToken("tok")
	in, err := c.InfoWithSeed(context.Background())
	require.NoError(t, err)
	tassert.Equal(t, uint64(42), in.Seed)
}

// TestInfoHidesSeed: the seed reproduces every secret, so info gives it
// only when asked.
func TestInfoHidesSeed(t *testing.T) {
	e := newEnv(t, Config{Seed: 987654321})
	_, body := controlCall(t, e, "GET", "/_hookdrill/info", "", nil)
	tassert.NotContains(t, body, "987654321")
	tassert.NotContains(t, body, `"seed"`)
	_, body = controlCall(t, e, "GET", "/_hookdrill/info?seed=1", "", nil)
	tassert.Contains(t, body, `"seed":987654321`)
}

// TestSelfTargetRefused: no spelling of the mock's own control API is
// accepted as a target, so no delivery can reset the mock.
func TestSelfTargetRefused(t *testing.T) {
	e := newEnv(t, Config{})
	rcv := testkit.Recording(t, nil)
	keep := e.subscribe(testWS, "study.status.change", rcv.URL+"/ok")
	port := e.ts.URL[strings.LastIndex(e.ts.URL, ":")+1:]
	hosts := []string{"127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port, "0.0.0.0:" + port, "127.1:" + port,
		"LOCALHOST:" + port, "mock.example"}
	paths := []string{"/_hookdrill/reset", "//_hookdrill/reset", "/%5Fhookdrill/reset", "/_hookdrill%2Freset",
		"/x/../_hookdrill/reset", "/_HOOKDRILL/reset", "/%255Fhookdrill%252Freset", "/./_hookdrill/trigger",
		"/_hookdrill", `/\_hookdrill/reset`}
	for _, h := range hosts {
		for _, p := range paths {
			target := "http://" + h + p
			status, body := controlCall(t, e, "POST", "/api/v1/hooks/subscriptions/",
				`{"workspace_id":"`+testWS+`","event_type":"study.status.change","target_url":"`+strings.ReplaceAll(target, `\`, `\\`)+`"}`,
				map[string]string{"Authorization": "Token " + testToken, "Content-Type": "application/json"})
			require.Equal(t, 400, status, "%s: %s", target, body)
			var pe prolificError
			require.NoError(t, jsonUnmarshal(body, &pe), body)
			tassert.Contains(t, body, "target_url")
			status, _ = controlCall(t, e, "PATCH", "/api/v1/hooks/subscriptions/"+keep.ID+"/",
				`{"target_url":"`+strings.ReplaceAll(target, `\`, `\\`)+`"}`,
				map[string]string{"Authorization": "Token " + testToken, "Content-Type": "application/json"})
			require.Equal(t, 400, status, target)
			status, _ = controlCall(t, e, "POST", "/v1/webhooks", `{"url":"`+strings.ReplaceAll(target, `\`, `\\`)+`"}`,
				map[string]string{"x-api-key": "K", "x-api-secret": "S", "Content-Type": "application/json"})
			require.Equal(t, 400, status, target)
		}
	}
	e.trigger(TriggerRequest{EventType: "study.status.change"})
	e.settle()
	subs, _ := e.srv.Subscriptions("", true, 0, 0)
	require.Len(t, subs, 1, "nothing was reset")
	tassert.Len(t, rcv.Requests(), 1)
}

// The info answer keeps the earlier flat keys beside "platforms", so that
// clients written against it (prolific_base, respondent_base,
// strict_targets, create_shape) keep working.
func TestInfoKeepsEarlierKeys(t *testing.T) {
	e := newEnv(t, Config{})
	status, body := controlCall(t, e, "GET", "/_hookdrill/info", "", nil)
	require.Equal(t, 200, status, body)
	var v map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &v))
	tassert.Equal(t, "/api/v1/", v["prolific_base"])
	tassert.Equal(t, "/v1/", v["respondent_base"])
	tassert.Equal(t, false, v["strict_targets"])
	tassert.Equal(t, "object", v["create_shape"])
	tassert.Contains(t, v, "platforms")
	tassert.Contains(t, v, "clock")
}
