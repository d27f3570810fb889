package sandbox

import (
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"payterm/payhost"
)

// errTooLarge marks a body over payhost.MaxBodyBytes.
var errTooLarge = errors.New("body too large")

// errBadJSON marks a body that is not exactly one JSON object of the
// expected shape.
var errBadJSON = errors.New("malformed JSON")

// decodeStrict reads exactly one JSON object into v from at most
// payhost.MaxBodyBytes of r; decodeStrictUpTo takes another cap. Unknown fields are refused: a misspelt field
// in a payment request must not be silently dropped.
func decodeStrict(r io.Reader, v any) error {
	return decodeStrictUpTo(r, v, payhost.MaxBodyBytes)
}

func decodeStrictUpTo(r io.Reader, v any, limit int64) error {
	lr := &io.LimitedReader{R: r, N: limit + 1}
	dec := json.NewDecoder(lr)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("trailing data after the object")
	}
	if err == nil {
		// Drain so that a body padded past the cap is refused too.
		_, err = io.Copy(io.Discard, lr)
	}
	var mbe *http.MaxBytesError
	switch {
	case lr.N <= 0 || errors.As(err, &mbe):
		return fmt.Errorf("%w: over %d bytes", errTooLarge, limit)
	case err != nil:
		return fmt.Errorf("%w: %v", errBadJSON, err)
	}
	return nil
}

// decodePayRequest reads and validates a POST /v1/pay body.
func decodePayRequest(r io.Reader) (payhost.PayRequest, error) {
	var req payhost.PayRequest
	if err := decodeStrict(r, &req); err != nil {
		return payhost.PayRequest{}, err
	}
	if err := req.Validate(); err != nil {
		return payhost.PayRequest{}, err
	}
	return req, nil
}

// decodeNewAccount reads and validates a POST /accounts body.
func decodeNewAccount(r io.Reader) (NewAccount, error) {
	var n NewAccount
	if err := decodeStrict(r, &n); err != nil {
		return NewAccount{}, err
	}
	if err := n.Validate(); err != nil {
		return NewAccount{}, err
	}
	return n, nil
}

// decodeNewFace reads and validates a POST /accounts/{id}/faces body,
// which may carry a whole photo.
func decodeNewFace(r io.Reader) (NewFace, error) {
	var n NewFace
	if err := decodeStrictUpTo(r, &n, MaxEnrolBytes); err != nil {
		return NewFace{}, err
	}
	if err := n.Validate(); err != nil {
		return NewFace{}, err
	}
	return n, nil
}

// decodeNewTerminal reads a PUT /admin/terminals/{id} body and returns
// its key.
func decodeNewTerminal(r io.Reader) (ed25519.PublicKey, error) {
	var n NewTerminal
	if err := decodeStrict(r, &n); err != nil {
		return nil, err
	}
	return n.Key()
}
