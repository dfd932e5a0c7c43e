package mock

import (
	"context"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/platform/prolific"
)

type submissionList struct {
	Results []SubmissionShort `json:"results"`
	Meta    cliMeta           `json:"meta"`
}

func (e *env) submissionEvent(id, status, study string) {
	e.t.Helper()
	e.trigger(TriggerRequest{EventType: prolific.EventSubmissionStatusChange, ResourceID: id, Status: status, StudyID: study})
}

// TestSubmissionResource: a submission has the schema's fields, one study
// and one participant for its whole life, and a status that follows its
// events; completing it sets completed_at and the code entered.
func TestSubmissionResource(t *testing.T) {
	e := newEnv(t, Config{})
	e.submissionEvent("sub1", prolific.StatusActive, "study-a")
	var v SubmissionView
	e.json("GET", "/api/v1/submissions/sub1/", "", 200, &v)
	tassert.Equal(t, "study-a", v.StudyID)
	tassert.Equal(t, prolific.Participant("sub1"), v.Participant)
	tassert.Equal(t, prolific.StatusActive, v.Status)
	tassert.Nil(t, v.CompletedAt)
	tassert.Nil(t, v.EnteredCode)
	tassert.Equal(t, "2026-01-01T00:00:00.000000Z", v.StartedAt)
	tassert.NotNil(t, v.BonusPayments)

	require.NoError(t, e.sim.Advance(context.Background(), 90*60e9))
	e.submissionEvent("sub1", prolific.StatusAwaitingReview, "study-b") // a later study_id does not move it
	e.json("GET", "/api/v1/submissions/sub1/", "", 200, &v)
	tassert.Equal(t, "study-a", v.StudyID)
	tassert.Equal(t, prolific.StatusAwaitingReview, v.Status)
	require.NotNil(t, v.CompletedAt)
	tassert.Equal(t, "2026-01-01T01:30:00.000000Z", *v.CompletedAt)
	require.NotNil(t, v.EnteredCode)
	tassert.Len(t, *v.EnteredCode, 8)
	e.submissionEvent("sub1", prolific.StatusApproved, "")
	e.json("GET", "/api/v1/submissions/sub1", "", 200, &v)
	tassert.Equal(t, prolific.StatusApproved, v.Status)
	tassert.Equal(t, "2026-01-01T01:30:00.000000Z", *v.CompletedAt, "completed once")

	// Without study_id, the study derives from the submission id, and exists.
	e.submissionEvent("sub9", "", "")
	e.json("GET", "/api/v1/submissions/sub9/", "", 200, &v)
	tassert.Equal(t, prolific.StudyOf("sub9"), v.StudyID)
	var st StudyView
	e.json("GET", "/api/v1/studies/"+v.StudyID+"/", "", 200, &st)
	tassert.Equal(t, prolific.StatusActive, st.Status)

	resp, b := e.do("GET", "/api/v1/submissions/nope/", "")
	require.Equal(t, 404, resp.StatusCode)
	tassert.Equal(t, 404, prolificErr(t, b).Status)
}

// TestStudyResourceSeeded: a study has every required field, typed, the
// same on every read and for a new server with the same seed; its status
// follows study events.
func TestStudyResourceSeeded(t *testing.T) {
	read := func(seed uint64) StudyView {
		e := newEnv(t, Config{Seed: seed})
		e.trigger(TriggerRequest{EventType: prolific.EventStudyStatusChange, Status: prolific.StatusPaused, ResourceID: "st1"})
		var a, b StudyView
		e.json("GET", "/api/v1/studies/st1/", "", 200, &a)
		e.json("GET", "/api/v1/studies/st1/", "", 200, &b)
		require.Equal(t, a, b)
		return a
	}
	a := read(5)
	tassert.Equal(t, prolific.StatusPaused, a.Status)
	tassert.NotEmpty(t, a.Name)
	tassert.NotEmpty(t, a.Description)
	tassert.Regexp(t, `^https://`, a.ExternalStudyURL)
	tassert.Contains(t, []string{"question", "url_parameters", "not_required"}, a.ProlificIDOption)
	tassert.Positive(t, a.TotalAvailablePlaces)
	tassert.Positive(t, a.EstimatedCompletionTime)
	tassert.Positive(t, a.Reward)
	tassert.Equal(t, a, read(5), "same seed, same study")
	tassert.NotEqual(t, a.Name+a.Description, func() string { b := read(6); return b.Name + b.Description }())
}

// TestStudySubmissionsListAndCounts: a study's submissions, its counts
// following them, and the documented filters and paging.
func TestStudySubmissionsListAndCounts(t *testing.T) {
	e := newEnv(t, Config{})
	e.submissionEvent("s-1", prolific.StatusActive, "study-a")
	require.NoError(t, e.sim.Advance(context.Background(), 60e9))
	e.submissionEvent("s-2", prolific.StatusActive, "study-a")
	require.NoError(t, e.sim.Advance(context.Background(), 60e9))
	e.submissionEvent("s-3", prolific.StatusActive, "study-a")
	e.submissionEvent("other", prolific.StatusActive, "study-b")
	e.submissionEvent("s-2", prolific.StatusAwaitingReview, "")
	e.submissionEvent("s-3", prolific.StatusReturned, "")

	var l submissionList
	e.json("GET", "/api/v1/studies/study-a/submissions/", "", 200, &l)
	require.Len(t, l.Results, 3)
	tassert.Equal(t, []string{"s-1", "s-2", "s-3"}, ids(l.Results))
	tassert.Equal(t, prolific.Participant("s-2"), l.Results[1].ParticipantID)
	e.json("GET", "/api/v1/studies/study-a/submissions/?ordering=-started_at", "", 200, &l)
	tassert.Equal(t, []string{"s-3", "s-2", "s-1"}, ids(l.Results))
	e.json("GET", "/api/v1/studies/study-a/submissions/?ordering=status", "", 200, &l)
	tassert.Equal(t, []string{"s-1", "s-2", "s-3"}, ids(l.Results)) // ACTIVE < AWAITING REVIEW < RETURNED

	counts := map[string]float64{}
	e.json("GET", "/api/v1/studies/study-a/submissions/counts/", "", 200, &counts)
	tassert.Equal(t, 3.0, counts["TOTAL"])
	tassert.Equal(t, 1.0, counts[prolific.StatusActive])
	tassert.Equal(t, 1.0, counts[prolific.StatusAwaitingReview])
	tassert.Equal(t, 1.0, counts[prolific.StatusReturned])
	tassert.Equal(t, 0.0, counts[prolific.StatusApproved])
	e.submissionEvent("s-1", prolific.StatusApproved, "")
	e.json("GET", "/api/v1/studies/study-a/submissions/counts/", "", 200, &counts)
	tassert.Equal(t, 0.0, counts[prolific.StatusActive])
	tassert.Equal(t, 1.0, counts[prolific.StatusApproved])

	tests := []struct {
		query string
		want  []string
		count int
	}{
		{"study=study-a", []string{"s-1", "s-2", "s-3"}, 3},
		{"study=study-a&status=awaiting_review", []string{"s-2"}, 1},
		{"study=study-a&status=Returned", []string{"s-3"}, 1},
		{"study=study-a&completed=yes", []string{"s-1", "s-2"}, 2},
		{"study=study-a&returned=T", []string{"s-3"}, 1},
		{"study=study-a&completeoractive=0", []string{"s-3"}, 1},
		{"study=study-a&page_size=2", []string{"s-1", "s-2"}, 3},
		{"study=study-a&page_size=2&page=2", []string{"s-3"}, 3},
		{"study=study-a&page_size=2&page=last", []string{"s-3"}, 3},
		{"study=study-a&ordering=-started_at&page_size=1", []string{"s-3"}, 3},
		{"study=study-a&submitted_from=01/01/2026&submitted_before=01/01/2026", []string{"s-1", "s-2"}, 2},
		{"study=study-a&submitted_from=02/01/2026", []string{}, 0},
		{"study=study-b", []string{"other"}, 1},
	}
	for _, tc := range tests {
		var l submissionList
		e.json("GET", "/api/v1/submissions/?"+tc.query, "", 200, &l)
		tassert.Equal(t, tc.want, ids(l.Results), tc.query)
		tassert.Equal(t, tc.count, l.Meta.Count, tc.query)
	}
	errs := []struct {
		path  string
		want  int
		field string
	}{
		{"/api/v1/submissions/", 400, "study"},
		{"/api/v1/submissions/?study=study-a&status=DONE", 400, "status"},
		{"/api/v1/submissions/?study=study-a&completed=maybe", 400, "completed"},
		{"/api/v1/submissions/?study=study-a&submitted_from=2026-01-01", 400, "submitted_from"},
		{"/api/v1/submissions/?study=study-a&ordering=ip", 400, "ordering"},
		{"/api/v1/studies/study-a/submissions/?ordering=reward", 400, "ordering"},
		{"/api/v1/submissions/?study=study-a&page=9", 404, ""},
		{"/api/v1/submissions/?study=study-a&page=0", 404, ""},
		{"/api/v1/submissions/?study=nope", 404, ""},
		{"/api/v1/studies/nope/submissions/", 404, ""},
		{"/api/v1/studies/nope/submissions/counts/", 404, ""},
	}
	for _, tc := range errs {
		resp, b := e.do("GET", tc.path, "")
		require.Equal(t, tc.want, resp.StatusCode, "%s: %s", tc.path, b)
		pe := prolificErr(t, b)
		if tc.field != "" {
			tassert.Contains(t, pe.Detail, tc.field, tc.path)
		}
	}
}

func ids(l []SubmissionShort) []string {
	out := []string{}
	for _, s := range l {
		out = append(out, s.ID)
	}
	return out
}

// TestRespondentProjectResource: a project's recruiting status follows
// PROJECTS.UPDATED, its project status goes with it (spec 4.4), and a
