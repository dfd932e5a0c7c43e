package mock

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
