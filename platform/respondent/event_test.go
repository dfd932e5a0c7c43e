package respondent_test

import (
	"math/rand/v2"
	"regexp"
	"testing"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/platform/respondent"
	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	objectID = regexp.MustCompile(`^[0-9a-f]{24}$`)
	uuidV4   = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	isoMilli = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)
)

func keys(o hookdrill.Object) []string {
	ks := make([]string, len(o))
	for i, f := range o {
		ks[i] = f.Key
	}
	return ks
}

func resource(t testing.TB, ev hookdrill.Event) hookdrill.Object {
	t.Helper()
	p, ok := ev.Payload.Get("payload")
	require.True(t, ok)
	r, ok := p.(hookdrill.Object).Get("resource")
	require.True(t, ok)
	return r.(hookdrill.Object)
}

func encode(t testing.TB, v any) string {
	t.Helper()
	b, err := hookdrill.EncodeCompact(v)
	require.NoError(t, err)
	return string(b)
}

func TestEnvelope(t *testing.T) {
	p := respondent.New(respondent.Options{})
	for _, name := range respondent.EventTypeNames() {
		t.Run(name, func(t *testing.T) {
			ev, err := p.NewEvent(hookdrill.EventSpec{Type: name}, seeded(2), vecTime.Add(999*time.Microsecond))
			require.NoError(t, err)
			tassert.Equal(t, []string{"event", "uuid", "created", "payload"}, keys(ev.Payload))
			tassert.Equal(t, name, ev.Payload.GetString("event"))
			tassert.Regexp(t, uuidV4, ev.ID)
			tassert.Equal(t, ev.ID, ev.Payload.GetString("uuid"))
			tassert.Equal(t, "2026-01-08T23:09:08.239Z", ev.Payload.GetString("created"))
			tassert.True(t, vecTime.Equal(ev.CreatedAt))
			tassert.Equal(t, respondent.Name, ev.Platform)
			tassert.Regexp(t, objectID, ev.ResourceID)
			p, _ := ev.Payload.Get("payload")
			tassert.Equal(t, []string{"resource"}, keys(p.(hookdrill.Object)))
		})
	}
}

func TestResourceShapes(t *testing.T) {
	p := respondent.New(respondent.Options{})
	tests := []struct {
		name       string
		spec       hookdrill.EventSpec
		wantKeys   []string
		wantStatus string
		wantFields string // updatedFields, compact JSON; "" when absent
	}{
		{"projects default", hookdrill.EventSpec{Type: "PROJECTS.UPDATED"},
			[]string{"id", "type", "updatedFields"}, "RECRUITED",
			`[{"name":"recruitingStatus","oldValue":"RECRUITING","newValue":"RECRUITED"}]`},
		{"projects first recruiting", hookdrill.EventSpec{Type: "PROJECTS.UPDATED", Status: "RECRUITING"},
			[]string{"id", "type", "updatedFields"}, "RECRUITING",
			`[{"name":"recruitingStatus","newValue":"RECRUITING"}]`},
		{"projects resumed", hookdrill.EventSpec{Type: "PROJECTS.UPDATED", Status: "RECRUITING", Extra: map[string]string{"oldValue": "PAUSED"}},
			[]string{"id", "type", "updatedFields"}, "RECRUITING",
			`[{"name":"recruitingStatus","oldValue":"PAUSED","newValue":"RECRUITING"}]`},
		{"projects paused", hookdrill.EventSpec{Type: "PROJECTS.UPDATED", Status: "PAUSED"},
			[]string{"id", "type", "updatedFields"}, "PAUSED",
			`[{"name":"recruitingStatus","oldValue":"RECRUITING","newValue":"PAUSED"}]`},
		{"projects explicit no oldValue", hookdrill.EventSpec{Type: "PROJECTS.UPDATED", Status: "PAUSED", Extra: map[string]string{"oldValue": ""}},
			[]string{"id", "type", "updatedFields"}, "PAUSED",
			`[{"name":"recruitingStatus","newValue":"PAUSED"}]`},
		{"created", hookdrill.EventSpec{Type: "SCREENER_RESPONSES.CREATED"},
			[]string{"id", "projectId", "parentId", "type"}, "", ""},
		{"updated default", hookdrill.EventSpec{Type: "SCREENER_RESPONSES.UPDATED"},
			[]string{"id", "projectId", "parentId", "type", "updatedFields"}, "PAID",
			`[{"name":"status","oldValue":"ATTENDED","newValue":"PAID"}]`},
		{"updated by status", hookdrill.EventSpec{Type: "SCREENER_RESPONSES.UPDATED", Status: "CANCELLED"},
			[]string{"id", "projectId", "parentId", "type", "updatedFields"}, "CANCELLED",
			`[{"name":"status","oldValue":"PENDING","newValue":"CANCELLED"}]`},
		{"updated paid variant with old value", hookdrill.EventSpec{Type: "SCREENER_RESPONSES.UPDATED",
			Extra: map[string]string{"screenerResponseUpdatedType": "STATUS.PAID", "oldValue": "SCHEDULED"}},
			[]string{"id", "projectId", "parentId", "type", "updatedFields"}, "PAID",
			`[{"name":"status","oldValue":"SCHEDULED","newValue":"PAID"}]`},
		{"updated cancelled variant and matching status", hookdrill.EventSpec{Type: "SCREENER_RESPONSES.UPDATED", Status: "CANCELLED",
			Extra: map[string]string{"screenerResponseUpdatedType": "STATUS.CANCELLED"}},
			[]string{"id", "projectId", "parentId", "type", "updatedFields"}, "CANCELLED",
			`[{"name":"status","oldValue":"PENDING","newValue":"CANCELLED"}]`},
		{"rejected", hookdrill.EventSpec{Type: "SCREENER_RESPONSES.UPDATED", Extra: map[string]string{"screenerResponseUpdatedType": "REJECTED.TRUE"}},
			[]string{"id", "projectId", "parentId", "type", "updatedFields"}, "",
			`[{"name":"rejected","oldValue":false,"newValue":true}]`},
		{"unrejected", hookdrill.EventSpec{Type: "SCREENER_RESPONSES.UPDATED", Extra: map[string]string{"screenerResponseUpdatedType": "REJECTED.FALSE"}},
			[]string{"id", "projectId", "parentId", "type", "updatedFields"}, "",
			`[{"name":"rejected","oldValue":true,"newValue":false}]`},
		{"message", hookdrill.EventSpec{Type: "MESSAGES.CREATED"},
			[]string{"messageId", "messageBody", "attachments", "projectId", "conversationId", "senderType", "profileId",
				"organizationId", "teamId", "webhookId", "createdAt", "updatedAt"}, "", ""},
		{"conversation", hookdrill.EventSpec{Type: "CONVERSATIONS.CREATED"},
			[]string{"conversation", "organizationId", "teamId", "webhookId"}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := p.NewEvent(tt.spec, seeded(8), vecTime)
			require.NoError(t, err)
			r := resource(t, ev)
			tassert.Equal(t, tt.wantKeys, keys(r))
			tassert.Equal(t, tt.wantStatus, ev.Status)
			if f, ok := r.Get("updatedFields"); tt.wantFields != "" || ok {
				tassert.Equal(t, tt.wantFields, encode(t, f))
			}
			if pid := r.GetString("projectId"); pid != "" {
				tassert.Regexp(t, objectID, pid)
				if parent, ok := r.Get("parentId"); ok {
					tassert.Equal(t, pid, parent)
				}
			}
		})
	}
}

func TestMessageAndConversationDetails(t *testing.T) {
	p := respondent.New(respondent.Options{SenderType: "RESEARCHER"})
	ev, err := p.NewEvent(hookdrill.EventSpec{Type: "MESSAGES.CREATED", ResourceID: "M", Extra: map[string]string{
		"projectId": "P", "conversationId": "C", "messageBody": "héllo 😀", "webhookId": "W", "teamId": "T",
		"organizationId": "O", "profileId": "F"}}, seeded(1), vecTime)
	require.NoError(t, err)
	r := resource(t, ev)
	tassert.Equal(t, "M", ev.ResourceID)
	for k, v := range map[string]string{"messageId": "M", "messageBody": "héllo 😀", "projectId": "P", "conversationId": "C",
		"senderType": "RESEARCHER", "profileId": "F", "organizationId": "O", "teamId": "T", "webhookId": "W",
		"createdAt": "2026-01-08T23:09:08.239Z", "updatedAt": "2026-01-08T23:09:08.239Z"} {
		tassert.Equal(t, v, r.GetString(k), k)
	}
	body, err := p.Encode(ev)
	require.NoError(t, err)
	tassert.Contains(t, string(body), `"messageBody":"héllo 😀"`, "JSON.stringify keeps non-ASCII")

	// Attachments: every shape appears across seeds.
	counts := map[int]int{}
	for seed := uint64(1); seed <= 40; seed++ {
		ev, err := p.NewEvent(hookdrill.EventSpec{Type: "MESSAGES.CREATED"}, seeded(seed), vecTime)
		require.NoError(t, err)
		atts, _ := resource(t, ev).Get("attachments")
		list := atts.([]any)
		counts[len(list)]++
		for _, a := range list {
			o := a.(hookdrill.Object)
			tassert.Equal(t, []string{"uid", "url", "contentType"}, keys(o))
			tassert.Regexp(t, `^https://files\.respondent\.example/messages/[0-9a-f]{24}/[0-9a-f]{24}\?expires=\d+&signature=[0-9a-f]{32}$`, o.GetString("url"))
		}
	}
	tassert.Len(t, counts, 3, "0, 1 and 2 attachments: %v", counts)

	ev, err = p.NewEvent(hookdrill.EventSpec{Type: "CONVERSATIONS.CREATED", ResourceID: "CV", Extra: map[string]string{"projectId": "P"}}, seeded(1), vecTime)
	require.NoError(t, err)
	conv, _ := resource(t, ev).Get("conversation")
	c := conv.(hookdrill.Object)
	tassert.Equal(t, []string{"uid", "name", "deleted", "locked", "read", "createdAt", "updatedAt", "metadata", "user", "participants"}, keys(c))
	tassert.Equal(t, "CV", c.GetString("uid"))
	tassert.Equal(t, "CV", ev.ResourceID)
	md, _ := c.Get("metadata")
	tassert.Equal(t, []string{"projectId", "researcherUserId", "externalResearcherId"}, keys(md.(hookdrill.Object)))
	tassert.Equal(t, "P", md.(hookdrill.Object).GetString("projectId"))
	user, _ := c.Get("user")
	tassert.Equal(t, []string{"uid", "foreignId", "firstName", "lastName"}, keys(user.(hookdrill.Object)))
	tassert.NotEmpty(t, user.(hookdrill.Object).GetString("firstName"))
	parts, _ := c.Get("participants")
	require.Len(t, parts, 1)
	tassert.Equal(t, []string{"uid", "foreignId", "firstName", "lastName", "read", "deleted"}, keys(parts.([]any)[0].(hookdrill.Object)))
}

func TestParentIDRemoval(t *testing.T) {
	removal := respondent.DefaultParentIDRemoval()
	tassert.Equal(t, time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC), removal)
	tests := []struct {
		name       string
		opts       respondent.Options
		at         time.Time
		wantParent bool
	}{
		{"before default removal", respondent.Options{}, removal.Add(-time.Millisecond), true},
		{"at default removal", respondent.Options{}, removal, false},
		{"after default removal", respondent.Options{}, removal.AddDate(1, 0, 0), false},
		{"custom date, before", respondent.Options{ParentIDRemoval: vecTime.Add(time.Hour)}, vecTime, true},
		{"custom date, after", respondent.Options{ParentIDRemoval: vecTime.Add(-time.Hour)}, vecTime, false},
	}
	for _, tt := range tests {
		for _, typ := range []string{"SCREENER_RESPONSES.CREATED", "SCREENER_RESPONSES.UPDATED"} {
			t.Run(tt.name+"/"+typ, func(t *testing.T) {
				ev, err := respondent.New(tt.opts).NewEvent(hookdrill.EventSpec{Type: typ, CreatedAt: tt.at}, seeded(1), vecTime)
				require.NoError(t, err)
				r := resource(t, ev)
				_, has := r.Get("parentId")
				tassert.Equal(t, tt.wantParent, has)
				tassert.NotEmpty(t, r.GetString("projectId"))
			})
		}
	}
}

func TestFirstRecruitingOldValueOption(t *testing.T) {
	p := respondent.New(respondent.Options{FirstRecruitingOldValue: "PAUSED"})
	ev, err := p.NewEvent(hookdrill.EventSpec{Type: "PROJECTS.UPDATED", Status: "RECRUITING"}, seeded(1), vecTime)
	require.NoError(t, err)
	f, _ := resource(t, ev).Get("updatedFields")
	tassert.Equal(t, `[{"name":"recruitingStatus","oldValue":"PAUSED","newValue":"RECRUITING"}]`, encode(t, f))
}

func TestVocabularies(t *testing.T) {
	tassert.Equal(t, []string{"PROJECTS.UPDATED", "SCREENER_RESPONSES.CREATED", "SCREENER_RESPONSES.UPDATED",
		"MESSAGES.CREATED", "CONVERSATIONS.CREATED"}, respondent.EventTypeNames())
	tassert.Equal(t, []string{"STATUS.PAID", "STATUS.CANCELLED", "REJECTED.TRUE", "REJECTED.FALSE"}, respondent.ScreenerResponseUpdatedTypes())
	tassert.Equal(t, []string{"RECRUITING", "RECRUITED", "PAUSED"}, respondent.RecruitingStatuses())
	tassert.Equal(t, []string{"PENDING", "EXTERNAL_SCREENER_IN_PROGRESS", "INVITED", "SCHEDULED", "ATTENDED", "NOSHOW",
		"INVALIDRESPONSE", "REJECTEDQUALITY", "PAID", "CANCELLED"}, respondent.ScreenerResponseStatuses())
	ets := respondent.EventTypes()
	tassert.Equal(t, respondent.ScreenerResponseUpdatedTypes(), ets[2].Variants)
	tassert.Equal(t, []string{"PAID", "CANCELLED"}, ets[2].Statuses)
	tassert.Equal(t, respondent.RecruitingStatuses(), ets[0].Statuses)
	for _, et := range ets {
		tassert.NotEmpty(t, et.Description)
	}
	tassert.Equal(t, ets, respondent.New(respondent.Options{}).EventTypes())
}

func TestNewEventErrors(t *testing.T) {
	p := respondent.New(respondent.Options{})
	tests := []struct {
		name     string
		spec     hookdrill.EventSpec
		sentinel error
		mentions []string
	}{
		{"unknown type", hookdrill.EventSpec{Type: "PROJECTS.CREATED"}, respondent.ErrUnknownEventType,
			[]string{"PROJECTS.CREATED", "PROJECTS.UPDATED", "SCREENER_RESPONSES.CREATED", "SCREENER_RESPONSES.UPDATED", "MESSAGES.CREATED", "CONVERSATIONS.CREATED"}},
		{"lower case type", hookdrill.EventSpec{Type: "projects.updated"}, respondent.ErrUnknownEventType, nil},
		{"empty type", hookdrill.EventSpec{}, respondent.ErrUnknownEventType, nil},
		{"bad recruiting status", hookdrill.EventSpec{Type: "PROJECTS.UPDATED", Status: "CLOSED"}, respondent.ErrUnknownStatus,
			[]string{"CLOSED", `"RECRUITING"`, `"RECRUITED"`, `"PAUSED"`}},
		{"bad recruiting oldValue", hookdrill.EventSpec{Type: "PROJECTS.UPDATED", Extra: map[string]string{"oldValue": "DRAFT"}},
			respondent.ErrUnknownStatus, []string{"DRAFT", "oldValue"}},
		{"status on created", hookdrill.EventSpec{Type: "SCREENER_RESPONSES.CREATED", Status: "PENDING"}, respondent.ErrUnknownStatus,
			[]string{"carries no status"}},
		{"status on message", hookdrill.EventSpec{Type: "MESSAGES.CREATED", Status: "SENT"}, respondent.ErrUnknownStatus, nil},
		{"researcher status on updated", hookdrill.EventSpec{Type: "SCREENER_RESPONSES.UPDATED", Status: "INVITED"}, respondent.ErrUnknownStatus,
			[]string{"INVITED", `"PAID"`, `"CANCELLED"`}},
		{"bad variant", hookdrill.EventSpec{Type: "SCREENER_RESPONSES.UPDATED", Extra: map[string]string{"screenerResponseUpdatedType": "STATUS.INVITED"}},
			respondent.ErrUnknownStatus, []string{"STATUS.INVITED", "REJECTED.TRUE"}},
		{"variant and status conflict", hookdrill.EventSpec{Type: "SCREENER_RESPONSES.UPDATED", Status: "PAID",
			Extra: map[string]string{"screenerResponseUpdatedType": "STATUS.CANCELLED"}}, respondent.ErrUnknownStatus, []string{"conflicts"}},
		{"status with rejected variant", hookdrill.EventSpec{Type: "SCREENER_RESPONSES.UPDATED", Status: "PAID",
			Extra: map[string]string{"screenerResponseUpdatedType": "REJECTED.TRUE"}}, respondent.ErrUnknownStatus, nil},
		{"oldValue on rejected", hookdrill.EventSpec{Type: "SCREENER_RESPONSES.UPDATED",
			Extra: map[string]string{"screenerResponseUpdatedType": "REJECTED.FALSE", "oldValue": "true"}}, respondent.ErrUnknownExtra, nil},
		{"bad screener oldValue", hookdrill.EventSpec{Type: "SCREENER_RESPONSES.UPDATED", Extra: map[string]string{"oldValue": "LOST"}},
			respondent.ErrUnknownStatus, []string{"LOST", `"ATTENDED"`}},
		{"unknown extra", hookdrill.EventSpec{Type: "SCREENER_RESPONSES.CREATED", Extra: map[string]string{"parentId": "x"}},
			respondent.ErrUnknownExtra, []string{"parentId", "projectId"}},
		{"extra on projects", hookdrill.EventSpec{Type: "PROJECTS.UPDATED", Extra: map[string]string{"projectId": "x"}},
			respondent.ErrUnknownExtra, []string{"projectId", "oldValue"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := p.NewEvent(tt.spec, seeded(1), vecTime)
			require.ErrorIs(t, err, tt.sentinel)
			for _, m := range tt.mentions {
				tassert.Contains(t, err.Error(), m)
			}
		})
	}
	_, err := p.NewEvent(hookdrill.EventSpec{Type: "MESSAGES.CREATED"}, nil, vecTime)
	require.Error(t, err)
}

func TestUnknownTypeAllowed(t *testing.T) {
	p := respondent.New(respondent.Options{AllowUnknownTypes: true})
	ev, err := p.NewEvent(hookdrill.EventSpec{Type: "PROJECTS.CREATED", ID: "U", ResourceID: "R", Status: "DRAFT",
		Extra: map[string]string{"type": "projects", "name": "Study"}}, seeded(1), vecTime)
	require.NoError(t, err)
	body, err := p.Encode(ev)
	require.NoError(t, err)
	tassert.Equal(t, `{"event":"PROJECTS.CREATED","uuid":"U","created":"2026-01-08T23:09:08.239Z","payload":{"resource":{"id":"R","name":"Study","type":"projects"}}}`, string(body))
	tassert.Equal(t, "DRAFT", ev.Status)
}

func TestRawPayload(t *testing.T) {
	p := respondent.New(respondent.Options{})
	tests := []struct {
		name                             string
		raw                              string
		wantType, wantID, wantRes, wantS string
		wantAt                           time.Time
	}{
		{"spec vector", vecBody, "SCREENER_RESPONSES.CREATED", vecUUID, vecResponse, "", vecTime},
		{"projects", `{"event":"PROJECTS.UPDATED","uuid":"u1","created":"2026-01-08T23:09:42.677Z","payload":{"resource":{"id":"p1","type":"projects","updatedFields":[{"name":"recruitingStatus","oldValue":"RECRUITING","newValue":"RECRUITED"}]}}}`,
			"PROJECTS.UPDATED", "u1", "p1", "RECRUITED", time.Date(2026, 1, 8, 23, 9, 42, 677e6, time.UTC)},
		{"message", `{"event":"MESSAGES.CREATED","uuid":"u2","payload":{"resource":{"messageId":"m1"}}}`,
			"MESSAGES.CREATED", "u2", "m1", "", time.Time{}},
		{"conversation", `{"event":"CONVERSATIONS.CREATED","payload":{"resource":{"conversation":{"uid":"c1"}}}}`,
			"CONVERSATIONS.CREATED", "", "c1", "", time.Time{}},
		{"future type, odd shapes", `{"event":"SURVEYS.DONE","created":"yesterday","payload":[1,2]}`,
			"SURVEYS.DONE", "", "", "", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obj, err := hookdrill.ParseObject([]byte(tt.raw))
			require.NoError(t, err)
			now := vecTime.Add(time.Hour)
			ev, err := p.NewEvent(hookdrill.EventSpec{Payload: obj, Type: "spec-type", ResourceID: "spec-res"}, seeded(1), now)
			require.NoError(t, err)
			tassert.Equal(t, tt.wantType, ev.Type)
			if tt.wantID == "" {
				tassert.Regexp(t, uuidV4, ev.ID, "generated")
			} else {
				tassert.Equal(t, tt.wantID, ev.ID)
			}
			if tt.wantRes == "" {
				tt.wantRes = "spec-res"
			}
			tassert.Equal(t, tt.wantRes, ev.ResourceID)
			tassert.Equal(t, tt.wantS, ev.Status)
			if tt.wantAt.IsZero() {
				tt.wantAt = now
			}
			tassert.True(t, tt.wantAt.Equal(ev.CreatedAt), "%s", ev.CreatedAt)
			body, err := p.Encode(ev)
			require.NoError(t, err)
			tassert.Equal(t, tt.raw, string(body), "sent as is")
		})
	}
}

func TestDeterministic(t *testing.T) {
	p := respondent.New(respondent.Options{})
	run := func(seed uint64) []hookdrill.Event {
		rnd := seeded(seed)
		var evs []hookdrill.Event
		for _, name := range respondent.EventTypeNames() {
			ev, err := p.NewEvent(hookdrill.EventSpec{Type: name}, rnd, vecTime)
			require.NoError(t, err)
			evs = append(evs, ev)
		}
		return evs
	}
	tassert.Equal(t, run(5), run(5))
	tassert.NotEqual(t, run(5), run(6))
	for _, name := range respondent.EventTypeNames() {
		a, b := seeded(9), seeded(9)
		_, err := p.NewEvent(hookdrill.EventSpec{Type: name, ID: "x"}, a, vecTime)
		require.NoError(t, err)
		b.Uint64()
		b.Uint64()
		tassert.Equal(t, b.Uint64(), a.Uint64(), "exactly two draws for %s", name)
	}
	x, err := p.NewEvent(hookdrill.EventSpec{Type: "MESSAGES.CREATED"}, seeded(3), vecTime)
	require.NoError(t, err)
	y, err := p.NewEvent(hookdrill.EventSpec{Type: "MESSAGES.CREATED", ID: "mine"}, seeded(3), vecTime)
	require.NoError(t, err)
	tassert.Equal(t, resource(t, x), resource(t, y), "an override does not shift other values")
	tassert.Regexp(t, isoMilli, x.Payload.GetString("created"))
}

// A screener response keeps its project across its events (CREATED, then
// each UPDATED), whatever the seed; an explicit projectId still wins.
func TestScreenerResponseKeepsItsProject(t *testing.T) {
	p := respondent.New(respondent.Options{})
	at := time.Unix(1767225600, 0)
	project := func(seed uint64, spec hookdrill.EventSpec) (string, string) {
		t.Helper()
		ev, err := p.NewEvent(spec, rand.New(rand.NewPCG(seed, seed)), at)
		require.NoError(t, err)
		res, _ := ev.Payload.Get(respondent.KeyPayload)
		r, _ := res.(hookdrill.Object).Get(respondent.KeyResource)
		return ev.ResourceID, r.(hookdrill.Object).GetString("projectId")
	}
	id, proj := project(1, hookdrill.EventSpec{Type: respondent.EventScreenerResponsesCreated})
	require.Regexp(t, objectID, proj)
	tassert.Equal(t, respondent.Project(id), proj)
	for i, st := range []string{"PAID", "CANCELLED"} {
		_, got := project(uint64(5+i), hookdrill.EventSpec{Type: respondent.EventScreenerResponsesUpdated, ResourceID: id, Status: st})
		tassert.Equal(t, proj, got, "update %d of the response", i+1)
	}
	_, other := project(9, hookdrill.EventSpec{Type: respondent.EventScreenerResponsesCreated})
	tassert.NotEqual(t, proj, other, "another response, another project")
	_, given := project(2, hookdrill.EventSpec{Type: respondent.EventScreenerResponsesUpdated, ResourceID: id,
		Extra: map[string]string{respondent.ExtraProjectID: "69603913cd7d6158385a1ff6"}})
	tassert.Equal(t, "69603913cd7d6158385a1ff6", given)
}
