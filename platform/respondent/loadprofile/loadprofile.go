package loadprofile

import (
	"math/rand/v2"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/load"
	"github.com/hookdrill/hookdrill/platform/respondent"
)

// Project is the name of the built-in profile.
const Project = "respondent-project"

// Workload is Respondent's part of load tests: DefaultMix and Profiles.
func Workload() load.Workload {
	return load.Workload{Platform: respondent.Name, Mix: DefaultMix(), Profiles: Profiles()}
}

// DefaultMix is the event mix of a constant-rate run: what a busy team
// receives, by our assumptions: mostly screener response status changes.
func DefaultMix() load.Mix {
	return load.Mix{
		{Event: respondent.EventScreenerResponsesCreated, Weight: 70},
		{Event: respondent.EventScreenerResponsesUpdated, Status: respondent.ResponsePaid, Weight: 20},
		{Event: respondent.EventScreenerResponsesUpdated, Status: respondent.ResponseCancelled, Weight: 5},
		{Event: respondent.EventMessagesCreated, Weight: 4},
		{Event: respondent.EventProjectsUpdated, Weight: 1},
	}
}

// Profiles returns Respondent's built-in profile with its default N and T.
// Its assumptions:
//
// respondent-project: a project starts RECRUITING; N
// screener responses arrive uniformly over the first 60 % of T
// (SCREENER_RESPONSES.CREATED); 15 % of participants cancel (UPDATED to
// CANCELLED) within 20 % of T of responding; 2 % are rejected for quality
// (UPDATED rejected true); the project is RECRUITED at 60 % of T; 30 % of
// the rest are paid between 70 % and 98 % of T (UPDATED ATTENDED to PAID);
// 10 % send a message (MESSAGES.CREATED) some time after responding.
func Profiles() []load.Profile {
	return []load.Profile{
		{Name: Project, Platform: respondent.Name, Participants: load.DefaultParticipants, Span: 10 * time.Minute,
			Description: "a project recruits N screener responses, then pays the attended participants, over T", Generate: respondentProject},
	}
}

func respondentProject(n int, span time.Duration, r *rand.Rand) []load.Item {
	project := load.ObjectID(r)
	items := make([]load.Item, 0, n*2+2)
	items = append(items, load.Item{At: 0, Spec: hookdrill.EventSpec{Type: respondent.EventProjectsUpdated,
		Status: respondent.RecruitingRecruiting, ResourceID: project}})
	items = append(items, load.Item{At: load.Frac(span, 0.6), Spec: hookdrill.EventSpec{Type: respondent.EventProjectsUpdated,
		Status: respondent.RecruitingRecruited, ResourceID: project}})
	pid := map[string]string{respondent.ExtraProjectID: project}
	for i := range n {
		resp := load.ObjectID(r)
		key := uint64(i + 1)
		ev := func(at time.Duration, typ string, extra map[string]string, status string) {
			items = append(items, load.Item{At: at, Key: key, Spec: hookdrill.EventSpec{Type: typ, Status: status, ResourceID: resp, Extra: extra}})
		}
		created := load.Between(r, span, 0, 0.6)
		ev(created, respondent.EventScreenerResponsesCreated, pid, "")
		x := r.Float64()
		switch {
		case x < 0.15:
			ev(created+load.Between(r, span, 0, 0.2), respondent.EventScreenerResponsesUpdated, pid, respondent.ResponseCancelled)
		case x < 0.17:
			ev(created+load.Between(r, span, 0, 0.2), respondent.EventScreenerResponsesUpdated,
				map[string]string{respondent.ExtraProjectID: project, respondent.ExtraScreenerResponseUpdatedType: respondent.VariantRejectedTrue}, "")
		case x < 0.17+0.83*0.3:
			ev(load.Between(r, span, 0.7, 0.98), respondent.EventScreenerResponsesUpdated,
				map[string]string{respondent.ExtraProjectID: project, respondent.ExtraOldValue: respondent.ResponseAttended}, respondent.ResponsePaid)
		}
		if r.Float64() < 0.10 {
			at := created + time.Duration(r.Float64()*float64(load.Frac(span, 0.99)-created))
			items = append(items, load.Item{At: at, Key: key, Spec: hookdrill.EventSpec{Type: respondent.EventMessagesCreated}})
		}
	}
	return items
}
