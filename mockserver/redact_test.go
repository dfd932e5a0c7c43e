package mockserver

import (
	"encoding/json"
	"strings"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestJournalNeverKeepsConfirmTokens confirms subscriptions with bodies of
// every shape (well-formed, malformed, cut short, nested, other letter
// case, raw text, over the journal's body limit): the confirmation token
// never reaches the journal, whatever the answer.
func TestJournalNeverKeepsConfirmTokens(t *testing.T) {
	e := newEnv(t, Config{AllowUnknownFields: true})
	e.json("POST", "/api/v1/hooks/secrets/", `{"workspace_id":"`+testWS+`"}`, 201, nil)
	pad := strings.Repeat(" ", 2000)
	shapes := map[string]string{
		"valid":          `{"secret":"TOKEN"}`,
		"malformed":      `{"secret":"TOKEN",,}`,
		"truncated":      `{"secret":"TOKEN`,
		"unquoted":       `{secret: TOKEN}`,
		"nested":         `{"data":{"secret":"TOKEN"}}`,
		"array":          `[{"secret":"TOKEN"}]`,
		"upper case":     `{"SECRET":"TOKEN"}`,
		"mixed case":     `{"Secret":"TOKEN"}`,
		"raw text":       `TOKEN`,
		"form":           `secret=TOKEN`,
		"long padded":    `{"a":"` + pad + `","secret":"TOKEN"}`,
		"padded cut":     `{"secret":` + pad + `"TOKEN"`,
		"other key":      `{"x_hook_secret":"TOKEN"}`,
		"number wrapper": `{"secret":["TOKEN"]}`,
	}
	var tokens []string
	for name, shape := range shapes {
		resp, body := e.do("POST", "/api/v1/hooks/subscriptions/",
			`{"workspace_id":"`+testWS+`","event_type":"study.status.change","target_url":"https://x.example/h"}`)
		require.Equal(t, 201, resp.StatusCode, string(body))
		var h cliHook
		require.NoError(t, json.Unmarshal(body, &h))
		tok := resp.Header.Get("X-Hook-Secret")
		tokens = append(tokens, tok)
		e.do("POST", "/api/v1/hooks/subscriptions/"+h.ID+"/", strings.ReplaceAll(shape, "TOKEN", tok))
		e.do("POST", "/api/v1/hooks/subscriptions/"+h.ID+"/?secret="+tok+"&x="+name, "")
	}
	var buf strings.Builder
	require.NoError(t, e.srv.Journal().WriteJSONL(&buf))
	out := buf.String()
	for _, tok := range tokens {
		tassert.NotContains(t, out, tok)
		tassert.NotContains(t, out, tok[4:], "not even most of it")
	}
}

func TestRedactBodyUnit(t *testing.T) {
	tests := map[string]struct{ in, want string }{
		"json":       {`{"Secret":"0123456789abcdef"}`, `{"Secret":"0123…(16 chars)"}`},
		"nested":     {`{"a":[{"privateKey":"0123456789abcdef"}]}`, `{"a":[{"privateKey":"0123…(16 chars)"}]}`},
		"target url": {`{"target_url":"https://u:p@x.example/h?k=v"}`, `{"target_url":"https://redacted@x.example/h?k=redacted"}`},
		"broken":     {`{"secret": "0123456789abcdef`, `{"secret": "[redacted]`},
		"harmless":   {`{"workspace_id":"w"}`, `{"workspace_id":"w"}`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			tassert.Equal(t, tc.want, redactBody([]byte(tc.in), nil))
		})
	}
}
