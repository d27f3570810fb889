package sandbox

import (
	"encoding/hex"
	"errors"
	"net/http"
	"strings"

	"payterm/payhost"
)

// Handler returns the HTTP API (see the package doc) on a ServeMux of its
// own. Unknown paths answer 404 and known paths with another method 405,
// both as JSON.
func (h *Host) Handler() http.Handler {
	mux := http.NewServeMux()
	routes := []struct {
		method, path string
		fn           http.HandlerFunc
	}{
		{http.MethodPost, "/accounts", h.handleCreateAccount},
		{http.MethodGet, "/accounts/{id}", h.handleAccount},
		{http.MethodPost, "/accounts/{id}/codes", h.handleIssueCode},
		{http.MethodPost, "/accounts/{id}/faces", h.handleEnrolFace},
		{http.MethodGet, "/v1/face-key", h.handleFaceKey},
		{http.MethodPut, "/accounts/{id}/limit", h.handleSetLimit},
		{http.MethodGet, "/phone/{account}", h.handlePhonePage},
		{http.MethodGet, "/phone/{account}/payments", h.handlePhoneHeld},
		{http.MethodPost, "/phone/{account}/payments/{out_trade_no}/confirm", h.handlePhoneConfirm},
		{http.MethodPost, "/phone/{account}/payments/{out_trade_no}/refuse", h.handlePhoneRefuse},
		{http.MethodPut, "/admin/terminals/{id}", h.handleRegisterTerminal},
		{http.MethodGet, "/admin/terminals/{id}", h.handleTerminal},
		{http.MethodPost, "/v1/pay", h.handlePay},
		{http.MethodGet, "/v1/pay/{out_trade_no}", h.handleQuery},
		{http.MethodPost, "/v1/pay/{out_trade_no}/reverse", h.handleReverse},
	}
	allowed := map[string][]string{} // path → its methods, in order
	var paths []string
	for _, rt := range routes {
		limit := int64(payhost.MaxBodyBytes)
		if rt.path == "/accounts/{id}/faces" { // a photo
			limit = MaxEnrolBytes
		}
		mux.Handle(rt.method+" "+rt.path, capBody(rt.fn, limit))
		if allowed[rt.path] == nil {
			paths = append(paths, rt.path)
		}
		allowed[rt.path] = append(allowed[rt.path], rt.method)
	}
	for _, path := range paths {
		// A method-less pattern is less specific than the ones above, so
		// it catches only the other methods.
		allow := strings.Join(allowed[path], ", ")
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			writeError(w, http.StatusMethodNotAllowed, payhost.CodeMethodNotAllowed, r.Method+" not allowed here")
		})
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, payhost.CodeNotFound, "no such endpoint")
	})
	return mux
}

// capBody limits the request body to limit bytes; reading past it fails
// and the connection is closed after the answer.
func capBody(next http.Handler, limit int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

func (h *Host) handleCreateAccount(w http.ResponseWriter, r *http.Request) {
	n, err := decodeNewAccount(r.Body)
	if err == nil {
		var acct Account
		if acct, err = h.CreateAccount(r.Context(), n); err == nil {
			writeJSON(w, http.StatusCreated, acct)
			return
		}
	}
	writeFailure(w, h.log, err)
}

func (h *Host) handleAccount(w http.ResponseWriter, r *http.Request) {
	acct, err := h.Account(r.Context(), r.PathValue("id"))
	if err != nil {
		writeFailure(w, h.log, err)
		return
	}
	writeJSON(w, http.StatusOK, acct)
}

func (h *Host) handleIssueCode(w http.ResponseWriter, r *http.Request) {
	c, err := h.IssueCode(r.Context(), r.PathValue("id"))
	if err != nil {
		writeFailure(w, h.log, err)
		return
	}
	writeJSON(w, http.StatusCreated, c)
}

func (h *Host) handleEnrolFace(w http.ResponseWriter, r *http.Request) {
	n, err := decodeNewFace(r.Body)
	if err == nil {
		var e Enrolled
		if e, err = h.EnrolFace(r.Context(), r.PathValue("id"), n); err == nil {
			writeJSON(w, http.StatusCreated, e)
			return
		}
	}
	if errors.Is(err, ErrFacesOff) {
		writeError(w, http.StatusNotImplemented, payhost.CodeNotImplemented, err.Error())
		return
	}
	writeFailure(w, h.log, err)
}

// FaceKeyAnswer is GET /v1/face-key's answer: the public key terminals
// seal face crops to (payhost.SealFace), in hex.
type FaceKeyAnswer struct {
	KEM       string `json:"kem"` // "X25519"
	PublicKey string `json:"public_key"`
}

func (h *Host) handleFaceKey(w http.ResponseWriter, r *http.Request) {
	if h.faceKey == nil {
		writeError(w, http.StatusNotFound, payhost.CodeNotFound, "this payment system takes no face payments")
		return
	}
	writeJSON(w, http.StatusOK, FaceKeyAnswer{KEM: "X25519", PublicKey: hex.EncodeToString(h.faceKey.Public())})
}

func (h *Host) handleRegisterTerminal(w http.ResponseWriter, r *http.Request) {
	n, err := decodeNewTerminal(r.Body)
	if err == nil {
		var term Terminal
		if term, err = h.registerTerminal(r.Context(), r.PathValue("id"), n); err == nil {
			writeJSON(w, http.StatusOK, term)
			return
		}
	}
	writeFailure(w, h.log, err)
}

func (h *Host) handleTerminal(w http.ResponseWriter, r *http.Request) {
	term, err := h.Terminal(r.Context(), r.PathValue("id"))
	if err != nil {
		writeFailure(w, h.log, err)
		return
	}
	writeJSON(w, http.StatusOK, term)
}

func (h *Host) handlePay(w http.ResponseWriter, r *http.Request) {
	req, err := decodePayRequest(r.Body)
	if err == nil {
		var p payhost.Payment
		if p, err = h.Pay(r.Context(), req); err == nil {
			writeJSON(w, http.StatusOK, p)
			return
		}
	}
	writeFailure(w, h.log, err)
}

func (h *Host) handleQuery(w http.ResponseWriter, r *http.Request) {
	p, err := h.Query(r.Context(), r.PathValue("out_trade_no"))
	if err != nil {
		writeFailure(w, h.log, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func (h *Host) handleReverse(w http.ResponseWriter, r *http.Request) {
	p, err := h.Reverse(r.Context(), r.PathValue("out_trade_no"))
	if err != nil {
		writeFailure(w, h.log, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}
