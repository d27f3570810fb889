package checkout

import (
	"fmt"
	"strconv"
	"time"

	"payterm/firmware/order"
)

// A direct-mode charge is an attempt with a durable name (AttemptRef),
// journaled before its request leaves. It resolves to exactly one outcome:
// the payment system's answer to the charge, or — when that answer is
// lost — to queries, and to a reversal when the queries stay unanswered
// or the POS aborts. Nothing ends a charge in flight but its outcome.

// Resolution limits.
const (
	// maxQueries is how many unanswered queries an uncertain attempt gets
	// before it is reversed.
	maxQueries = 5
	// firstRetry and maxRetry bound the backoff between unanswered
	// queries or reversals.
	firstRetry = 500 * time.Millisecond
	maxRetry   = 10 * time.Second
	// userPayingPoll is how often an attempt the payer must confirm on
	// the phone is queried: a customer who confirmed sees the result
	// within about a second and a query's round trip.
	userPayingPoll = time.Second
)

// AttemptRef is the out_trade_no of attempt n at the order with hash h
// on terminal terminalID: deterministic, so that a restarted terminal and
// the operator find it again; unique per terminal, order and attempt. The
// hash part is prefixed with a letter so no part is a bare run of digits.
func AttemptRef(terminalID string, h order.Hash, n int) string {
	prefix := refChars(terminalID, 24)
	if prefix != "" {
		prefix += "-"
	}
	return prefix + "o" + h.String()[:16] + "-" + strconv.Itoa(n)
}

// refChars keeps the characters a payment reference may hold, at most max.
func refChars(s string, max int) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s) && len(out) < max; i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' {
			out = append(out, c)
		}
	}
	return string(out)
}

// stage is what an uncertain attempt is waiting for.
type stage int

const (
	stagePay     stage = iota // the charge itself
	stageQuery                // a query of its fate
	stageReverse              // its reversal
)

// probe is the resolution of one attempt: what to ask next and when.
type probe struct {
	ref      string
	stage    stage
	inflight bool      // an effect was issued and its ChargeResult is awaited
	tries    int       // unanswered tries in this stage
	retryAt  time.Time // when to ask again (not inflight)
	aborting bool      // reverse even if it charged
	holding  bool      // the payment system said USERPAYING: the payer must confirm on the phone
}

// charging is the session's attempt in flight.
type charging struct {
	probe
	attempt Attempt
	req     RequestID // the request it pays; its reply waits for the outcome
	reason  string    // the Abort's reason while aborting
	cond    Cond      // while aborting: CondAborted (the POS) or CondCancelled (the customer)
	// cred is the face charged, kept only so that a decline asking for
	// the payer's phone digits can be retried with them.
	cred Credential
}

// recovery is an attempt a restart left open.
type recovery struct {
	probe
	OpenAttempt
}

// verdict is what a ChargeResult means for an attempt.
type verdict int

const (
	keepGoing verdict = iota // ask again (the probe says what and when)
	settled                  // final: the status says how
)

// next advances p by a ChargeResult: a final status, or what to ask next.
func (p probe) next(st ChargeStatus, now time.Time) (probe, verdict) {
	p.inflight = false
	switch st {
	case ChargePaid:
		if p.aborting {
			return p.moveTo(stageReverse, now), keepGoing
		}
		return p, settled
	case ChargeDeclined, ChargeReversed:
		return p, settled
	case ChargeUserPaying:
		// The payer has it on the phone: wait for them, however long the
		// payment system lets them take, and never reverse for it.
		if p.aborting {
			return p.moveTo(stageReverse, now), keepGoing
		}
		p.stage, p.tries, p.holding = stageQuery, 0, true
		p.retryAt = now.Add(userPayingPoll)
		return p, keepGoing
	case ChargeNotFound:
		// The charge never arrived, or is still on its way: closing it
		// with a reversal makes sure it cannot take money later.
		return p.moveTo(stageReverse, now), keepGoing
	}
	// No answer.
	switch {
	case p.stage == stagePay && p.aborting:
		return p.moveTo(stageReverse, now), keepGoing
	case p.stage == stagePay:
		return p.moveTo(stageQuery, now), keepGoing
	case p.stage == stageQuery && (p.tries+1 >= maxQueries || p.aborting):
		return p.moveTo(stageReverse, now), keepGoing
	}
	p.tries++
	p.retryAt = now.Add(backoff(p.tries))
	return p, keepGoing
}

// moveTo starts stage st: asked at once (the next Tick at the latest).
func (p probe) moveTo(st stage, now time.Time) probe {
	p.stage, p.tries, p.retryAt = st, 0, now
	return p
}

func backoff(tries int) time.Duration {
	d := firstRetry << min(tries, 8)
	return min(d, maxRetry)
}

// due reports whether p should be asked now.
func (p probe) due(now time.Time) bool { return !p.inflight && !now.Before(p.retryAt) }

// ask is the effect that asks the payment system p's next question.
func (p probe) ask() Effect {
	if p.stage == stageReverse {
		return ReverseCharge{Ref: p.ref}
	}
	return QueryCharge{Ref: p.ref}
}

// beginCharge releases a direct-mode credential as the next attempt at
// the confirmed order: the attempt is journaled before the charge leaves.
// The phone digits the customer entered, if any, go with the charge and
// are forgotten.
func beginCharge(s State, c Credential, out []Effect) (State, []Effect) {
	n := s.history.Attempts + 1
	s.history.Attempts = n
	a := Attempt{Ref: AttemptRef(s.cfg.TerminalID, s.confirmed, n), N: n}
	out = append(out,
		Journal{Record{Kind: RecordAttempt, Hash: s.confirmed, Method: c.Method, Ref: a.Ref, Req: s.pending,
			Amount: s.order.Total, Currency: s.order.Currency.Code, Detail: fmt.Sprintf("attempt %d", n)}},
		Charge{Attempt: a, Req: s.pending, Order: cloneOrder(s.order), Hash: s.confirmed, Credential: c, PhoneLast4: s.digits},
	)
	s.charge = &charging{probe: probe{ref: a.Ref, stage: stagePay, inflight: true}, attempt: a, req: s.pending}
	if c.Method == Face {
		s.charge.cred = c
	}
	s.digits = ""
	return s, out
}

// onChargeResult takes the payment system's answer about an attempt: the
// session's, or one a restart left open. Answers about anything else, or
// not awaited, are ignored.
func onChargeResult(s State, e ChargeResult) (State, []Effect) {
	if len(s.recovering) > 0 && s.recovering[0].ref == e.Ref && s.recovering[0].inflight {
		return recoveryResult(s, e)
	}
	if s.charge == nil || s.charge.ref != e.Ref || !s.charge.inflight {
		return s, nil
	}
	c := *s.charge
	var v verdict
	c.probe, v = c.probe.next(e.Status, s.now)
	s.charge = &c
	if v == keepGoing {
		s, out := s.pump()
		if e.Status == ChargeUserPaying && !c.aborting && s.view.Screen != ScreenConfirmOnPhone {
			out = append(out, s.show(s.sessionView(ScreenConfirmOnPhone, "")))
		}
		return s, out
	}
	if e.Status == ChargeDeclined && !c.aborting && c.cred.Method == Face {
		if s, out, ok := s.askDigits(e); ok {
			return s, out
		}
	}
	return s.finishCharge(e)
}

// finishCharge ends the session with the attempt's final status.
func (s State) finishCharge(e ChargeResult) (State, []Effect) {
	c := *s.charge
	s.charge = nil
	rec := Record{Kind: RecordOutcome, Hash: s.confirmed, Method: s.method, Ref: c.ref, Status: e.Status, Reference: e.Reference}
	r := Reply{To: c.req, Kind: ReplyResult, Hash: s.confirmed, Ref: c.ref}
	var screen Screen
	var msg string
	switch {
	case e.Status == ChargePaid:
		rec.Detail = "approved"
		r.Approved, r.Reference = true, e.Reference
		screen = ScreenPaid
	case c.aborting:
		rec.Detail = "aborted: " + e.Status.String() + ", nothing charged"
		r.Cond, r.Reason = c.cond, c.reason+"; nothing charged"
		screen, msg = ScreenFailed, "payment cancelled: nothing was charged"
	case e.Status == ChargeDeclined && e.Check == CheckPhoneDigitsWrong:
		rec.Detail = "declined: the phone digits did not match"
		r.Cond, r.Reason = CondDeclined, e.Reason
		screen, msg = ScreenFailed, "the phone number digits did not match: nothing was charged"
	case e.Status == ChargeDeclined:
		rec.Detail = fmt.Sprintf("declined: %q", e.Reason)
		r.Cond, r.Reason = CondDeclined, e.Reason
		screen, msg = ScreenFailed, e.Reason
		if msg == "" {
			msg = "payment declined"
		}
	default:
		rec.Detail = "no answer from the payment system; closed unpaid"
		r.Cond, r.Reason = CondNotCharged, "payment system did not answer: nothing charged"
		screen, msg = ScreenFailed, "the payment could not be completed: nothing was charged"
	}
	out := []Effect{Journal{rec}}
	if s.pending != "" && s.pending == c.req {
		out = append(out, r)
		s.pending = ""
	}
	s = s.enter(Done)
	return s, append(out, s.show(s.sessionView(screen, msg)))
}

// pump issues whatever the open attempts are due to ask: the session's
// charge, and the first open recovery.
func (s State) pump() (State, []Effect) {
	var out []Effect
	if s.charge != nil && s.charge.due(s.now) {
		c := *s.charge
		c.inflight = true
		s.charge = &c
		out = append(out, c.ask())
	}
	if len(s.recovering) > 0 && s.recovering[0].due(s.now) {
		rs := append([]recovery(nil), s.recovering...)
		rs[0].inflight = true
		s.recovering = rs
		out = append(out, rs[0].ask())
	}
	return s, out
}

// abortCharge asks for the attempt in flight to be reversed: the session
// ends when the payment system confirms it (or that it charged nothing).
// cond says who asked: CondAborted (the POS) or CondCancelled (the
// customer, while the payment waits for their phone).
func (s State) abortCharge(cond Cond, reason string) (State, []Effect) {
	c := *s.charge
	if c.aborting {
		return s, nil
	}
	c.aborting, c.reason, c.cond = true, reason, cond
	if !c.inflight {
		c.probe = c.probe.moveTo(stageReverse, s.now)
	}
	s.charge = &c
	s, out := s.pump()
	kind := RecordAborted
	if cond == CondCancelled {
		kind = RecordCancelled
	}
	out = append([]Effect{Journal{Record{Kind: kind, Hash: s.confirmed, Method: s.method, Ref: c.ref,
		Detail: reason + "; reversing the charge in flight"}}}, out...)
	return s, append(out, s.show(s.sessionView(ScreenProcessing, "cancelling the payment")))
}
