package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"payterm/drivers/scanner"
	"payterm/firmware/attest"
	"payterm/firmware/checkout"
	"payterm/internal/secret"
	"payterm/payhost"
)

// screen draws checkout views; the ui-backed implementation also keeps the
// buttons for hit-testing.
type screen interface {
	show(v checkout.View)
}

// journaler persists checkout records; an error stops the step that
// wrote it (engine.step), so nothing is answered that was not written.
type journaler interface {
	record(r checkout.Record) error
}

// payCall bounds one request to the payment system. An answer that takes
// longer is an unknown outcome, which the checkout resolves by queries.
const payCall = 20 * time.Second

// performer carries out checkout effects. It runs in the engine loop; work
// that waits on the network (Charge, QueryCharge, ReverseCharge) runs in
// its own goroutine and comes back as a ChargeResult event.
type performer struct {
	ctx     context.Context
	log     *slog.Logger
	e       *engine
	screen  screen
	scanner scanner.Scanner // never nil: noScanner when absent
	camera  *cameraUser     // nil: no camera
	journal journaler
	payer   payhost.Client // noPayer when no payment host is configured
	poiID   string
	// sign adds the terminal's signed statement to a charge request.
	sign func(req *payhost.PayRequest) error
	// settle stores the final answer of a request a restart cut short, for
	// the POS's TransactionStatus.
	settle func(checkout.Settle) error
}

// perform executes one effect. Ordering within a step is the checkout's:
// Journal before Reply and Charge, Stop* before Reply, Show last. Only a
// Journal effect reports an error.
func (p *performer) perform(ef checkout.Effect) error {
	switch ef := ef.(type) {
	case checkout.Journal:
		return p.journal.record(ef.Record)
	case checkout.Reply:
		p.e.answer(ef)
	case checkout.Show:
		p.screen.show(ef.View)
	case checkout.StartScanner:
		if err := p.scanner.Arm(p.ctx); err != nil {
			p.log.Warn("scanner arm failed", "scanner", p.scanner, "err", err)
		}
	case checkout.StopScanner:
		if err := p.scanner.Disarm(p.ctx); err != nil {
			p.log.Warn("scanner disarm failed", "scanner", p.scanner, "err", err)
		}
	case checkout.StartCamera:
		if p.camera == nil {
			p.log.Warn("no camera on this board", "purpose", ef.Purpose)
			break
		}
		p.camera.start(ef)
	case checkout.StopCamera:
		if p.camera != nil {
			p.camera.stop()
		}
	case checkout.Charge:
		go p.charge(ef)
	case checkout.QueryCharge:
		go p.ask(ef.Ref, "query", p.payer.Query)
	case checkout.ReverseCharge:
		go p.ask(ef.Ref, "reverse", p.payer.Reverse)
	case checkout.Settle:
		if err := p.settle(ef); err != nil {
			p.log.Error("settled answer not stored", "request", ef.Req, "out_trade_no", ef.Ref, "err", err)
		}
	case checkout.Beep:
		p.log.Debug("beep", "ok", ef.OK)
	default:
		p.log.Error("unknown effect", "effect", fmt.Sprintf("%T", ef))
	}
	return nil
}

// charge asks the payment system to charge attempt c and posts what it
// answered. The attempt is already in the journal under c.Attempt.Ref.
func (p *performer) charge(c checkout.Charge) {
	res := checkout.ChargeResult{Ref: c.Attempt.Ref}
	auth := attest.AuthCode(c.Credential.Method.String(), c.Credential.Code)
	req := payhost.PayRequest{
		OutTradeNo:  c.Attempt.Ref,
		AuthCode:    auth,
		Amount:      c.Order.Total,
		Currency:    c.Order.Currency.Code,
		OrderHash:   c.Hash.String(),
		TerminalID:  p.poiID,
		Description: "order " + c.Order.ID,
		PhoneLast4:  c.PhoneLast4, // secret: never logged
	}
	switch err := p.sign(&req); {
	case err != nil:
		// Nothing was sent: a definite refusal.
		res.Status, res.Reason = checkout.ChargeDeclined, "terminal cannot sign the charge"
		p.log.Error("charge not signed", "out_trade_no", req.OutTradeNo, "err", err)
	default:
		ctx, cancel := context.WithTimeout(p.ctx, payCall)
		pay, err := p.payer.Pay(ctx, req)
		cancel()
		res = chargeResult(c.Attempt.Ref, pay, err)
		if err != nil {
			p.log.Warn("charge answer", "out_trade_no", req.OutTradeNo, "code", secret.Code(auth), "status", res.Status, "err", err)
		}
	}
	p.post(res)
}

// ask queries or reverses attempt ref and posts what the payment system
// said.
func (p *performer) ask(ref, what string, call func(context.Context, string) (payhost.Payment, error)) {
	ctx, cancel := context.WithTimeout(p.ctx, payCall)
	pay, err := call(ctx, ref)
	cancel()
	res := chargeResult(ref, pay, err)
	if errors.Is(err, payhost.ErrNotFound) {
		res = checkout.ChargeResult{Ref: ref, Status: checkout.ChargeNotFound}
	}
	p.log.Info("charge "+what, "out_trade_no", ref, "status", res.Status, "err", err)
	p.post(res)
}

// post hands a result to the checkout; bounded so that a shutdown does
// not leave the goroutine behind.
func (p *performer) post(res checkout.ChargeResult) {
	if !p.e.post(p.ctx, res) {
		p.log.Warn("charge result dropped at shutdown; resolved at the next start", "out_trade_no", res.Ref)
	}
}

// chargeResult reads a payment system answer. Only a stored Payment is
// definite; a refused request was not stored and charged nothing; any
// other error leaves the outcome unknown.
func chargeResult(ref string, pay payhost.Payment, err error) checkout.ChargeResult {
	res := checkout.ChargeResult{Ref: ref}
	switch {
	case errors.Is(err, payhost.ErrInvalidRequest):
		res.Status, res.Reason = checkout.ChargeDeclined, "payment request refused by the payment system"
	case err != nil:
		res.Status = checkout.ChargeUnknown
	case pay.Status == payhost.StatusSuccess:
		res.Status, res.Reference = checkout.ChargePaid, pay.TradeNo
	case pay.Status == payhost.StatusReversed:
		res.Status = checkout.ChargeReversed
	case pay.Status == payhost.StatusUserPaying:
		res.Status = checkout.ChargeUserPaying
	default:
		res.Status, res.Reason = checkout.ChargeDeclined, declineText(pay.Reason)
		switch pay.Reason {
		case payhost.ReasonPhoneDigitsRequired:
			res.Check = checkout.CheckPhoneDigits
		case payhost.ReasonPhoneDigitsWrong:
			res.Check = checkout.CheckPhoneDigitsWrong
		}
	}
	return res
}

// declineText turns a payment system reason into words for the customer.
func declineText(reason string) string {
	switch reason {
	case payhost.ReasonCodeExpired:
		return "payment code expired: show a new one"
	case payhost.ReasonCodeUsed:
		return "payment code already used: show a new one"
	case payhost.ReasonCodeUnknown, payhost.ReasonCodeInvalid:
		return "payment code not recognised"
	case payhost.ReasonFaceUnknown:
		return "face not recognised"
	case payhost.ReasonInsufficientFunds:
		return "insufficient funds"
	case payhost.ReasonCurrencyMismatch:
		return "account currency does not match"
	case payhost.ReasonUserRefused:
		return "payment refused on your phone: nothing was charged"
	case payhost.ReasonUserPayingExpired:
		return "not confirmed on your phone in time: nothing was charged"
	case payhost.ReasonPhoneDigitsRequired:
		return "the last digits of your phone number are needed"
	case payhost.ReasonPhoneDigitsWrong:
		return "the phone number digits did not match"
	case payhost.ReasonOrderPaid:
		return "this order was already paid: nothing more was charged"
	case payhost.ReasonTerminalUnknown, payhost.ReasonSignatureInvalid, payhost.ReasonStatementStale:
		return "this terminal is not accepted by the payment system"
	case "":
		return "declined"
	}
	return "declined: " + reason
}

// noPayer stands in for a missing payment host: it charges nothing and
// says so definitely, so no attempt is left in doubt.
type noPayer struct{}

var errNoPayer = fmt.Errorf("no payment system configured: %w", payhost.ErrInvalidRequest)

func (noPayer) Pay(context.Context, payhost.PayRequest) (payhost.Payment, error) {
	return payhost.Payment{}, errNoPayer
}
func (noPayer) Query(context.Context, string) (payhost.Payment, error) {
	return payhost.Payment{}, payhost.ErrNotFound
}
func (noPayer) Reverse(_ context.Context, ref string) (payhost.Payment, error) {
	return payhost.Payment{OutTradeNo: ref, Status: payhost.StatusReversed, Reason: payhost.ReasonNotPaid}, nil
}
