package hookdrill

import (
	"net/url"
	"strings"
)

// MinRedactLen is the shortest secret that RedactIn and Redactor look for
// inside other text; shorter ones would match too much ordinary text.
const MinRedactLen = 4

// Secret is a signing key. Its String, GoString and MarshalJSON forms are
// redacted so that a secret never reaches a log, a report or a journal by
// accident; use string(s) where the real value is needed.
type Secret string

// Redacted returns a form safe to print: a few leading characters and the
// length, or "(empty)".
func (s Secret) Redacted() string { return Redact(string(s)) }

// String implements fmt.Stringer with the redacted form.
func (s Secret) String() string { return s.Redacted() }

// GoString implements fmt.GoStringer with the redacted form.
func (s Secret) GoString() string { return s.Redacted() }

// MarshalJSON writes the redacted form.
func (s Secret) MarshalJSON() ([]byte, error) { return EncodeCompact(s.Redacted()) }

// Redact returns a printable stand-in for a secret value: its first four
// characters (for telling secrets apart) followed by "…(N chars)".
func Redact(v string) string {
	switch {
	case v == "":
		return "(empty)"
	case len(v) <= 8:
		return "***"
	default:
		return v[:4] + "…(" + itoa(len(v)) + " chars)"
	}
}

// RedactURL removes user info and query values from a URL before it is
// printed, because both often carry tokens. A URL that does not parse
// loses its user info and everything from its first ? or #.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if scheme, rest, ok := strings.Cut(raw, "://"); ok {
			// The authority runs to the first / (a password may hold
			// anything else); its user info to the last @ in it.
			auth, path, hasPath := strings.Cut(rest, "/")
			if i := strings.LastIndexByte(auth, '@'); i >= 0 {
				auth = "redacted" + auth[i:]
			}
			raw = scheme + "://" + auth
			if hasPath {
				raw += "/" + path
			}
		}
		if i := strings.IndexAny(raw, "?#"); i >= 0 {
			raw = raw[:i]
		}
		return redactUserinfo(raw)
	}
	if u.User != nil {
		u.User = url.User("redacted")
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			q[k] = []string{"redacted"}
		}
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// RedactIn replaces every occurrence of each non-empty secret in s with its
// redacted form.
func RedactIn(s string, secrets ...string) string {
	for _, sec := range secrets {
		if len(sec) >= MinRedactLen {
			s = strings.ReplaceAll(s, sec, Redact(sec))
		}
	}
	return s
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
