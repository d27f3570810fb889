// Package touchsim is the simulated twin of a touch panel: the virtual
// terminal injects taps and strokes from the browser.
package touchsim

import (
	"context"
	"errors"
	"image"
	"sync"

	"payterm/drivers/touch"
)

var _ touch.Touch = (*Panel)(nil)

// ErrBusy means the consumer is not keeping up; the stroke was dropped.
var ErrBusy = errors.New("touchsim: input queue full")

// Panel is a simulated touch panel.
type Panel struct {
	mu     sync.Mutex
	ch     chan touch.Event
	halted bool
}

// New returns a panel with room for a few strokes in flight.
func New() *Panel { return &Panel{ch: make(chan touch.Event, 1024)} }

func (p *Panel) String() string { return "touchsim" }

func (p *Panel) Halt() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.halted {
		p.halted = true
		close(p.ch)
	}
	return nil
}

// Events returns the single event stream; ctx is the consumer's.
func (p *Panel) Events(ctx context.Context) <-chan touch.Event { return p.ch }

// Tap sends Down then Up at pt.
func (p *Panel) Tap(pt image.Point) error { return p.Stroke([]image.Point{pt}) }

// Stroke sends Down at the first point, Move through the rest, Up at the
// last: all of it or nothing.
func (p *Panel) Stroke(pts []image.Point) error {
	if len(pts) == 0 {
		return errors.New("touchsim: empty stroke")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.halted {
		return errors.New("touchsim: halted")
	}
	if cap(p.ch)-len(p.ch) < len(pts)+1 {
		return ErrBusy
	}
	p.ch <- touch.Event{Kind: touch.Down, At: pts[0]}
	for _, pt := range pts[1:] {
		p.ch <- touch.Event{Kind: touch.Move, At: pt}
	}
	p.ch <- touch.Event{Kind: touch.Up, At: pts[len(pts)-1]}
	return nil
}
