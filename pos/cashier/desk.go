// Package cashier is the cashier's side of the POS agent: a desk that
// holds the order as read from a source, takes the cashier's corrections,
// sends it to the terminal and follows the sale — waiting for the
// customer, lines the customer flagged, charging, paid or not — and a
// small web page on loopback that shows all of it live.
package cashier

import (
	"context"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"sync"

	"payterm/firmware/order"
	"payterm/pos"
	"payterm/pos/orderread"
)

// Payer runs one sale; *pos.Agent is one. Pay blocks until the sale
// ends: paid, not paid, or lines flagged by the customer.
type Payer interface {
	Pay(ctx context.Context, o order.Order, mode pos.Mode) (pos.Outcome, error)
}

// Stage is where the sale on the desk is.
type Stage string

const (
	StageIdle     Stage = "idle"     // nothing on the desk
	StageHeld     Stage = "held"     // read with problems: the cashier must correct it
	StageWaiting  Stage = "waiting"  // sent: the customer is checking the order
	StageCharging Stage = "charging" // the customer paid; the payment system is charging (relay)
	StageFlagged  Stage = "flagged"  // the customer flagged lines: correct and send again
	StagePaid     Stage = "paid"
	StageFailed   Stage = "failed" // not paid (Outcome says why); the order may be sent again
)

// ErrBusy refuses a new order or a send while the customer has one.
var ErrBusy = errors.New("cashier: a sale is in progress")

// Snapshot is the desk as the page shows it.
type Snapshot struct {
	Seq      uint64              `json:"seq"` // grows with every change
	Stage    Stage               `json:"stage"`
	Source   string              `json:"source,omitempty"`
	Order    *pos.OrderFile      `json:"order,omitempty"` // as read or as last corrected
	Fields   []orderread.Field   `json:"fields,omitempty"`
	Problems []orderread.Problem `json:"problems,omitempty"`
	Flagged  []string            `json:"flagged,omitempty"` // line IDs the customer flagged
	Outcome  string              `json:"outcome,omitempty"`
	Hash     string              `json:"hash,omitempty"` // of the order sent last
	// Screen says the desk can read the POS screen (ReadScreen).
	Screen bool `json:"screen,omitempty"`
	// Capture is the screen image the order was read from (Fields' boxes
	// are in its pixels); nil when the order came from elsewhere.
	Capture *Capture `json:"capture,omitempty"`
}

// Capture describes the image behind Desk.Capture. ID changes with every
// capture (for the page's cache).
type Capture struct {
	ID     uint64 `json:"id"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
}

// Desk holds one sale at a time. Safe for concurrent use.
type Desk struct {
	payer  Payer
	screen Screen
	mode   pos.Mode
	auto   bool
	log    *slog.Logger
	ctx    context.Context // sales run under it

	mu      sync.Mutex
	snap    Snapshot
	changed chan struct{} // closed and replaced on every change
	png     []byte        // the capture in snap.Capture, PNG; memory only
}

// Config configures NewDesk.
type Config struct {
	Payer Payer
	Mode  pos.Mode
	// AutoSend sends a read without problems at once; a read with
	// problems is always held for the cashier.
	AutoSend bool
	Log      *slog.Logger // nil: discard
	// Screen reads the order off the POS screen for ReadScreen; nil:
	// the desk has no screen source.
	Screen Screen
}

// NewDesk returns an empty desk; sales run until ctx ends.
func NewDesk(ctx context.Context, cfg Config) *Desk {
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Desk{payer: cfg.Payer, screen: cfg.Screen, mode: cfg.Mode, auto: cfg.AutoSend, log: log, ctx: ctx,
		snap: Snapshot{Stage: StageIdle, Screen: cfg.Screen != nil}, changed: make(chan struct{})}
}

// Snapshot returns the desk now and a channel closed at its next change.
func (d *Desk) Snapshot() (Snapshot, <-chan struct{}) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.snap, d.changed
}

// update changes the snapshot under the lock and wakes the watchers.
func (d *Desk) update(f func(*Snapshot)) {
	d.mu.Lock()
	defer d.mu.Unlock()
	f(&d.snap)
	d.snap.Seq++
	close(d.changed)
	d.changed = make(chan struct{})
}

func busy(s Stage) bool { return s == StageWaiting || s == StageCharging }

// Submit puts a read on the desk: sent at once when it has no problems
// and AutoSend is on, else held for the cashier. ErrBusy while a
// customer has an order.
func (d *Desk) Submit(r orderread.Read) error {
	return d.submit(r, nil, image.Point{})
}

// submit is Submit with the capture the read came from (nil: none).
func (d *Desk) submit(r orderread.Read, png []byte, size image.Point) error {
	d.mu.Lock()
	stage := d.snap.Stage
	d.mu.Unlock()
	if busy(stage) {
		return ErrBusy
	}
	f := FileOf(r.Order)
	d.update(func(s *Snapshot) {
		var c *Capture
		if png != nil {
			id := uint64(1)
			if s.Capture != nil {
				id = s.Capture.ID + 1
			}
			c = &Capture{ID: id, Width: size.X, Height: size.Y}
		}
		*s = Snapshot{Seq: s.Seq, Stage: StageHeld, Source: r.Source, Order: &f, Fields: r.Fields, Problems: r.Problems,
			Screen: s.Screen, Capture: c}
		d.png = png
	})
	if r.OK() && d.auto {
		return d.send(r.Order)
	}
	return nil
}

// Send sends the cashier's version of the order: it goes through the
// same conversion and check as any source, and is held, not sent, while
// it has problems (returned as the error). After the customer flagged
// lines it goes as the corrected order, a new request the terminal shows
// in place of the flagged one.
func (d *Desk) Send(f pos.OrderFile) error {
	o, err := f.Order()
	if err != nil {
		return fmt.Errorf("cashier: %w", err)
	}
	d.mu.Lock()
	prev := d.snap
	d.mu.Unlock()
	if busy(prev.Stage) {
		return ErrBusy
	}
	r := orderread.FromOrder(o, prev.Source)
	d.update(func(s *Snapshot) {
		s.Order, s.Fields, s.Problems = &f, nil, r.Problems
		if !r.OK() {
			s.Stage = StageHeld
		}
	})
	if !r.OK() {
		return fmt.Errorf("cashier: order not sent: %w", r.Err())
	}
	return d.send(o)
}

// send starts the sale of o.
func (d *Desk) send(o order.Order) error {
	ok := true
	d.update(func(s *Snapshot) {
		if busy(s.Stage) {
			ok = false
			return
		}
		s.Stage, s.Flagged, s.Outcome, s.Hash = StageWaiting, nil, "", o.Hash().String()
	})
	if !ok {
		return ErrBusy
	}
	go d.run(o)
	return nil
}

// Charging is for pos.Agent.Charging: the customer is done, the payment
// system charges.
func (d *Desk) Charging(o order.Order) {
	h := o.Hash().String()
	d.update(func(s *Snapshot) {
		if s.Hash == h && s.Stage == StageWaiting {
			s.Stage = StageCharging
		}
	})
}

func (d *Desk) run(o order.Order) {
	out, err := d.payer.Pay(d.ctx, o, d.mode)
	d.update(func(s *Snapshot) {
		switch {
		case err != nil:
			s.Stage, s.Outcome = StageFailed, err.Error()
		case out.Paid:
			s.Stage, s.Outcome = StagePaid, out.String()
		case len(out.Flagged) > 0:
			s.Stage, s.Flagged, s.Outcome = StageFlagged, out.Flagged, out.String()
		default:
			s.Stage, s.Outcome = StageFailed, out.String()
		}
	})
	d.log.Info("sale ended", "order", o.ID, "paid", out.Paid, "flagged", out.Flagged, "err", err)
}

// FileOf writes an order in the order-file form the page edits: amounts
// as printed decimals, every amount given (so a wrong one stays visible).
func FileOf(o order.Order) pos.OrderFile {
	m := func(v int64) string { return order.FormatAmount(v, o.Currency) }
	f := pos.OrderFile{ID: o.ID, Currency: o.Currency.Code, Total: m(o.Total)}
	for _, l := range o.Lines {
		lf := pos.LineFile{ID: l.ID, Code: l.ProductCode, Label: l.Label, Qty: l.Quantity.String(), Unit: l.Unit,
			UnitPrice: m(l.UnitPrice), Amount: m(l.Amount)}
		if l.Discount != 0 {
			lf.Discount = m(l.Discount)
		}
		f.Lines = append(f.Lines, lf)
	}
	for _, dc := range o.Discounts {
		f.Discounts = append(f.Discounts, pos.DiscountFile{Label: dc.Label, Amount: m(dc.Amount)})
	}
	return f
}
