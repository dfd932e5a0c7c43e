package receiver

import (
	"fmt"
	"github.com/hookdrill/hookdrill/internal/suggest"
	"slices"
	"strings"
)

// Bug names one deliberate defect of a reference receiver.
type Bug string

// The bug catalogue. Each is a mistake real webhook receivers make.
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
	// the parsed body instead of the raw bytes received.
	BugReserializesBody Bug = "reserializes-body"
	// BugNoTimestampCheck never checks X-Prolific-Request-Timestamp's age,
	// so captured requests replay forever (Prolific only).
	BugNoTimestampCheck Bug = "no-timestamp-check"
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
	// "AWAITING REVIEW" (the team assumed enum-style UPPER_SNAKE values;
	// Prolific only).
	BugRejectsSpacedStatus Bug = "rejects-spaced-status"
	// BugStringValuesOnly decodes every updatedFields value as a string and
	// crashes (500) on the boolean "rejected" flip (Respondent only).
	BugStringValuesOnly Bug = "string-values-only"
	// BugMissingEventType has no handler for one documented event type
	// (Prolific study.has_high_return_rate, Respondent
	// CONVERSATIONS.CREATED) and answers 400 to it.
	BugMissingEventType Bug = "missing-event-type"
	// BugRedirects answers one documented event type (Prolific
	// study.progress.change, Respondent MESSAGES.CREATED) with a 308
	// redirect, as a route mounted with a trailing slash does.
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

type bugDef struct {
	BugInfo
	platforms []string // empty: every platform
	// extra lists checks caught only on some platform: platform -> ids.
	extra map[string][]string
}

var catalogue = []bugDef{
	{BugInfo: BugInfo{Name: BugNoSignatureCheck, Summary: "accepts every delivery without verifying its signature",
		Fails: []string{"retry.full_schedule", "retry.recovers", "signature.body_changed", "signature.flipped",
			"signature.malformed", "signature.missing", "signature.rotated_secret", "signature.wrong_secret"}},
		extra: map[string][]string{
			"prolific":   {"signature.future", "signature.missing_timestamp", "signature.stale"},
			"respondent": {"signature.unknown_algorithm"},
		}},
	{BugInfo: BugInfo{Name: BugIgnoresMissingSignature, Summary: "accepts a delivery that carries no signature header",
		Fails: []string{"signature.missing"}}},
	{BugInfo: BugInfo{Name: Bug5xxOnBadSignature, Summary: "answers 500 instead of 401 to a wrong signature",
		Fails: []string{"signature.body_changed", "signature.flipped", "signature.rotated_secret", "signature.wrong_secret"}}},
	{BugInfo: BugInfo{Name: Bug5xxOnMalformedSignature, Summary: "crashes (500) on a signature or timestamp header it cannot decode",
		Fails: []string{"signature.malformed"}},
		extra: map[string][]string{"prolific": {"signature.missing_timestamp"}, "respondent": {"signature.unknown_algorithm"}}},
	{BugInfo: BugInfo{Name: BugReserializesBody, Summary: "verifies the signature over a re-serialised body instead of the raw bytes",
		Fails: []string{"signature.raw_body"}}},
	{BugInfo: BugInfo{Name: BugNoTimestampCheck, Summary: "never checks the request timestamp's age (replays work forever)",
		Fails: []string{"signature.future", "signature.stale"}}, platforms: []string{"prolific"}},
	{BugInfo: BugInfo{Name: BugAcceptsOldSecret, Summary: "keeps accepting signatures made with a rotated-away secret",
		Fails: []string{"signature.rotated_secret"}}},
	{BugInfo: BugInfo{Name: BugNoDedup, Summary: "applies redeliveries of an event again",
		Fails: []string{"idempotency.duplicate_applied_once", "idempotency.lost_ack_applied_once"}}},
	{BugInfo: BugInfo{Name: BugRejectsDuplicates, Summary: "answers 409 to a redelivery instead of acknowledging it",
		Fails: []string{"idempotency.duplicate_acknowledged", "idempotency.duplicate_applied_once", "idempotency.lost_ack_applied_once"}}},
	{BugInfo: BugInfo{Name: BugDedupBeforeVerify, Summary: "records the event id before verifying, so a rejected attempt poisons its valid retry",
		Fails: []string{"retry.full_schedule", "retry.recovers"}}},
	{BugInfo: BugInfo{Name: BugNoOrdering, Summary: "applies statuses in arrival order, so a late old event wins",
		Fails: []string{"ordering.older_ignored"}}},
	{BugInfo: BugInfo{Name: Bug5xxOnUnknownEvent, Summary: "crashes (500) on an event type it does not know",
		Fails: []string{"coverage.unknown_event_type"}}},
	{BugInfo: BugInfo{Name: BugRejectsSpacedStatus, Summary: `rejects statuses with a space, such as "AWAITING REVIEW"`,
		Fails: []string{"coverage.event_types", "coverage.statuses", "ordering.older_ignored", "signature.valid"}},
		platforms: []string{"prolific"}},
	{BugInfo: BugInfo{Name: BugStringValuesOnly, Summary: `decodes updatedFields values as strings and crashes (500) on the boolean "rejected" flip`,
		Fails: []string{"coverage.statuses"}}, platforms: []string{"respondent"}},
	{BugInfo: BugInfo{Name: BugMissingEventType, Summary: "has no handler for one documented event type and answers 400",
		Fails: []string{"coverage.event_types"}}},
	{BugInfo: BugInfo{Name: BugRedirects, Summary: "answers one documented event type with a 308 redirect",
		Fails: []string{"coverage.event_types", "coverage.no_redirect"}}},
	{BugInfo: BugInfo{Name: BugSlow, Summary: "takes SlowDelay to answer every delivery",
		Fails: []string{"latency.burst", "latency.single"}}},
	{BugInfo: BugInfo{Name: BugSlowUnderLoad, Summary: "processes deliveries one at a time: fine alone, too slow in a burst",
		Fails: []string{"latency.burst"}}},
}

// Bugs lists the bugs that apply to platform, in catalogue order, with the
// checks that catch each on that platform.
func Bugs(platform string) []BugInfo {
	var out []BugInfo
	for _, d := range catalogue {
		if len(d.platforms) > 0 && !slices.Contains(d.platforms, platform) {
			continue
		}
		info := d.BugInfo
		info.Fails = append(slices.Clone(info.Fails), d.extra[platform]...)
		slices.Sort(info.Fails)
		out = append(out, info)
	}
	return out
}

// bugNames lists the bug names valid for platform.
func bugNames(platform string) string {
	var names []string
	for _, b := range Bugs(platform) {
		names = append(names, string(b.Name))
	}
	return strings.Join(names, ", ")
}

// ParseBugs parses a comma-separated list of bug names for platform.
func ParseBugs(platform, list string) ([]Bug, error) {
	var out []Bug
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !validBug(platform, Bug(s)) {
			var names []string
			for _, b := range Bugs(platform) {
				names = append(names, string(b.Name))
			}
			return nil, fmt.Errorf("receiver: unknown %s bug %q%s (valid: %s)", platform, s, suggest.Phrase(s, names), bugNames(platform))
		}
		out = append(out, Bug(s))
	}
	return out, nil
}

func validBug(platform string, b Bug) bool {
	for _, info := range Bugs(platform) {
		if info.Name == b {
			return true
		}
	}
	return false
}
