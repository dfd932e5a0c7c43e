package mock

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
	"github.com/hookdrill/hookdrill/mockserver"
	"github.com/hookdrill/hookdrill/platform/prolific"
)

// The read-only resources a receiver fetches after a webhook: the study,
// the submission, a study's submissions (list and counts). Their state follows the
// events triggered for them; the fields no event sets are seeded fake
// values (gofakeit), derived from the server's seed and the resource id,
// so the same resource reads the same on every call and after a restart.

// resource is the state of a study or submission, from the events
// triggered for it. It is what --state keeps.
type resource struct {
	ID            string    `json:"id"`
	Status        string    `json:"status,omitempty"`
	ParticipantID string    `json:"participant_id,omitempty"`
	StudyID       string    `json:"study_id,omitempty"` // a submission's study
	Created       time.Time `json:"created"`
	Updated       time.Time `json:"updated"`
	Completed     time.Time `json:"completed,omitzero"`
	EventType     string    `json:"event_type,omitempty"`
	Seq           int64     `json:"seq"`

	kind, key string // where the server keeps it (resourceMaps)
}

// faker returns a generator seeded by the server's seed and the resource,
// so a resource's fake fields never change.
func (m *Mock) faker(kind, id string) *gofakeit.Faker {
	h := fnv.New64a()
	_, _ = h.Write([]byte(kind + "\x00" + id))
	return gofakeit.New(m.h.Seed() ^ h.Sum64())
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
func (m *Mock) studyCode(studyID string) string {
	return strings.ToUpper(m.faker("study-code", studyID).LetterN(8))
}

func (m *Mock) studyViewLocked(r *resource) StudyView {
	f := m.faker("study", r.ID)
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

func (m *Mock) submissionTimes(r *resource) (started string, completed, code *string) {
	started = r.Created.UTC().Format(TimeLayout)
	if !r.Completed.IsZero() {
		completed = ptr(r.Completed.UTC().Format(TimeLayout))
		code = ptr(m.studyCode(r.StudyID))
	}
	return started, completed, code
}

func (m *Mock) submissionViewLocked(r *resource) SubmissionView {
	started, completed, code := m.submissionTimes(r)
	return SubmissionView{ID: r.ID, CompletedAt: completed, EnteredCode: code, Participant: r.ParticipantID,
		StartedAt: started, Status: r.Status, StudyID: r.StudyID, BonusPayments: []float64{}}
}

func (m *Mock) submissionShortLocked(r *resource) SubmissionShort {
	started, completed, code := m.submissionTimes(r)
	siblings := false
	for _, o := range m.submissions {
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
func (m *Mock) Study(id string) (StudyView, error) {
	m.h.Lock()
	defer m.h.Unlock()
	r, ok := m.studies[id]
	if !ok {
		return StudyView{}, notFound("study", id)
	}
	return m.studyViewLocked(r), nil
}

// Submission returns a submission as the events triggered for it made it.
func (m *Mock) Submission(id string) (SubmissionView, error) {
	m.h.Lock()
	defer m.h.Unlock()
	r, ok := m.submissions[id]
	if !ok {
		return SubmissionView{}, notFound("submission", id)
	}
	return m.submissionViewLocked(r), nil
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
func (m *Mock) StudySubmissions(q SubmissionsQuery) ([]SubmissionShort, int, error) {
	m.h.Lock()
	defer m.h.Unlock()
	if _, ok := m.studies[q.StudyID]; !ok {
		return nil, 0, notFound("study", q.StudyID)
	}
	var match []*resource
	for _, r := range m.submissions {
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
			return m.studyCode(r.StudyID)
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
			return nil, 0, &mockserver.Error{Status: http.StatusNotFound, Code: CodeNotFound, Kind: mockserver.ErrNotFound, Detail: "Invalid page."}
		}
		match = mockserver.Page(match, (pg-1)*q.PageSize, q.PageSize)
	}
	out := make([]SubmissionShort, len(match))
	for i, r := range match {
		out[i] = m.submissionShortLocked(r)
	}
	return out, total, nil
}

// SubmissionCounts is Prolific's SubmissionsCountResponse: the number of a
// study's submissions per status, and TOTAL.
func (m *Mock) SubmissionCounts(studyID string) (map[string]float64, error) {
	m.h.Lock()
	defer m.h.Unlock()
	if _, ok := m.studies[studyID]; !ok {
		return nil, notFound("study", studyID)
	}
	out := map[string]float64{"TOTAL": 0}
	for _, st := range []string{prolific.StatusActive, prolific.StatusApproved, prolific.StatusAwaitingReview,
		prolific.StatusRejected, prolific.StatusReserved, prolific.StatusReturned, prolific.StatusTimedOut,
		prolific.StatusPartiallyApproved, prolific.StatusScreenedOut} {
		out[st] = 0
	}
	for _, r := range m.submissions {
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
func (m *Mock) newResource(kind, key, id string, now time.Time) *resource {
	m.resSeq++
	r := &resource{ID: id, Created: now, Updated: now, Seq: m.resSeq, kind: kind, key: key}
	m.resourceMaps()[kind][key] = r
	return r
}

// studyLocked returns the study, created (live, ACTIVE) when first named.
func (m *Mock) studyLocked(id string, now time.Time) *resource {
	r, ok := m.studies[id]
	if !ok {
		r = m.newResource(kindStudy, id, id, now)
		r.Status = prolific.StatusActive // a study with submissions or progress is live [INF]
	}
	return r
}

// recordResource updates the resource an event announces, and
// returns what changed (for --state); s.mu must be held. studyID links a
// new submission to its study; "" derives one from the submission id.
func (m *Mock) recordResource(ev hookdrill.Event, studyID string) []*resource {
	if ev.ResourceID == "" {
		return nil
	}
	now := m.h.Now()
	switch ev.Type {
	case prolific.EventSubmissionStatusChange:
		r, ok := m.submissions[ev.ResourceID]
		if !ok {
			r = m.newResource(kindSubmission, ev.ResourceID, ev.ResourceID, now)
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
		st := m.studyLocked(r.StudyID, now)
		return []*resource{r, st}
	case prolific.EventStudyStatusChange, prolific.EventStudyProgressChange, prolific.EventStudyHighReturnRate:
		r := m.studyLocked(ev.ResourceID, now)
		r.Updated, r.EventType = now, ev.Type
		if slices.Contains(prolific.StudyStatuses(), ev.Status) {
			r.Status = ev.Status
		}
		return []*resource{r}
	}
	return nil
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

func checkOrdering(fe mockserver.FieldErrors, v string, allowed []string) string {
	if v == "" {
		return ""
	}
	if !slices.Contains(allowed, strings.TrimPrefix(v, "-")) {
		fe.Add("ordering", "%q is not a valid ordering. Valid: %s (prefix - for descending).", v, strings.Join(allowed, ", "))
		return ""
	}
	return v
}

// parseSubmissionsQuery parses GET /api/v1/submissions/ (study required,
// the status and boolean filters, submitted_from/before DD/MM/YYYY,
// ordering, page and page_size, default 20).
func parseSubmissionsQuery(q url.Values) (SubmissionsQuery, *mockserver.Error) {
	fe := mockserver.FieldErrors{}
	sq := SubmissionsQuery{StudyID: q.Get("study"), Flags: map[string]bool{}, Page: 1, PageSize: DefaultSubmissionsPageSize}
	if sq.StudyID == "" {
		fe.Add("study", "This field is required.")
	}
	if v := q.Get("status"); v != "" {
		st, ok := normalizeSubmissionStatus(v)
		if !ok {
			fe.Add("status", "%q is not a valid choice. Valid: %s.", v, strings.Join(prolific.SubmissionStatuses(), ", "))
		}
		sq.Statuses = []string{st}
	}
	for _, flag := range submissionFlags {
		if v := q.Get(flag); v != "" {
			b, ok := parseFlag(v)
			if !ok {
				fe.Add(flag, "Must be a valid boolean (1/0, true/false, yes/no, t/f).")
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
				fe.Add(d.key, "Enter a date as DD/MM/YYYY.")
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
			return sq, &mockserver.Error{Status: http.StatusNotFound, Code: CodeNotFound, Kind: mockserver.ErrNotFound, Detail: "Invalid page."}
		}
		sq.Page = n
	}
	return sq, fieldErr(fe)
}

// parseStudySubmissionsQuery parses GET /api/v1/studies/{id}/submissions/
// (ordering, the one documented parameter).
func parseStudySubmissionsQuery(studyID string, q url.Values) (SubmissionsQuery, *mockserver.Error) {
	fe := mockserver.FieldErrors{}
	sq := SubmissionsQuery{StudyID: studyID, Ordering: checkOrdering(fe, q.Get("ordering"), studySubmissionOrderings)}
	return sq, fieldErr(fe)
}
