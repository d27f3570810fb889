package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"strings"
	"time"

	"payterm/firmware/attest"
	"payterm/firmware/checkout"
	"payterm/firmware/order"
	"payterm/firmware/poslink"
)

// terminal adapts the link's calls to checkout events and the checkout's
// replies back to link results.
type terminal struct {
	e     *engine
	poiID string
	key   ed25519.PrivateKey
	modes map[checkout.Mode]bool // which modes this merchant allows
}

var _ poslink.Terminal = (*terminal)(nil)

func requestID(c poslink.Call) checkout.RequestID {
	return checkout.RequestID(c.SaleID + "/" + c.ServiceID)
}

func (t *terminal) Payment(ctx context.Context, c poslink.Call, o order.Order) poslink.Result {
	return t.session(ctx, c, o, checkout.Direct)
}

func (t *terminal) Acquire(ctx context.Context, c poslink.Call, o order.Order) poslink.Result {
	return t.session(ctx, c, o, checkout.Relay)
}

// session runs one customer session for a POS request and waits for its
// reply. If the POS goes away first, the session is aborted so the
// customer is not left paying for an order nobody waits for.
func (t *terminal) session(ctx context.Context, c poslink.Call, o order.Order, mode checkout.Mode) poslink.Result {
	if !t.modes[mode] {
		return poslink.Result{Condition: "NotAllowed", Reason: fmt.Sprintf("%s mode is not enabled on this terminal", mode)}
	}
	id := requestID(c)
	replies := t.e.expect(id)
	if !t.e.post(ctx, checkout.OrderReceived{Req: id, Order: o, Mode: mode}) {
		t.e.forget(id)
		return poslink.Result{Condition: "Aborted", Reason: "request cancelled"}
	}
	select {
	case r := <-replies:
		return t.result(c, r)
	case <-ctx.Done():
	}
	// The POS hung up or aborted: end the session if it is still ours. A
	// reply may race in; prefer it.
	// The reason is left empty so the link reports the POS's own
	// AbortReason when an Abort ended the call.
	if t.e.forget(id) {
		t.abortIfPending(id)
		return poslink.Result{Condition: "Aborted"}
	}
	select {
	case r := <-replies:
		return t.result(c, r)
	case <-time.After(time.Second):
		return poslink.Result{Condition: "Aborted"}
	}
}

// result maps a checkout reply to the link's result. A relay credential is
// Approved only in the sense "captured": the link reports it in a
// CardAcquisition response, never as a paid PaymentResponse.
func (t *terminal) result(c poslink.Call, r checkout.Reply) poslink.Result {
	switch r.Kind {
	case checkout.ReplyCredential:
		method := r.Credential.Method.String()
		return poslink.Result{
			Approved: true,
			Hash:     r.Hash,
			Method:   method,
			Code:     r.Credential.Code,
			Signature: attest.Sign(t.key, attest.Claim{
				POIID: t.poiID, TransactionID: c.TransactionID, Hash: r.Hash, Method: method, Code: r.Credential.Code,
			}),
		}
	case checkout.ReplyResult:
		res := poslink.Result{Approved: r.Approved, Hash: r.Hash, Reason: r.Reason, Reference: r.Reference}
		if !r.Approved {
			res.Condition = failureCondition(r.Reason)
		}
		return res
	case checkout.ReplyFlagged:
		return poslink.Result{Condition: "Cancel", Reason: "customer reported wrong items", Flagged: r.Lines}
	case checkout.ReplyRefused:
		cond := "MessageFormat"
		if strings.HasPrefix(r.Reason, "busy") {
			cond = "Busy"
		}
		return poslink.Result{Condition: cond, Reason: r.Reason}
	}
	return poslink.Result{Condition: "UnavailableService", Reason: "unexpected reply"}
}

// failureCondition picks the nexo ErrorCondition for a failed session.
func failureCondition(reason string) string {
	switch {
	case strings.Contains(reason, "abort"):
		return "Aborted"
	case strings.Contains(reason, "cancel"), strings.Contains(reason, "timed out"), strings.Contains(reason, "timeout"):
		return "Cancel"
	case strings.Contains(reason, "unreachable"):
		return "UnreachableHost"
	}
	return "Refusal"
}

// Outcome: the owner check (o.Session, c.SaleID, c.Key) is the
// integrator's checkout session work; this only adapts the signature.
func (t *terminal) Outcome(ctx context.Context, c poslink.Call, o poslink.RelayOutcome) error {
	approved, reason := o.Approved, o.Reason
	var err error
	derr := t.e.do(ctx, func() {
		if t.e.state.Phase() != checkout.Captured {
			err = fmt.Errorf("no payment awaits an outcome (terminal is %s)", t.e.state.Phase())
			return
		}
		t.e.step(checkout.Outcome{Approved: approved, Reason: reason})
	})
	return errors.Join(derr, err)
}

func (t *terminal) Abort(ctx context.Context, c poslink.Call, ref poslink.MessageReference, reason string) {
	if reason == "" {
		reason = "aborted by POS"
	}
	t.e.post(ctx, checkout.Abort{Reason: reason})
}

// errNotIdle refuses a Display while the customer's screen is in use.
var errNotIdle = errors.New("terminal is busy with a customer")

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
		// The POS hung up or its MaxInputTime passed: take the question
		// off the screen if it is still ours (checked again in the loop,
		// so a payment that started meanwhile is left alone). A reply
		// may race in; prefer it.
		if t.e.forget(id) {
			t.abortIfPending(id)
			return false, ctx.Err()
		}
		select {
		case r = <-replies:
		case <-time.After(time.Second):
			return false, ctx.Err()
		}
	}
	switch r.Kind {
	case checkout.ReplyAnswer:
		return r.Approved, nil
	case checkout.ReplyRefused:
		cond := "MessageFormat"
		if r.Reason == checkout.ReasonBusy {
			cond = "Busy"
		}
		return false, &poslink.ConditionError{Condition: cond, Reason: r.Reason}
	}
	return false, &poslink.ConditionError{Condition: "UnavailableService", Reason: "unexpected reply"}
}

// abortIfPending ends the session or question that request id started,
// if it is still the one on screen and unanswered: a request that was
// refused as busy, or already answered, must not end someone else's
// session. Bounded: an engine that stopped (shutdown) runs nothing.
func (t *terminal) abortIfPending(id checkout.RequestID) {
	stop, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	t.e.do(stop, func() {
		if t.e.state.Pending() == id {
			t.e.step(checkout.Abort{Reason: "POS request ended"})
		}
	})
}

func (t *terminal) Display(ctx context.Context, c poslink.Call, text string) error {
	var err error
	derr := t.e.do(ctx, func() {
		if t.e.state.Phase() != checkout.Idle {
			err = errNotIdle
			return
		}
		t.e.perform(checkout.Show{View: checkout.View{Screen: checkout.ScreenIdle, Message: text}})
	})
	return errors.Join(derr, err)
}
