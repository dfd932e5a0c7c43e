package suggest

import "strings"

// Closest is the name in valid nearest to got, or "" when none is close or
// got is itself valid. Case and the separators '_', ' ', '-' and '.' are
// ignored first (AWAITING_REVIEW → "AWAITING REVIEW"); then at most two
// edits; then a valid name that starts with got (three characters or more).
func Closest(got string, valid []string) string {
	for _, v := range valid {
		if v == got {
			return ""
		}
	}
	for _, v := range valid {
		if norm(v) == norm(got) {
			return v
		}
	}
	best, bestD := "", 3
	for _, v := range valid {
		if d := Distance(strings.ToLower(got), strings.ToLower(v)); d < bestD {
			best, bestD = v, d
		}
	}
	if best == "" && len(got) >= 3 {
		for _, v := range valid {
			if strings.HasPrefix(strings.ToLower(v), strings.ToLower(got)) {
				return v
			}
		}
	}
	return best
}

// Phrase is ` (did you mean "x"?)` for Closest's answer, or "".
func Phrase(got string, valid []string) string {
	if s := Closest(got, valid); s != "" {
		return ` (did you mean "` + s + `"?)`
	}
	return ""
}

func norm(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '_', ' ', '-', '.':
			return -1
		}
		return r
	}, strings.ToLower(s))
}

// Distance is the Levenshtein distance between a and b (99 when either is
// longer than 64 bytes: never a close match).
func Distance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 99
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
