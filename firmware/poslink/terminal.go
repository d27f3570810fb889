// Package poslink is the terminal's side of the link to the POS: nexo
// Sale-to-POI messages as in Adyen's local Terminal API, NexoCrypto, the
// HTTPS server on /nexo, the framed byte-stream transport for serial
// links, and the ServiceID store that answers repeats from what was sent.
//
// It decodes messages into the calls below and encodes their results; the
// firmware implements Terminal and owns everything else.
package poslink

import (
	"context"

	"payterm/firmware/order"
	"payterm/internal/secret"
)

// Terminal is what the link asks of the terminal. Calls block until the
// customer's session gives an answer or ctx ends (the POS hung up, or an
// Abort for the same sale arrived on another connection).
type Terminal interface {
	// Payment (direct mode): show o, let the customer confirm and pay, and
	// charge through the payment system. Approved only when charged.
	Payment(ctx context.Context, c Call, o order.Order) Result
	// Acquire (relay mode, nexo CardAcquisition): show o, let the customer
	// confirm and present a credential, and return it bound to the hash of
	// the order confirmed. Nothing is charged.
	Acquire(ctx context.Context, c Call, o order.Order) Result
	// Outcome (relay mode): the POS charged the acquired credential; show
	// the customer the result. o.Session names the CardAcquisition it
	// belongs to (its ServiceID); the Terminal shows it only when that is
	// the session in progress and c.SaleID and c.Key are its owner's, and
	// refuses otherwise (a ConditionError NotAllowed).
	Outcome(ctx context.Context, c Call, o RelayOutcome) error
	// Abort ends the session in progress if c.SaleID and c.Key are its
	// owner's and ref (ServiceID, MessageCategory; empty: any) names it.
	Abort(ctx context.Context, c Call, ref MessageReference, reason string)
	// Confirm shows text and asks the customer yes or no (nexo Input,
	// GetConfirmation).
	Confirm(ctx context.Context, c Call, text string) (bool, error)
	// Display shows text to the customer (nexo Display).
	Display(ctx context.Context, c Call, text string) error
}

// Call identifies the POS request behind a Terminal call.
type Call struct {
	SaleID    string // the POS (nexo SaleID)
	ServiceID string // this request (nexo ServiceID)
	POIID     string // this terminal
	// Key is the link key that authenticated the request,
	// "<KeyIdentifier>/<KeyVersion>"; "" for a plain request. SaleID is
	// only what the POS claims; SaleID and Key together name the owner of
	// a session.
	Key           string
	TransactionID string // the POS's SaleTransactionID, if any
}

// RelayOutcome is how the POS's charge of an acquired credential ended
// (relay mode, an outcome DisplayRequest).
type RelayOutcome struct {
	// Session is the ServiceID of the CardAcquisition whose credential
	// was charged, carried as an OutputText line "session:<ServiceID>".
	Session  string
	Approved bool
	Reason   string // the customer's text, without the session line
}

// Result is the answer to Payment and Acquire.
type Result struct {
	Approved bool // Payment: charged. Acquire: a credential was captured.
	// Condition is the nexo ErrorCondition when not Approved: "Aborted",
	// "Cancel", "Refusal", "Busy", "MessageFormat", "NotAllowed",
	// "UnreachableHost", "InProgress", "NotFound", "WrongPIN"...
	Condition string
	Reason    string // readable, for AdditionalResponse
	Reference string // payment system reference (Payment)
	// Ref is the terminal's own reference of the charge attempt (its
	// out_trade_no at the payment system), for reconciliation; direct
	// mode, whenever a charge was attempted.
	Ref     string
	Hash    order.Hash // hash of the order the customer confirmed
	Flagged []string   // line IDs the customer reported as wrong
	// Acquire only: the credential.
	Method string      // "code" or "face"
	Code   secret.Code // payment code or face token; prints masked
	// Statement is the terminal's statement of what the customer
	// confirmed (payhost.Statement, encoded), which the payment system
	// requires with the credential; Signature is the terminal's over it.
	Statement string
	Signature string // base64
}
