package sandbox

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"payterm/payhost"
)

// writeJSON answers with v as JSON. Answers are never cached: they carry
// balances and codes.
func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	// The status is sent; an encoding error now can only be a broken
	// connection, which the client sees as such.
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers with a payhost.ErrorBody.
func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, payhost.ErrorBody{Error: code, Message: message})
}

// writeFailure maps an error from the Host or a decoder to its answer.
// Messages of client errors are the error text (which never holds a code);
// internal ones are logged and hidden.
func writeFailure(w http.ResponseWriter, log *slog.Logger, err error) {
	switch {
	case errors.Is(err, errTooLarge):
		writeError(w, http.StatusRequestEntityTooLarge, payhost.CodeTooLarge, err.Error())
	case errors.Is(err, errBadJSON):
		writeError(w, http.StatusBadRequest, payhost.CodeBadJSON, err.Error())
	case errors.Is(err, payhost.ErrInvalidRequest):
		writeError(w, http.StatusBadRequest, payhost.CodeBadRequest, err.Error())
	case errors.Is(err, payhost.ErrNotFound):
		writeError(w, http.StatusNotFound, payhost.CodeNotFound, err.Error())
	case errors.Is(err, payhost.ErrConflict):
		writeError(w, http.StatusConflict, payhost.CodeConflict, err.Error())
	default:
		log.Error("request failed", "err", err)
		writeError(w, http.StatusInternalServerError, payhost.CodeInternal, "internal error")
	}
}
