package poslink

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"payterm/firmware/order"
)

// ErrRelayCharged is returned by Client.RelayPayment when the terminal
// answered a relay request with a paid PaymentResponse: it ignored the
// relay mark and charged itself. The money moved; the POS must not charge
// the order again.
var ErrRelayCharged = errors.New("poslink: terminal charged a payment requested for relay")

// relayPaymentResponse is a PaymentResponse whose relay capture counts as
// success for exchange's check: a capture, like a Success, is accepted
// only encrypted when the client encrypts.
type relayPaymentResponse PaymentResponse

func (r *relayPaymentResponse) succeeded() bool {
	_, captured := relayFromAdditional(ParseAdditional(r.Response.AdditionalResponse))
	return r.Response.Result == ResultSuccess || captured
}

// RelayPayment asks the terminal for the customer's credential for o
// through a PaymentRequest marked for relay (SaleToAcquirerData
// RelayMarker), the relay request Adyen's libraries carry unchanged.
// Approved means captured, not paid (the response itself is a Failure
// with ErrorCondition Refusal): Result has Method, Code, Hash, Statement
// and Signature from AdditionalResponse; charge Code, then report with
// Outcome. An Approved Result always carries o's hash and a credential;
// anything else is an error (ErrHashMismatch), and a paid answer is
// ErrRelayCharged with the terminal's Reference.
func (c *Client) RelayPayment(ctx context.Context, saleID, serviceID string, o order.Order) (Result, error) {
	items, discounts, err := requestItems(&o)
	if err != nil {
		return Result{}, err
	}
	sale := c.saleData(o.ID)
	sale.SaleToAcquirerData, _ = json.Marshal(RelayMarker) // a string: cannot fail
	req := PaymentRequest{
		SaleData: sale,
		PaymentTransaction: PaymentTransaction{
			AmountsReq:    AmountsReq{Currency: o.Currency.Code, RequestedAmount: amountNumber(o.Total, o.Currency)},
			SaleItem:      items,
			OrderDiscount: discounts,
		},
	}
	var resp relayPaymentResponse
	if err := c.exchange(ctx, saleID, serviceID, CategoryPayment, req, &resp); err != nil {
		return Result{}, err
	}
	base := resultFrom(resp.Response)
	if base.Approved {
		if pr := resp.PaymentResult; pr != nil && pr.PaymentAcquirerData != nil && pr.PaymentAcquirerData.AcquirerTransactionID != nil {
			base.Reference = pr.PaymentAcquirerData.AcquirerTransactionID.TransactionID
		}
		return base, ErrRelayCharged
	}
	res, captured := relayFromAdditional(ParseAdditional(resp.Response.AdditionalResponse))
	if !captured {
		return base, nil
	}
	res.Approved, res.Hash = true, base.Hash
	switch {
	case res.Code == "":
		return res, fmt.Errorf("poslink: relay Payment %s/%s: captured without a credential: %w", saleID, serviceID, ErrMessageFormat)
	case res.Hash != o.Hash():
		return res, ErrHashMismatch
	}
	return res, nil
}
