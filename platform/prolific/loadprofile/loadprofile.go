package loadprofile

import (
	"math/rand/v2"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/load"
	"github.com/hookdrill/hookdrill/platform/prolific"
)

// Profile names.
const (
	StudyFill   = "study-fill"
	BulkApprove = "bulk-approve"
)

// Workload is Prolific's part of load tests: DefaultMix and Profiles.
func Workload() load.Workload {
	return load.Workload{Platform: prolific.Name, Mix: DefaultMix(), Profiles: Profiles()}
}

// DefaultMix is the event mix of a constant-rate run: what a busy
// workspace receives, by our assumptions: mostly submission status
// changes.
func DefaultMix() load.Mix {
	return load.Mix{
		{Event: prolific.EventSubmissionStatusChange, Status: prolific.StatusActive, Weight: 30},
		{Event: prolific.EventSubmissionStatusChange, Status: prolific.StatusAwaitingReview, Weight: 30},
		{Event: prolific.EventSubmissionStatusChange, Status: prolific.StatusApproved, Weight: 28},
		{Event: prolific.EventSubmissionStatusChange, Status: prolific.StatusReturned, Weight: 4},
		{Event: prolific.EventSubmissionStatusChange, Status: prolific.StatusTimedOut, Weight: 2},
		{Event: prolific.EventStudyProgressChange, Weight: 5},
		{Event: prolific.EventStudyStatusChange, Status: prolific.StatusActive, Weight: 1},
	}
}

// Profiles returns Prolific's built-in profiles with their default N and
// T. Their assumptions:
//
// study-fill: one study of N places fills over T. The study
// goes PUBLISHING then ACTIVE at the start. Participant i reserves a place
// at a uniform time in the first half of T (RESERVED), starts within 1 %
// of T (ACTIVE), then 88 % submit 5-35 % of T later (AWAITING REVIEW), 6 %
// return (RETURNED), 3 % time out (TIMED-OUT, 35 % of T later) and 3 % are
// screened out (SCREENED OUT, within 2 % of T): the exits from ACTIVE of
// the platform's submission lifecycle. Every submission that leaves ACTIVE
// changes the study's counts, so a study.progress.change follows it. The
// study goes AWAITING REVIEW at 88 % of T; the researcher then reviews in
// bulk between 90 % and 98 % of T: 94 % APPROVED, 3 % PARTIALLY APPROVED,
// 3 % REJECTED; the study is COMPLETED at 99 % of T. So N participants make
// about 5.8 N deliveries, each submission in its real order.
//
// bulk-approve: N submissions AWAITING REVIEW are approved at
// once ("approve all"): N APPROVED events evenly over T, then the study
// COMPLETED.
func Profiles() []load.Profile {
	return []load.Profile{
		{Name: StudyFill, Platform: prolific.Name, Participants: load.DefaultParticipants, Span: 10 * time.Minute,
			Description: "a study of N places fills, its submissions are reviewed and approved, over T", Generate: studyFill},
		{Name: BulkApprove, Platform: prolific.Name, Participants: load.DefaultParticipants, Span: 30 * time.Second,
			Description: "N submissions awaiting review are approved at once over T", Generate: bulkApprove},
	}
}

func studyFill(n int, span time.Duration, r *rand.Rand) []load.Item {
	study := load.ObjectID(r)
	items := make([]load.Item, 0, n*6+4)
	studyEv := func(at time.Duration, typ, status string) {
		items = append(items, load.Item{At: at, Spec: hookdrill.EventSpec{Type: typ, Status: status, ResourceID: study}})
	}
	studyEv(0, prolific.EventStudyStatusChange, prolific.StatusPublishing)
	studyEv(load.Frac(span, 0.001), prolific.EventStudyStatusChange, prolific.StatusActive)
	for i := range n {
		sub, part := load.ObjectID(r), load.ObjectID(r)
		key := uint64(i + 1)
		extra := map[string]string{prolific.ExtraParticipantID: part} // shared, read-only
		ev := func(at time.Duration, status string) {
			items = append(items, load.Item{At: at, Key: key, Spec: hookdrill.EventSpec{
				Type: prolific.EventSubmissionStatusChange, Status: status, ResourceID: sub, Extra: extra}})
		}
		progress := func(at time.Duration) {
			items = append(items, load.Item{At: at, Key: key, Spec: hookdrill.EventSpec{Type: prolific.EventStudyProgressChange, ResourceID: study}})
		}
		reserved := load.Between(r, span, 0, 0.5)
		active := reserved + load.Between(r, span, 0, 0.01)
		ev(reserved, prolific.StatusReserved)
		ev(active, prolific.StatusActive)
		x := r.Float64()
		switch {
		case x < 0.88:
			done := active + load.Between(r, span, 0.05, 0.35)
			ev(done, prolific.StatusAwaitingReview)
			progress(done)
			decided := load.Between(r, span, 0.90, 0.98)
			y := r.Float64()
			switch {
			case y < 0.94:
				ev(decided, prolific.StatusApproved)
			case y < 0.97:
				ev(decided, prolific.StatusPartiallyApproved)
			default:
				ev(decided, prolific.StatusRejected)
			}
		case x < 0.94:
			t := active + load.Between(r, span, 0.01, 0.3)
			ev(t, prolific.StatusReturned)
			progress(t)
		case x < 0.97:
			t := active + load.Frac(span, 0.35)
			ev(t, prolific.StatusTimedOut)
			progress(t)
		default:
			t := active + load.Between(r, span, 0, 0.02)
			ev(t, prolific.StatusScreenedOut)
			progress(t)
		}
	}
	studyEv(load.Frac(span, 0.88), prolific.EventStudyStatusChange, prolific.StatusAwaitingReview)
	studyEv(load.Frac(span, 0.99), prolific.EventStudyStatusChange, prolific.StatusCompleted)
	return items
}

func bulkApprove(n int, span time.Duration, r *rand.Rand) []load.Item {
	study := load.ObjectID(r)
	items := make([]load.Item, 0, n+1)
	for i := range n {
		items = append(items, load.Item{At: load.Frac(span, 0.99*float64(i)/float64(n)), Key: uint64(i + 1), Spec: hookdrill.EventSpec{
			Type: prolific.EventSubmissionStatusChange, Status: prolific.StatusApproved, ResourceID: load.ObjectID(r),
			Extra: map[string]string{prolific.ExtraParticipantID: load.ObjectID(r)}}})
	}
	items = append(items, load.Item{At: load.Frac(span, 0.995), Spec: hookdrill.EventSpec{
		Type: prolific.EventStudyStatusChange, Status: prolific.StatusCompleted, ResourceID: study}})
	return items
}
