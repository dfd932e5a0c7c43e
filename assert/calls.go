package assert

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hookdrill/hookdrill"
)

// CallsExpect counts the receiver's calls into the mock API. Empty filter
// fields match every call.
type CallsExpect struct {
	Method string // e.g. GET; case-insensitive
	// Route matches the call's route template ("/api/v1/submissions/{id}/")
	// or its literal path; a trailing slash is ignored.
	Route      string
	ResourceID string
	Status     StatusSet // the mock's answer
	Count      Matcher   // default: at least one
}

// Describe says which calls are counted.
func (e CallsExpect) Describe() string {
	var parts []string
	if e.Method != "" {
		parts = append(parts, strings.ToUpper(e.Method))
	}
	if e.Route != "" {
		parts = append(parts, e.Route)
	}
	if e.ResourceID != "" {
		parts = append(parts, "resource "+e.ResourceID)
	}
	if len(e.Status) > 0 {
		parts = append(parts, "answered "+e.Status.String())
	}
	if len(parts) == 0 {
		return "any API call"
	}
	return strings.Join(parts, " ")
}

func (e CallsExpect) matches(c hookdrill.APICall) bool {
	if e.Method != "" && !strings.EqualFold(e.Method, c.Method) {
		return false
	}
	if e.Route != "" {
		want := strings.TrimSuffix(e.Route, "/")
		if want != strings.TrimSuffix(c.Route, "/") && want != strings.TrimSuffix(c.Path, "/") {
			return false
		}
	}
	if e.ResourceID != "" && e.ResourceID != c.ResourceID {
		return false
	}
	if len(e.Status) > 0 && !e.Status.Match(c.Status) {
		return false
	}
	return true
}

// Check counts the matching API calls of s.
func (e CallsExpect) Check(s hookdrill.Snapshot) Result {
	n := 0
	for _, c := range s.APICalls() {
		if e.matches(c) {
			n++
		}
	}
	m := e.Count
	if len(m) == 0 {
		m = Matcher{{Op: OpGte, Want: 1}}
	}
	ok, _ := m.Match(n, true)
	r := Result{Expectation: "calls " + e.Describe(), Want: m.String(), Got: strconv.Itoa(n), Verdict: Pass}
	if !ok {
		r.Verdict = Fail
		r.Message = fmt.Sprintf("The receiver made %d call(s) of %s into the mock API, want %s.", n, e.Describe(), m)
	}
	return r
}

// NoticesExpect counts platform-side actions recorded in the journal
// (auto_disabled, customer_success_notified, secret_rotated...). Empty
// filter fields match every notice.
type NoticesExpect struct {
	Type      string
	EventType string
	Count     Matcher // default: at least one
}

// Check counts the matching notices of s.
func (e NoticesExpect) Check(s hookdrill.Snapshot) Result {
	n := 0
	for _, no := range s.Notices() {
		if (e.Type == "" || e.Type == no.Type) && (e.EventType == "" || e.EventType == no.EventType) {
			n++
		}
	}
	m := e.Count
	if len(m) == 0 {
		m = Matcher{{Op: OpGte, Want: 1}}
	}
	what := "notice " + e.Type
	if e.Type == "" {
		what = "any notice"
	}
	if e.EventType != "" {
		what += " for " + e.EventType
	}
	ok, _ := m.Match(n, true)
	r := Result{Expectation: what, Want: m.String(), Got: strconv.Itoa(n), Verdict: Pass}
	if !ok {
		r.Verdict = Fail
		r.Message = fmt.Sprintf("The mock recorded %d %s, want %s.", n, what, m)
	}
	return r
}
