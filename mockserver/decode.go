package mockserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/hookdrill/hookdrill"
)

// Request decoders. Each takes the raw body (or query) and returns the
// typed request or an *Error with per-field detail: never a panic, never a
// 500, whatever the input. They are the fuzz targets' subjects.

// fields is a JSON object being decoded field by field.
type fields struct {
	m    map[string]json.RawMessage
	fe   fieldErrors
	nest bool // Respondent (NestJS class-validator) wording
	msgs []string
}

// objectBody parses body as a JSON object; an empty body is {}.
func objectBody(body []byte, nest bool) (*fields, *Error) {
	f := &fields{m: map[string]json.RawMessage{}, fe: fieldErrors{}, nest: nest}
	if len(bytes.TrimSpace(body)) == 0 {
		return f, nil
	}
	if !json.Valid(body) {
		var v any
		err := json.Unmarshal(body, &v)
		if nest {
			return nil, badRequest(fmt.Sprintf("Unexpected token in JSON: %v", err))
		}
		return nil, &Error{Status: 400, Code: CodeBadRequest, kind: ErrValidation, Detail: fmt.Sprintf("JSON parse error - %v", err)}
	}
	if err := json.Unmarshal(body, &f.m); err != nil || f.m == nil {
		if nest {
			return nil, badRequest([]string{"the request body must be a JSON object"})
		}
		fe := fieldErrors{}
		fe.add("non_field_errors", "Invalid data. Expected a dictionary, but got %s.", jsonKind(body))
		return nil, fe.err()
	}
	return f, nil
}

func jsonKind(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return "nothing"
	}
	switch b[0] {
	case '[':
		return "list"
	case '"':
		return "str"
	case 't', 'f':
		return "bool"
	case 'n':
		return "null"
	}
	return "number"
}

func (f *fields) fail(key, msg, nestMsg string) {
	if f.nest {
		f.msgs = append(f.msgs, nestMsg)
		return
	}
	f.fe.add(key, "%s", msg)
}

// str reads a string field.
func (f *fields) str(key string, required bool) string {
	raw, ok := f.m[key]
	if !ok {
		if required {
			f.fail(key, "This field is required.", key+" should not be empty")
		}
		return ""
	}
	if string(bytes.TrimSpace(raw)) == "null" {
		f.fail(key, "This field may not be null.", key+" must be a string")
		return ""
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		f.fail(key, "Not a valid string.", key+" must be a string")
		return ""
	}
	if s == "" && required {
		f.fail(key, "This field may not be blank.", key+" should not be empty")
	}
	return s
}

// boolean reads an optional boolean field.
func (f *fields) boolean(key string) *bool {
	raw, ok := f.m[key]
	if !ok {
		return nil
	}
	if string(bytes.TrimSpace(raw)) == "null" {
		// encoding/json leaves a bool alone on null; DRF's BooleanField
		// (allow_null=False) refuses it like any other field.
		f.fail(key, "This field may not be null.", key+" must be a boolean value")
		return nil
	}
	var b bool
	if err := json.Unmarshal(raw, &b); err != nil {
		f.fail(key, "Must be a valid boolean.", key+" must be a boolean value")
		return nil
	}
	return &b
}

// known rejects fields outside allowed, unless allowUnknown.
func (f *fields) known(allowUnknown bool, allowed ...string) {
	if allowUnknown {
		return
	}
	var extra []string
	for k := range f.m {
		if !contains(allowed, k) {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		f.fail(k, "Unknown field. Valid fields: "+strings.Join(allowed, ", ")+".", "property "+k+" should not exist")
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func (f *fields) err() *Error {
	if f.nest {
		if len(f.msgs) == 0 {
			return nil
		}
		return badRequest(f.msgs)
	}
	return f.fe.err()
}

// decodeCreateSecret decodes CreateSecret (spec 1.3).
func decodeCreateSecret(body []byte, allowUnknown bool) (workspaceID string, e *Error) {
	f, e := objectBody(body, false)
	if e != nil {
		return "", e
	}
	f.known(allowUnknown, "workspace_id")
	ws := f.str("workspace_id", true)
	checkWorkspaceID(f.fe, ws)
	return ws, f.err()
}

// createSubscription is a decoded create-subscription body.
type createSubscription struct {
	WorkspaceID, EventType, TargetURL string
}

// decodeCreateSubscription decodes SubscriptionDetail as a create body
// (spec 1.5); id and is_enabled are accepted and ignored.
func decodeCreateSubscription(body []byte, allowUnknown bool) (createSubscription, *Error) {
	f, e := objectBody(body, false)
	if e != nil {
		return createSubscription{}, e
	}
	f.known(allowUnknown, "workspace_id", "event_type", "target_url", "is_enabled", "id")
	c := createSubscription{WorkspaceID: f.str("workspace_id", true), EventType: f.str("event_type", true),
		TargetURL: f.str("target_url", true)}
	checkWorkspaceID(f.fe, c.WorkspaceID)
	f.boolean("is_enabled")
	if _, ok := f.m["id"]; ok {
		f.str("id", false)
	}
	return c, f.err()
}

// decodeConfirm decodes SubscriptionConfirmation (spec 1.7).
func decodeConfirm(body []byte, allowUnknown bool) (string, *Error) {
	f, e := objectBody(body, false)
	if e != nil {
		return "", e
	}
	f.known(allowUnknown, "secret")
	sec := f.str("secret", true)
	return sec, f.err()
}

// decodeUpdate decodes SubscriptionUpdateDetail (spec 1.9).
func decodeUpdate(body []byte, allowUnknown bool) (SubscriptionUpdate, *Error) {
	f, e := objectBody(body, false)
	if e != nil {
		return SubscriptionUpdate{}, e
	}
	f.known(allowUnknown, "event_type", "target_url", "is_enabled")
	var u SubscriptionUpdate
	if _, ok := f.m["event_type"]; ok {
		v := f.str("event_type", true)
		u.EventType = &v
	}
	if _, ok := f.m["target_url"]; ok {
		v := f.str("target_url", true)
		u.TargetURL = &v
	}
	u.IsEnabled = f.boolean("is_enabled")
	return u, f.err()
}

// decodeCreateWebhook decodes CreateWebhookDto (spec 4.1).
func decodeCreateWebhook(body []byte) (string, *Error) {
	f, e := objectBody(body, true)
	if e != nil {
		return "", e
	}
	f.known(false, "url")
	u := f.str("url", true)
	if e := f.err(); e != nil {
		return "", e
	}
	if msg := checkRespondentURL(u); msg != "" {
		return "", badRequest([]string{msg})
	}
	return u, nil
}

// decodeSimulate decodes SimulateWebhookDto (spec 4.1); the values are
// checked by Server.Simulate.
func decodeSimulate(body []byte) (event, variant string, e *Error) {
	f, e := objectBody(body, true)
	if e != nil {
		return "", "", e
	}
	f.known(false, "event", "screenerResponseUpdatedType")
	event = f.str("event", true)
	variant = f.str("screenerResponseUpdatedType", false)
	return event, variant, f.err()
}

// decodeTrigger decodes a control-API trigger body.
func decodeTrigger(body []byte) (TriggerRequest, *Error) {
	f, e := objectBody(body, false)
	if e != nil {
		return TriggerRequest{}, e
	}
	f.known(false, "platform", "event_type", "status", "resource_id", "workspace_id", "study_id", "event_id", "extra", "payload")
	req := TriggerRequest{Platform: f.str("platform", false), EventType: f.str("event_type", false),
		StudyID: f.str("study_id", false),
		Status:  f.str("status", false), ResourceID: f.str("resource_id", false),
		WorkspaceID: f.str("workspace_id", false), EventID: f.str("event_id", false)}
	if raw, ok := f.m["extra"]; ok && string(bytes.TrimSpace(raw)) != "null" {
		if err := json.Unmarshal(raw, &req.Extra); err != nil {
			f.fe.add("extra", "Must be an object of strings.")
		}
	}
	if raw, ok := f.m["payload"]; ok && string(bytes.TrimSpace(raw)) != "null" {
		o, err := hookdrill.ParseObject(raw)
		if err != nil {
			f.fe.add("payload", "Must be a JSON object: %v.", err)
		}
		req.Payload = o
	}
	if req.EventType == "" && req.Payload == nil && len(f.fe) == 0 {
		f.fe.add("event_type", "This field is required (or give a payload).")
	}
	return req, f.err()
}

// intParam parses an optional integer query parameter within [lo, hi].
func intParam(q url.Values, key string, def, lo, hi int, fe fieldErrors) int {
	vals, ok := q[key]
	if !ok || len(vals) == 0 || vals[0] == "" {
		return def
	}
	n, err := strconv.Atoi(strings.TrimSpace(vals[0]))
	switch {
	case err != nil:
		fe.add(key, "A valid integer is required.")
		return def
	case n < lo:
		fe.add(key, "Ensure this value is greater than or equal to %d.", lo)
		return def
	case hi > 0 && n > hi:
		fe.add(key, "Ensure this value is less than or equal to %d.", hi)
		return def
	}
	return n
}

// parseEventsQuery parses the events list query (spec 1.10): offset,
// limit 1-1000, status (one value or a JSON array string), resource_id.
func parseEventsQuery(q url.Values) (EventFilter, *Error) {
	fe := fieldErrors{}
	f := EventFilter{
		Offset:     intParam(q, "offset", 0, 0, 0, fe),
		Limit:      intParam(q, "limit", DefaultEventsLimit, 1, MaxEventsLimit, fe),
		ResourceID: q.Get("resource_id"),
	}
	if st := strings.TrimSpace(q.Get("status")); st != "" {
		var list []string
		if strings.HasPrefix(st, "[") {
			if err := json.Unmarshal([]byte(st), &list); err != nil {
				fe.add("status", "Must be a status or a JSON array of statuses, e.g. [\"FAILED\",\"PENDING\"].")
			}
		} else {
			list = []string{st}
		}
		for _, v := range list {
			if !validStatus(v) {
				fe.add("status", "%q is not a valid choice. Valid: %s.", v, describeStatuses())
			}
		}
		f.Statuses = list
	}
	return f, fe.err()
}

// subscriptionsQuery is the list-subscriptions query (spec 1.4).
type subscriptionsQuery struct {
	WorkspaceID   string
	Enabled       bool
	Offset, Limit int
}

func parseBool(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1":
		return true, true
	case "false", "0":
		return false, true
	}
	return false, false
}

func parseSubscriptionsQuery(q url.Values) (subscriptionsQuery, *Error) {
	fe := fieldErrors{}
	sq := subscriptionsQuery{WorkspaceID: q.Get("workspace_id"), Enabled: true,
		Offset: intParam(q, "offset", 0, 0, 0, fe), Limit: intParam(q, "limit", 0, 1, 0, fe)}
	checkWorkspaceID(fe, sq.WorkspaceID)
	if v, ok := q["is_enabled"]; ok && len(v) > 0 && v[0] != "" {
		b, valid := parseBool(v[0])
		if !valid {
			fe.add("is_enabled", "Must be a valid boolean.")
		}
		sq.Enabled = b
	}
	return sq, fe.err()
}

// validWorkspaceID reports whether id has the shape of a Prolific workspace
// id: a Mongo ObjectId, 24 hexadecimal characters (spec 1.x examples).
func validWorkspaceID(id string) bool {
	if len(id) != 24 {
		return false
	}
	for _, c := range []byte(id) {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// checkWorkspaceID adds a workspace_id error for a non-empty id of the
// wrong shape (an empty one is the caller's "required" case).
func checkWorkspaceID(fe fieldErrors, id string) {
	if id != "" && !validWorkspaceID(id) {
		fe.add("workspace_id", "%q is not a valid workspace id (24 hexadecimal characters).", id)
	}
}
