package hookdrill_test

import (
	"encoding/json"
	"fmt"
	"testing"

	tassert "github.com/stretchr/testify/assert"

	"github.com/hookdrill/hookdrill"
)

func TestSecretNeverPrintsItself(t *testing.T) {
	s := hookdrill.Secret("cGNqFPb6y0RT3XO9XVSessBDYIbHQ-test")
	for _, out := range []string{fmt.Sprint(s), fmt.Sprintf("%v %s %#v %+v", s, s, s, struct{ S hookdrill.Secret }{s})} {
		tassert.NotContains(t, out, string(s))
		tassert.Contains(t, out, "cGNq…(34 chars)")
	}
	b, err := json.Marshal(struct{ Secret hookdrill.Secret }{s})
	tassert.NoError(t, err)
	tassert.JSONEq(t, `{"Secret":"cGNq…(34 chars)"}`, string(b))
}

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "(empty)"},
		{"short", "***"},
		{"12345678", "***"},
		{"123456789", "1234…(9 chars)"},
	}
	for _, tt := range tests {
		tassert.Equal(t, tt.want, hookdrill.Redact(tt.in), tt.in)
	}
}

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://127.0.0.1:8080/hook", "http://127.0.0.1:8080/hook"},
		{"https://user:pass@example.com/h?token=abc&x=1", "https://redacted@example.com/h?token=redacted&x=redacted"},
		{"http://[::1]:9/p#frag", "http://[::1]:9/p#frag"},
		{"%zz?token=abc", "%zz"},
	}
	for _, tt := range tests {
		tassert.Equal(t, tt.want, hookdrill.RedactURL(tt.in), tt.in)
	}
}

func TestRedactIn(t *testing.T) {
	got := hookdrill.RedactIn("sig with s3cr3t-value and s3cr3t-value, abc", "s3cr3t-value", "", "abc")
	tassert.Equal(t, "sig with s3cr…(12 chars) and s3cr…(12 chars), abc", got, "secrets under 4 characters are left alone")
}
