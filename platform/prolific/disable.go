package prolific

import (
	"errors"
	"fmt"
	"time"
)

// Defaults of DisablePolicy (spec 2.8).
const (
	DefaultNoticeDay  = 3 // Customer Success contacts the customer (P15)
	DefaultDisableDay = 5 // the (target URL, event type) pair is disabled (P14)
)

// Pair is what Prolific tracks health for: a target URL and an event type.
// Disabling a pair disables every subscription with that pair, across
// workspaces (P14).
type Pair struct {
	TargetURL string `json:"target_url"`
	EventType string `json:"event_type"`
}

// Action is what an observation asks the owner of a pair to do.
type Action string

// Actions Observe returns.
const (
	ActionNone    Action = "none"
	ActionNotify  Action = "notify"  // record the day-3 "customer success notified" event (P15)
	ActionDisable Action = "disable" // set is_enabled=false on every subscription with the pair
)

// DisablePolicy is Prolific's persistent-failure policy (spec 2.8) as a pure
// function. A failing day is a UTC calendar day with at least one delivery
// and no successful one; a day without deliveries neither breaks a streak
// nor counts. On the NoticeDay-th consecutive failing day the owner is told
// to notify, on the DisableDay-th to disable, each once per streak. Any
// success ends the streak, also when it comes later on a day that had
// failed so far.
//
// A day counts as failing from its first failed delivery: the notice and
// the disabling happen during day 3 and day 5, as the docs say, rather than
// after the day is over. (A success later on day 5 still resets the streak,
// but the pair stays disabled until re-enabled.)
type DisablePolicy struct {
	// NoticeDay is the failing day that triggers ActionNotify; 0 means
	// DefaultNoticeDay, a negative value never notifies.
	NoticeDay int `json:"notice_day" yaml:"notice_day"`
	// DisableDay is the failing day that triggers ActionDisable; 0 means
	// DefaultDisableDay.
	DisableDay int `json:"disable_day" yaml:"disable_day"`
}

// DefaultDisablePolicy returns the documented 3-day notice, 5-day disable.
func DefaultDisablePolicy() DisablePolicy {
	return DisablePolicy{NoticeDay: DefaultNoticeDay, DisableDay: DefaultDisableDay}
}

func (p DisablePolicy) withDefaults() DisablePolicy {
	if p.NoticeDay == 0 {
		p.NoticeDay = DefaultNoticeDay
	}
	if p.DisableDay == 0 {
		p.DisableDay = DefaultDisableDay
	}
	return p
}

// Validate reports a policy that cannot work: a negative DisableDay, or a
// notice that would not come before the disabling (customers are told
// first).
func (p DisablePolicy) Validate() error {
	d := p.withDefaults()
	var errs []error
	if d.DisableDay < 1 {
		errs = append(errs, fmt.Errorf("disable_day must be at least 1, got %d", p.DisableDay))
	}
	if d.NoticeDay > 0 && d.NoticeDay >= d.DisableDay {
		errs = append(errs, fmt.Errorf("notice_day (%d) must come before disable_day (%d)", d.NoticeDay, d.DisableDay))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("prolific disable policy: %w", err)
	}
	return nil
}

// PairHealth is the state Observe keeps for one Pair. The zero value is a
// pair that has seen no delivery.
type PairHealth struct {
	// Day is the UTC midnight of the latest day with a delivery; zero
	// before the first.
	Day time.Time `json:"day"`
	// DayFailed and DaySucceeded tell whether Day has seen a failed and a
	// successful delivery.
	DayFailed    bool `json:"day_failed"`
	DaySucceeded bool `json:"day_succeeded"`
	// Streak counts consecutive failing days, days without deliveries
	// skipped, including Day when it has failed so far.
	Streak int `json:"streak"`
	// Notified and Disabled tell whether this streak has already produced
	// ActionNotify and ActionDisable.
	Notified bool `json:"notified"`
	Disabled bool `json:"disabled"`
}

// Reenabled returns the health of a pair the customer has just re-enabled
// (PATCH is_enabled=true): a fresh start, as if no delivery had been seen,
// so it takes another DisableDay failing days to disable it again [INF].
func (h PairHealth) Reenabled() PairHealth { return PairHealth{} }

// Observe folds one delivery outcome at time at into h and returns the new
// health and what to do. A delivery is what ends as SUCCEEDED or FAILED;
// whether the owner observes every attempt or only final outcomes is its
// choice. Observations must come in time order per pair; one that belongs to
// a day before h.Day is late: a late success still ends the streak, a late
// failure changes nothing (its day's verdict has been used already).
func (p DisablePolicy) Observe(h PairHealth, at time.Time, success bool) (PairHealth, Action) {
	p = p.withDefaults()
	day := utcDay(at)
	switch {
	case h.Day.IsZero() || day.After(h.Day):
		// A new day. The days in between had no deliveries: they neither
		// break the streak nor count.
		h.Day, h.DayFailed, h.DaySucceeded = day, false, false
	case day.Before(h.Day):
		if success {
			h.Streak, h.Notified, h.Disabled = 0, false, false
		}
		return h, ActionNone
	}
	if success {
		h.DaySucceeded = true
		h.Streak, h.Notified, h.Disabled = 0, false, false
		return h, ActionNone
	}
	if h.DaySucceeded || h.DayFailed {
		// Already a good day, or a failing day already counted.
		h.DayFailed = true
		return h, ActionNone
	}
	h.DayFailed = true
	h.Streak++
	switch {
	case h.Streak >= p.DisableDay && !h.Disabled:
		h.Disabled = true
		return h, ActionDisable
	case p.NoticeDay > 0 && h.Streak >= p.NoticeDay && !h.Notified:
		h.Notified = true
		return h, ActionNotify
	}
	return h, ActionNone
}

func utcDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
