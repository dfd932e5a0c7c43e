package mocktest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// Exchange is one request of a golden round trip. An exchange without a
// Method runs Fn instead (e.g. a trigger between calls).
type Exchange struct {
	Method, Path, Body string
	Fn                 func()
}

// Do sends one request to the mock (with header name, value pairs) and
// returns its answer and body.
type Do func(method, path, body string, hdr ...string) (*http.Response, []byte)

// Transcript replays xs through do and renders them as text: the request
// line, its body, the status, the headers that matter (X-Hook-Secret,
// Content-Type) and the answer's body. "{id}" in a later path or body is
// the id of the last answer that had one, "{hook_secret}" the last
// X-Hook-Secret header.
func Transcript(do Do, xs []Exchange) string {
	var b strings.Builder
	vars := map[string]string{}
	expand := func(s string) string {
		for k, v := range vars {
			s = strings.ReplaceAll(s, "{"+k+"}", v)
		}
		return s
	}
	for _, x := range xs {
		if x.Method == "" {
			if x.Fn != nil {
				x.Fn()
			}
			continue
		}
		path, body := expand(x.Path), expand(x.Body)
		resp, out := do(x.Method, path, body)
		fmt.Fprintf(&b, "%s %s\n", x.Method, path)
		if body != "" {
			fmt.Fprintf(&b, "%s\n", body)
		}
		fmt.Fprintf(&b, "-> %d", resp.StatusCode)
		for _, h := range []string{"X-Hook-Secret", "Content-Type"} {
			if v := resp.Header.Get(h); v != "" {
				fmt.Fprintf(&b, "  %s: %s", h, v)
			}
		}
		fmt.Fprintf(&b, "\n%s\n", strings.TrimSpace(string(out)))
		var obj map[string]any
		if json.Unmarshal(out, &obj) == nil {
			if id, ok := obj["id"].(string); ok {
				vars["id"] = id
			}
		}
		if tok := resp.Header.Get("X-Hook-Secret"); tok != "" {
			vars["hook_secret"] = tok
		}
	}
	return b.String()
}
