package poslink

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

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
	if e.Key != "" {
		// Sealed under the key that asked, as the reply would have been.
		k, err := s.sealKeyNamed(e.Key)
		if err != nil {
			return fmt.Errorf("poslink: settle %s/%s: %w", saleID, serviceID, err)
		}
		r.key = &k
	}
	if cur, err := order.LookupCurrency(currency); err == nil {
		r.order = order.Order{Currency: cur, Total: amount}
	}
	reply := s.encodeReply(r, "PaymentResponse", s.paymentResponse(r, res, nil, false, SaleData{}))
	if reply == nil {
		return fmt.Errorf("poslink: settle %s/%s: the answer could not be sealed", saleID, serviceID)
	}
	if err := s.store.Finish(saleID, serviceID, reply); err != nil {
		return fmt.Errorf("poslink: settle: %w", err)
	}
	s.log.Info("interrupted payment settled", "sale", saleID, "service", serviceID, "approved", res.Approved, "attempt", res.Ref)
	return nil
}

// sealKeyNamed is the link key a store entry names ("<id>/<version>").
func (s *Server) sealKeyNamed(name string) (sealKey, error) {
	i := strings.LastIndexByte(name, '/')
	if i < 0 {
		return sealKey{}, fmt.Errorf("key name %q: %w", name, ErrUnknownKey)
	}
	id := name[:i]
	version, err := strconv.Atoi(name[i+1:])
	if err != nil {
		return sealKey{}, fmt.Errorf("key name %q: %w", name, ErrUnknownKey)
	}
	dk, ok := s.cfg.Keys.lookup(id, version)
	if !ok {
		return sealKey{}, fmt.Errorf("key %q: %w", name, ErrUnknownKey)
	}
	return sealKey{ref: keyRef{id, version}, cryptoVersion: CryptoVersion, dk: dk}, nil
}

// InterruptedPayments are the Payments a restart cut short that are not
// settled yet: the terminal settles each (Settle) once it knows what
// became of it, and until then TransactionStatus answers InProgress.
func (s *Server) InterruptedPayments() ([]Entry, error) {
	if s.store == nil {
		return nil, nil
	}
	return s.store.interrupted(CategoryPayment)
}
