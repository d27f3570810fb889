// Package displaysim is the simulated twin of a display: an in-memory
// panel whose frames the virtual terminal serves to a browser.
package displaysim

import (
	"errors"
	"fmt"
	"image"
	"image/draw"
	"sync"

	"payterm/drivers/display"
)

var _ display.Display = (*Panel)(nil)

// Panel is an in-memory display. Safe for concurrent use: the firmware
// draws while the web page reads.
type Panel struct {
	mu      sync.Mutex
	img     *image.RGBA
	frame   uint64
	halted  bool
	changed chan struct{} // closed and replaced on every Draw
}

// New returns a w×h panel, black.
func New(w, h int) *Panel {
	return &Panel{img: image.NewRGBA(image.Rect(0, 0, w, h)), changed: make(chan struct{})}
}

func (p *Panel) String() string {
	return fmt.Sprintf("displaysim %dx%d", p.img.Rect.Dx(), p.img.Rect.Dy())
}

// Halt blanks the panel; later draws fail.
func (p *Panel) Halt() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.halted = true
	draw.Draw(p.img, p.img.Rect, image.Black, image.Point{}, draw.Src)
	return nil
}

func (p *Panel) Bounds() image.Rectangle { return p.img.Rect }

// Draw copies the damaged rectangles of src.
func (p *Panel) Draw(src *image.RGBA, damage []image.Rectangle) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.halted {
		return errors.New("displaysim: halted")
	}
	if src.Rect != p.img.Rect {
		return fmt.Errorf("displaysim: frame %v, panel %v", src.Rect, p.img.Rect)
	}
	if damage == nil {
		damage = []image.Rectangle{p.img.Rect}
	}
	for _, r := range damage {
		r = r.Intersect(p.img.Rect)
		draw.Draw(p.img, r, src, r.Min, draw.Src)
	}
	p.frame++
	close(p.changed)
	p.changed = make(chan struct{})
	return nil
}

// Snapshot returns a copy of the panel and its frame number.
func (p *Panel) Snapshot() (*image.RGBA, uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := image.NewRGBA(p.img.Rect)
	copy(c.Pix, p.img.Pix)
	return c, p.frame
}

// Changed returns a channel closed at the next Draw.
func (p *Panel) Changed() <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.changed
}
