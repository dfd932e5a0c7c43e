package receiver

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hookdrill/hookdrill/internal/suggest"
)

// Bug names one deliberate defect of a reference receiver.
type Bug string

// The generic bugs: the receiver core implements them for every platform;
// a platform offers the ones its suite catches (Platform.Bugs), beside its
// own (in its reference package). Each is a mistake real webhook receivers
// make.
const (
	// BugNoSignatureCheck accepts every delivery without verifying anything.
	BugNoSignatureCheck Bug = "no-signature-check"
	// BugIgnoresMissingSignature verifies a signature when there is one,
	// but accepts a delivery that carries none.
	BugIgnoresMissingSignature Bug = "ignores-missing-signature"
	// Bug5xxOnBadSignature answers 500 instead of 401 to a wrong signature,
	// so forged requests look like outages and the platform retries them.
	Bug5xxOnBadSignature Bug = "5xx-on-bad-signature"
	// Bug5xxOnMalformedSignature crashes (500) on a signature header it
	// cannot decode.
	Bug5xxOnMalformedSignature Bug = "5xx-on-malformed-signature"
	// BugReserializesBody verifies the signature over a re-serialisation of
	// the parsed body (Platform.Reserialize) instead of the raw bytes
	// received.
	BugReserializesBody Bug = "reserializes-body"
	// BugAcceptsOldSecret keeps accepting signatures made with secrets that
	// were rotated away (Config.OldSecrets).
	BugAcceptsOldSecret Bug = "accepts-old-secret"
	// BugNoDedup applies every delivery, including redeliveries.
	BugNoDedup Bug = "no-dedup"
	// BugRejectsDuplicates answers 409 to a redelivery instead of
	// acknowledging it, so the platform keeps retrying.
	BugRejectsDuplicates Bug = "rejects-duplicates"
	// BugDedupBeforeVerify records the event id on arrival, before the
	// signature is verified, so a rejected attempt poisons its valid retry.
	BugDedupBeforeVerify Bug = "dedup-before-verify"
	// BugNoOrdering applies statuses in arrival order.
	BugNoOrdering Bug = "no-ordering"
	// Bug5xxOnUnknownEvent crashes (500) on an event type it does not know.
	Bug5xxOnUnknownEvent Bug = "5xx-on-unknown-event"
	// BugRejectsSpacedStatus rejects statuses with a space such as
	// "AWAITING REVIEW" (the team assumed enum-style UPPER_SNAKE values);
	// only platforms whose statuses have spaces offer it.
	BugRejectsSpacedStatus Bug = "rejects-spaced-status"
	// BugMissingEventType has no handler for one documented event type
	// (Platform.BugEventType) and answers 400 to it.
	BugMissingEventType Bug = "missing-event-type"
	// BugRedirects answers one documented event type
	// (Platform.BugEventType) with a 308 redirect, as a route mounted with
	// a trailing slash does.
	BugRedirects Bug = "redirects"
	// BugSlow takes Config.SlowDelay to answer every delivery.
	BugSlow Bug = "slow"
	// BugSlowUnderLoad processes deliveries one at a time, each taking
	// Config.SlowDelay/8: fine alone, too slow in a burst.
	BugSlowUnderLoad Bug = "slow-under-load"
)

// BugInfo describes a bug of the catalogue.
type BugInfo struct {
	Name Bug `json:"name"`
	// Summary says what the broken receiver does.
	Summary string `json:"summary"`
	// Fails lists the conformance check ids (without the platform prefix)
	// that catch the bug. hookdrill's own tests hold the suite to it: with
	// the bug switched on, exactly these checks fail.
	Fails []string `json:"fails"`
}

// summaries are the generic bugs' summaries.
var summaries = map[Bug]string{
	BugNoSignatureCheck:        "accepts every delivery without verifying its signature",
	BugIgnoresMissingSignature: "accepts a delivery that carries no signature header",
	Bug5xxOnBadSignature:       "answers 500 instead of 401 to a wrong signature",
	Bug5xxOnMalformedSignature: "crashes (500) on a signature or timestamp header it cannot decode",
	BugReserializesBody:        "verifies the signature over a re-serialised body instead of the raw bytes",
	BugAcceptsOldSecret:        "keeps accepting signatures made with a rotated-away secret",
	BugNoDedup:                 "applies redeliveries of an event again",
	BugRejectsDuplicates:       "answers 409 to a redelivery instead of acknowledging it",
	BugDedupBeforeVerify:       "records the event id before verifying, so a rejected attempt poisons its valid retry",
	BugNoOrdering:              "applies statuses in arrival order, so a late old event wins",
	Bug5xxOnUnknownEvent:       "crashes (500) on an event type it does not know",
	BugRejectsSpacedStatus:     `rejects statuses with a space, such as "AWAITING REVIEW"`,
	BugMissingEventType:        "has no handler for one documented event type and answers 400",
	BugRedirects:               "answers one documented event type with a 308 redirect",
	BugSlow:                    "takes SlowDelay to answer every delivery",
	BugSlowUnderLoad:           "processes deliveries one at a time: fine alone, too slow in a burst",
}

// Bugs lists the bugs of p's catalogue, in its order, with the checks that
// catch each on that platform (sorted).
func Bugs(p Platform) []BugInfo {
	var out []BugInfo
	for _, info := range p.Bugs() {
		if info.Summary == "" {
			info.Summary = summaries[info.Name]
		}
		info.Fails = slices.Clone(info.Fails)
		slices.Sort(info.Fails)
		out = append(out, info)
	}
	return out
}

// bugNames lists the bug names valid for p.
func bugNames(p Platform) string {
	var names []string
	for _, b := range Bugs(p) {
		names = append(names, string(b.Name))
	}
	return strings.Join(names, ", ")
}

// ParseBugs parses a comma-separated list of bug names of p's catalogue.
func ParseBugs(p Platform, list string) ([]Bug, error) {
	var out []Bug
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !validBug(p, Bug(s)) {
			var names []string
			for _, b := range Bugs(p) {
				names = append(names, string(b.Name))
			}
			return nil, fmt.Errorf("receiver: unknown %s bug %q%s (valid: %s)", p.Name(), s, suggest.Phrase(s, names), bugNames(p))
		}
		out = append(out, Bug(s))
	}
	return out, nil
}

func validBug(p Platform, b Bug) bool {
	for _, info := range p.Bugs() {
		if info.Name == b {
			return true
		}
	}
	return false
}

// Platforms is a list of platform parts, as platform/all gives it.
type Platforms []Platform

// Names lists the platforms' names, in order.
func (ps Platforms) Names() []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name()
	}
	return out
}

// Lookup returns the part of the named platform; an unknown name is an
// error listing the valid ones.
func (ps Platforms) Lookup(name string) (Platform, error) {
	for _, p := range ps {
		if p.Name() == name {
			return p, nil
		}
	}
	return nil, fmt.Errorf("receiver: unknown platform %q (valid: %s)", name, strings.Join(ps.Names(), ", "))
}
