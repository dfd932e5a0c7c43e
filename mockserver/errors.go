package mockserver

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// Sentinel errors the Go API returns (wrapped in *Error); callers branch on
// them with errors.Is.
var (
	ErrNotFound     = errors.New("not found")
	ErrValidation   = errors.New("validation failed")
	ErrNoSecret     = errors.New("workspace has no secret")
	ErrBadSecret    = errors.New("confirmation secret does not match")
	ErrUnauthorized = errors.New("no valid credentials")
	ErrClosed       = errors.New("mockserver: closed")
)

// Prolific error_code values (P18: undocumented, stable arbitrary integers
// per error kind).
const (
	CodeBadRequest       = 140000 // malformed body or query
	CodeValidation       = 140001 // a well-formed request with invalid fields
	CodeNoSecret         = 140002 // subscription for a workspace without a secret
	CodeBadConfirmSecret = 140003 // wrong X-Hook-Secret in a confirmation
	CodeUnauthorized     = 140100
	CodeForbidden        = 140300
	CodeNotFound         = 140400
	CodeMethodNotAllowed = 140500
	CodeTooLarge         = 141300
	CodeUnsupportedMedia = 141500
	CodeInternal         = 150000
)

// Error is an API error. The HTTP layer writes it in each platform's shape:
// Prolific's {"error": {...}} (spec 1.0) or NestJS's
// {"statusCode","message","error"} (spec 4.0).
type Error struct {
	Status int // HTTP status
	Code   int // Prolific error_code
	// Detail is a string, a []string, or a map of field name to messages.
	Detail any
	kind   error
}

func (e *Error) Error() string {
	return fmt.Sprintf("%d %s: %s", e.Status, http.StatusText(e.Status), strings.Join(e.Messages(), "; "))
}

// Unwrap returns the sentinel the error is a case of.
func (e *Error) Unwrap() error { return e.kind }

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

func notFound(what, id string) *Error {
	return &Error{Status: http.StatusNotFound, Code: CodeNotFound, kind: ErrNotFound,
		Detail: fmt.Sprintf("No %s matches the given query: %q.", what, id)}
}

func badRequest(detail any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: CodeBadRequest, kind: ErrValidation, Detail: detail}
}

// fieldErrors collects per-field validation messages.
type fieldErrors map[string][]string

func (f fieldErrors) add(field, format string, a ...any) {
	f[field] = append(f[field], fmt.Sprintf(format, a...))
}

// err returns nil when no field failed.
func (f fieldErrors) err() *Error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Status: http.StatusBadRequest, Code: CodeValidation, kind: ErrValidation, Detail: map[string][]string(f)}
}

// asError turns any error into an *Error (500 for unexpected ones).
func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Status: http.StatusInternalServerError, Code: CodeInternal, Detail: err.Error()}
}

// prolificError is Prolific's Error schema (spec 1.0).
type prolificError struct {
	Error prolificErrorDetail `json:"error"`
}

type prolificErrorDetail struct {
	Status    int    `json:"status"`
	ErrorCode int    `json:"error_code"`
	Title     string `json:"title"`
	Detail    any    `json:"detail"`
}

func (e *Error) prolific() prolificError {
	d := e.Detail
	if d == nil {
		d = http.StatusText(e.Status)
	}
	return prolificError{prolificErrorDetail{Status: e.Status, ErrorCode: e.Code, Title: http.StatusText(e.Status), Detail: d}}
}

// nestError is NestJS's default exception body (R6).
type nestError struct {
	StatusCode int    `json:"statusCode"`
	Message    any    `json:"message"`
	Error      string `json:"error,omitempty"`
}

func (e *Error) nest() nestError {
	var msg any
	switch d := e.Detail.(type) {
	case string:
		msg = d
	default:
		msg = e.Messages()
	}
	n := nestError{StatusCode: e.Status, Message: msg, Error: http.StatusText(e.Status)}
	if e.Status == http.StatusUnauthorized {
		// Nest's UnauthorizedException without a message.
		n.Message, n.Error = "Unauthorized", ""
	}
	return n
}
