package faults

import (
	"context"
	"math/rand"
	"time"
)

// Some sales' payers have a limit below every order: their code payments
// wait for the phone (USERPAYING). The phone below answers each one at a
// random moment — confirm, refuse, let it expire, or the customer cancels
// on the terminal — while the faults go on.

// heldTTL is how long the fault run's payment host lets a payment wait
// for the payer: short, so a payment nobody confirms ends within an
// attempt.
const heldTTL = 5 * time.Second

// phoneLimit is the limit of a limited payer's account: every order is
// above it.
const phoneLimit = 1

// phoneActions are what the payer (or the customer at the terminal) does
// with a payment waiting for the phone.
var phoneActions = []string{"confirm", "confirm", "refuse", "let expire", "cancel on the terminal"}

// limited draws whether sale s's payer has a limit, from a stream of its
// own so the fault plans drawn from the sale's seed stay as they were.
func limited(s *sale) (bool, *rand.Rand) {
	r := rand.New(rand.NewSource(s.seed ^ 0x5e3779b97f4a7c15))
	return r.Intn(3) == 0, r
}

// phone plays the limited payer's phone until ctx ends: each payment held
// for s's account gets one action after a random wait of up to 3 s. An
// action cut short by ctx is not taken, so nothing is confirmed after the
// attempt the phone belongs to.
func (g *rig) phone(ctx context.Context, s *sale, r *rand.Rand) {
	decided := map[string]bool{}
	for ctx.Err() == nil {
		held, err := g.host.Host.HeldFor(ctx, s.account)
		if err != nil {
			sleep(ctx, 50*time.Millisecond)
			continue
		}
		for _, h := range held {
			if decided[h.OutTradeNo] {
				continue
			}
			decided[h.OutTradeNo] = true
			act := phoneActions[r.Intn(len(phoneActions))]
			sleep(ctx, time.Duration(r.Intn(3000))*time.Millisecond)
			if ctx.Err() != nil {
				return
			}
			g.stats.add("phone: "+act, 1)
			switch act {
			case "confirm":
				p, err := g.host.Host.Confirm(ctx, s.account, h.OutTradeNo)
				s.logf("phone confirms %s: %s %s %v", h.OutTradeNo, p.Status, p.Reason, err)
			case "refuse":
				p, err := g.host.Host.Refuse(ctx, s.account, h.OutTradeNo)
				s.logf("phone refuses %s: %s %s %v", h.OutTradeNo, p.Status, p.Reason, err)
			case "cancel on the terminal":
				st, err := g.term.state()
				tapped := err == nil && st.OrderHash == s.hash && st.Screen == "confirm-on-phone" && g.term.tap(ctx, st, "cancel")
				s.logf("customer cancels %s on the terminal: tapped %v", h.OutTradeNo, tapped)
			default:
				s.logf("phone lets %s expire", h.OutTradeNo)
			}
		}
		sleep(ctx, 50*time.Millisecond)
	}
}

// withPhone runs attempt with the phone of a limited payer beside it, and
// waits for the phone to stop before returning.
func (g *rig) withPhone(ctx context.Context, s *sale, r *rand.Rand, attempt func()) {
	if r == nil {
		attempt()
		return
	}
	pctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		g.phone(pctx, s, r)
	}()
	attempt()
	cancel()
	<-done
}
