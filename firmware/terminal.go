package main

import (
	"context"
	"fmt"
	"time"

	"payterm/firmware/attest"
	"payterm/firmware/checkout"
	"payterm/firmware/order"
	"payterm/firmware/poslink"
	"payterm/internal/secret"
)

// terminal adapts the link's calls to checkout events and the checkout's
// replies back to link results. It decides nothing: the checkout does.
type terminal struct {
	e        *engine
	signer   attest.Signer
	modes    map[checkout.Mode]bool // which modes this merchant allows
	payments *payments
	docs     *documents // the POS's PDFs; nil: documents are refused
	// stop ends every wait for the checkout: the terminal is shutting down.
	stop context.Context
}

var (
	_ poslink.Terminal       = (*terminal)(nil)
	_ poslink.DocumentShower = (*terminal)(nil)
)

func requestID(c poslink.Call) checkout.RequestID {
	return checkout.RequestID(c.SaleID + "/" + c.ServiceID)
}

// owner names the POS and link key behind a call: only they may abort the
// session it starts or report its outcome.
func owner(c poslink.Call) string { return c.SaleID + "|" + c.Key }

func (t *terminal) Payment(ctx context.Context, c poslink.Call, o order.Order) poslink.Result {
	return t.session(ctx, c, o, checkout.Direct)
}

func (t *terminal) Acquire(ctx context.Context, c poslink.Call, o order.Order) poslink.Result {
	return t.session(ctx, c, o, checkout.Relay)
}

// session runs one customer session for a POS request and waits for its
// reply, which the checkout always gives exactly once. If the POS goes
// away first, the checkout is told — an AbortRequest as an Abort, a
// hang-up as a Hangup — and decides: a session with nothing in flight
// ends at once, a charge in flight is reversed (Abort) or finished
// (Hangup), and its final answer is what TransactionStatus repeats.
func (t *terminal) session(ctx context.Context, c poslink.Call, o order.Order, mode checkout.Mode) poslink.Result {
	if !t.modes[mode] {
		return poslink.Result{Condition: poslink.CondNotAllowed, Reason: fmt.Sprintf("%s mode is not enabled on this terminal", mode)}
	}
	id := requestID(c)
	replies := t.e.expect(id)
	ev := checkout.OrderReceived{Req: id, Order: o, Mode: mode, Owner: owner(c), History: t.payments.history(o.Hash())}
	if !t.e.post(ctx, ev) {
		t.e.forget(id)
		return poslink.Result{Condition: poslink.CondAborted, Reason: "request cancelled"}
	}
	select {
	case r := <-replies:
		return t.result(c, o, r)
	case <-ctx.Done():
	}
	// The reason is left empty so the link reports the POS's own
	// AbortReason when an Abort ended the call.
	t.e.post(t.stop, checkout.Abort{Req: id, Owner: owner(c), Hangup: !poslink.AbortRequested(ctx), Reason: "POS request ended"})
	select {
	case r := <-replies:
		return t.result(c, o, r)
	case <-t.stop.Done():
		t.e.forget(id)
		return poslink.Result{Condition: poslink.CondAborted, Reason: "terminal shutting down"}
	}
}

// result maps a checkout reply to the link's result. A relay credential is
// Approved only in the sense "captured": the link reports it in a
// CardAcquisition response, never as a paid PaymentResponse.
func (t *terminal) result(c poslink.Call, o order.Order, r checkout.Reply) poslink.Result {
	switch r.Kind {
	case checkout.ReplyCredential:
		method := r.Credential.Method.String()
		st, sig, err := t.signer.Statement(r.Hash, o.Total, o.Currency.Code, attest.AuthCode(method, r.Credential.Code))
		if err != nil {
			// The credential is useless without it: withhold it.
			return poslink.Result{Condition: poslink.CondUnavailableService, Reason: "terminal cannot sign the confirmation"}
		}
		return poslink.Result{Approved: true, Hash: r.Hash, Method: method, Code: secret.Code(r.Credential.Code),
			Statement: st.Encode(), Signature: sig}
	case checkout.ReplyResult:
		res := poslink.Result{Approved: r.Approved, Hash: r.Hash, Reason: r.Reason, Reference: r.Reference, Ref: r.Ref}
		if !r.Approved {
			res.Condition = condition(r.Cond)
		}
		return res
	case checkout.ReplyFlagged:
		return poslink.Result{Condition: poslink.CondCancel, Reason: "customer reported wrong items", Flagged: r.Lines}
	case checkout.ReplyRefused:
		return poslink.Result{Condition: condition(r.Cond), Reason: r.Reason}
	}
	return poslink.Result{Condition: poslink.CondUnavailableService, Reason: "unexpected reply"}
}

// condition is the nexo ErrorCondition for a checkout's typed reason.
func condition(c checkout.Cond) string {
	switch c {
	case checkout.CondAborted, checkout.CondNotCharged:
		return poslink.CondAborted
	case checkout.CondCancelled, checkout.CondTimeout:
		return poslink.CondCancel
	case checkout.CondBusy:
		return poslink.CondBusy
	case checkout.CondInvalid:
		return poslink.CondMessageFormat
	case checkout.CondNoMethod, checkout.CondNotOwner:
		return poslink.CondNotAllowed
	case checkout.CondStorage:
		return poslink.CondUnavailableService
	}
	return poslink.CondRefusal
}

// Outcome (relay): the POS reports the charge of the credential it
// acquired for session o.Session; it counts only for that session,
// awaiting it, and from its owner.
func (t *terminal) Outcome(ctx context.Context, c poslink.Call, o poslink.RelayOutcome) error {
	id := requestID(c)
	ev := checkout.Outcome{Req: checkout.RequestID(c.SaleID + "/" + o.Session), Owner: owner(c), From: id,
		Approved: o.Approved, Reason: o.Reason}
	return t.shown(ctx, id, ev)
}

func (t *terminal) Abort(ctx context.Context, c poslink.Call, ref poslink.MessageReference, reason string) {
	if reason == "" {
		reason = "aborted by POS"
	}
	a := checkout.Abort{Owner: owner(c), Reason: reason}
	if ref.ServiceID != "" {
		a.Req = checkout.RequestID(c.SaleID + "/" + ref.ServiceID)
	}
	t.e.post(ctx, a)
}

func (t *terminal) Confirm(ctx context.Context, c poslink.Call, text string) (bool, error) {
	// The checkout shows the question only while no payment is on and
	// answers it exactly once: the customer's Yes or No, no on its own
	// timeout or an Abort, or a refusal (busy, or text it cannot show).
	id := requestID(c)
	replies := t.e.expect(id)
	if !t.e.post(ctx, checkout.Ask{Req: id, Text: text}) {
		t.e.forget(id)
		return false, ctx.Err()
	}
	var r checkout.Reply
	select {
	case r = <-replies:
	case <-ctx.Done():
		// The POS hung up or its MaxInputTime passed: the checkout takes
		// the question off the screen if it is still this one.
		t.e.post(t.stop, checkout.Abort{Req: id, Owner: owner(c), Reason: "POS request ended"})
		select {
		case r = <-replies:
		case <-time.After(time.Second):
			t.e.forget(id)
			return false, ctx.Err()
		}
		if r.Kind == checkout.ReplyAnswer && r.Cond != checkout.CondNone {
			return false, ctx.Err()
		}
	}
	switch r.Kind {
	case checkout.ReplyAnswer:
		return r.Approved, nil
	case checkout.ReplyRefused:
		return false, &poslink.ConditionError{Condition: condition(r.Cond), Reason: r.Reason}
	}
	return false, &poslink.ConditionError{Condition: poslink.CondUnavailableService, Reason: "unexpected reply"}
}

// Display shows the POS's text while the terminal is idle (the checkout
// decides).
func (t *terminal) Display(ctx context.Context, c poslink.Call, text string) error {
	id := requestID(c)
	return t.shown(ctx, id, checkout.Notice{Req: id, Text: text})
}

// shown posts ev, which the checkout answers for request id with
// ReplyAnswer (shown) or ReplyRefused, and turns the answer into the
// link's.
func (t *terminal) shown(ctx context.Context, id checkout.RequestID, ev checkout.Event) error {
	replies := t.e.expect(id)
	if !t.e.post(ctx, ev) {
		t.e.forget(id)
		return ctx.Err()
	}
	select {
	case r := <-replies:
		if r.Kind == checkout.ReplyAnswer && r.Approved {
			return nil
		}
		return &poslink.ConditionError{Condition: condition(r.Cond), Reason: r.Reason}
	case <-ctx.Done():
		t.e.forget(id)
		return ctx.Err()
	}
}
