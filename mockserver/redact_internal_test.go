package mockserver

import (
	"strings"
	"testing"

	tassert "github.com/stretchr/testify/assert"
)

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

// FuzzRedactBody: whatever the body, redaction never panics and a known
// secret planted in it never survives.
func FuzzRedactBody(f *testing.F) {
	for _, s := range []string{
		``, `{}`, `[]`, `null`, `"x"`, `{"workspace_id": "aaaaaaaaaaaaaaaaaaaaaaaa"}`, `{"workspace_id": 1}`,
		`{"secret": "abc"}`, `{"secret": null}`, `{"url": "https://x.example"}`,
		`{"event_type": "submission.status.change", "payload": {"a": [1, {"b": null}]}}`, `{"extra": {"a": 1}}`,
		`{"a":` + strings.Repeat("[", 300), "\xff\xfe",
	} {
		f.Add([]byte(s))
	}
	f.Add([]byte(`{"secret":"KNOWNTOKEN0123456789"`))
	f.Add([]byte(`{"a":{"SeCrEt":["KNOWNTOKEN0123456789"]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		const known = "KNOWNTOKEN0123456789"
		out := redactBody(b, []string{known})
		if strings.Contains(out, known) {
			t.Fatalf("known secret kept: %q -> %q", b, out)
		}
		if strings.Contains(string(b), known) {
			return // the token in a field that is not secret may stay: nothing told redactBody it is one
		}
		body := append(append([]byte(`{"x":`), b...), []byte(`,"secret":"`+known+`"}`)...)
		if out := redactBody(body, nil); strings.Contains(out, known) {
			t.Fatalf("secret field kept: %q -> %q", body, out)
		}
	})
}

// FuzzDecodeTrigger: the control API's trigger decoder answers any body
// with a request or a 4xx.
func FuzzDecodeTrigger(f *testing.F) {
	for _, s := range []string{``, `{}`, `[]`, `null`, `{"event_type": "x", "extra": {"a": 1}}`, `{"payload": {"a": [1]}}`, "\xff"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, e := decodeTrigger(b); e != nil && (e.Status < 400 || e.Status >= 500) {
			t.Fatalf("status %d for %q", e.Status, b)
		}
	})
}
