package payhost

import "context"

// Client charges, queries and reverses payments. Implementations: the
// HTTPClient here, and the sandbox Host in-process.
//
// A refusal is a Payment with Status FAIL; a Go error means the request was
// not accepted or its outcome is unknown (see the package doc).
type Client interface {
	// Pay charges req.AuthCode for req.Amount. Repeating the same request
	// returns the stored result without charging twice. An order is paid
	// once: when req.OrderHash already has a SUCCESS payment (not
	// reversed) under another OutTradeNo, the answer is that payment,
	// under its own OutTradeNo and TradeNo, and nothing is charged (see
	// PaidEarlier). The request must carry a Statement signed by a
	// registered terminal that matches it, or it is refused (a FAIL with
	// one of the ReasonStatement… reasons, not stored).
	Pay(ctx context.Context, req PayRequest) (Payment, error)
	// Query returns the payment stored for outTradeNo, or ErrNotFound.
	Query(ctx context.Context, outTradeNo string) (Payment, error)
	// Reverse gives a charged payment's money back. It is idempotent, a
	// no-op for a FAIL, and closes an unknown outTradeNo (ReasonNotPaid).
	Reverse(ctx context.Context, outTradeNo string) (Payment, error)
}
