package mock

import (
	"errors"
	"net/http"

	"github.com/hookdrill/hookdrill/mockserver"
)

// Sentinel errors of the Prolific Go API (wrapped in *mockserver.Error),
// besides mockserver's ErrNotFound, ErrValidation, ErrUnauthorized.
var (
	ErrNoSecret  = errors.New("workspace has no secret")
	ErrBadSecret = errors.New("confirmation secret does not match")
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
	CodeUnavailable      = 150300 // a change that could not be saved
)

// codeFor is the error_code of an error that names none.
func codeFor(e *mockserver.Error) int {
	switch e.Status {
	case http.StatusBadRequest:
		return CodeBadRequest
	case http.StatusUnauthorized:
		return CodeUnauthorized
	case http.StatusForbidden:
		return CodeForbidden
	case http.StatusNotFound:
		return CodeNotFound
	case http.StatusMethodNotAllowed:
		return CodeMethodNotAllowed
	case http.StatusRequestEntityTooLarge:
		return CodeTooLarge
	case http.StatusUnsupportedMediaType:
		return CodeUnsupportedMedia
	case http.StatusServiceUnavailable:
		if errors.Is(e, mockserver.ErrNotDurable) {
			return CodeUnavailable
		}
	}
	return CodeInternal
}

// apiError is Prolific's Error schema (spec 1.0).
type apiError struct {
	Error apiErrorDetail `json:"error"`
}

type apiErrorDetail struct {
	Status    int    `json:"status"`
	ErrorCode int    `json:"error_code"`
	Title     string `json:"title"`
	Detail    any    `json:"detail"`
}

// Shape returns e in Prolific's error shape.
func Shape(e *mockserver.Error) any {
	d := e.Detail
	if d == nil {
		d = http.StatusText(e.Status)
	}
	code := e.Code
	if code == 0 {
		code = codeFor(e)
	}
	return apiError{apiErrorDetail{Status: e.Status, ErrorCode: code, Title: http.StatusText(e.Status), Detail: d}}
}

// WriteError implements mockserver.Platform: Prolific's {"error": {...}}.
func (m *Mock) WriteError(w http.ResponseWriter, r *http.Request, e *mockserver.Error) {
	mockserver.WriteJSON(w, e.Status, Shape(e))
}

func notFound(what, id string) *mockserver.Error {
	e := mockserver.NotFound(what, id)
	e.Code = CodeNotFound
	return e
}

// fieldErrors collects per-field validation messages.
type fieldErrors = mockserver.FieldErrors

// fieldErr is the 400 of the fields that failed (CodeValidation), or nil.
func fieldErr(fe fieldErrors) *mockserver.Error { return fe.Err(CodeValidation) }
