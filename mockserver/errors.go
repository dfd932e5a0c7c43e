package mockserver

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// Sentinel errors the Go API returns (wrapped in *Error); callers branch on
// them with errors.Is. Platforms add their own.
var (
	ErrNotFound     = errors.New("not found")
	ErrValidation   = errors.New("validation failed")
	ErrUnauthorized = errors.New("no valid credentials")
	ErrClosed       = errors.New("mockserver: closed")
)

// Error is an API error. The HTTP layer writes it in the shape of the API
// the request is for: the platform's (Platform.WriteError) under its
// prefix, {"error", "detail"} on the control API.
type Error struct {
	Status int // HTTP status
	// Code is the platform's own error code, if it has any; 0 lets the
	// platform's shape pick the one for Status.
	Code int
	// Detail is a string, a []string, or a map of field name to messages.
	Detail any
	// Kind is the sentinel the error is a case of (errors.Is), or nil.
	Kind error
}

func (e *Error) Error() string {
	return fmt.Sprintf("%d %s: %s", e.Status, http.StatusText(e.Status), strings.Join(e.Messages(), "; "))
}

// Unwrap returns the sentinel the error is a case of.
func (e *Error) Unwrap() error { return e.Kind }

// Messages flattens Detail into sentences, fields sorted.
func (e *Error) Messages() []string {
	switch d := e.Detail.(type) {
	case string:
		return []string{d}
	case []string:
		return d
	case map[string][]string:
		keys := make([]string, 0, len(d))
		for k := range d {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var out []string
		for _, k := range keys {
			for _, m := range d[k] {
				out = append(out, k+": "+m)
			}
		}
		return out
	}
	return []string{fmt.Sprint(e.Detail)}
}

// NotFound is the 404 for an id of a kind of resource.
func NotFound(what, id string) *Error {
	return &Error{Status: http.StatusNotFound, Kind: ErrNotFound,
		Detail: fmt.Sprintf("No %s matches the given query: %q.", what, id)}
}

// BadRequest is a 400 with detail (a string, []string or field map).
func BadRequest(detail any) *Error {
	return &Error{Status: http.StatusBadRequest, Kind: ErrValidation, Detail: detail}
}

// FieldErrors collects per-field validation messages.
type FieldErrors map[string][]string

// Add adds a message for field.
func (f FieldErrors) Add(field, format string, a ...any) {
	f[field] = append(f[field], fmt.Sprintf(format, a...))
}

// Err returns the 400 with every field's messages (code: the platform's
// code for a validation error, 0 for the default), or nil when no field
// failed.
func (f FieldErrors) Err(code int) *Error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Status: http.StatusBadRequest, Code: code, Kind: ErrValidation, Detail: map[string][]string(f)}
}

// AsError turns any error into an *Error (500 for unexpected ones).
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Status: http.StatusInternalServerError, Detail: err.Error()}
}

// controlError is the control API's error body.
type controlError struct {
	Error  string `json:"error"`
	Detail any    `json:"detail,omitempty"`
}
