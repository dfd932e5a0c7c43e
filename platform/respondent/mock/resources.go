package mock

import (
	"hash/fnv"
	"slices"
	"time"

	"github.com/brianvoe/gofakeit/v7"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/mockserver"
	"github.com/hookdrill/hookdrill/platform/respondent"
)

// The read-only resources a receiver fetches after a webhook: the project
// and the screener response. Their state follows the events triggered for
// them; the fields no event sets are seeded fake values (gofakeit), derived
// from the server's seed and the resource id, so the same resource reads
// the same on every call and after a restart.

// resource is the state of a project or screener response, from the
// events triggered for it. It is what --state keeps.
type resource struct {
	ID        string    `json:"id"`
	Status    string    `json:"status,omitempty"`
	ProjectID string    `json:"project_id,omitempty"` // a screener response's project
	Rejected  bool      `json:"rejected,omitempty"`
	Created   time.Time `json:"created"`
	Updated   time.Time `json:"updated"`
	EventType string    `json:"event_type,omitempty"`
	Seq       int64     `json:"seq"`

	kind, key string // where the server keeps it (resourceMaps)
}

// faker returns a generator seeded by the server's seed and the resource,
// so a resource's fake fields never change.
func (m *Mock) faker(kind, id string) *gofakeit.Faker {
	h := fnv.New64a()
	_, _ = h.Write([]byte(kind + "\x00" + id))
	return gofakeit.New(m.h.Seed() ^ h.Sum64())
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
func (m *Mock) ScreenerResponse(projectID, id string) (ScreenerResponseView, error) {
	m.h.Lock()
	defer m.h.Unlock()
	r, ok := m.responses[projectID+"/"+id]
	if !ok || r.Rejected {
		return ScreenerResponseView{}, mockserver.NotFound("screener response", id)
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
func (m *Mock) Project(id string) (ProjectView, error) {
	m.h.Lock()
	defer m.h.Unlock()
	r, ok := m.projects[id]
	if !ok {
		return ProjectView{}, mockserver.NotFound("project", id)
	}
	f := m.faker("project", id)
	return ProjectView{ID: r.ID, Name: f.JobTitle() + " interviews", ProjectStatus: projectStatusFor(r.Status),
		ProjectRecruitingStatus: r.Status, CreatedAt: r.Created.UTC().Format(respondent.TimeLayout),
		UpdatedAt: r.Updated.UTC().Format(respondent.TimeLayout)}, nil
}

// projectLocked returns the project, created (RECRUITING) when first named.
func (m *Mock) projectLocked(id string, now time.Time) *resource {
	r, ok := m.projects[id]
	if !ok {
		r = m.newResource(kindProject, id, id, now)
		r.Status = "RECRUITING"
	}
	return r
}

// recordResource updates the project or screener response an
// event announces and returns what changed; s.mu must be held.
func (m *Mock) recordResource(ev hookdrill.Event) []*resource {
	payload, _ := valueOf(ev.Payload, "payload").(hookdrill.Object)
	res, _ := valueOf(payload, "resource").(hookdrill.Object)
	fields, _ := valueOf(res, "updatedFields").([]any)
	now := m.h.Now()
	switch ev.Type {
	case respondent.EventProjectsUpdated:
		if ev.ResourceID == "" {
			return nil
		}
		p := m.projectLocked(ev.ResourceID, now)
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
	r, ok := m.responses[key]
	if !ok {
		r = m.newResource(kindResponse, key, ev.ResourceID, now)
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
		changed = append(changed, m.projectLocked(project, now))
	}
	return changed
}

// newResource adds a resource; the lock must be held.
func (m *Mock) newResource(kind, key, id string, now time.Time) *resource {
	m.resSeq++
	r := &resource{ID: id, Created: now, Updated: now, Seq: m.resSeq, kind: kind, key: key}
	m.resourceMaps()[kind][key] = r
	return r
}

func valueOf(o hookdrill.Object, key string) any {
	v, _ := o.Get(key)
	return v
}
