package mockserver

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v7"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/platform/prolific"
	"github.com/hookdrill/hookdrill/platform/respondent"
)

// The read-only resources a receiver fetches after a webhook: Prolific's
// study, submission, a study's submissions (list and counts), and
// Respondent's project and screener response. Their state follows the
// events triggered for them; the fields no event sets are seeded fake
// values (gofakeit), derived from the server's seed and the resource id,
// so the same resource reads the same on every call and after a restart.

// resource is the state of a study, submission, project or screener
// response, from the events triggered for it. It is what --state keeps.
type resource struct {
	ID            string    `json:"id"`
	Status        string    `json:"status,omitempty"`
	ParticipantID string    `json:"participant_id,omitempty"`
	StudyID       string    `json:"study_id,omitempty"`   // a submission's study
	ProjectID     string    `json:"project_id,omitempty"` // a screener response's project
	Rejected      bool      `json:"rejected,omitempty"`
	Created       time.Time `json:"created"`
	Updated       time.Time `json:"updated"`
	Completed     time.Time `json:"completed,omitzero"`
	EventType     string    `json:"event_type,omitempty"`
	Seq           int64     `json:"seq"`

	kind, key string // where the server keeps it (resourceMaps)
}

// faker returns a generator seeded by the server's seed and the resource,
// so a resource's fake fields never change.
func (s *Server) faker(kind, id string) *gofakeit.Faker {
	h := fnv.New64a()
	_, _ = h.Write([]byte(kind + "\x00" + id))
	return gofakeit.New(s.seed ^ h.Sum64())
}

// completedStatus reports whether a submission in status st has been
// completed by its participant (it then has completed_at and a code).
func completedStatus(st string) bool {
	switch st {
	case prolific.StatusAwaitingReview, prolific.StatusApproved, prolific.StatusPartiallyApproved, prolific.StatusRejected:
		return true
	}
	return false
}

// StudyView is Prolific's Study (GET /api/v1/studies/{id}/): every field
// the schema requires, typed as it says, plus id, status and a few
// optional ones.
type StudyView struct {
	ID                      string   `json:"id"`
	Name                    string   `json:"name"`
	InternalName            *string  `json:"internal_name"`
	Description             string   `json:"description"`
	ExternalStudyURL        string   `json:"external_study_url"`
	ProlificIDOption        string   `json:"prolific_id_option"`
	TotalAvailablePlaces    float64  `json:"total_available_places"`
	EstimatedCompletionTime float64  `json:"estimated_completion_time"`
	MaximumAllowedTime      float64  `json:"maximum_allowed_time"`
	Reward                  float64  `json:"reward"`
	DeviceCompatibility     []string `json:"device_compatibility"`
	PeripheralRequirements  []string `json:"peripheral_requirements"`
	HasCredentials          bool     `json:"has_credentials"`
	Status                  string   `json:"status"`
	IsReadyToPublish        bool     `json:"is_ready_to_publish"`
}

// SubmissionView is Prolific's SubmissionDetail
// (GET /api/v1/submissions/{id}/).
type SubmissionView struct {
	ID              string    `json:"id"`
	CompletedAt     *string   `json:"completed_at"`
	EnteredCode     *string   `json:"entered_code"`
	Participant     string    `json:"participant"`
	StartedAt       string    `json:"started_at"`
	Status          string    `json:"status"`
	StudyID         string    `json:"study_id"`
	ParentStudyID   *string   `json:"parent_study_id"`
	BonusPayments   []float64 `json:"bonus_payments"`
	ReturnRequested *string   `json:"return_requested"`
}

// SubmissionShort is one item of a study's submissions list
// (SubmissionShort).
type SubmissionShort struct {
	ID              string  `json:"id"`
	ParticipantID   string  `json:"participant_id"`
	Status          string  `json:"status"`
	StartedAt       string  `json:"started_at"`
	CompletedAt     *string `json:"completed_at"`
	HasSiblings     bool    `json:"has_siblings"`
	StudyCode       *string `json:"study_code"`
	ReturnRequested *string `json:"return_requested"`
}

// studyCode is the study's completion code: the one its completed
// submissions entered.
func (s *Server) studyCode(studyID string) string {
	return strings.ToUpper(s.faker("study-code", studyID).LetterN(8))
}

func (s *Server) studyViewLocked(r *resource) StudyView {
	f := s.faker("study", r.ID)
	est := float64(f.Number(2, 45))
	return StudyView{
		ID: r.ID, Name: f.AppName() + " study", Description: f.Paragraph(),
		ExternalStudyURL: "https://" + f.DomainName() + "/survey?PROLIFIC_PID={{%PROLIFIC_PID%}}&STUDY_ID={{%STUDY_ID%}}&SESSION_ID={{%SESSION_ID%}}",
		ProlificIDOption: "url_parameters", TotalAvailablePlaces: float64(f.Number(10, 500)),
		EstimatedCompletionTime: est, MaximumAllowedTime: est*3 + 2, Reward: float64(f.Number(50, 1500)),
		DeviceCompatibility: []string{"desktop"}, PeripheralRequirements: []string{},
		Status: r.Status, IsReadyToPublish: true,
	}
}

func ptr(s string) *string { return &s }

func (s *Server) submissionTimes(r *resource) (started string, completed, code *string) {
	started = r.Created.UTC().Format(TimeLayout)
	if !r.Completed.IsZero() {
		completed = ptr(r.Completed.UTC().Format(TimeLayout))
		code = ptr(s.studyCode(r.StudyID))
	}
	return started, completed, code
}

func (s *Server) submissionViewLocked(r *resource) SubmissionView {
	started, completed, code := s.submissionTimes(r)
	return SubmissionView{ID: r.ID, CompletedAt: completed, EnteredCode: code, Participant: r.ParticipantID,
		StartedAt: started, Status: r.Status, StudyID: r.StudyID, BonusPayments: []float64{}}
}

func (s *Server) submissionShortLocked(r *resource) SubmissionShort {
	started, completed, code := s.submissionTimes(r)
	siblings := false
	for _, o := range s.submissions {
		if o != r && o.StudyID == r.StudyID && o.ParticipantID == r.ParticipantID {
			siblings = true
			break
		}
	}
	return SubmissionShort{ID: r.ID, ParticipantID: r.ParticipantID, Status: r.Status, StartedAt: started,
		CompletedAt: completed, HasSiblings: siblings, StudyCode: code}
}

// Study returns the study as the events triggered for it (and its
// submissions) made it.
func (s *Server) Study(id string) (StudyView, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.studies[id]
	if !ok {
		return StudyView{}, notFound("study", id)
	}
	return s.studyViewLocked(r), nil
}

// Submission returns a submission as the events triggered for it made it.
func (s *Server) Submission(id string) (SubmissionView, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.submissions[id]
	if !ok {
		return SubmissionView{}, notFound("submission", id)
	}
	return s.submissionViewLocked(r), nil
}

// SubmissionsQuery selects a study's submissions (GET
// /api/v1/submissions/?study=… and /api/v1/studies/{id}/submissions/).
type SubmissionsQuery struct {
	StudyID string
	// Statuses keeps submissions in any of these statuses; empty: any.
	Statuses []string
	// Flags keeps submissions whose flag (completed, returned,
	// awaiting_review, approved, active, timeout, rejected, screened_out,
	// completeoractive) has the given value.
	Flags map[string]bool
	// SubmittedFrom and SubmittedBefore bound completed_at (dates, UTC,
	// inclusive); zero: unbounded.
	SubmittedFrom, SubmittedBefore time.Time
	// Ordering is a field name, "-" in front for descending; "" is
	// started_at.
	Ordering string
	// Page (1-based; -1 the last) and PageSize (0: all).
	Page, PageSize int
}

// submissionFlag is the value of a boolean list filter for status st.
func submissionFlag(flag, st string) bool {
	switch flag {
	case "completed":
		return completedStatus(st)
	case "returned":
		return st == prolific.StatusReturned
	case "awaiting_review":
		return st == prolific.StatusAwaitingReview
	case "approved":
		return st == prolific.StatusApproved
	case "active":
		return st == prolific.StatusActive
	case "timeout":
		return st == prolific.StatusTimedOut
	case "rejected":
		return st == prolific.StatusRejected
	case "screened_out":
		return st == prolific.StatusScreenedOut
	case "completeoractive":
		return completedStatus(st) || st == prolific.StatusActive
	}
	return false
}

var submissionFlags = []string{"completed", "returned", "awaiting_review", "approved", "active", "timeout",
	"rejected", "screened_out", "completeoractive"}

// StudySubmissions lists a study's submissions and the number that matched
// before paging. A page past the last is a 404 "Invalid page." as Django
// REST framework's page-number paging answers.
func (s *Server) StudySubmissions(q SubmissionsQuery) ([]SubmissionShort, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.studies[q.StudyID]; !ok {
		return nil, 0, notFound("study", q.StudyID)
	}
	var match []*resource
	for _, r := range s.submissions {
		if r.StudyID != q.StudyID {
			continue
		}
		if len(q.Statuses) > 0 && !slices.Contains(q.Statuses, r.Status) {
			continue
		}
		keep := true
		for flag, want := range q.Flags {
			if submissionFlag(flag, r.Status) != want {
				keep = false
			}
		}
		if !q.SubmittedFrom.IsZero() || !q.SubmittedBefore.IsZero() {
			day := r.Completed.UTC().Truncate(24 * time.Hour)
			if r.Completed.IsZero() || (!q.SubmittedFrom.IsZero() && day.Before(q.SubmittedFrom)) ||
				(!q.SubmittedBefore.IsZero() && day.After(q.SubmittedBefore)) {
				keep = false
			}
		}
		if keep {
			match = append(match, r)
		}
	}
	desc := strings.HasPrefix(q.Ordering, "-")
	field := strings.TrimPrefix(q.Ordering, "-")
	key := func(r *resource) string {
		switch field {
		case "completed_at":
			if r.Completed.IsZero() {
				return ""
			}
			return r.Completed.UTC().Format(TimeLayout)
		case "status":
			return r.Status
		case "participant_id":
			return r.ParticipantID
		case "study_code":
			if r.Completed.IsZero() {
				return ""
			}
			return s.studyCode(r.StudyID)
		case "time_taken":
			if r.Completed.IsZero() {
				return ""
			}
			return fmt.Sprintf("%020d", r.Completed.Sub(r.Created))
		}
		return r.Created.UTC().Format(TimeLayout) // started_at, and fields every submission of a study shares
	}
	sort.SliceStable(match, func(i, j int) bool {
		ki, kj := key(match[i]), key(match[j])
		if ki == kj {
			return match[i].Seq < match[j].Seq
		}
		return (ki < kj) != desc
	})
	total := len(match)
	if q.PageSize > 0 {
		pg := max(q.Page, 1)
		if q.Page == -1 { // page=last
			pg = max(1, (total+q.PageSize-1)/q.PageSize)
		}
		if (pg-1)*q.PageSize >= total && pg != 1 {
			return nil, 0, &Error{Status: http.StatusNotFound, Code: CodeNotFound, kind: ErrNotFound, Detail: "Invalid page."}
		}
		match = page(match, (pg-1)*q.PageSize, q.PageSize)
	}
	out := make([]SubmissionShort, len(match))
	for i, r := range match {
		out[i] = s.submissionShortLocked(r)
	}
	return out, total, nil
}

// SubmissionCounts is Prolific's SubmissionsCountResponse: the number of a
// study's submissions per status, and TOTAL.
func (s *Server) SubmissionCounts(studyID string) (map[string]float64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.studies[studyID]; !ok {
		return nil, notFound("study", studyID)
	}
	out := map[string]float64{"TOTAL": 0}
	for _, st := range []string{prolific.StatusActive, prolific.StatusApproved, prolific.StatusAwaitingReview,
		prolific.StatusRejected, prolific.StatusReserved, prolific.StatusReturned, prolific.StatusTimedOut,
		prolific.StatusPartiallyApproved, prolific.StatusScreenedOut} {
		out[st] = 0
	}
	for _, r := range s.submissions {
		if r.StudyID != studyID {
			continue
		}
		if _, ok := out[r.Status]; ok {
			out[r.Status]++
		}
		out["TOTAL"]++
	}
	return out, nil
}

// newResource adds a resource to m; s.mu must be held.
func (s *Server) newResource(kind, key, id string, now time.Time) *resource {
	s.resSeq++
	r := &resource{ID: id, Created: now, Updated: now, Seq: s.resSeq, kind: kind, key: key}
	s.resourceMaps()[kind][key] = r
	return r
}

// studyLocked returns the study, created (live, ACTIVE) when first named.
func (s *Server) studyLocked(id string, now time.Time) *resource {
	r, ok := s.studies[id]
	if !ok {
		r = s.newResource(kindStudy, id, id, now)
		r.Status = prolific.StatusActive // a study with submissions or progress is live [INF]
	}
	return r
}

// recordProlificResource updates the resource an event announces, and
// returns what changed (for --state); s.mu must be held. studyID links a
// new submission to its study; "" derives one from the submission id.
func (s *Server) recordProlificResource(ev hookdrill.Event, studyID string) []*resource {
	if ev.ResourceID == "" {
		return nil
	}
	now := s.clk.Now()
	switch ev.Type {
	case prolific.EventSubmissionStatusChange:
		r, ok := s.submissions[ev.ResourceID]
		if !ok {
			r = s.newResource(kindSubmission, ev.ResourceID, ev.ResourceID, now)
			r.ParticipantID = prolific.Participant(ev.ResourceID)
			r.Status = prolific.StatusActive
		}
		if r.StudyID == "" || (studyID != "" && !ok) {
			r.StudyID = studyID
			if r.StudyID == "" {
				r.StudyID = prolific.StudyOf(ev.ResourceID)
			}
		}
		r.Updated, r.EventType = now, ev.Type
		// A raw payload may announce any status; the resource takes only
		// one its schema allows.
		if slices.Contains(prolific.SubmissionStatuses(), ev.Status) {
			r.Status = ev.Status
		}
		if p := ev.Payload.GetString(prolific.KeyParticipantID); p != "" {
			r.ParticipantID = p
		}
		if completedStatus(r.Status) && r.Completed.IsZero() {
			r.Completed = now
		}
		st := s.studyLocked(r.StudyID, now)
		return []*resource{r, st}
	case prolific.EventStudyStatusChange, prolific.EventStudyProgressChange, prolific.EventStudyHighReturnRate:
		r := s.studyLocked(ev.ResourceID, now)
		r.Updated, r.EventType = now, ev.Type
		if slices.Contains(prolific.StudyStatuses(), ev.Status) {
			r.Status = ev.Status
		}
		return []*resource{r}
	}
	return nil
}

// Respondent.

// ScreenerResponseView is the read-only screener response
// (GET /v1/projects/{projectId}/screener-responses/{id}), in the shape of
// the fields the spec's examples and vocabularies name.
type ScreenerResponseView struct {
	ID               string `json:"id"`
	ProjectID        string `json:"projectId"`
	Status           string `json:"status"`
	VisibilityStatus string `json:"visibilityStatus"`
	Qualified        bool   `json:"qualified"`
	CreatedAt        string `json:"createdAt"`
	UpdatedAt        string `json:"updatedAt"`
}

// ProjectView is the read-only project (GET /v1/projects/{projectId}):
// its status and recruiting status (spec 4.4) follow PROJECTS.UPDATED.
type ProjectView struct {
	ID                      string `json:"id"`
	Name                    string `json:"name"`
	ProjectStatus           string `json:"projectStatus"`
	ProjectRecruitingStatus string `json:"projectRecruitingStatus"`
	CreatedAt               string `json:"createdAt"`
	UpdatedAt               string `json:"updatedAt"`
}

// ScreenerResponse returns a screener response as the events announced it.
// A rejected response is no longer visible in the API (spec 4.3), so it is
// not found.
func (s *Server) ScreenerResponse(projectID, id string) (ScreenerResponseView, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.responses[projectID+"/"+id]
	if !ok || r.Rejected {
		return ScreenerResponseView{}, notFound("screener response", id)
	}
	return ScreenerResponseView{ID: r.ID, ProjectID: r.ProjectID, Status: r.Status, VisibilityStatus: "VISIBLE",
		Qualified: true, CreatedAt: r.Created.UTC().Format(respondent.TimeLayout),
		UpdatedAt: r.Updated.UTC().Format(respondent.TimeLayout)}, nil
}

// projectStatusFor is the project status that goes with a recruiting
// status (spec 4.4: publish PAID/RECRUITING, pause PAID/PAUSED, close
// CLOSED/RECRUITED).
func projectStatusFor(recruiting string) string {
	if recruiting == "RECRUITED" {
		return "CLOSED"
	}
	return "PAID"
}

// Project returns a project as the events announced it.
func (s *Server) Project(id string) (ProjectView, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.projects[id]
	if !ok {
		return ProjectView{}, notFound("project", id)
	}
	f := s.faker("project", id)
	return ProjectView{ID: r.ID, Name: f.JobTitle() + " interviews", ProjectStatus: projectStatusFor(r.Status),
		ProjectRecruitingStatus: r.Status, CreatedAt: r.Created.UTC().Format(respondent.TimeLayout),
		UpdatedAt: r.Updated.UTC().Format(respondent.TimeLayout)}, nil
}

// projectLocked returns the project, created (RECRUITING) when first named.
func (s *Server) projectLocked(id string, now time.Time) *resource {
	r, ok := s.projects[id]
	if !ok {
		r = s.newResource(kindProject, id, id, now)
		r.Status = "RECRUITING"
	}
	return r
}

// recordRespondentResource updates the project or screener response an
// event announces and returns what changed; s.mu must be held.
func (s *Server) recordRespondentResource(ev hookdrill.Event) []*resource {
	payload, _ := valueOf(ev.Payload, "payload").(hookdrill.Object)
	res, _ := valueOf(payload, "resource").(hookdrill.Object)
	fields, _ := valueOf(res, "updatedFields").([]any)
	now := s.clk.Now()
	switch ev.Type {
	case respondent.EventProjectsUpdated:
		if ev.ResourceID == "" {
			return nil
		}
		p := s.projectLocked(ev.ResourceID, now)
		p.Updated, p.EventType = now, ev.Type
		for _, f := range fields {
			o, _ := f.(hookdrill.Object)
			if o.GetString("name") == "recruitingStatus" {
				if v := o.GetString("newValue"); slices.Contains(respondent.RecruitingStatuses(), v) {
					p.Status = v
				}
			}
		}
		return []*resource{p}
	case respondent.EventScreenerResponsesCreated, respondent.EventScreenerResponsesUpdated:
	default:
		return nil
	}
	project := res.GetString("projectId")
	if ev.ResourceID == "" {
		return nil
	}
	key := project + "/" + ev.ResourceID
	r, ok := s.responses[key]
	if !ok {
		r = s.newResource(kindResponse, key, ev.ResourceID, now)
		r.ProjectID, r.Status = project, respondent.ResponsePending
	}
	r.Updated, r.EventType = now, ev.Type
	for _, f := range fields {
		o, _ := f.(hookdrill.Object)
		switch o.GetString("name") {
		case "status":
			if v := o.GetString("newValue"); slices.Contains(respondent.ScreenerResponseStatuses(), v) {
				r.Status = v
			}
		case "rejected":
			if v, ok := valueOf(o, "newValue").(bool); ok {
				r.Rejected = v
			}
		}
	}
	changed := []*resource{r}
	if project != "" {
		changed = append(changed, s.projectLocked(project, now))
	}
	return changed
}

// Query parsing of the submissions lists.

// parseFlag reads a boolean as the submissions list does: 1/0, true/false,
// yes/no, t/f, any case.
func parseFlag(v string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "t":
		return true, true
	case "0", "false", "no", "f":
		return false, true
	}
	return false, false
}

// normalizeSubmissionStatus reads a status filter: any case, underscores
// for spaces (AWAITING_REVIEW), TIMED_OUT for TIMED-OUT.
func normalizeSubmissionStatus(v string) (string, bool) {
	st := strings.ToUpper(strings.TrimSpace(strings.ReplaceAll(v, "_", " ")))
	if st == "TIMED OUT" {
		st = prolific.StatusTimedOut
	}
	return st, slices.Contains(prolific.SubmissionStatuses(), st)
}

var studySubmissionOrderings = []string{"started_at", "completed_at", "status", "ip", "time_taken", "participant_id", "study_code"}
var submissionsOrderings = []string{"started_at", "submission_reward", "study_name"}

func checkOrdering(fe fieldErrors, v string, allowed []string) string {
	if v == "" {
		return ""
	}
	if !slices.Contains(allowed, strings.TrimPrefix(v, "-")) {
		fe.add("ordering", "%q is not a valid ordering. Valid: %s (prefix - for descending).", v, strings.Join(allowed, ", "))
		return ""
	}
	return v
}

// parseSubmissionsQuery parses GET /api/v1/submissions/ (study required,
// the status and boolean filters, submitted_from/before DD/MM/YYYY,
// ordering, page and page_size, default 20).
func parseSubmissionsQuery(q url.Values) (SubmissionsQuery, *Error) {
	fe := fieldErrors{}
	sq := SubmissionsQuery{StudyID: q.Get("study"), Flags: map[string]bool{}, Page: 1, PageSize: DefaultSubmissionsPageSize}
	if sq.StudyID == "" {
		fe.add("study", "This field is required.")
	}
	if v := q.Get("status"); v != "" {
		st, ok := normalizeSubmissionStatus(v)
		if !ok {
			fe.add("status", "%q is not a valid choice. Valid: %s.", v, strings.Join(prolific.SubmissionStatuses(), ", "))
		}
		sq.Statuses = []string{st}
	}
	for _, flag := range submissionFlags {
		if v := q.Get(flag); v != "" {
			b, ok := parseFlag(v)
			if !ok {
				fe.add(flag, "Must be a valid boolean (1/0, true/false, yes/no, t/f).")
			}
			sq.Flags[flag] = b
		}
	}
	for _, d := range []struct {
		key string
		at  *time.Time
	}{{"submitted_from", &sq.SubmittedFrom}, {"submitted_before", &sq.SubmittedBefore}} {
		if v := q.Get(d.key); v != "" {
			t, err := time.Parse("02/01/2006", v)
			if err != nil {
				fe.add(d.key, "Enter a date as DD/MM/YYYY.")
			}
			*d.at = t
		}
	}
	sq.Ordering = checkOrdering(fe, q.Get("ordering"), submissionsOrderings)
	if f := strings.TrimPrefix(sq.Ordering, "-"); f == "submission_reward" || f == "study_name" {
		sq.Ordering = "" // every submission of one study shares them: creation order
	}
	// Django REST framework's page-number paging: a page_size that is not
	// a positive integer is the default; a page that is not one is a 404.
	if v := q.Get("page_size"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			sq.PageSize = min(n, MaxSubmissionsPageSize)
		}
	}
	if v := q.Get("page"); v == "last" {
		sq.Page = -1
	} else if v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return sq, &Error{Status: http.StatusNotFound, Code: CodeNotFound, kind: ErrNotFound, Detail: "Invalid page."}
		}
		sq.Page = n
	}
	return sq, fe.err()
}

// parseStudySubmissionsQuery parses GET /api/v1/studies/{id}/submissions/
// (ordering, the one documented parameter).
func parseStudySubmissionsQuery(studyID string, q url.Values) (SubmissionsQuery, *Error) {
	fe := fieldErrors{}
	sq := SubmissionsQuery{StudyID: studyID, Ordering: checkOrdering(fe, q.Get("ordering"), studySubmissionOrderings)}
	return sq, fe.err()
}
