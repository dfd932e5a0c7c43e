package suggest

import "testing"

func TestClosest(t *testing.T) {
	valid := []string{"ACTIVE", "AWAITING REVIEW", "APPROVED", "no-dedup", "platform"}
	for _, tc := range []struct{ got, want string }{
		{"AWAITING_REVIEW", "AWAITING REVIEW"},
		{"awaiting review", "AWAITING REVIEW"},
		{"APROVED", "APPROVED"},
		{"no-dedupe", "no-dedup"},
		{"platfrom", "platform"},
		{"plat", "platform"},
		{"zzz", ""},
		{"APPROVED", ""},
		{"", ""},
	} {
		if got := Closest(tc.got, valid); got != tc.want {
			t.Errorf("Closest(%q) = %q, want %q", tc.got, got, tc.want)
		}
	}
	if got := Phrase("APROVED", valid); got != ` (did you mean "APPROVED"?)` {
		t.Errorf("Phrase = %q", got)
	}
}

func FuzzClosest(f *testing.F) {
	f.Add("AWAITING_REVIEW")
	f.Fuzz(func(t *testing.T, s string) {
		valid := []string{"ACTIVE", "AWAITING REVIEW"}
		if c := Closest(s, valid); c != "" && c != valid[0] && c != valid[1] {
			t.Fatalf("Closest(%q) = %q: not a valid name", s, c)
		}
	})
}
