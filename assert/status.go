package assert

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// StatusMatch matches an HTTP status code: an exact code (200) or a class
// (Class 2 for "2xx").
type StatusMatch struct {
	Code  int // exact code, or 0
	Class int // 1..5 for "1xx".."5xx", or 0
}

// ErrBadStatus is wrapped by ParseStatus errors.
var ErrBadStatus = errors.New("bad status")

// StatusHint lists the valid spellings, for error messages.
const StatusHint = "a class 1xx, 2xx, 3xx, 4xx, 5xx or a code 100-599"

// ParseStatus parses "2xx" (any case) or a code "100".."599".
func ParseStatus(s string) (StatusMatch, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if len(t) == 3 && t[1:] == "xx" && t[0] >= '1' && t[0] <= '5' {
		return StatusMatch{Class: int(t[0] - '0')}, nil
	}
	n, err := strconv.Atoi(t)
	if err != nil || n < 100 || n > 599 {
		return StatusMatch{}, fmt.Errorf("%w %q: want %s", ErrBadStatus, s, StatusHint)
	}
	return StatusMatch{Code: n}, nil
}

// Match reports whether code matches.
func (m StatusMatch) Match(code int) bool {
	if m.Class != 0 {
		return code/100 == m.Class
	}
	return code == m.Code
}

func (m StatusMatch) String() string {
	if m.Class != 0 {
		return strconv.Itoa(m.Class) + "xx"
	}
	return strconv.Itoa(m.Code)
}

// StatusSet matches a code when any member matches.
type StatusSet []StatusMatch

// ParseStatusSet parses each spelling; all errors are joined.
func ParseStatusSet(ss ...string) (StatusSet, error) {
	var out StatusSet
	var errs []error
	for _, s := range ss {
		m, err := ParseStatus(s)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, m)
	}
	return out, errors.Join(errs...)
}

// MustStatus is ParseStatusSet that panics, for literals in code and tests.
func MustStatus(ss ...string) StatusSet {
	s, err := ParseStatusSet(ss...)
	if err != nil {
		panic(err)
	}
	return s
}

// Match reports whether code matches any member.
func (s StatusSet) Match(code int) bool {
	for _, m := range s {
		if m.Match(code) {
			return true
		}
	}
	return false
}

func (s StatusSet) String() string {
	parts := make([]string, len(s))
	for i, m := range s {
		parts[i] = m.String()
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts, " or ")
}
