package payhost

import (
	"errors"
	"fmt"
	"net/http"
)

// Sentinel errors shared by every Client, matched with errors.Is.
var (
	// ErrInvalidRequest: the request breaks the protocol (missing field,
	// bad currency, malformed JSON); nothing was stored.
	ErrInvalidRequest = errors.New("invalid request")
	// ErrNotFound: no payment (or account) has that reference.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the OutTradeNo is already used for a different charge.
	ErrConflict = errors.New("conflict")
)

// Error codes in ErrorBody.Error, one per failure class.
const (
	CodeBadRequest       = "bad_request"
	CodeBadJSON          = "bad_json"
	CodeTooLarge         = "too_large"
	CodeNotFound         = "not_found"
	CodeMethodNotAllowed = "method_not_allowed"
	CodeConflict         = "conflict"
	CodeInternal         = "internal"
	CodeNotImplemented   = "not_implemented" // a feature this host was started without
)

// ErrorBody is the JSON body of every non-2xx answer.
type ErrorBody struct {
	Error   string `json:"error"`   // one of the Code… constants
	Message string `json:"message"` // for people; never contains a payment code
}

// APIError is a non-2xx answer from the payment system. It unwraps to the
// matching sentinel error (ErrNotFound for 404, …), if any.
type APIError struct {
	StatusCode int    // HTTP status
	Code       string // ErrorBody.Error; may be empty for a non-JSON body
	Message    string
}

func (e *APIError) Error() string {
	if e.Code == "" {
		return fmt.Sprintf("payhost: HTTP %d: %s", e.StatusCode, e.Message)
	}
	return fmt.Sprintf("payhost: HTTP %d %s: %s", e.StatusCode, e.Code, e.Message)
}

// Unwrap maps the status to a sentinel so callers need not know HTTP.
func (e *APIError) Unwrap() error {
	switch e.StatusCode {
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		return ErrInvalidRequest
	case http.StatusNotFound:
		return ErrNotFound
	case http.StatusConflict:
		return ErrConflict
	}
	return nil
}
