package poslink

import (
	"encoding/json"
	"errors"
	"fmt"
)

// notFoundMessage answers a TransactionStatus for anything it may not
// see, whatever the reason.
const notFoundMessage = "no such Payment or CardAcquisition in the last 48 h"

// status answers a TransactionStatusRequest from the store: the earlier
// response repeated (Success), or Failure with InProgress (still
// running), NotFound (unknown, expired, another category, or made under
// another key — the same answer, so a caller learns nothing of other
// POSes' requests), or Aborted with state=interrupted (a restart cut it
// short; see StateInterrupted).
func (s *Server) status(r *request) []byte {
	if s.store == nil {
		return s.failure(r, CondUnavailableService, "no ServiceID store")
	}
	ref := r.body.(*TransactionStatusRequest).MessageReference
	var e Entry
	var found bool
	var err error
	if ref == nil || ref.ServiceID == "" {
		e, found, err = s.store.Latest(r.hdr.SaleID, r.keyName(), CategoryPayment, CategoryCardAcquisition)
	} else {
		e, found, err = s.store.Get(r.hdr.SaleID, ref.ServiceID)
		found = found && e.Key == r.keyName() && (e.Category == CategoryPayment || e.Category == CategoryCardAcquisition) &&
			(ref.MessageCategory == "" || ref.MessageCategory == e.Category)
	}
	switch {
	case err != nil:
		s.log.Error("ServiceID store", "err", err)
		return s.failure(r, CondUnavailableService, "ServiceID store unavailable")
	case !found:
		return s.failure(r, CondNotFound, notFoundMessage)
	case e.State == StateRunning:
		return s.failure(r, CondInProgress, "still running")
	case e.State == StateInterrupted && e.Category == CategoryPayment:
		return s.failure(r, CondInProgress, resolvingMessage, AddState, StateInterrupted.String())
	case e.State == StateInterrupted:
		return s.failure(r, CondAborted, interruptedMessage, AddState, StateInterrupted.String())
	}
	rep, err := s.repeated(r, e)
	if err != nil {
		s.log.Warn("TransactionStatus", "sale", r.hdr.SaleID, "service", e.ServiceID, "err", err)
		var rf *refusal
		cond := CondUnavailableService
		if errors.As(err, &rf) {
			cond = rf.cond
		}
		return s.failure(r, cond, err.Error())
	}
	return s.encodeReply(r, "TransactionStatusResponse", TransactionStatusResponse{
		Response:                Response{Result: ResultSuccess},
		MessageReference:        &MessageReference{MessageCategory: e.Category, SaleID: e.SaleID, ServiceID: e.ServiceID},
		RepeatedMessageResponse: rep,
	})
}

// repeated decodes a stored response for repetition. A sealed one is
// opened only with the key r came under, the key it was sealed with, and
// goes out again only inside r's reply sealed under that same key: never
// under another key, never in the clear.
func (s *Server) repeated(r *request, e Entry) (*RepeatedMessageResponse, error) {
	env, err := splitEnvelope(e.Response)
	if err != nil {
		return nil, fmt.Errorf("stored response: %w", err)
	}
	if env.Secured() {
		if r.key == nil || env.Trailer == nil || (keyRef{env.Trailer.KeyIdentifier, env.Trailer.KeyVersion}) != r.key.ref {
			// status matches entries by key; a mismatch here is a bug
			// or a tampered store, and answered like an unknown entry.
			return nil, refuse(CondNotFound, errors.New(notFoundMessage))
		}
		if env, err = openEnvelope(&env, *r.key); err != nil {
			return nil, fmt.Errorf("stored response: %w", err)
		}
	}
	rep := &RepeatedMessageResponse{MessageHeader: env.Header}
	body := json.RawMessage(env.Body)
	switch env.BodyName {
	case "PaymentResponse":
		rep.RepeatedResponseMessageBody.PaymentResponse = body
	case "CardAcquisitionResponse":
		rep.RepeatedResponseMessageBody.CardAcquisitionResponse = body
	default:
		return nil, fmt.Errorf("stored response has body %s", env.BodyName)
	}
	return rep, nil
}

// failureBody is the body of a Failure for r's category.
func (s *Server) failureBody(r *request, resp Response) (string, any) {
	var sale SaleData
	if r.sale != nil {
		sale = echoSale(*r.sale)
	}
	switch cat := r.hdr.MessageCategory; cat {
	case CategoryPayment:
		return "PaymentResponse", PaymentResponse{Response: resp, SaleData: sale, POIData: poiData(s.now(), r.hdr.ServiceID)}
	case CategoryCardAcquisition:
		return "CardAcquisitionResponse", CardAcquisitionResponse{Response: resp, SaleData: sale, POIData: poiData(s.now(), r.hdr.ServiceID)}
	case CategoryInput:
		return "InputResponse", InputResponse{InputResult: InputResult{Device: deviceCustomerInput, InfoQualify: qualifyInput, Response: resp}}
	case CategoryDisplay:
		out := DisplayResponse{}
		if d, ok := r.body.(*DisplayRequest); ok {
			for _, o := range d.DisplayOutput {
				out.OutputResult = append(out.OutputResult, OutputResult{Device: o.Device, InfoQualify: o.InfoQualify, Response: resp})
			}
		}
		if len(out.OutputResult) == 0 {
			out.OutputResult = []OutputResult{{Device: deviceCustomerDisplay, InfoQualify: qualifyDisplay, Response: resp}}
		}
		return "DisplayResponse", out
	case CategoryPrint:
		out := PrintResponse{Response: resp}
		if p, ok := r.body.(*printBody); ok {
			out.DocumentQualifier = p.req.PrintOutput.DocumentQualifier
		}
		return "PrintResponse", out
	case CategoryTransactionStatus:
		out := TransactionStatusResponse{Response: resp}
		if t, ok := r.body.(*TransactionStatusRequest); ok {
			out.MessageReference = t.MessageReference
		}
		return "TransactionStatusResponse", out
	default:
		// Categories without a response of their own here (a refused
		// Abort, unsupported ones): "<Category>Response" with a Response,
		// which is the shape of every nexo response.
		return bodyName(cat, TypeResponse), statusBody{Response: resp}
	}
}
