package prolific_test

import (
	"math/rand/v2"
	"regexp"
	"testing"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/platform/prolific"
	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var objectID = regexp.MustCompile(`^[0-9a-f]{24}$`)

func keys(o hookdrill.Object) []string {
	ks := make([]string, len(o))
	for i, f := range o {
		ks[i] = f.Key
	}
	return ks
}

func TestNewEventShapes(t *testing.T) {
	p := prolific.New(prolific.Options{})
	tests := []struct {
		name       string
		spec       hookdrill.EventSpec
		wantKeys   []string
		wantStatus string
		wantBody   string // with the resource id fixed to "R"
	}{
		{"submission default status", hookdrill.EventSpec{Type: prolific.EventSubmissionStatusChange, ResourceID: "R",
			Extra: map[string]string{"participant_id": "P"}},
			[]string{"resource_id", "event_type", "participant_id", "status"}, "AWAITING REVIEW",
			`{"resource_id": "R", "event_type": "submission.status.change", "participant_id": "P", "status": "AWAITING REVIEW"}`},
		{"submission screened out", hookdrill.EventSpec{Type: prolific.EventSubmissionStatusChange, ResourceID: "R",
			Status: "SCREENED OUT", Extra: map[string]string{"participant_id": "P"}},
			[]string{"resource_id", "event_type", "participant_id", "status"}, "SCREENED OUT",
			`{"resource_id": "R", "event_type": "submission.status.change", "participant_id": "P", "status": "SCREENED OUT"}`},
		{"study status default", hookdrill.EventSpec{Type: prolific.EventStudyStatusChange, ResourceID: "R"},
			[]string{"resource_id", "event_type", "metadata", "status"}, "ACTIVE",
			`{"resource_id": "R", "event_type": "study.status.change", "metadata": {}, "status": "ACTIVE"}`},
		{"study awaiting review", hookdrill.EventSpec{Type: prolific.EventStudyStatusChange, ResourceID: "R", Status: "AWAITING REVIEW"},
			[]string{"resource_id", "event_type", "metadata", "status"}, "AWAITING REVIEW",
			`{"resource_id": "R", "event_type": "study.status.change", "metadata": {}, "status": "AWAITING REVIEW"}`},
		{"progress", hookdrill.EventSpec{Type: prolific.EventStudyProgressChange, ResourceID: "R"},
			[]string{"resource_id", "event_type"}, "",
			`{"resource_id": "R", "event_type": "study.progress.change"}`},
		{"high return rate", hookdrill.EventSpec{Type: prolific.EventStudyHighReturnRate, ResourceID: "R"},
			[]string{"resource_id", "event_type", "metadata"}, "",
			`{"resource_id": "R", "event_type": "study.has_high_return_rate", "metadata": {}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := p.NewEvent(tt.spec, seeded(3), vecTime)
			require.NoError(t, err)
			tassert.Equal(t, tt.wantKeys, keys(ev.Payload))
			tassert.Equal(t, tt.wantStatus, ev.Status)
			tassert.Equal(t, tt.spec.Type, ev.Type)
			tassert.Equal(t, "R", ev.ResourceID)
			tassert.Equal(t, prolific.Name, ev.Platform)
			tassert.Regexp(t, objectID, ev.ID)
			body, err := p.Encode(ev)
			require.NoError(t, err)
			tassert.Equal(t, tt.wantBody, string(body))
		})
	}
}

func TestNewEventFillsBlanks(t *testing.T) {
	p := prolific.New(prolific.Options{})
	ev, err := p.NewEvent(hookdrill.EventSpec{Type: prolific.EventSubmissionStatusChange}, seeded(5), vecTime)
	require.NoError(t, err)
	tassert.Regexp(t, objectID, ev.ID)
	tassert.Regexp(t, objectID, ev.ResourceID)
	tassert.Regexp(t, objectID, ev.Payload.GetString("participant_id"))
	tassert.Equal(t, ev.ResourceID, ev.Payload.GetString("resource_id"))
	tassert.NotEqual(t, ev.ID, ev.ResourceID)
}

func TestNewEventEveryStatus(t *testing.T) {
	p := prolific.New(prolific.Options{})
	for _, et := range prolific.EventTypes() {
		for _, st := range et.Statuses {
			t.Run(et.Name+"/"+st, func(t *testing.T) {
				ev, err := p.NewEvent(hookdrill.EventSpec{Type: et.Name, Status: st}, seeded(1), vecTime)
				require.NoError(t, err)
				tassert.Equal(t, st, ev.Status)
				tassert.Equal(t, st, ev.Payload.GetString("status"))
			})
		}
	}
}

func TestVocabularies(t *testing.T) {
	tassert.Equal(t, []string{"RESERVED", "ACTIVE", "TIMED-OUT", "AWAITING REVIEW", "APPROVED", "PARTIALLY APPROVED",
		"RETURNED", "REJECTED", "SCREENED OUT", "UNKNOWN"}, prolific.SubmissionStatuses())
	tassert.Equal(t, []string{"UNPUBLISHED", "SCHEDULED", "PUBLISHING", "ACTIVE", "AWAITING REVIEW", "PAUSED", "COMPLETED"},
		prolific.StudyStatuses())
	tassert.Equal(t, []string{"submission.status.change", "study.status.change", "study.progress.change",
		"study.has_high_return_rate"}, prolific.EventTypeNames())
	for _, et := range prolific.EventTypes() {
		tassert.NotEmpty(t, et.Description, et.Name)
	}
	// Callers own the slices they get.
	s := prolific.SubmissionStatuses()
	s[0] = "CHANGED"
	tassert.Equal(t, "RESERVED", prolific.SubmissionStatuses()[0])
	tassert.Equal(t, prolific.EventTypes(), prolific.New(prolific.Options{}).EventTypes())
}

func TestNewEventErrors(t *testing.T) {
	p := prolific.New(prolific.Options{})
	tests := []struct {
		name     string
		spec     hookdrill.EventSpec
		sentinel error
		mentions []string
	}{
		{"unknown type", hookdrill.EventSpec{Type: "submission.created"}, prolific.ErrUnknownEventType,
			[]string{"submission.created", "submission.status.change", "study.status.change", "study.progress.change", "study.has_high_return_rate"}},
		{"empty type", hookdrill.EventSpec{}, prolific.ErrUnknownEventType, []string{"study.progress.change"}},
		{"underscore status", hookdrill.EventSpec{Type: prolific.EventSubmissionStatusChange, Status: "AWAITING_REVIEW"},
			prolific.ErrUnknownStatus, []string{"AWAITING_REVIEW", `"AWAITING REVIEW"`, `"TIMED-OUT"`, `"SCREENED OUT"`}},
		{"submission status on study", hookdrill.EventSpec{Type: prolific.EventStudyStatusChange, Status: "APPROVED"},
			prolific.ErrUnknownStatus, []string{"APPROVED", `"COMPLETED"`}},
		{"status on statusless type", hookdrill.EventSpec{Type: prolific.EventStudyProgressChange, Status: "ACTIVE"},
			prolific.ErrUnknownStatus, []string{"carries no status"}},
		{"unknown extra", hookdrill.EventSpec{Type: prolific.EventStudyStatusChange, Extra: map[string]string{"study_id": "x"}},
			prolific.ErrUnknownExtra, []string{"study_id", "none"}},
		{"typo extra", hookdrill.EventSpec{Type: prolific.EventSubmissionStatusChange, Extra: map[string]string{"participantId": "x"}},
			prolific.ErrUnknownExtra, []string{"participantId", "participant_id"}},
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
	_, err := p.NewEvent(hookdrill.EventSpec{Type: prolific.EventStudyProgressChange}, nil, vecTime)
	require.Error(t, err)
}

func TestNewEventUnknownTypeAllowed(t *testing.T) {
	p := prolific.New(prolific.Options{AllowUnknownTypes: true})
	ev, err := p.NewEvent(hookdrill.EventSpec{Type: "submission.created", ResourceID: "R", Status: "RESERVED",
		Extra: map[string]string{"study_id": "S", "participant_id": "P"}}, seeded(1), vecTime)
	require.NoError(t, err)
	body, err := p.Encode(ev)
	require.NoError(t, err)
	tassert.Equal(t, `{"resource_id": "R", "event_type": "submission.created", "participant_id": "P", "study_id": "S", "status": "RESERVED"}`, string(body))
	// Known types are still checked.
	_, err = p.NewEvent(hookdrill.EventSpec{Type: prolific.EventStudyStatusChange, Status: "NOPE"}, seeded(1), vecTime)
	require.ErrorIs(t, err, prolific.ErrUnknownStatus)
	_, err = p.NewEvent(hookdrill.EventSpec{}, seeded(1), vecTime)
	require.ErrorIs(t, err, prolific.ErrUnknownEventType)
}

func TestNewEventRawPayload(t *testing.T) {
	p := prolific.New(prolific.Options{})
	raw, err := hookdrill.ParseObject([]byte(`{"resource_id": "abc", "event_type": "study.deleted", "status": "GONE", "n": 1.50, "x": [true, null]}`))
	require.NoError(t, err)
	ev, err := p.NewEvent(hookdrill.EventSpec{Type: "ignored", Payload: raw, ID: "E1"}, seeded(1), vecTime.Add(1500*time.Millisecond))
	require.NoError(t, err)
	tassert.Equal(t, "study.deleted", ev.Type)
	tassert.Equal(t, "abc", ev.ResourceID)
	tassert.Equal(t, "GONE", ev.Status)
	tassert.Equal(t, "E1", ev.ID)
	tassert.Equal(t, vecTime.Add(time.Second), ev.CreatedAt, "truncated to seconds")
	body, err := p.Encode(ev)
	require.NoError(t, err)
	tassert.Equal(t, `{"resource_id": "abc", "event_type": "study.deleted", "status": "GONE", "n": 1.50, "x": [true, null]}`, string(body))

	// The event owns a copy: changing the caller's object changes nothing.
	raw.Set("resource_id", "zzz")
	tassert.Equal(t, "abc", ev.Payload.GetString("resource_id"))

	// Missing keys fall back to the spec.
	ev, err = p.NewEvent(hookdrill.EventSpec{Type: "t", ResourceID: "r", Status: "s", Payload: hookdrill.Object{}}, seeded(1), vecTime)
	require.NoError(t, err)
	tassert.Equal(t, [3]string{"t", "r", "s"}, [3]string{ev.Type, ev.ResourceID, ev.Status})
	body, err = p.Encode(ev)
	require.NoError(t, err)
	tassert.Equal(t, `{}`, string(body))
}

func TestNewEventTime(t *testing.T) {
	ms := vecTime.Add(1234567 * time.Microsecond).In(time.FixedZone("X", 3600))
	tests := []struct {
		name string
		opts prolific.Options
		spec hookdrill.EventSpec
		want time.Time
	}{
		{"now truncated to seconds", prolific.Options{}, hookdrill.EventSpec{}, vecTime.Add(time.Second)},
		{"spec time wins", prolific.Options{}, hookdrill.EventSpec{CreatedAt: vecTime.Add(-time.Hour)}, vecTime.Add(-time.Hour)},
		{"milliseconds", prolific.Options{TimestampUnit: time.Millisecond}, hookdrill.EventSpec{}, vecTime.Add(1234 * time.Millisecond)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.spec.Type = prolific.EventStudyProgressChange
			ev, err := prolific.New(tt.opts).NewEvent(tt.spec, seeded(1), ms)
			require.NoError(t, err)
			tassert.True(t, tt.want.Equal(ev.CreatedAt), "got %s want %s", ev.CreatedAt, tt.want)
			tassert.Equal(t, time.UTC, ev.CreatedAt.Location())
		})
	}
}

func TestNewEventDeterministic(t *testing.T) {
	p := prolific.New(prolific.Options{})
	specs := []hookdrill.EventSpec{
		{Type: prolific.EventSubmissionStatusChange, Status: "APPROVED"},
		{Type: prolific.EventStudyStatusChange},
		{Type: prolific.EventStudyProgressChange, ID: "fixed"},
	}
	run := func(seed uint64) []hookdrill.Event {
		rnd := seeded(seed)
		var evs []hookdrill.Event
		for _, s := range specs {
			ev, err := p.NewEvent(s, rnd, vecTime)
			require.NoError(t, err)
			evs = append(evs, ev)
		}
		return evs
	}
	tassert.Equal(t, run(11), run(11))
	tassert.NotEqual(t, run(11), run(12))

	// Exactly two draws per event, whatever the spec overrides, so an
	// override never shifts the values of later events.
	for _, s := range specs {
		a, b := seeded(9), seeded(9)
		_, err := p.NewEvent(s, a, vecTime)
		require.NoError(t, err)
		b.Uint64()
		b.Uint64()
		tassert.Equal(t, b.Uint64(), a.Uint64(), s.Type)
	}
	// Overriding the id keeps the other generated values.
	x, err := p.NewEvent(hookdrill.EventSpec{Type: prolific.EventSubmissionStatusChange}, seeded(4), vecTime)
	require.NoError(t, err)
	y, err := p.NewEvent(hookdrill.EventSpec{Type: prolific.EventSubmissionStatusChange, ID: "mine"}, seeded(4), vecTime)
	require.NoError(t, err)
	tassert.Equal(t, x.Payload, y.Payload)
	tassert.Equal(t, "mine", y.ID)
}

func TestMetadataOption(t *testing.T) {
	meta := hookdrill.Object{{Key: "reason", Value: "slots"}}
	p := prolific.New(prolific.Options{Metadata: meta})
	meta.Set("reason", "changed later") // New copied it
	ev, err := p.NewEvent(hookdrill.EventSpec{Type: prolific.EventStudyStatusChange, ResourceID: "R", Status: "PAUSED"}, seeded(1), vecTime)
	require.NoError(t, err)
	body, err := p.Encode(ev)
	require.NoError(t, err)
	tassert.Equal(t, `{"resource_id": "R", "event_type": "study.status.change", "metadata": {"reason": "slots"}, "status": "PAUSED"}`, string(body))
}

func TestEncodeErrors(t *testing.T) {
	p := prolific.New(prolific.Options{})
	_, err := p.Encode(hookdrill.Event{})
	require.Error(t, err)
	_, err = p.Encode(hookdrill.Event{Payload: hookdrill.Object{{Key: "f", Value: struct{}{}}}})
	require.Error(t, err)
	c := prolific.New(prolific.Options{Encoding: prolific.EncodingCompact})
	b, err := c.Encode(hookdrill.Event{Payload: hookdrill.Object{{Key: "a", Value: "é"}, {Key: "b", Value: 1}}})
	require.NoError(t, err)
	tassert.Equal(t, `{"a":"é","b":1}`, string(b))
}

// Every event about one submission names the same participant, whatever
// the seed or the order the events are built in (receivers keyed on the
// participant, as oTree apps are, see one person); another submission has
// another participant; an explicit participant_id still wins.
func TestSubmissionKeepsItsParticipant(t *testing.T) {
	p := prolific.New(prolific.Options{})
	at := time.Unix(1767225600, 0)
	participant := func(seed uint64, spec hookdrill.EventSpec) string {
		t.Helper()
		spec.Type = prolific.EventSubmissionStatusChange
		ev, err := p.NewEvent(spec, rand.New(rand.NewPCG(seed, seed)), at)
		require.NoError(t, err)
		return ev.Payload.GetString(prolific.KeyParticipantID)
	}
	// A submission built with a random id, then followed up by its id.
	first, err := p.NewEvent(hookdrill.EventSpec{Type: prolific.EventSubmissionStatusChange, Status: "ACTIVE"}, rand.New(rand.NewPCG(1, 1)), at)
	require.NoError(t, err)
	sub := first.ResourceID
	who := first.Payload.GetString(prolific.KeyParticipantID)
	require.Regexp(t, `^[0-9a-f]{24}$`, who)
	tassert.Equal(t, prolific.Participant(sub), who)
	for i, st := range []string{"AWAITING REVIEW", "APPROVED", "RETURNED"} {
		tassert.Equal(t, who, participant(uint64(10+i), hookdrill.EventSpec{ResourceID: sub, Status: st}), "event %d of the submission", i+2)
	}
	tassert.NotEqual(t, who, participant(2, hookdrill.EventSpec{ResourceID: "aaaaaaaaaaaaaaaaaaaaaaaa"}), "another submission, another participant")
	tassert.Equal(t, "5f0c1c2d3e4f5a6b7c8d9e0f", participant(3, hookdrill.EventSpec{ResourceID: sub,
		Extra: map[string]string{prolific.ExtraParticipantID: "5f0c1c2d3e4f5a6b7c8d9e0f"}}))
}
