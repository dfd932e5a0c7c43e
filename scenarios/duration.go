package scenarios

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ErrBadDuration is wrapped by ParseDuration errors.
var ErrBadDuration = errors.New("bad duration")

// maxDuration bounds durations to 1000 days, far beyond any schedule.
const maxDuration = 1000 * 24 * time.Hour

// ParseDuration parses Go duration syntax ("1h30m", "500ms", "-10m") with
// one addition: a leading days term ("2d", "1d12h", "-1d").
func ParseDuration(s string) (time.Duration, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return 0, fmt.Errorf("%w: empty (write e.g. \"30s\", \"10m\", \"48h\", \"2d\")", ErrBadDuration)
	}
	neg := false
	rest := in
	if rest[0] == '-' || rest[0] == '+' {
		neg = rest[0] == '-'
		rest = rest[1:]
	}
	var total time.Duration
	if i := strings.IndexByte(rest, 'd'); i > 0 {
		days, err := strconv.ParseUint(rest[:i], 10, 16)
		if err != nil {
			return 0, fmt.Errorf("%w %q: days must be a whole number (e.g. \"2d\", \"1d12h\")", ErrBadDuration, s)
		}
		total = time.Duration(days) * 24 * time.Hour
		rest = rest[i+1:]
	}
	if rest != "" {
		d, err := time.ParseDuration(rest)
		if err != nil || d < 0 || strings.HasPrefix(rest, "-") || strings.HasPrefix(rest, "+") {
			return 0, fmt.Errorf("%w %q: want e.g. \"500ms\", \"30s\", \"10m\", \"48h\", \"2d\" (units: ns, us, ms, s, m, h, d)", ErrBadDuration, s)
		}
		total += d
	}
	if total > maxDuration {
		return 0, fmt.Errorf("%w %q: longer than 1000 days", ErrBadDuration, s)
	}
	if neg {
		total = -total
	}
	return total, nil
}

// FormatDuration writes d the way ParseDuration reads it, with days for
// whole days ("2d", "1d12h0m0s").
func FormatDuration(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	day := 24 * time.Hour
	if d >= day {
		days := d / day
		if rem := d % day; rem != 0 {
			return fmt.Sprintf("%s%dd%s", sign, days, rem)
		}
		return fmt.Sprintf("%s%dd", sign, days)
	}
	return sign + d.String()
}
