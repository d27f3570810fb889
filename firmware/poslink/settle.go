package poslink

import (
	"errors"
	"fmt"

	"payterm/firmware/order"
)

// ErrNotSettleable: Settle was asked for an entry that is not a Payment
// cut short by a restart.
var ErrNotSettleable = errors.New("poslink: no interrupted payment with that ServiceID")

// Settle records the final answer to a Payment that a restart cut short
// (StateInterrupted), once the terminal has resolved it with the payment
// system: TransactionStatus and repeats then answer with res instead of
// "outcome unknown". currency and amount are the order's, for the
// authorised amount of a paid answer. An entry already answered is left
// as it is.
func (s *Server) Settle(saleID, serviceID string, res Result, currency string, amount int64) error {
	if s.store == nil {
		return fmt.Errorf("poslink: settle %s/%s: no ServiceID store", saleID, serviceID)
	}
	e, found, err := s.store.Get(saleID, serviceID)
	switch {
	case err != nil:
		return fmt.Errorf("poslink: settle %s/%s: %w", saleID, serviceID, err)
	case found && e.State == StateDone:
		return nil
	case !found || e.Category != CategoryPayment || e.State != StateInterrupted:
		return fmt.Errorf("%w: %s/%s", ErrNotSettleable, saleID, serviceID)
	}
	r := &request{hdr: MessageHeader{
		ProtocolVersion: ProtocolVersion, MessageClass: ClassService, MessageCategory: CategoryPayment,
		MessageType: TypeRequest, SaleID: saleID, ServiceID: serviceID, POIID: s.cfg.POIID,
	}}
	if cur, err := order.LookupCurrency(currency); err == nil {
		r.order = order.Order{Currency: cur, Total: amount}
	}
	reply := s.encodeReply(r, "PaymentResponse", s.paymentResponse(r, res, nil, false, SaleData{}))
	if err := s.store.Finish(saleID, serviceID, reply); err != nil {
		return fmt.Errorf("poslink: settle: %w", err)
	}
	s.log.Info("interrupted payment settled", "sale", saleID, "service", serviceID, "approved", res.Approved, "attempt", res.Ref)
	return nil
}
