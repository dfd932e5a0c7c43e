package mock

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"

	"github.com/hookdrill/hookdrill/mockserver"
)

// Request decoders. Each takes the raw body (or query) and returns the
// typed request or an *Error with per-field detail, worded as Django REST
// framework words it: never a panic, never a 500, whatever the input.
// They are the fuzz targets' subjects.

// decodeCreateSecret decodes CreateSecret (spec 1.3).
func decodeCreateSecret(body []byte, allowUnknown bool) (workspaceID string, e *mockserver.Error) {
	f, e := mockserver.ParseObject(body, mockserver.StyleFields, CodeValidation)
	if e != nil {
		return "", e
	}
	f.Known(allowUnknown, "workspace_id")
	ws := f.Str("workspace_id", true)
	checkWorkspaceID(f.FE, ws)
	return ws, f.Err()
}

// createSubscription is a decoded create-subscription body.
type createSubscription struct {
	WorkspaceID, EventType, TargetURL string
}

// decodeCreateSubscription decodes SubscriptionDetail as a create body
// (spec 1.5); id and is_enabled are accepted and ignored.
func decodeCreateSubscription(body []byte, allowUnknown bool) (createSubscription, *mockserver.Error) {
	f, e := mockserver.ParseObject(body, mockserver.StyleFields, CodeValidation)
	if e != nil {
		return createSubscription{}, e
	}
	f.Known(allowUnknown, "workspace_id", "event_type", "target_url", "is_enabled", "id")
	c := createSubscription{WorkspaceID: f.Str("workspace_id", true), EventType: f.Str("event_type", true),
		TargetURL: f.Str("target_url", true)}
	checkWorkspaceID(f.FE, c.WorkspaceID)
	f.Bool("is_enabled")
	if _, ok := f.M["id"]; ok {
		f.Str("id", false)
	}
	return c, f.Err()
}

// decodeConfirm decodes SubscriptionConfirmation (spec 1.7).
func decodeConfirm(body []byte, allowUnknown bool) (string, *mockserver.Error) {
	f, e := mockserver.ParseObject(body, mockserver.StyleFields, CodeValidation)
	if e != nil {
		return "", e
	}
	f.Known(allowUnknown, "secret")
	sec := f.Str("secret", true)
	return sec, f.Err()
}

// decodeUpdate decodes SubscriptionUpdateDetail (spec 1.9).
func decodeUpdate(body []byte, allowUnknown bool) (SubscriptionUpdate, *mockserver.Error) {
	f, e := mockserver.ParseObject(body, mockserver.StyleFields, CodeValidation)
	if e != nil {
		return SubscriptionUpdate{}, e
	}
	f.Known(allowUnknown, "event_type", "target_url", "is_enabled")
	var u SubscriptionUpdate
	if _, ok := f.M["event_type"]; ok {
		v := f.Str("event_type", true)
		u.EventType = &v
	}
	if _, ok := f.M["target_url"]; ok {
		v := f.Str("target_url", true)
		u.TargetURL = &v
	}
	u.IsEnabled = f.Bool("is_enabled")
	return u, f.Err()
}

// intParam parses an optional integer query parameter within [lo, hi].
func intParam(q url.Values, key string, def, lo, hi int, fe mockserver.FieldErrors) int {
	vals, ok := q[key]
	if !ok || len(vals) == 0 || vals[0] == "" {
		return def
	}
	n, err := strconv.Atoi(strings.TrimSpace(vals[0]))
	switch {
	case err != nil:
		fe.Add(key, "A valid integer is required.")
		return def
	case n < lo:
		fe.Add(key, "Ensure this value is greater than or equal to %d.", lo)
		return def
	case hi > 0 && n > hi:
		fe.Add(key, "Ensure this value is less than or equal to %d.", hi)
		return def
	}
	return n
}

// parseEventsQuery parses the events list query (spec 1.10): offset,
// limit 1-1000, status (one value or a JSON array string), resource_id.
func parseEventsQuery(q url.Values) (mockserver.EventFilter, *mockserver.Error) {
	fe := mockserver.FieldErrors{}
	f := mockserver.EventFilter{
		Offset:     intParam(q, "offset", 0, 0, 0, fe),
		Limit:      intParam(q, "limit", DefaultEventsLimit, 1, MaxEventsLimit, fe),
		ResourceID: q.Get("resource_id"),
	}
	if st := strings.TrimSpace(q.Get("status")); st != "" {
		var list []string
		if strings.HasPrefix(st, "[") {
			if err := json.Unmarshal([]byte(st), &list); err != nil {
				fe.Add("status", "Must be a status or a JSON array of statuses, e.g. [\"FAILED\",\"PENDING\"].")
			}
		} else {
			list = []string{st}
		}
		for _, v := range list {
			if !mockserver.ValidStatus(v) {
				fe.Add("status", "%q is not a valid choice. Valid: %s.", v, mockserver.DescribeStatuses())
			}
		}
		f.Statuses = list
	}
	return f, fieldErr(fe)
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

func parseSubscriptionsQuery(q url.Values) (subscriptionsQuery, *mockserver.Error) {
	fe := mockserver.FieldErrors{}
	sq := subscriptionsQuery{WorkspaceID: q.Get("workspace_id"), Enabled: true,
		Offset: intParam(q, "offset", 0, 0, 0, fe), Limit: intParam(q, "limit", 0, 1, 0, fe)}
	checkWorkspaceID(fe, sq.WorkspaceID)
	if v, ok := q["is_enabled"]; ok && len(v) > 0 && v[0] != "" {
		b, valid := parseBool(v[0])
		if !valid {
			fe.Add("is_enabled", "Must be a valid boolean.")
		}
		sq.Enabled = b
	}
	return sq, fieldErr(fe)
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
func checkWorkspaceID(fe mockserver.FieldErrors, id string) {
	if id != "" && !validWorkspaceID(id) {
		fe.Add("workspace_id", "%q is not a valid workspace id (24 hexadecimal characters).", id)
	}
}
