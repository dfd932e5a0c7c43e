package assert

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrBadPath is wrapped by ParsePath errors.
var ErrBadPath = errors.New("bad JSON path")

// Path selects a value inside a JSON document. It is written either as a
// JSON Pointer (RFC 6901: "/processed/abc", "" for the whole document, "~1"
// for "/" and "~0" for "~" inside a key) or, for convenience, as dotted
// keys ("processed.abc", "items.0.id") when no key contains a dot.
type Path struct {
	Raw    string
	Tokens []string
}

// ParsePath parses a JSON Pointer or a dotted path.
func ParsePath(s string) (Path, error) {
	if s == "" {
		return Path{Raw: s}, nil
	}
	if !strings.HasPrefix(s, "/") {
		if strings.HasPrefix(s, "#") {
			return Path{}, fmt.Errorf("%w %q: write the pointer without '#' (e.g. /processed/ID)", ErrBadPath, s)
		}
		parts := strings.Split(s, ".")
		for _, p := range parts {
			if p == "" {
				return Path{}, fmt.Errorf("%w %q: empty key in dotted path (use a JSON Pointer such as /a/b for keys with dots)", ErrBadPath, s)
			}
		}
		return Path{Raw: s, Tokens: parts}, nil
	}
	raw := strings.Split(s[1:], "/")
	toks := make([]string, len(raw))
	for i, t := range raw {
		if strings.Contains(strings.ReplaceAll(strings.ReplaceAll(t, "~0", ""), "~1", ""), "~") {
			return Path{}, fmt.Errorf("%w %q: '~' must be written ~0 (and '/' as ~1)", ErrBadPath, s)
		}
		toks[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
	}
	return Path{Raw: s, Tokens: toks}, nil
}

func (p Path) String() string {
	if p.Raw == "" {
		return "(document)"
	}
	return p.Raw
}

// Lookup returns the value at p in doc (decoded JSON: map[string]any,
// []any, scalars); ok=false when p selects nothing.
func (p Path) Lookup(doc any) (any, bool) {
	cur := plain(doc)
	for _, t := range p.Tokens {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[t]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(c) || (len(t) > 1 && t[0] == '0') {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	return cur, true
}
