package mocktest_test

import (
	"net/http"
	"strings"
	"testing"

	tassert "github.com/stretchr/testify/assert"

	"github.com/hookdrill/hookdrill/platform/internal/mocktest"
)

func TestTranscript(t *testing.T) {
	var seen []string
	do := func(method, path, body string, _ ...string) (*http.Response, []byte) {
		seen = append(seen, method+" "+path+" "+body)
		h := http.Header{"Content-Type": {"application/json"}}
		if path == "/subs" {
			h.Set("X-Hook-Secret", "tok")
			return &http.Response{StatusCode: 201, Header: h}, []byte(`{"id":"s1"}` + "\n")
		}
		return &http.Response{StatusCode: 200, Header: h}, []byte(`{"ok":true}`)
	}
	ran := false
	got := mocktest.Transcript(do, []mocktest.Exchange{
		{Method: "POST", Path: "/subs", Body: `{"a":1}`},
		{Fn: func() { ran = true }},
		{Method: "POST", Path: "/subs/{id}/", Body: `{"secret":"{hook_secret}"}`},
	})
	tassert.True(t, ran)
	tassert.Equal(t, []string{`POST /subs {"a":1}`, `POST /subs/s1/ {"secret":"tok"}`}, seen)
	tassert.Equal(t, strings.Join([]string{
		"POST /subs", `{"a":1}`, "-> 201  X-Hook-Secret: tok  Content-Type: application/json", `{"id":"s1"}`,
		"POST /subs/s1/", `{"secret":"tok"}`, "-> 200  Content-Type: application/json", `{"ok":true}`, "",
	}, "\n"), got)
}
