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
		return s, []Effect{Reply{To: e.Req, Kind: ReplyRefused, Reason: ReasonBusy}}
	}
	corrected := s.phase == Flagged
	o := cloneOrder(e.Order)
	h := o.Hash()
	s = s.toIdle()
	if err := check(&o, e.Mode); err != nil {
		s.hash = h
		s = s.enter(Refused)
		return s, []Effect{
			Journal{Record{Kind: RecordRefused, Hash: h, Detail: err.Error()}},
			Reply{To: e.Req, Kind: ReplyRefused, Reason: err.Error()},
			s.show(View{Screen: ScreenRefused, Message: refusal(err)}),
		}
	}
	s.mode = e.Mode
	s.order = o
	s.hash = h
	s.pending = e.Req
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
