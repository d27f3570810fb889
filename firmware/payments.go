package main

import (
	"slices"
	"sync"
	"time"

	"payterm/firmware/checkout"
	"payterm/firmware/journal"
	"payterm/firmware/order"
)

// payments is the terminal's memory of its charge attempts, read from
// the journal at start and kept up to date with every record written:
// which attempts are still open (a restart cut them short) and what each
// order hash has seen (how many attempts, which one was paid). The
// checkout decides with it; this only remembers.
type payments struct {
	mu     sync.Mutex
	byHash map[order.Hash]checkout.History
	open   map[string]checkout.OpenAttempt
	order  []string // open refs, oldest first
	// settled: the last finished attempt of each POS request
	settled map[checkout.RequestID]checkout.Settle
	// relay credentials released and not yet followed by an outcome,
	// abort or timeout, with when they were released
	relay []relayCapture
}

type relayCapture struct {
	checkout.OpenRelay
	at time.Time
}

func newPayments() *payments {
	return &payments{byHash: map[order.Hash]checkout.History{}, open: map[string]checkout.OpenAttempt{},
		settled: map[checkout.RequestID]checkout.Settle{}}
}

// load replays the journal's entries.
func (p *payments) load(j *journal.Journal) error {
	return j.Scan(0, func(e journal.Entry) error {
		p.note(e.Record, e.Time)
		return nil
	})
}

// note takes one record as written at t.
func (p *payments) note(r journal.Record, t time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch r.Kind {
	case checkout.RecordCaptured:
		if r.Detail == checkout.Relay.String() && r.Request != "" {
			p.relay = append(p.relay, relayCapture{checkout.OpenRelay{Req: checkout.RequestID(r.Request), Hash: r.OrderHash}, t})
		}
	case checkout.RecordAborted, checkout.RecordTimeout, checkout.RecordCancelled:
		p.relay = slices.DeleteFunc(p.relay, func(c relayCapture) bool { return c.Hash == r.OrderHash })
	}
	switch r.Kind {
	case checkout.RecordAttempt:
		h := p.byHash[r.OrderHash]
		h.Attempts++
		p.byHash[r.OrderHash] = h
		if _, ok := p.open[r.Ref]; !ok {
			p.order = append(p.order, r.Ref)
		}
		p.open[r.Ref] = checkout.OpenAttempt{Ref: r.Ref, Req: checkout.RequestID(r.Request), Hash: r.OrderHash,
			Amount: r.Amount, Currency: r.Currency}
	case checkout.RecordOutcome:
		p.relay = slices.DeleteFunc(p.relay, func(c relayCapture) bool { return c.Hash == r.OrderHash })
		if r.Ref == "" {
			return
		}
		a, wasOpen := p.open[r.Ref]
		delete(p.open, r.Ref)
		hash := r.OrderHash
		if wasOpen {
			hash = a.Hash
		}
		if wasOpen {
			p.settled[a.Req] = settledBy(a, r)
		}
		h := p.byHash[hash]
		switch r.Status {
		case checkout.ChargePaid.String():
			h.Paid, h.Ref, h.Reference = true, r.Ref, r.Reference
		case checkout.ChargeReversed.String():
			if h.Ref == r.Ref {
				h.Paid, h.Ref, h.Reference = false, "", ""
			}
		}
		p.byHash[hash] = h
	}
}

// history is what the terminal did for order hash h.
func (p *payments) history(h order.Hash) checkout.History {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.byHash[h]
}

// openRelay are the relay credentials released after since whose outcome
// was not heard.
func (p *payments) openRelay(since time.Time) []checkout.OpenRelay {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []checkout.OpenRelay
	for _, c := range p.relay {
		if !c.at.Before(since) {
			out = append(out, c.OpenRelay)
		}
	}
	return out
}

// openAttempts are the attempts without an outcome, oldest first.
func (p *payments) openAttempts() []checkout.OpenAttempt {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []checkout.OpenAttempt
	for _, ref := range p.order {
		if a, ok := p.open[ref]; ok {
			out = append(out, a)
		}
	}
	return out
}

// settledBy is the final answer to a POS request whose attempt a ended
// with outcome record r.
func settledBy(a checkout.OpenAttempt, r journal.Record) checkout.Settle {
	st := checkout.Settle{Req: a.Req, Ref: a.Ref, Hash: a.Hash, Amount: a.Amount, Currency: a.Currency}
	switch r.Status {
	case checkout.ChargePaid.String():
		st.Approved, st.Reference = true, r.Reference
	case checkout.ChargeDeclined.String():
		st.Cond, st.Reason = checkout.CondDeclined, r.Detail
	default:
		st.Cond, st.Reason = checkout.CondNotCharged, "nothing charged"
	}
	return st
}

// settleInterrupted is the final answer to a Payment a restart cut short
// whose charge, if any, has ended: the attempt's outcome, or — when no
// attempt was journaled, so no charge ever left — "nothing charged". ok
// is false while an attempt of it is still open.
func (p *payments) settleInterrupted(req checkout.RequestID) (checkout.Settle, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, a := range p.open {
		if a.Req == req {
			return checkout.Settle{}, false
		}
	}
	if st, ok := p.settled[req]; ok {
		return st, true
	}
	return checkout.Settle{Req: req, Cond: checkout.CondNotCharged,
		Reason: "interrupted by a terminal restart before any charge: nothing charged"}, true
}
