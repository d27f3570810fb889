package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"payterm/drivers/scanner"
	"payterm/firmware/checkout"
	"payterm/payhost"
)

// screen draws checkout views; the ui-backed implementation also keeps the
// buttons for hit-testing.
type screen interface {
	show(v checkout.View)
}

// journaler persists checkout records; an error stops the reply that would
// follow, so nothing is answered that was not written.
type journaler interface {
	record(r checkout.Record) error
}

// performer carries out checkout effects. It runs in the engine loop; work
// that waits on the network (Charge) runs in its own goroutine and comes
// back as an event.
type performer struct {
	ctx     context.Context
	log     *slog.Logger
	e       *engine
	screen  screen
	scanner scanner.Scanner // never nil: noScanner when absent
	journal journaler
	payer   payhost.Client // nil when direct mode has no payment host
	poiID   string
}

// perform executes one effect. Ordering within a step is the checkout's:
// Journal before Reply, Stop* before Reply, Show last.
func (p *performer) perform(ef checkout.Effect) {
	switch ef := ef.(type) {
	case checkout.Journal:
		if err := p.journal.record(ef.Record); err != nil {
			p.log.Error("journal write failed", "kind", ef.Record.Kind, "err", err)
		}
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
		p.log.Warn("no camera on this board", "purpose", ef.Purpose)
	case checkout.StopCamera:
	case checkout.Charge:
		go p.charge(ef)
	case checkout.Beep:
		p.log.Debug("beep", "ok", ef.OK)
	default:
		p.log.Error("unknown effect", "effect", fmt.Sprintf("%T", ef))
	}
}

// charge asks the payment system and feeds the outcome back, but only to
// the session that asked: after an Abort or a new order it is logged and
// dropped (the operator reverses it by its out_trade_no).
func (p *performer) charge(c checkout.Charge) {
	outcome := checkout.Outcome{}
	// One reference per attempt: a customer who retries with a fresh code
	// after a decline is a new payment, while the hash part lets the
	// operator find every attempt at one order.
	outTradeNo := fmt.Sprintf("%s-%s-%x", safeRef(p.poiID), c.Hash.String()[:16], p.e.now().UnixNano())
	if p.payer == nil {
		outcome.Reason = "payment system unreachable: none configured"
	} else {
		ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
		pay, err := p.payer.Pay(ctx, payhost.PayRequest{
			OutTradeNo:  outTradeNo,
			AuthCode:    c.Credential.Code,
			Amount:      c.Order.Total,
			Currency:    c.Order.Currency.Code,
			OrderHash:   c.Hash.String(),
			TerminalID:  p.poiID,
			Description: "order " + c.Order.ID,
		})
		cancel()
		switch {
		case err != nil:
			outcome.Reason = "payment system unreachable"
			p.log.Error("charge failed", "out_trade_no", outTradeNo, "code", payhost.MaskCode(c.Credential.Code), "err", err)
		case pay.Paid():
			outcome = checkout.Outcome{Approved: true, Reference: pay.TradeNo}
		default:
			outcome.Reason = declineText(pay.Reason)
		}
	}
	p.e.do(p.ctx, func() {
		s := p.e.state
		if s.Phase() != checkout.Captured || s.Confirmed() != c.Hash {
			p.log.Warn("charge outcome for a session that ended; reverse it if paid", "out_trade_no", outTradeNo, "approved", outcome.Approved)
			return
		}
		p.e.step(outcome)
	})
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
	case "":
		return "declined"
	}
	return "declined: " + reason
}

// safeRef keeps the characters a payment reference may hold.
func safeRef(s string) string {
	b := []byte(s)
	out := b[:0]
	for _, c := range b {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' {
			out = append(out, c)
		}
	}
	if len(out) > 24 {
		out = out[:24]
	}
	return string(out)
}
