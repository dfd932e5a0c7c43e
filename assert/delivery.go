package assert

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hookdrill/hookdrill"
)

// Selector picks the attempts of a delivery that per-attempt expectations
// (status, not, within, outcome) apply to.
type Selector struct {
	Kind SelectorKind
	N    int // 1-based attempt number, for SelectNth
}

// SelectorKind names a Selector.
type SelectorKind string

// Selector kinds.
const (
	SelectLast  SelectorKind = "last"  // the final attempt (the default)
	SelectFirst SelectorKind = "first" // the first attempt
	SelectAll   SelectorKind = "all"   // every attempt must match
	SelectAny   SelectorKind = "any"   // at least one attempt must match
	SelectNth   SelectorKind = "n"     // attempt number N
)

// ErrBadSelector is wrapped by ParseSelector errors.
var ErrBadSelector = errors.New("bad attempt selector")

// SelectorHint lists the valid spellings, for error messages.
const SelectorHint = "last, first, all, any or an attempt number >= 1"

// ParseSelector parses "last", "first", "all", "any" or a number >= 1.
func ParseSelector(s string) (Selector, error) {
	switch k := SelectorKind(strings.ToLower(strings.TrimSpace(s))); k {
	case "", SelectLast:
		return Selector{Kind: SelectLast}, nil
	case SelectFirst, SelectAll, SelectAny:
		return Selector{Kind: k}, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 {
		return Selector{}, fmt.Errorf("%w %q: want %s", ErrBadSelector, s, SelectorHint)
	}
	return Selector{Kind: SelectNth, N: n}, nil
}

func (s Selector) String() string {
	switch s.Kind {
	case "", SelectLast:
		return "last attempt"
	case SelectFirst:
		return "first attempt"
	case SelectAll:
		return "every attempt"
	case SelectAny:
		return "some attempt"
	}
	return "attempt " + strconv.Itoa(s.N)
}

// DeliveryRecord is what a delivery left in the journal.
type DeliveryRecord struct {
	// Delivery is the end-of-delivery record; nil while it is still running.
	Delivery *hookdrill.Delivery
	// Attempts are its attempts in order.
	Attempts []hookdrill.Attempt
}

// RecordFromSnapshot collects the attempts and delivery record of one
// delivery id from a journal snapshot.
func RecordFromSnapshot(s hookdrill.Snapshot, deliveryID string) DeliveryRecord {
	var r DeliveryRecord
	for _, e := range s {
		switch {
		case e.Attempt != nil && e.Attempt.DeliveryID == deliveryID:
			r.Attempts = append(r.Attempts, *e.Attempt)
		case e.Delivery != nil && e.Delivery.DeliveryID == deliveryID:
			d := *e.Delivery
			r.Delivery = &d
		}
	}
	return r
}

// DeliveryExpect is what a delivery should look like. Zero fields are not
// checked.
type DeliveryExpect struct {
	// Status: the selected attempts were answered with one of these.
	Status StatusSet
	// Not: the selected attempts were answered with none of these (an
	// attempt without an answer matches no status).
	Not StatusSet
	// Within bounds the latency of the selected attempts.
	Within time.Duration
	// Outcome: the selected attempts ended with one of these outcomes.
	Outcome []hookdrill.Outcome
	// Attempt selects the attempts the checks above apply to (default last).
	Attempt Selector
	// Attempts: the number of attempts the delivery made.
	Attempts Matcher
	// Delivered: whether the delivery finally succeeded (a 2xx).
	Delivered *bool
}

// IsZero reports whether nothing is checked.
func (e DeliveryExpect) IsZero() bool {
	return len(e.Status) == 0 && len(e.Not) == 0 && e.Within == 0 && len(e.Outcome) == 0 &&
		len(e.Attempts) == 0 && e.Delivered == nil
}

// Check evaluates e over one delivery's record.
func (e DeliveryExpect) Check(r DeliveryRecord) []Result {
	var out []Result
	if len(r.Attempts) == 0 {
		return e.noAttempts(r)
	}
	if len(e.Status) > 0 {
		out = append(out, e.perAttempt(r, "status", e.Status.String(), func(a hookdrill.Attempt) (bool, string) {
			if a.Response == nil {
				return false, noAnswer(a)
			}
			return e.Status.Match(a.Response.Status), strconv.Itoa(a.Response.Status)
		}))
	}
	if len(e.Not) > 0 {
		out = append(out, e.perAttempt(r, "not", "not "+e.Not.String(), func(a hookdrill.Attempt) (bool, string) {
			if a.Response == nil {
				return true, noAnswer(a)
			}
			return !e.Not.Match(a.Response.Status), strconv.Itoa(a.Response.Status)
		}))
	}
	if e.Within > 0 {
		out = append(out, e.perAttempt(r, "within", "answered within "+e.Within.String(), func(a hookdrill.Attempt) (bool, string) {
			got := a.Latency.Round(time.Microsecond).String()
			if a.Response == nil {
				return false, got + " (" + noAnswer(a) + ")"
			}
			return a.Latency <= e.Within, got
		}))
	}
	if len(e.Outcome) > 0 {
		names := make([]string, len(e.Outcome))
		for i, o := range e.Outcome {
			names[i] = string(o)
		}
		out = append(out, e.perAttempt(r, "outcome", strings.Join(names, " or "), func(a hookdrill.Attempt) (bool, string) {
			return slices.Contains(e.Outcome, a.Outcome), string(a.Outcome)
		}))
	}
	if len(e.Attempts) > 0 {
		n := len(r.Attempts)
		ok, _ := e.Attempts.Match(n, true)
		res := Result{Expectation: "attempts", Want: e.Attempts.String(), Got: strconv.Itoa(n), Verdict: Pass}
		if !ok {
			res.Verdict = Fail
			res.Message = fmt.Sprintf("The delivery took %d attempt(s), want %s.", n, e.Attempts)
			res.Attempt = Summarize(r.Attempts[n-1])
		}
		out = append(out, res)
	}
	if e.Delivered != nil {
		got := false
		if r.Delivery != nil {
			got = r.Delivery.Status == hookdrill.StatusSucceeded
		} else {
			got = r.Attempts[len(r.Attempts)-1].Outcome.Success()
		}
		res := Result{Expectation: "delivered", Want: strconv.FormatBool(*e.Delivered), Got: strconv.FormatBool(got), Verdict: Pass}
		if got != *e.Delivered {
			res.Verdict = Fail
			last := r.Attempts[len(r.Attempts)-1]
			if *e.Delivered {
				res.Message = fmt.Sprintf("The delivery failed after %d attempt(s)", len(r.Attempts))
				if r.Delivery != nil && r.Delivery.Reason != "" {
					res.Message += ": " + r.Delivery.Reason
				}
				res.Message += "."
			} else {
				res.Message = fmt.Sprintf("The delivery succeeded on attempt %d; it should have failed.", last.Number)
			}
			res.Attempt = Summarize(last)
		}
		out = append(out, res)
	}
	return out
}

// noAttempts evaluates e over a delivery that made no attempt (cancelled,
// or its subscription was disabled): only delivered=false can hold.
func (e DeliveryExpect) noAttempts(r DeliveryRecord) []Result {
	got := "no attempt"
	if r.Delivery != nil {
		got = fmt.Sprintf("no attempt (%s", r.Delivery.Outcome)
		if r.Delivery.Reason != "" {
			got += ": " + r.Delivery.Reason
		}
		got += ")"
	}
	fail := func(name, want string) Result {
		return Result{Expectation: name, Verdict: Fail, Want: want, Got: got,
			Message: "The event was never sent to the receiver: " + got + "."}
	}
	var out []Result
	if len(e.Status) > 0 {
		out = append(out, fail("status", e.Status.String()))
	}
	if len(e.Not) > 0 {
		out = append(out, fail("not", "not "+e.Not.String()))
	}
	if e.Within > 0 {
		out = append(out, fail("within", "answered within "+e.Within.String()))
	}
	if len(e.Outcome) > 0 {
		out = append(out, fail("outcome", fmt.Sprint(e.Outcome)))
	}
	if len(e.Attempts) > 0 {
		res := Result{Expectation: "attempts", Verdict: Pass, Want: e.Attempts.String(), Got: "0"}
		if ok, _ := e.Attempts.Match(0, true); !ok {
			res.Verdict, res.Message = Fail, "The delivery made no attempt: "+got+"."
		}
		out = append(out, res)
	}
	if e.Delivered != nil {
		res := Result{Expectation: "delivered", Verdict: Pass, Want: strconv.FormatBool(*e.Delivered), Got: "false"}
		if *e.Delivered {
			res.Verdict, res.Message = Fail, "The event was never sent to the receiver: "+got+"."
		}
		out = append(out, res)
	}
	return out
}

func noAnswer(a hookdrill.Attempt) string {
	if a.Error != "" {
		return "no answer: " + string(a.Outcome)
	}
	return "no answer (" + string(a.Outcome) + ")"
}

// perAttempt applies test to the selected attempts.
func (e DeliveryExpect) perAttempt(r DeliveryRecord, name, want string, test func(hookdrill.Attempt) (bool, string)) Result {
	res := Result{Expectation: name, Want: want, Verdict: Pass}
	sel := e.Attempt
	if sel.Kind != SelectLast && sel.Kind != "" {
		res.Want = want + " (" + sel.String() + ")"
	}
	var picked []hookdrill.Attempt
	switch sel.Kind {
	case "", SelectLast:
		picked = r.Attempts[len(r.Attempts)-1:]
	case SelectFirst:
		picked = r.Attempts[:1]
	case SelectAll, SelectAny:
		picked = r.Attempts
	case SelectNth:
		if sel.N > len(r.Attempts) {
			res.Verdict = Fail
			res.Got = fmt.Sprintf("only %d attempt(s)", len(r.Attempts))
			res.Message = fmt.Sprintf("Attempt %d never happened: the delivery made %d attempt(s).", sel.N, len(r.Attempts))
			res.Attempt = Summarize(r.Attempts[len(r.Attempts)-1])
			return res
		}
		picked = r.Attempts[sel.N-1 : sel.N]
	}
	var gots []string
	var firstBad *hookdrill.Attempt
	bad := 0
	for i := range picked {
		ok, got := test(picked[i])
		gots = append(gots, got)
		if !ok {
			bad++
			if firstBad == nil {
				firstBad = &picked[i]
			}
		}
	}
	res.Got = strings.Join(gots, ", ")
	failed := bad > 0
	if sel.Kind == SelectAny {
		failed = bad == len(picked)
	}
	if !failed {
		return res
	}
	res.Verdict = Fail
	res.Attempt = Summarize(*firstBad)
	switch {
	case sel.Kind == SelectAny:
		res.Message = fmt.Sprintf("No attempt was %s.", want)
	case len(picked) > 1:
		res.Message = fmt.Sprintf("Attempt %d of %d was not %s: got %s.", firstBad.Number, len(picked), want, gotOf(test, *firstBad))
	default:
		res.Message = fmt.Sprintf("Attempt %d was not %s: got %s.", firstBad.Number, want, gotOf(test, *firstBad))
	}
	return res
}

func gotOf(test func(hookdrill.Attempt) (bool, string), a hookdrill.Attempt) string {
	_, g := test(a)
	return g
}

// Aggregate folds the results of the same expectations over many
// deliveries (a burst) into one result per expectation: it fails when any
// delivery failed, and says how many did.
func Aggregate(per [][]Result) []Result {
	type acc struct {
		res   Result
		total int
		bad   int
	}
	var order []string
	byName := map[string]*acc{}
	for _, rs := range per {
		for _, r := range rs {
			a, ok := byName[r.Expectation]
			if !ok {
				a = &acc{res: Result{Expectation: r.Expectation, Want: r.Want, Verdict: Pass}}
				byName[r.Expectation] = a
				order = append(order, r.Expectation)
			}
			a.total++
			if r.Verdict != Pass {
				a.bad++
				if a.res.Verdict == Pass {
					a.res.Verdict = r.Verdict
					a.res.Got = r.Got
					a.res.Attempt = r.Attempt
					a.res.Message = r.Message
				}
			}
		}
	}
	out := make([]Result, 0, len(order))
	for _, name := range order {
		a := byName[name]
		if a.bad == 0 {
			a.res.Got = fmt.Sprintf("all %d deliveries", a.total)
		} else {
			a.res.Message = fmt.Sprintf("%d of %d deliveries failed; first: %s", a.bad, a.total, a.res.Message)
			a.res.Got = fmt.Sprintf("%s (first of %d failing)", a.res.Got, a.bad)
		}
		out = append(out, a.res)
	}
	return out
}
