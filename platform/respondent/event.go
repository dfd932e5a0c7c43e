package respondent

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/brianvoe/gofakeit/v7"
	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/internal/wire"
)

// TimeLayout is how "created" and the resources' createdAt/updatedAt look:
// ISO-8601 UTC with milliseconds, JavaScript's Date.toISOString().
const TimeLayout = "2006-01-02T15:04:05.000Z"

// Envelope and resource keys (spec 4.3).
const (
	KeyEvent    = "event"
	KeyUUID     = "uuid"
	KeyCreated  = "created"
	KeyPayload  = "payload"
	KeyResource = "resource"
)

// generated holds every value NewEvent may draw, drawn in one fixed order
// whatever the spec overrides, so that one override does not shift the
// others.
type generated struct {
	uuid, resourceID, projectID, organizationID, teamID, webhookID, profileID, conversationID string
	f                                                                                         *gofakeit.Faker
}

func generate(rnd *rand.Rand) generated {
	f := wire.Faker(rnd)
	return generated{
		uuid:       f.UUID(),
		resourceID: wire.ObjectID(f), projectID: wire.ObjectID(f), organizationID: wire.ObjectID(f),
		teamID: wire.ObjectID(f), webhookID: wire.ObjectID(f), profileID: wire.ObjectID(f),
		conversationID: wire.ObjectID(f),
		f:              f, // type-specific values (names, texts) come after
	}
}

// NewEvent builds an event of spec.Type (see hookdrill.Profile).
//
// Blank fields are filled from rnd: the uuid (Event.ID) is a UUIDv4, ids
// are 24 lowercase hex characters, names and texts come from gofakeit.
// NewEvent draws exactly two values from rnd whatever the spec sets, so the
// same seed and specs always give the same events. CreatedAt is
// spec.CreatedAt or now, in UTC, truncated to milliseconds ("created").
//
// Per type (Status, then the Extra keys it takes):
//   - PROJECTS.UPDATED: Status is the new recruitingStatus (default
//     RECRUITED); Extra oldValue (default RECRUITING, or for RECRUITING
//     itself the first transition: Options.FirstRecruitingOldValue, by
//     default no oldValue key; an empty Extra oldValue also omits it).
//   - SCREENER_RESPONSES.CREATED: no Status; Extra projectId (default
//     Project(resource id), the same for every event of the response).
//   - SCREENER_RESPONSES.UPDATED: Extra screenerResponseUpdatedType
//     (STATUS.PAID, STATUS.CANCELLED, REJECTED.TRUE, REJECTED.FALSE) or
//     Status PAID/CANCELLED selects the variant (default STATUS.PAID);
//     Extra projectId, oldValue (default ATTENDED for PAID, PENDING for
//     CANCELLED; rejected flips use booleans).
//   - MESSAGES.CREATED: no Status; ResourceID is messageId; Extra
//     projectId, conversationId, messageBody, senderType, profileId,
//     organizationId, teamId, webhookId.
//   - CONVERSATIONS.CREATED: no Status; ResourceID is the conversation
//     uid; Extra projectId, organizationId, teamId, webhookId.
//
// Screener-response resources carry parentId (= projectId) while CreatedAt
// is before Options.ParentIDRemoval.
//
// When spec.Payload is set it is the body, as is (any event type): Type,
// ID, CreatedAt, ResourceID and Status are read from its "event", "uuid",
// "created", payload.resource id and updatedFields newValue when present,
// else from spec.
func (p *Profile) NewEvent(spec hookdrill.EventSpec, rnd *rand.Rand, now time.Time) (hookdrill.Event, error) {
	if rnd == nil {
		return hookdrill.Event{}, fmt.Errorf("respondent: new event: %w", wire.ErrNilRand)
	}
	g := generate(rnd)
	at := spec.CreatedAt
	if at.IsZero() {
		at = now
	}
	ev := hookdrill.Event{
		Platform:  Name,
		ID:        or(spec.ID, g.uuid),
		Type:      spec.Type,
		CreatedAt: at.UTC().Truncate(time.Millisecond),
	}
	if spec.Payload != nil {
		return fromPayload(ev, spec), nil
	}
	if spec.Type == "" || (!knownType(spec.Type) && !p.opts.AllowUnknownTypes) {
		return hookdrill.Event{}, fmt.Errorf("respondent: new event: %w %q (valid: %s)",
			ErrUnknownEventType, spec.Type, wire.Quoted(EventTypeNames()))
	}
	resource, err := p.resource(&ev, spec, g)
	if err != nil {
		return hookdrill.Event{}, fmt.Errorf("respondent: new event: %w", err)
	}
	ev.Payload = hookdrill.Object{
		{Key: KeyEvent, Value: ev.Type},
		{Key: KeyUUID, Value: ev.ID},
		{Key: KeyCreated, Value: ev.CreatedAt.Format(TimeLayout)},
		{Key: KeyPayload, Value: hookdrill.Object{{Key: KeyResource, Value: resource}}},
	}
	return ev, nil
}

// resource builds payload.resource and sets ev.ResourceID and ev.Status.
func (p *Profile) resource(ev *hookdrill.Event, spec hookdrill.EventSpec, g generated) (hookdrill.Object, error) {
	x := spec.Extra
	extra := func(key, gen string) string { return or(x[key], gen) }
	ev.ResourceID = or(spec.ResourceID, g.resourceID)
	created := ev.CreatedAt.Format(TimeLayout)
	noStatus := func() error {
		if spec.Status != "" {
			return fmt.Errorf("%w %q: %s carries no status", ErrUnknownStatus, spec.Status, ev.Type)
		}
		return nil
	}

	switch ev.Type {
	case EventProjectsUpdated:
		if err := wire.CheckExtra(ev.Type, x, ExtraOldValue); err != nil {
			return nil, err
		}
		ev.Status = or(spec.Status, DefaultRecruitingStatus)
		if err := wire.OneOf(ErrUnknownStatus, ev.Type, ev.Status, RecruitingStatuses()); err != nil {
			return nil, err
		}
		old, given := x[ExtraOldValue]
		if !given {
			old = RecruitingRecruiting
			if ev.Status == RecruitingRecruiting {
				old = p.opts.FirstRecruitingOldValue
			}
		}
		if old != "" {
			if err := wire.OneOf(ErrUnknownStatus, ev.Type+" oldValue", old, RecruitingStatuses()); err != nil {
				return nil, err
			}
		}
		return hookdrill.Object{
			{Key: "id", Value: ev.ResourceID},
			{Key: "type", Value: "projects"},
			{Key: "updatedFields", Value: []any{updatedField("recruitingStatus", old, ev.Status)}},
		}, nil

	case EventScreenerResponsesCreated:
		if err := wire.CheckExtra(ev.Type, x, ExtraProjectID); err != nil {
			return nil, err
		}
		if err := noStatus(); err != nil {
			return nil, err
		}
		return p.screenerResponse(ev, extra(ExtraProjectID, Project(ev.ResourceID))), nil

	case EventScreenerResponsesUpdated:
		if err := wire.CheckExtra(ev.Type, x, ExtraProjectID, ExtraScreenerResponseUpdatedType, ExtraOldValue); err != nil {
			return nil, err
		}
		field, err := updatedVariant(ev, spec)
		if err != nil {
			return nil, err
		}
		r := p.screenerResponse(ev, extra(ExtraProjectID, Project(ev.ResourceID)))
		return append(r, hookdrill.Field{Key: "updatedFields", Value: []any{field}}), nil

	case EventMessagesCreated:
		if err := wire.CheckExtra(ev.Type, x, ExtraProjectID, ExtraConversationID, ExtraMessageBody, ExtraSenderType,
			ExtraProfileID, ExtraOrganizationID, ExtraTeamID, ExtraWebhookID); err != nil {
			return nil, err
		}
		if err := noStatus(); err != nil {
			return nil, err
		}
		body := g.f.Sentence()
		attachments := []any{}
		for range g.f.IntN(3) {
			uid := wire.ObjectID(g.f)
			attachments = append(attachments, hookdrill.Object{
				{Key: "uid", Value: uid},
				{Key: "url", Value: fmt.Sprintf("https://files.respondent.example/messages/%s/%s?expires=%d&signature=%s",
					ev.ResourceID, uid, ev.CreatedAt.Add(time.Hour).Unix(), g.f.HexUint(128)[2:])},
				{Key: "contentType", Value: g.f.RandomString([]string{"image/png", "image/jpeg", "application/pdf", "text/plain"})},
			})
		}
		return hookdrill.Object{
			{Key: "messageId", Value: ev.ResourceID},
			{Key: "messageBody", Value: extra(ExtraMessageBody, body)},
			{Key: "attachments", Value: attachments},
			{Key: "projectId", Value: extra(ExtraProjectID, g.projectID)},
			{Key: "conversationId", Value: extra(ExtraConversationID, g.conversationID)},
			{Key: "senderType", Value: extra(ExtraSenderType, p.opts.SenderType)},
			{Key: "profileId", Value: extra(ExtraProfileID, g.profileID)},
			{Key: "organizationId", Value: extra(ExtraOrganizationID, g.organizationID)},
			{Key: "teamId", Value: extra(ExtraTeamID, g.teamID)},
			{Key: "webhookId", Value: extra(ExtraWebhookID, g.webhookID)},
			{Key: "createdAt", Value: created},
			{Key: "updatedAt", Value: created},
		}, nil

	case EventConversationsCreated:
		if err := wire.CheckExtra(ev.Type, x, ExtraProjectID, ExtraOrganizationID, ExtraTeamID, ExtraWebhookID); err != nil {
			return nil, err
		}
		if err := noStatus(); err != nil {
			return nil, err
		}
		researcher := person(g.f)
		participant := person(g.f)
		return hookdrill.Object{
			{Key: "conversation", Value: hookdrill.Object{
				{Key: "uid", Value: ev.ResourceID},
				{Key: "name", Value: participant.first + " " + participant.last},
				{Key: "deleted", Value: false},
				{Key: "locked", Value: false},
				{Key: "read", Value: false},
				{Key: "createdAt", Value: created},
				{Key: "updatedAt", Value: created},
				{Key: "metadata", Value: hookdrill.Object{
					{Key: "projectId", Value: extra(ExtraProjectID, g.projectID)},
					{Key: "researcherUserId", Value: researcher.foreignID},
					{Key: "externalResearcherId", Value: g.f.UUID()},
				}},
				{Key: "user", Value: hookdrill.Object{
					{Key: "uid", Value: researcher.uid},
					{Key: "foreignId", Value: researcher.foreignID},
					{Key: "firstName", Value: researcher.first},
					{Key: "lastName", Value: researcher.last},
				}},
				{Key: "participants", Value: []any{hookdrill.Object{
					{Key: "uid", Value: participant.uid},
					{Key: "foreignId", Value: participant.foreignID},
					{Key: "firstName", Value: participant.first},
					{Key: "lastName", Value: participant.last},
					{Key: "read", Value: false},
					{Key: "deleted", Value: false},
				}}},
			}},
			{Key: "organizationId", Value: extra(ExtraOrganizationID, g.organizationID)},
			{Key: "teamId", Value: extra(ExtraTeamID, g.teamID)},
			{Key: "webhookId", Value: extra(ExtraWebhookID, g.webhookID)},
		}, nil
	}

	// An unknown type, allowed by Options.AllowUnknownTypes.
	ev.Status = spec.Status
	r := hookdrill.Object{{Key: "id", Value: ev.ResourceID}}
	for _, k := range slices.Sorted(maps.Keys(x)) {
		r = r.Set(k, x[k])
	}
	return r, nil
}

// Project returns the project a screener response belongs to when no
// projectId is given: derived from the response id alone, so every event
// about one screener response (CREATED, then each UPDATED; from send,
// scenarios, conform or the mock, in any run) names the same project.
func Project(screenerResponseID string) string {
	return wire.DerivedID("respondent/project", screenerResponseID)
}

// screenerResponse is the resource head of both screener-response events:
// id, projectId, parentId (until Options.ParentIDRemoval), type.
func (p *Profile) screenerResponse(ev *hookdrill.Event, projectID string) hookdrill.Object {
	r := hookdrill.Object{{Key: "id", Value: ev.ResourceID}, {Key: "projectId", Value: projectID}}
	if ev.CreatedAt.Before(p.opts.ParentIDRemoval) {
		r = append(r, hookdrill.Field{Key: "parentId", Value: projectID})
	}
	return append(r, hookdrill.Field{Key: "type", Value: "screener-responses"})
}

// updatedVariant resolves the SCREENER_RESPONSES.UPDATED variant from the
// Extra screenerResponseUpdatedType and Status, sets ev.Status, and returns
// the updatedFields entry.
func updatedVariant(ev *hookdrill.Event, spec hookdrill.EventSpec) (hookdrill.Object, error) {
	variant := spec.Extra[ExtraScreenerResponseUpdatedType]
	statusOf := map[string]string{VariantStatusPaid: ResponsePaid, VariantStatusCancelled: ResponseCancelled}
	switch {
	case variant != "":
		if err := wire.OneOf(ErrUnknownStatus, ev.Type+" "+ExtraScreenerResponseUpdatedType, variant,
			ScreenerResponseUpdatedTypes()); err != nil {
			return nil, err
		}
		if spec.Status != "" && spec.Status != statusOf[variant] {
			return nil, fmt.Errorf("%w %q: conflicts with %s %s", ErrUnknownStatus, spec.Status,
				ExtraScreenerResponseUpdatedType, variant)
		}
	case spec.Status == "":
		variant = DefaultUpdatedVariant
	default:
		if err := wire.OneOf(ErrUnknownStatus, ev.Type, spec.Status, UpdatedStatuses()); err != nil {
			return nil, err
		}
		variant = "STATUS." + spec.Status
	}
	ev.Status = statusOf[variant]

	old, given := spec.Extra[ExtraOldValue]
	switch variant {
	case VariantRejectedTrue, VariantRejectedFalse:
		if given {
			return nil, fmt.Errorf("%w: %s takes no %s (rejected flips are booleans)", ErrUnknownExtra, variant, ExtraOldValue)
		}
		rejected := variant == VariantRejectedTrue
		return hookdrill.Object{{Key: "name", Value: "rejected"}, {Key: "oldValue", Value: !rejected}, {Key: "newValue", Value: rejected}}, nil
	}
	if !given {
		old = map[string]string{ResponsePaid: ResponseAttended, ResponseCancelled: ResponsePending}[ev.Status]
	}
	if old != "" {
		if err := wire.OneOf(ErrUnknownStatus, ev.Type+" oldValue", old, ScreenerResponseStatuses()); err != nil {
			return nil, err
		}
	}
	return updatedField("status", old, ev.Status), nil
}

// updatedField is one updatedFields entry; an empty old omits oldValue.
func updatedField(name, old, newValue string) hookdrill.Object {
	o := hookdrill.Object{{Key: "name", Value: name}}
	if old != "" {
		o = append(o, hookdrill.Field{Key: "oldValue", Value: old})
	}
	return append(o, hookdrill.Field{Key: "newValue", Value: newValue})
}

type fakePerson struct{ uid, foreignID, first, last string }

func person(f *gofakeit.Faker) fakePerson {
	return fakePerson{uid: wire.ObjectID(f), foreignID: strconv.FormatUint(f.Uint64()%1e9, 10),
		first: f.FirstName(), last: f.LastName()}
}

// fromPayload is the raw-payload path of NewEvent.
func fromPayload(ev hookdrill.Event, spec hookdrill.EventSpec) hookdrill.Event {
	ev.Payload = spec.Payload.Clone()
	ev.Type = or(ev.Payload.GetString(KeyEvent), spec.Type)
	ev.ID = or(ev.Payload.GetString(KeyUUID), ev.ID)
	if t, err := time.Parse(time.RFC3339Nano, ev.Payload.GetString(KeyCreated)); err == nil {
		ev.CreatedAt = t.UTC()
	}
	ev.ResourceID, ev.Status = spec.ResourceID, spec.Status
	res := resourceOf(ev.Payload)
	if id, _, ok := resourceID(res); ok {
		ev.ResourceID = id
	}
	if fields, ok := valueAt(res, "updatedFields").([]any); ok {
		for _, f := range fields {
			if o, ok := f.(hookdrill.Object); ok {
				if n := o.GetString("name"); (n == "status" || n == "recruitingStatus") && o.GetString("newValue") != "" {
					ev.Status = o.GetString("newValue")
					break
				}
			}
		}
	}
	return ev
}

// resourceOf returns payload.resource of a body, or nil.
func resourceOf(body hookdrill.Object) hookdrill.Object {
	payload, _ := valueAt(body, KeyPayload).(hookdrill.Object)
	res, _ := valueAt(payload, KeyResource).(hookdrill.Object)
	return res
}

// resourceID finds the resource id of a resource: id, messageId, or
// conversation.uid; path is the keys that lead to it.
func resourceID(res hookdrill.Object) (id string, path []string, ok bool) {
	for _, p := range [][]string{{"id"}, {"messageId"}, {"conversation", "uid"}} {
		o := res
		for _, k := range p[:len(p)-1] {
			o, _ = valueAt(o, k).(hookdrill.Object)
		}
		if s, isString := valueAt(o, p[len(p)-1]).(string); isString {
			return s, p, true
		}
	}
	return "", nil, false
}

func valueAt(o hookdrill.Object, key string) any {
	v, _ := o.Get(key)
	return v
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
