package assert

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// EscapeControl makes s safe to print on a terminal: every C0 control
// character except newline and tab, DEL, every C1 control character and
// the Unicode bidirectional overrides become visible escapes (\x1b, \0,
// \u009b, \u202e), and each byte of invalid UTF-8 becomes \xNN. A
// receiver's body, headers or error text can therefore never move the
// cursor, recolour, retitle or clear the terminal, or hide text.
func EscapeControl(s string) string {
	clean := true
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if needsEscape(r, size) {
			clean = false
			break
		}
		i += size
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == 0:
			b.WriteString(`\0`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case needsEscape(r, size):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func needsEscape(r rune, size int) bool {
	switch {
	case r == utf8.RuneError && size <= 1:
		return true
	case r == '\n' || r == '\t':
		return false
	case r < 0x20 || r == 0x7f:
		return true
	case r >= 0x80 && r <= 0x9f: // C1, e.g. U+009B CSI
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true // bidirectional controls
	}
	return false
}

// EscapeWriter returns a writer that passes each Write through
// EscapeControl, for console output of data a receiver chose. Write whole
// lines (as fmt.Fprintf does): a character split across two writes is
// escaped as invalid UTF-8.
func EscapeWriter(w io.Writer) io.Writer { return escapeWriter{w} }

type escapeWriter struct{ w io.Writer }

func (e escapeWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(e.w, EscapeControl(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
