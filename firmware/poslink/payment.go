package poslink

import (
	"context"
	"strings"
)

// payment runs a direct-mode PaymentRequest. Result Success only when the
// Terminal charged (Result.Approved from Terminal.Payment). One marked for
// relay runs as relayPayment.
func (s *Server) payment(ctx context.Context, pc *pendingCall, r *request, p *PaymentRequest) (string, any) {
	if r.relay {
		return s.relayPayment(ctx, pc, r, p)
	}
	res := refuseInvalid(r, s.term.Payment(ctx, s.call(r, &p.SaleData), r.order))
	out := s.paymentResponse(r, res, pc, ctx.Err() != nil, p.SaleData)
	s.log.Info("payment", "sale", r.hdr.SaleID, "service", r.hdr.ServiceID,
		"result", out.Response.Result, "condition", out.Response.ErrorCondition, "reference", res.Reference, "attempt", res.Ref)
	return "PaymentResponse", out
}

// paymentResponse is the PaymentResponse to r for the Terminal's res:
// with the authorised amount and the payment system's reference when
// charged.
func (s *Server) paymentResponse(r *request, res Result, pc *pendingCall, ended bool, sale SaleData) PaymentResponse {
	now := s.now()
	out := PaymentResponse{
		Response: s.resultResponse(res, pc, ended, CondRefusal),
		SaleData: echoSale(sale),
		POIData:  poiData(now, r.hdr.ServiceID),
	}
	if res.Approved {
		out.PaymentResult = &PaymentResult{
			AmountsResp: &AmountsResp{
				Currency:         r.order.Currency.Code,
				AuthorizedAmount: amountNumber(r.order.Total, r.order.Currency),
			},
			PaymentAcquirerData: &PaymentAcquirerData{
				AcquirerPOIID:         s.call(r, nil).POIID,
				AcquirerTransactionID: &TransactionIdentification{TransactionID: res.Reference, TimeStamp: nexoTime(now)},
			},
		}
	}
	return out
}

// acquire runs a relay-mode CardAcquisitionRequest: Success means a
// credential was captured for exactly this request's order; nothing was
// charged. A credential that is not bound to this order's hash, or of an
// unknown method, is withheld, and a plain request gets none: the POS
// gets a Failure and no credential (see relayCapture). The credential
// comes in both PaymentInstrumentData and AdditionalResponse (as for a
// relay PaymentRequest), which Adyen's libraries keep.
func (s *Server) acquire(ctx context.Context, pc *pendingCall, r *request, c *CardAcquisitionRequest) (string, any) {
	res, inst := s.relayCapture(ctx, r, &c.SaleData)
	out := CardAcquisitionResponse{
		SaleData: echoSale(c.SaleData),
		POIData:  poiData(s.now(), r.hdr.ServiceID),
	}
	if inst != nil {
		out.PaymentInstrumentData = inst
		out.OrderHash = res.Hash.String()
		out.Signature = res.Signature
	}
	out.Response = s.resultResponse(res, pc, ctx.Err() != nil, CondCancel)
	if inst != nil {
		out.Response.AdditionalResponse = relayAdditional(res, inst)
	}
	s.log.Info("card acquisition", "sale", r.hdr.SaleID, "service", r.hdr.ServiceID,
		"result", out.Response.Result, "condition", out.Response.ErrorCondition,
		"method", res.Method, "code", res.Code)
	return "CardAcquisitionResponse", out
}

// refuseInvalid makes sure an order whose amounts do not add up is
// answered with a MessageFormat Failure naming why, whatever the Terminal
// said: the Terminal's own refusal puts it on the customer's screen.
func refuseInvalid(r *request, res Result) Result {
	if r.invalid == nil {
		return res
	}
	return Result{Condition: CondMessageFormat, Reason: r.invalid.Error(), Flagged: res.Flagged}
}

// instrument is the credential of an approved acquisition, or why it
// must not leave the terminal.
func instrument(res Result, r *request) (*PaymentInstrumentData, string) {
	switch {
	case res.Hash.IsZero():
		return nil, "no confirmed order hash"
	case res.Hash != r.order.Hash():
		return nil, "the customer confirmed a different order"
	case res.Code == "":
		return nil, "empty credential"
	}
	switch res.Method {
	case "code":
		return &PaymentInstrumentData{PaymentInstrumentType: InstrumentPaymentCode, PaymentCode: res.Code.Reveal()}, ""
	case "face":
		return &PaymentInstrumentData{PaymentInstrumentType: InstrumentFace, FaceToken: res.Code.Reveal()}, ""
	}
	return nil, "unknown method " + res.Method
}

// resultResponse turns a Terminal Result into a nexo Response. A refusal
// without a condition gets def, or Aborted when the call was ended — by an
// AbortRequest, or because the POS hung up (ended).
func (s *Server) resultResponse(res Result, pc *pendingCall, ended bool, def string) Response {
	hash := orderHashOf(res)
	if res.Approved {
		return Response{Result: ResultSuccess, AdditionalResponse: formatAdditional(AddOrderHash, hash, AddAttempt, res.Ref)}
	}
	aborted, abortReason := s.pending.wasAborted(pc)
	cond, reason := res.Condition, res.Reason
	if cond == "" {
		cond = def
		if aborted || ended {
			cond = CondAborted
		}
	}
	switch {
	case reason != "":
	case aborted:
		reason = abortReason
	case ended:
		reason = "the POS request ended"
	}
	return Response{
		Result:         ResultFailure,
		ErrorCondition: cond,
		AdditionalResponse: formatAdditional(AddMessage, reason,
			AddFlagged, strings.Join(res.Flagged, ","), AddOrderHash, hash, AddAttempt, res.Ref),
	}
}

// echoSale is the SaleData a reply repeats: the POS's transaction.
func echoSale(sd SaleData) SaleData {
	return SaleData{SaleTransactionID: sd.SaleTransactionID, SaleReferenceID: sd.SaleReferenceID}
}
