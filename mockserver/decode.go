package mockserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/hookdrill/hookdrill"
)

// Request decoding. A decoder takes the raw body (or query) and returns
// the typed request or an *Error with per-field detail: never a panic,
// never a 500, whatever the input. Fields is the helper the platforms'
// decoders share; they are the fuzz targets' subjects.

// Style is how a platform's validation words its errors.
type Style int

// Validation styles.
const (
	// StyleFields maps each field to its messages (Django REST
	// framework's serializer errors), "This field is required.".
	StyleFields Style = iota
	// StyleMessages is a flat list of sentences naming the field
	// (NestJS's class-validator), "url should not be empty".
	StyleMessages
)

// Fields is a JSON object being decoded field by field.
type Fields struct {
	// M holds the raw fields.
	M map[string]json.RawMessage
	// FE holds the per-field messages (StyleFields).
	FE    FieldErrors
	style Style
	code  int
	msgs  []string
}

// ParseObject parses body as a JSON object; an empty body is {}. code is
// the platform's error code of a validation error (Err).
func ParseObject(body []byte, style Style, code int) (*Fields, *Error) {
	f := &Fields{M: map[string]json.RawMessage{}, FE: FieldErrors{}, style: style, code: code}
	if len(bytes.TrimSpace(body)) == 0 {
		return f, nil
	}
	if !json.Valid(body) {
		var v any
		err := json.Unmarshal(body, &v)
		if style == StyleMessages {
			return nil, BadRequest(fmt.Sprintf("Unexpected token in JSON: %v", err))
		}
		return nil, BadRequest(fmt.Sprintf("JSON parse error - %v", err))
	}
	if err := json.Unmarshal(body, &f.M); err != nil || f.M == nil {
		if style == StyleMessages {
			return nil, BadRequest([]string{"the request body must be a JSON object"})
		}
		fe := FieldErrors{}
		fe.Add("non_field_errors", "Invalid data. Expected a dictionary, but got %s.", jsonKind(body))
		return nil, fe.Err(code)
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

// Fail records a problem with a field: msg in StyleFields, listMsg in
// StyleMessages.
func (f *Fields) Fail(key, msg, listMsg string) {
	if f.style == StyleMessages {
		f.msgs = append(f.msgs, listMsg)
		return
	}
	f.FE.Add(key, "%s", msg)
}

// Str reads a string field.
func (f *Fields) Str(key string, required bool) string {
	raw, ok := f.M[key]
	if !ok {
		if required {
			f.Fail(key, "This field is required.", key+" should not be empty")
		}
		return ""
	}
	if string(bytes.TrimSpace(raw)) == "null" {
		f.Fail(key, "This field may not be null.", key+" must be a string")
		return ""
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		f.Fail(key, "Not a valid string.", key+" must be a string")
		return ""
	}
	if s == "" && required {
		f.Fail(key, "This field may not be blank.", key+" should not be empty")
	}
	return s
}

// Bool reads an optional boolean field.
func (f *Fields) Bool(key string) *bool {
	raw, ok := f.M[key]
	if !ok {
		return nil
	}
	if string(bytes.TrimSpace(raw)) == "null" {
		// encoding/json leaves a bool alone on null; DRF's BooleanField
		// (allow_null=False) refuses it like any other field.
		f.Fail(key, "This field may not be null.", key+" must be a boolean value")
		return nil
	}
	var b bool
	if err := json.Unmarshal(raw, &b); err != nil {
		f.Fail(key, "Must be a valid boolean.", key+" must be a boolean value")
		return nil
	}
	return &b
}

// Known rejects fields outside allowed, unless allowUnknown.
func (f *Fields) Known(allowUnknown bool, allowed ...string) {
	if allowUnknown {
		return
	}
	var extra []string
	for k := range f.M {
		if !contains(allowed, k) {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		f.Fail(k, "Unknown field. Valid fields: "+strings.Join(allowed, ", ")+".", "property "+k+" should not exist")
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

// Err returns the problems found, or nil.
func (f *Fields) Err() *Error {
	if f.style == StyleMessages {
		if len(f.msgs) == 0 {
			return nil
		}
		return BadRequest(f.msgs)
	}
	return f.FE.Err(f.code)
}

// decodeTrigger decodes a control-API trigger body.
func decodeTrigger(body []byte) (TriggerRequest, *Error) {
	f, e := ParseObject(body, StyleFields, 0)
	if e != nil {
		return TriggerRequest{}, e
	}
	f.Known(false, "platform", "event_type", "status", "resource_id", "workspace_id", "study_id", "event_id", "extra", "payload")
	req := TriggerRequest{Platform: f.Str("platform", false), EventType: f.Str("event_type", false),
		StudyID: f.Str("study_id", false),
		Status:  f.Str("status", false), ResourceID: f.Str("resource_id", false),
		WorkspaceID: f.Str("workspace_id", false), EventID: f.Str("event_id", false)}
	if raw, ok := f.M["extra"]; ok && string(bytes.TrimSpace(raw)) != "null" {
		if err := json.Unmarshal(raw, &req.Extra); err != nil {
			f.FE.Add("extra", "Must be an object of strings.")
		}
	}
	if raw, ok := f.M["payload"]; ok && string(bytes.TrimSpace(raw)) != "null" {
		o, err := hookdrill.ParseObject(raw)
		if err != nil {
			f.FE.Add("payload", "Must be a JSON object: %v.", err)
		}
		req.Payload = o
	}
	if req.EventType == "" && req.Payload == nil && len(f.FE) == 0 {
		f.FE.Add("event_type", "This field is required (or give a payload).")
	}
	return req, f.Err()
}
