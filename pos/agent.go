package pos

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"payterm/firmware/order"
	"payterm/firmware/poslink"
	"payterm/internal/secret"
	"payterm/payhost"
)

// Mode is who charges: the POS (relay, the seed) or the terminal (direct).
type Mode string

const (
	Relay  Mode = "relay"
	Direct Mode = "direct"
)

// Agent is the POS agent: it sends orders to one terminal and, in relay
// mode, charges the returned credential through the payment system and
// tells the terminal the outcome.
type Agent struct {
	Terminal *poslink.Client
	POIID    string
	SaleID   string         // this POS
	Payer    payhost.Client // relay mode
	// Pairing holds the terminal's key (Pair): every relayed credential
	// must carry the terminal's signature under it, or it is refused and
	// not charged. The zero Pairing refuses every relayed credential.
	Pairing Pairing
	Log     *slog.Logger
	// NewServiceID returns a ServiceID unique for SaleID within 48 h.
	NewServiceID func() string
	// Charging, when set, hears that a relayed credential passed its
	// checks and is being charged: the customer is done and the payment
	// system has it. Called on Pay's goroutine, before the charge.
	Charging func(o order.Order)
}

// Outcome is what the cashier sees.
type Outcome struct {
	Paid      bool
	Condition string   // nexo ErrorCondition when not paid
	Reason    string   // readable
	Reference string   // payment system reference
	Flagged   []string // line IDs the customer reported as wrong
	Hash      order.Hash
}

func (o Outcome) String() string {
	switch {
	case o.Paid:
		return fmt.Sprintf("PAID (reference %s, order %s)", o.Reference, o.Hash.String()[:16])
	case len(o.Flagged) > 0:
		return fmt.Sprintf("CUSTOMER FLAGGED lines %s: correct the order and send it again", strings.Join(o.Flagged, ", "))
	}
	return fmt.Sprintf("NOT PAID: %s %s", o.Condition, o.Reason)
}

// Pay runs one sale of o in the given mode and reports the outcome.
func (a *Agent) Pay(ctx context.Context, o order.Order, mode Mode) (Outcome, error) {
	switch mode {
	case Direct:
		res, err := a.Terminal.Payment(ctx, a.SaleID, a.NewServiceID(), o)
		if err != nil {
			return Outcome{}, fmt.Errorf("pos: payment: %w", err)
		}
		return Outcome{Paid: res.Approved, Condition: res.Condition, Reason: res.Reason, Reference: res.Reference, Flagged: res.Flagged, Hash: res.Hash}, nil
	case Relay:
		return a.relay(ctx, o)
	}
	return Outcome{}, fmt.Errorf("pos: unknown mode %q", mode)
}

// relay: acquire the credential through a PaymentRequest marked for
// relay, check that the terminal's signed statement binds it to this
// order and comes from the paired terminal, charge it with that
// statement, and show the customer the result. A credential that fails a
// check is not charged, and the customer is told.
func (a *Agent) relay(ctx context.Context, o order.Order) (Outcome, error) {
	session := a.NewServiceID()
	res, err := a.Terminal.RelayPayment(ctx, a.SaleID, session, o)
	if errors.Is(err, poslink.ErrRelayCharged) {
		// The terminal charged it itself: the money moved once, and that
		// is the sale's outcome.
		a.Log.Warn("terminal charged a relay request itself", "reference", res.Reference)
		return Outcome{Paid: true, Reference: res.Reference, Hash: res.Hash}, nil
	}
	if err != nil {
		if res.Approved {
			a.tell(ctx, session, false, "payment not accepted by the POS")
		}
		return Outcome{}, fmt.Errorf("pos: relay payment: %w", err)
	}
	if !res.Approved {
		return Outcome{Condition: res.Condition, Reason: res.Reason, Flagged: res.Flagged, Hash: res.Hash}, nil
	}
	want := o.Hash()
	authCode := res.Code.Reveal()
	if res.Method == "face" {
		authCode = payhost.FacePrefix + authCode
	}
	st, err := verifyCredential(a.Pairing, a.POIID, o, authCode, res)
	if err != nil {
		a.tell(ctx, session, false, "payment not accepted by the POS")
		return Outcome{Condition: "NotAllowed", Reason: "credential not verified", Hash: want}, err
	}
	req := payhost.PayRequest{
		Statement:   &st,
		Signature:   res.Signature,
		OutTradeNo:  fmt.Sprintf("%s-%s-%x", a.SaleID, want.String()[:16], time.Now().UnixNano()),
		AuthCode:    authCode,
		Amount:      o.Total,
		Currency:    o.Currency.Code,
		OrderHash:   want.String(),
		TerminalID:  st.TerminalID,
		Description: "order " + o.ID,
	}
	if a.Charging != nil {
		a.Charging(o)
	}
	a.Log.Info("charging", "out_trade_no", req.OutTradeNo, "code", secret.Code(authCode), "amount", order.Display(o.Total, o.Currency))
	pay, err := a.charge(ctx, req)
	out := Outcome{Hash: want}
	switch {
	case err != nil:
		out.Condition, out.Reason = "UnreachableHost", "payment system unreachable"
	case pay.Paid():
		out.Paid, out.Reference = true, pay.TradeNo
	default:
		out.Condition, out.Reason = "Refusal", pay.Reason
	}
	// The customer must learn the result even if showing it fails; the
	// sale's outcome is what the payment system says.
	a.tell(ctx, session, out.Paid, out.Reason)
	if err != nil {
		return out, fmt.Errorf("pos: charge: %w", err)
	}
	return out, nil
}

// tell shows the customer how the charge of the credential captured in
// session ended. A lost answer is sent again under the same ServiceID
// (the terminal answers a repeat from its store, so it shows it once);
// a refusal is final.
func (a *Agent) tell(ctx context.Context, session string, paid bool, reason string) {
	shown := poslink.RelayOutcome{Session: session, Approved: paid, Reason: reason}
	svc := a.NewServiceID()
	var err error
	for range retries(ctx) {
		err = a.Terminal.Outcome(ctx, a.SaleID, svc, shown)
		var refused *poslink.ResponseError
		if err == nil || errors.As(err, &refused) {
			break
		}
	}
	if err != nil {
		a.Log.Warn("could not show the outcome on the terminal", "session", session, "err", err)
	}
}

// Resolving a charge whose answer was lost: queries, then reversals, each
// retried with a doubling wait from firstWait up to maxWait.
const (
	resolveTries = 6
	firstWait    = 100 * time.Millisecond
	maxWait      = 2 * time.Second
)

// charge pays and returns what the payment system holds for the charge.
// When the answer is lost it asks what happened; when the payment system
// never saw the charge, or cannot say, the charge is reversed, which
// closes it unpaid (or gives the money back), so the sale's outcome is
// never "unknown" while money moved. An error remains only when the
// payment system could not be reached at all.
func (a *Agent) charge(ctx context.Context, req payhost.PayRequest) (payhost.Payment, error) {
	pay, err := a.chargeOnce(ctx, req)
	if err == nil && pay.Status == payhost.StatusUserPaying {
		return a.awaitPayer(ctx, req.OutTradeNo)
	}
	return pay, err
}

// payerPoll is how often a payment waiting for the payer's phone is
// queried.
const payerPoll = time.Second

// awaitPayer queries a payment the payer must confirm on their phone
// until the payment system says how it ended. When the sale's context
// ends first, or the payment system stops answering, the payment is
// reversed: closed unpaid, or its money given back, so the sale never
// ends "not paid" while the payer can still confirm it.
func (a *Agent) awaitPayer(ctx context.Context, outTradeNo string) (payhost.Payment, error) {
	a.Log.Info("waiting for the payer to confirm on the phone", "out_trade_no", outTradeNo)
	silent := 0
	for ctx.Err() == nil && silent < resolveTries {
		select {
		case <-ctx.Done():
		case <-time.After(payerPoll):
		}
		p, err := a.Payer.Query(ctx, outTradeNo)
		switch {
		case err != nil:
			silent++
		case p.Status != payhost.StatusUserPaying:
			return p, nil
		default:
			silent = 0
		}
	}
	// The sale is over: close the payment. A reversal needs a context of
	// its own, the sale's may have ended.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	var err error
	for range retries(rctx) {
		var p payhost.Payment
		if p, err = a.Payer.Reverse(rctx, outTradeNo); err == nil {
			a.Log.Warn("payment waiting for the payer closed by reversal", "out_trade_no", outTradeNo, "status", p.Status)
			return p, nil
		}
	}
	return payhost.Payment{}, fmt.Errorf("pos: payment %s waiting for the payer not closed: %w", outTradeNo, err)
}

// chargeOnce pays; a lost answer is resolved by queries and reversals.
func (a *Agent) chargeOnce(ctx context.Context, req payhost.PayRequest) (payhost.Payment, error) {
	pay, err := a.Payer.Pay(ctx, req)
	if err == nil || errors.Is(err, payhost.ErrInvalidRequest) || errors.Is(err, payhost.ErrConflict) {
		return pay, err
	}
	a.Log.Warn("charge answer lost: asking the payment system", "out_trade_no", req.OutTradeNo, "err", err)
	for q := range retries(ctx) {
		p, qerr := a.Payer.Query(ctx, req.OutTradeNo)
		if qerr == nil {
			return p, nil
		}
		if errors.Is(qerr, payhost.ErrNotFound) || q == resolveTries-1 {
			break
		}
	}
	for range retries(ctx) {
		if p, rerr := a.Payer.Reverse(ctx, req.OutTradeNo); rerr == nil {
			a.Log.Warn("charge closed by reversal", "out_trade_no", req.OutTradeNo, "status", p.Status)
			return p, nil
		}
	}
	return pay, err
}

// retries yields resolveTries attempt numbers, waiting between them,
// until ctx ends.
func retries(ctx context.Context) func(func(int) bool) {
	return func(yield func(int) bool) {
		wait := firstWait
		for i := range resolveTries {
			if !yield(i) {
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
			wait = min(2*wait, maxWait)
		}
	}
}
