package payhost

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// MaxBodyBytes caps every request and answer body of the protocol
// (64 KiB): far above any real message, small enough to refuse floods.
const MaxBodyBytes = 64 << 10

// DecodePayment reads one Payment answer and checks that it is coherent:
// a known Status, a valid OutTradeNo, a non-negative Amount, and a Reason
// exactly when the Status is FAIL. Reading stops after MaxBodyBytes.
func DecodePayment(r io.Reader) (Payment, error) {
	var p Payment
	if err := decodeOne(r, &p); err != nil {
		return Payment{}, fmt.Errorf("payhost: payment: %w", err)
	}
	switch {
	case !p.Status.Valid():
		return Payment{}, fmt.Errorf("payhost: payment: unknown status %q", p.Status)
	case !ValidOutTradeNo(p.OutTradeNo):
		return Payment{}, errors.New("payhost: payment: invalid out_trade_no")
	case p.Amount < 0:
		return Payment{}, fmt.Errorf("payhost: payment: negative amount %d", p.Amount)
	case p.Status == StatusFail && p.Reason == "":
		return Payment{}, errors.New("payhost: payment: FAIL without a reason")
	case p.Status == StatusSuccess && p.Reason != "":
		return Payment{}, fmt.Errorf("payhost: payment: SUCCESS with reason %q", p.Reason)
	}
	return p, nil
}

// decodeOne decodes exactly one JSON value from at most MaxBodyBytes of r;
// unknown fields are allowed so the host may add some.
func decodeOne(r io.Reader, v any) error {
	lr := &io.LimitedReader{R: r, N: MaxBodyBytes + 1}
	dec := json.NewDecoder(lr)
	if err := dec.Decode(v); err != nil {
		if lr.N <= 0 {
			return fmt.Errorf("body larger than %d bytes", MaxBodyBytes)
		}
		return err
	}
	if dec.More() {
		return errors.New("trailing data after the JSON value")
	}
	if lr.N <= 0 {
		return fmt.Errorf("body larger than %d bytes", MaxBodyBytes)
	}
	return nil
}
