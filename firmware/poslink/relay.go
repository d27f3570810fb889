package poslink

import (
	"context"
	"net/url"

	"payterm/internal/secret"
)

// AdditionalResponse keys of a relay capture (payterm extension). A POS
// built on Adyen's libraries reads the credential from here: the
// libraries drop the CardAcquisitionResponse's PaymentInstrumentData,
// OrderHash and Signature members, but keep AdditionalResponse.
const (
	// AddRelay is AddRelayCaptured on a response that hands out a
	// captured credential; nothing was charged.
	AddRelay         = "payterm.relay"
	AddRelayCaptured = "captured"
	// AddFaceToken carries the face module's token (method "face"): a
	// secret.
	AddFaceToken = "faceToken"
	// AddSignature is the terminal's base64 signature over the statement
	// (AddStatement).
	AddSignature = "signature"
	// AddRefusalReason is where Adyen's POS apps look for a readable
	// reason on a Refusal.
	AddRefusalReason = "refusalReason"
)

// relayNotCharged is the readable reason of a relay capture's
// PaymentResponse.
const relayNotCharged = "credential captured for relay: nothing charged; the POS charges it"

// relayCapture runs a relay session for r and returns its result with
// the credential checked against r's order. Only an encrypted request
// gets a credential: a plain one is refused before the customer sees
// anything. A credential not bound to r's order, or of an unknown
// method, is withheld (Failure UnavailableService).
func (s *Server) relayCapture(ctx context.Context, r *request, sale *SaleData) (Result, *PaymentInstrumentData) {
	if r.key == nil {
		return Result{Condition: CondNotAllowed, Reason: "relay mode needs an encrypted request: a credential never goes out in the clear"}, nil
	}
	res := refuseInvalid(r, s.term.Acquire(ctx, s.call(r, sale), r.order))
	if !res.Approved {
		return res, nil
	}
	inst, withheld := instrument(res, r)
	if withheld != "" {
		s.log.Error("credential withheld", "sale", r.hdr.SaleID, "service", r.hdr.ServiceID, "why", withheld)
		return Result{Condition: CondUnavailableService, Reason: "credential withheld: " + withheld}, nil
	}
	return res, inst
}

// relayPayment runs a PaymentRequest marked for relay (RelayMarker) as a
// relay session. Its PaymentResponse never reads as paid: a capture is
// Result Failure, ErrorCondition Refusal, no PaymentResult, and the
// credential with its binding in AdditionalResponse (payterm.relay=
// captured, method, paymentCode or faceToken, orderHash, statement,
// signature). Refusal is the one condition every Adyen POS treats as
// final and not paid — no TransactionStatus follow-up (as after Aborted,
// InProgress or UnreachableHost), no automatic resend (as after Busy) that
// would capture a second credential; a POS that asked for relay reads
// payterm.relay instead. Other outcomes are answered as for a
// CardAcquisition (Failure with its condition).
func (s *Server) relayPayment(ctx context.Context, pc *pendingCall, r *request, p *PaymentRequest) (string, any) {
	res, inst := s.relayCapture(ctx, r, &p.SaleData)
	out := PaymentResponse{SaleData: echoSale(p.SaleData), POIData: poiData(s.now(), r.hdr.ServiceID)}
	if inst != nil {
		out.Response = Response{Result: ResultFailure, ErrorCondition: CondRefusal, AdditionalResponse: relayAdditional(res, inst)}
	} else {
		res.Approved = false // only a checked credential is a capture
		out.Response = s.resultResponse(res, pc, ctx.Err() != nil, CondCancel)
	}
	s.log.Info("relay payment", "sale", r.hdr.SaleID, "service", r.hdr.ServiceID,
		"result", out.Response.Result, "condition", out.Response.ErrorCondition,
		"captured", inst != nil, "method", res.Method, "code", res.Code)
	return "PaymentResponse", out
}

// relayAdditional is the AdditionalResponse of a relay capture.
func relayAdditional(res Result, inst *PaymentInstrumentData) string {
	codeKey, code := AddPaymentCode, inst.PaymentCode
	if inst.PaymentInstrumentType == InstrumentFace {
		codeKey, code = AddFaceToken, inst.FaceToken
	}
	return formatAdditional(
		AddRelay, AddRelayCaptured,
		AddMethod, res.Method,
		codeKey, code,
		AddOrderHash, res.Hash.String(),
		AddStatement, res.Statement,
		AddSignature, res.Signature,
		AddMessage, relayNotCharged,
		AddRefusalReason, relayNotCharged,
	)
}

// relayFromAdditional reads a relay capture from an AdditionalResponse;
// ok is false when it holds none.
func relayFromAdditional(add url.Values) (res Result, ok bool) {
	if add.Get(AddRelay) != AddRelayCaptured {
		return Result{}, false
	}
	res.Method = add.Get(AddMethod)
	switch res.Method {
	case "code":
		res.Code = secret.Code(add.Get(AddPaymentCode))
	case "face":
		res.Code = secret.Code(add.Get(AddFaceToken))
	}
	res.Statement, res.Signature = add.Get(AddStatement), add.Get(AddSignature)
	return res, true
}
