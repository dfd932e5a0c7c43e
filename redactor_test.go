package hookdrill_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill"
)

func TestRedactorString(t *testing.T) {
	r := hookdrill.NewRedactor("sig-secret-0123456789", "ab", `quo"te\secret`)
	r.AddURL("https://alice:pa%24%24word@example.com/h?token=tok-9876543210&x=1#/p/{event_id}")
	tests := []struct{ in, want string }{
		{"key sig-secret-0123456789!", "key sig-…(21 chars)!"},
		{`{"k": "quo\"te\\secret"}`, `{"k": "quo\…(15 chars)"}`},
		{"the password pa$$word and pa%24%24word", "the password *** and pa%2…(12 chars)"},
		{"alice", "alice"}, // user names shorter than MinRedactLen... "alice" is 5: see below
		{"GET https://bob:hunter22@other.example/x", "GET https://redacted@other.example/x"},
		{"query token=tok-9876543210", "query token=tok-…(14 chars)"},
		{"ab stays", "ab stays"},
	}
	for _, tc := range tests[:3] {
		tassert.Equal(t, tc.want, r.String(tc.in), tc.in)
	}
	tassert.Equal(t, "user alice", r.String("user alice"), "a user name with a password is not a secret")
	r.AddURL("https://ghp_tokenasusername@github.example/x?page=2&format=json")
	tassert.Equal(t, "ghp_…(19 chars) page=2 format=json", r.String("ghp_tokenasusername page=2 format=json"))
	for _, tc := range tests[4:] {
		tassert.Equal(t, tc.want, r.String(tc.in), tc.in)
	}
	var nilR *hookdrill.Redactor
	tassert.Equal(t, "see http://redacted@h/", nilR.String("see http://u:p@h/"))
}

func TestRedactorError(t *testing.T) {
	base := errors.New("boom")
	r := hookdrill.NewRedactor("very-secret-value")
	err := r.Error(errors.Join(base, errors.New("with very-secret-value")))
	tassert.NotContains(t, err.Error(), "very-secret-value")
	tassert.ErrorIs(t, err, base)
	tassert.Nil(t, r.Error(nil))
}

func TestRedactedCopiesDeep(t *testing.T) {
	r := hookdrill.NewRedactor("s3cr3t-signing-key")
	r.AddURL("http://h/hook?token=qtoken-12345")
	shared := http.Header{"Location": {"http://h/next?token=qtoken-12345&other=zzzzzz"}, "X-Echo": {"s3cr3t-signing-key"}}
	e := hookdrill.Entry{Kind: hookdrill.KindAttempt, Tags: []string{"s3cr3t-signing-key"}, Attempt: &hookdrill.Attempt{
		Request:  hookdrill.HTTPRequest{URL: "http://h/hook?token=qtoken-12345", Body: `{"secret": "s3cr3t-signing-key"}`},
		Response: &hookdrill.HTTPResponse{Header: shared, Body: "echo qtoken-12345"},
	}}
	got := hookdrill.Redacted(r, e)
	var b strings.Builder
	require.NoError(t, hookdrill.Snapshot{got}.WriteJSONL(&b))
	for _, s := range []string{"s3cr3t-signing-key", "qtoken-12345", "zzzzzz"} {
		tassert.NotContains(t, b.String(), s)
	}
	tassert.Equal(t, "s3cr3t-signing-key", shared.Get("X-Echo"), "the original's shared header map is untouched")
	tassert.Equal(t, `{"secret": "s3cr3t-signing-key"}`, e.Attempt.Request.Body)
}

func TestRedactURLUnparsable(t *testing.T) {
	got := hookdrill.RedactURL("http://user:p@ss w0rd@host:port/x?token=t")
	tassert.NotContains(t, got, "w0rd")
	tassert.NotContains(t, got, "token=t")
}

// FuzzRedactor: a planted secret never survives String, nor a Redacted
// journal entry written as JSONL.
func FuzzRedactor(f *testing.F) {
	f.Add("s3cr3t-signing-key", "body {\"k\": \"s3cr3t-signing-key\"} http://u:s3cr3t-signing-key@h/?t=s3cr3t-signing-key")
	f.Add("aaaaaaaaaa", "aaaaaaaaaaaaaaaaaaaaaaa")
	f.Fuzz(func(t *testing.T, secret, text string) {
		if len(secret) < 9 || strings.Trim(secret, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != "" {
			return
		}
		r := hookdrill.NewRedactor(secret)
		if got := r.String(text + secret + text); strings.Contains(got, secret) {
			t.Fatalf("String(%q) = %q", text, got)
		}
		e := hookdrill.Entry{Kind: hookdrill.KindProbe, Probe: &hookdrill.Probe{Target: text + secret, Output: secret + text}}
		var b strings.Builder
		if err := (hookdrill.Snapshot{hookdrill.Redacted(r, e)}).WriteJSONL(&b); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(b.String(), secret) {
			t.Fatalf("journal keeps %q: %s", secret, b.String())
		}
	})
}
