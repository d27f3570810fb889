// Package payhost is the terminal's and the POS's view of the payment
// system: a Client that charges a customer's payment code (or enrolled
// face) for an amount, queries a charge and reverses it.
//
// Two callers use it. In relay mode the POS charges the credential that
// the terminal captured; in direct mode the terminal charges it itself.
// Both speak the same JSON-over-HTTP protocol, implemented by HTTPClient
// and served by the sandbox host in payhost/sandbox.
//
// Error contract: a charge the payment system refused (expired code,
// insufficient funds, …) is a Payment with Status FAIL and a Reason, not a
// Go error. A Go error means the outcome is unknown or the request was
// never accepted: a transport failure, a malformed answer, an invalid
// request (ErrInvalidRequest), an unknown reference (ErrNotFound) or an
// out_trade_no reused for a different charge (ErrConflict). After an
// unknown outcome, Query or Reverse the same OutTradeNo; never charge again
// under a new one.
//
// Binding: every charge carries the Statement the terminal signed when
// the customer confirmed (terminal, key id, order hash, total, currency,
// a digest of the credential, a one-time nonce, the time). The payment
// system checks it against the terminal's registered key and the request
// before any money moves, and refuses a mismatch with its own reason
// (ReasonStatementMissing … ReasonStatementStale), answering only that
// request. An order hash is paid once: a second payment gets the first.
//
// Payment codes are secrets: log them only as a secret.Code, which masks
// itself.
package payhost
