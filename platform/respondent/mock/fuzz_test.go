package mock

import (
	"strings"
	"testing"
)

// FuzzDecoders: the Respondent decoders answer any body with a request or
// a 4xx, never a panic or a 5xx.
func FuzzDecoders(f *testing.F) {
	for _, s := range []string{
		``, `{}`, `[]`, `null`, `"x"`, `{"url": "https://x.example"}`, `{"url": 1}`, `{"url": null}`,
		`{"event": "PROJECTS.UPDATED"}`, `{"event": "SCREENER_RESPONSES.UPDATED", "screenerResponseUpdatedType": 3}`,
		`{"a":` + strings.Repeat("[", 300), "\xff\xfe",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		check := func(e *Error) {
			if e != nil && (e.Status < 400 || e.Status >= 500) {
				t.Fatalf("status %d for %q", e.Status, b)
			}
		}
		_, e := decodeCreateWebhook(b)
		check(e)
		_, _, e = decodeSimulate(b)
		check(e)
	})
}
