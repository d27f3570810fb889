package checkout

import (
	"errors"
	"fmt"

	"payterm/firmware/order"
)

// errUnknownMode refuses an OrderReceived whose Mode is neither Relay nor
// Direct rather than guessing who charges.
var errUnknownMode = errors.New("checkout: unknown payment mode")

// onOrder starts a session, takes the cashier's correction in Flagged, or
// answers "busy" to a new request while a session is active or a question
// is on screen (leaving either untouched: the POS asked the question and
// it is short). An event without a RequestID, or repeating the one
// in hand, has nobody new to answer and is ignored.
func onOrder(s State, e OrderReceived) (State, []Effect) {
	if e.Req == "" || e.Req == s.pending {
		return s, nil
	}
	if active(s.phase) && s.phase != Flagged || s.phase == Asking {
		return s, []Effect{Reply{To: e.Req, Kind: ReplyRefused, Cond: CondBusy, Reason: ReasonBusy}}
	}
	if len(s.recovering) > 0 {
		return s, []Effect{Reply{To: e.Req, Kind: ReplyRefused, Cond: CondBusy, Reason: ReasonResolving}}
	}
	corrected := s.phase == Flagged
	o := cloneOrder(e.Order)
	h := o.Hash()
	s = s.toIdle()
	if cond, why, msg := s.refuse(&o, e.Mode); cond != CondNone {
		s.hash = h
		s = s.enter(Refused)
		out := []Effect{Reply{To: e.Req, Kind: ReplyRefused, Cond: cond, Reason: why}}
		if cond != CondStorage {
			out = append([]Effect{Journal{Record{Kind: RecordRefused, Hash: h, Detail: why}}}, out...)
		}
		return s, append(out, s.show(View{Screen: ScreenRefused, Message: msg}))
	}
	if e.Mode == Direct && e.History.Paid {
		return alreadyPaid(s, e, o, h)
	}
	s.mode = e.Mode
	s.order = o
	s.hash = h
	s.pending = e.Req
	s.owner = e.Owner
	s.history = e.History
	s.corrected = corrected
	s = s.enter(OrderShown)
	detail := e.Mode.String()
	if corrected {
		detail += ", corrected"
	}
	return s, []Effect{
		Journal{Record{Kind: RecordReceived, Hash: h, Detail: detail}},
		s.show(s.sessionView(ScreenOrder, "")),
	}
}

// refuse says why an order cannot be taken at all — the terminal cannot
// record payments, no fitted reader can take one, or the order itself is
// invalid — as the condition, the POS's reason and the customer's
// message; CondNone takes it.
func (s State) refuse(o *order.Order, m Mode) (Cond, string, string) {
	if err := check(o, m); err != nil {
		return CondInvalid, err.Error(), refusal(err)
	}
	switch {
	case s.storage != "":
		return CondStorage, "terminal cannot record payments: " + s.storage, "This terminal cannot take payments now."
	case len(s.methods()) == 0:
		return CondNoMethod, ReasonNoMethod, "No payment method is available on this terminal."
	}
	return CondNone, "", ""
}

// alreadyPaid answers a direct payment for an order this terminal has
// charged before with that first payment: an order is paid once.
func alreadyPaid(s State, e OrderReceived, o order.Order, h order.Hash) (State, []Effect) {
	s.mode, s.order, s.hash, s.confirmed = Direct, o, h, h
	s = s.enter(Done)
	return s, []Effect{
		Journal{Record{Kind: RecordReceived, Hash: h, Ref: e.History.Ref, Reference: e.History.Reference, Status: ChargePaid,
			Detail: "direct, already paid: answered with the first payment"}},
		Reply{To: e.Req, Kind: ReplyResult, Hash: h, Approved: true, Ref: e.History.Ref, Reference: e.History.Reference},
		s.show(s.sessionView(ScreenPaid, "")),
	}
}

func check(o *order.Order, m Mode) error {
	if m != Relay && m != Direct {
		return fmt.Errorf("%w %d", errUnknownMode, int(m))
	}
	return o.Validate()
}

// refusal is the customer's short reading of why an order was refused; the
// POS gets the detailed error.
func refusal(err error) string {
	switch {
	case errors.Is(err, errUnknownMode):
		return "The till asked for an unknown kind of payment."
	case errors.Is(err, order.ErrUnknownCurrency):
		return "The order's currency is not accepted here."
	case errors.Is(err, order.ErrEmpty):
		return "The order has no items."
	case errors.Is(err, order.ErrTooManyLines):
		return "The order has too many items."
	case errors.Is(err, order.ErrTooManyDiscnts):
		return "The order has too many discounts."
	case errors.Is(err, order.ErrTotalMismatch):
		return "The items do not add up to the total."
	case errors.Is(err, order.ErrLineAmount):
		return "An item's amount does not match its quantity and price."
	case errors.Is(err, order.ErrDuplicateLine):
		return "An item appears twice."
	case errors.Is(err, order.ErrNegative):
		return "An amount is out of range."
	case errors.Is(err, order.ErrField):
		return "An item has a field that cannot be shown."
	}
	return "The order could not be read."
}
