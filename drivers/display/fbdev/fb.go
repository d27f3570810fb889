package fbdev

import (
	"errors"
	"fmt"
	"image"
	"os"
	"sync"

	"payterm/drivers/display"
)

var (
	_ display.Display    = (*FB)(nil)
	_ display.BGRADrawer = (*FB)(nil)
	_ display.Checker    = (*FB)(nil)
)

// FB is an open framebuffer. Safe for concurrent use; draws are serialised.
type FB struct {
	name   string // device path
	id     string // driver name from fix screeninfo
	dev    device
	lay    *layout
	bounds image.Rectangle

	mu      sync.Mutex
	mapping []byte // the whole mmap, for munmap
	mem     []byte // smem_len bytes of pixels
	halted  bool
	panInfo varScreenInfo // FBIOPAN_DISPLAY argument; only the offsets change
	// Double-buffering state: front is the page on screen; lag[i] lists
	// the rectangles where page i is behind the last frame drawn.
	front int
	lag   [2][]image.Rectangle
	// scratch turns a run of BGRA pixels into RGBA for a panel that is
	// not BGRA itself.
	scratch [4 * 256]byte
}

// maxLag bounds a page's lag list; past it the page is redrawn whole.
const maxLag = 64

// newFB reads the screen description from dev, maps the framebuffer and
// unblanks it. On error dev is left open for the caller to close.
func newFB(name string, dev device) (*FB, error) {
	var v varScreenInfo
	var f fixScreenInfo
	if err := dev.varInfo(&v); err != nil {
		return nil, fmt.Errorf("fbdev: %s: FBIOGET_VSCREENINFO: %w", name, err)
	}
	if err := dev.fixInfo(&f); err != nil {
		return nil, fmt.Errorf("fbdev: %s: FBIOGET_FSCREENINFO: %w", name, err)
	}
	lay, err := newLayout(&v, &f, os.Getpagesize())
	if err != nil {
		return nil, fmt.Errorf("fbdev: %s: %w", name, err)
	}
	mapping, err := dev.mmap(lay.mapLen)
	if err != nil {
		return nil, fmt.Errorf("fbdev: %s: mmap %d bytes: %w", name, lay.mapLen, err)
	}
	if len(mapping) < lay.mapLen {
		_ = dev.munmap(mapping)
		return nil, fmt.Errorf("fbdev: %s: mmap gave %d bytes, want %d", name, len(mapping), lay.mapLen)
	}
	// A console blanker or an earlier Halt may have left the panel dark.
	// Drivers without blanking support fail this; the panel is lit then.
	_ = dev.blank(blankUnblank)

	fb := &FB{
		name: name, id: f.id(), dev: dev, lay: lay,
		bounds:  image.Rect(0, 0, lay.width, lay.height),
		mapping: mapping,
		mem:     mapping[lay.mapOffset:lay.mapLen],
		panInfo: v,
		front:   lay.front,
	}
	// Nothing is known about either page's contents yet.
	fb.lag = [2][]image.Rectangle{{fb.bounds}, {fb.bounds}}
	fb.panInfo.Vmode &^= vmodeYWrap
	return fb, nil
}

func (fb *FB) String() string {
	mode := "direct"
	if fb.lay.pages == 2 {
		mode = "double-buffered"
	}
	return fmt.Sprintf("fbdev %s (%s) %dx%d %s %s",
		fb.name, fb.id, fb.lay.width, fb.lay.height, fb.lay.format.name, mode)
}

// Bounds is the visible resolution, origin (0,0).
func (fb *FB) Bounds() image.Rectangle { return fb.bounds }

// Draw copies the damaged rectangles of src (nil: all of it) to the panel.
// src must have exactly the panel's bounds and hold the whole current
// frame: with double buffering, Draw also refreshes the hidden page from it
// where the previous frame changed. Empty damage draws nothing.
func (fb *FB) Draw(src *image.RGBA, damage []image.Rectangle) error {
	if src.Rect != fb.bounds {
		return fmt.Errorf("fbdev: draw: frame %v, panel %v", src.Rect, fb.bounds)
	}
	return fb.draw(frame{pix: src.Pix, stride: src.Stride}, damage)
}

// NativeBGRA reports whether the framebuffer's memory is B, G, R, X
// (XRGB8888 or ARGB8888 on a little-endian CPU): DrawBGRA then copies.
func (fb *FB) NativeBGRA() bool { return fb.lay.format.bgra() }

// DrawBGRA is Draw for a frame of B, G, R, A pixels from (0,0), rows
// stride bytes apart; on a NativeBGRA panel each damaged row is a copy.
func (fb *FB) DrawBGRA(pix []byte, stride int, damage []image.Rectangle) error {
	if stride < 4*fb.bounds.Dx() || len(pix) < stride*(fb.bounds.Dy()-1)+4*fb.bounds.Dx() {
		return fmt.Errorf("fbdev: draw: BGRA frame of %d bytes, stride %d, for a %v panel", len(pix), stride, fb.bounds)
	}
	return fb.draw(frame{pix: pix, stride: stride, bgra: true}, damage)
}

// frame is a source of 32-bit pixels: R, G, B, A or, with bgra, B, G, R, A.
type frame struct {
	pix    []byte
	stride int
	bgra   bool
}

func (fb *FB) draw(src frame, damage []image.Rectangle) error {
	fb.mu.Lock()
	defer fb.mu.Unlock()
	if fb.halted {
		return errors.New("fbdev: draw: halted")
	}
	rects := fb.clip(damage)
	if len(rects) == 0 {
		return nil
	}
	if fb.lay.pages == 1 {
		fb.copyRects(fb.lay.origin[0], src, rects)
		return nil
	}

	// Bring the hidden page up to this frame, show it, and remember that
	// the page going into hiding now lacks this frame's damage.
	back := 1 - fb.front
	fb.copyRects(fb.lay.origin[back], src, append(fb.lag[back], rects...))
	fb.lag[back] = fb.lag[back][:0]
	fb.lag[fb.front] = fb.behind(fb.lag[fb.front], rects)

	fb.panInfo.XOffset = 0
	fb.panInfo.YOffset = uint32(back * fb.lay.height)
	if err := fb.dev.pan(&fb.panInfo); err != nil {
		// The old page stays on screen; the lag lists still hold, so the
		// next Draw writes the same hidden page and tries again.
		return fmt.Errorf("fbdev: %s: FBIOPAN_DISPLAY to line %d: %w", fb.name, fb.panInfo.YOffset, err)
	}
	fb.front = back
	return nil
}

// behind adds rects to a page's lag list, collapsing it to the whole panel
// when it grows long or already covers everything.
func (fb *FB) behind(lag, rects []image.Rectangle) []image.Rectangle {
	if len(lag) == 1 && lag[0] == fb.bounds {
		return lag
	}
	if len(lag)+len(rects) > maxLag {
		return append(lag[:0], fb.bounds)
	}
	return append(lag, rects...)
}

// clip intersects damage with the panel and drops empty rectangles; nil
// damage means the whole panel.
func (fb *FB) clip(damage []image.Rectangle) []image.Rectangle {
	if damage == nil {
		return []image.Rectangle{fb.bounds}
	}
	out := make([]image.Rectangle, 0, len(damage))
	for _, r := range damage {
		if r = r.Intersect(fb.bounds); !r.Empty() {
			out = append(out, r)
		}
	}
	return out
}

// copyRects converts rects of src into the page whose pixel (0,0) is at
// byte origin of smem. Rects lie within the panel.
func (fb *FB) copyRects(origin int, src frame, rects []image.Rectangle) {
	l := fb.lay
	for _, r := range rects {
		n := r.Dx()
		for y := r.Min.Y; y < r.Max.Y; y++ {
			so := y*src.stride + 4*r.Min.X
			do := origin + y*l.stride + r.Min.X*l.format.size
			dst, row := fb.mem[do:do+n*l.format.size], src.pix[so:so+4*n]
			if src.bgra {
				l.format.rowBGRA(dst, row, n, fb.scratch[:])
			} else {
				l.format.row(dst, row, n)
			}
		}
	}
}

// Check asks the driver for the screen description again: the panel
// must still answer with the resolution and pixel format FB draws in
// (a driver unbound, or a mode changed under it, fails).
func (fb *FB) Check() error {
	fb.mu.Lock()
	defer fb.mu.Unlock()
	if fb.halted {
		return fmt.Errorf("fbdev: %s: halted", fb.name)
	}
	var v varScreenInfo
	if err := fb.dev.varInfo(&v); err != nil {
		return fmt.Errorf("fbdev: %s: FBIOGET_VSCREENINFO: %w", fb.name, err)
	}
	f, err := newFormat(&v)
	if err != nil {
		return fmt.Errorf("fbdev: %s: %w", fb.name, err)
	}
	if int(v.XRes) != fb.lay.width || int(v.YRes) != fb.lay.height || f.name != fb.lay.format.name {
		return fmt.Errorf("fbdev: %s: panel now %dx%d %s, opened as %dx%d %s",
			fb.name, v.XRes, v.YRes, f.name, fb.lay.width, fb.lay.height, fb.lay.format.name)
	}
	return nil
}

// Halt paints the framebuffer black, blanks the panel (FB_BLANK_POWERDOWN),
// unmaps the memory and closes the device. Every step runs; the error joins
// those that failed. Later calls return nil; later draws fail.
func (fb *FB) Halt() error {
	fb.mu.Lock()
	defer fb.mu.Unlock()
	if fb.halted {
		return nil
	}
	fb.halted = true
	// Black first, so drivers that cannot blank still go dark.
	clear(fb.mem)
	var errs []error
	if err := fb.dev.blank(blankPowerdown); err != nil {
		errs = append(errs, fmt.Errorf("fbdev: %s: FBIOBLANK: %w", fb.name, err))
	}
	if err := fb.dev.munmap(fb.mapping); err != nil {
		errs = append(errs, fmt.Errorf("fbdev: %s: munmap: %w", fb.name, err))
	}
	fb.mapping, fb.mem = nil, nil
	if err := fb.dev.close(); err != nil {
		errs = append(errs, fmt.Errorf("fbdev: %s: close: %w", fb.name, err))
	}
	return errors.Join(errs...)
}
