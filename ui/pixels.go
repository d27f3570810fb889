package ui

import (
	"image"
	"image/color"

	"payterm/firmware/checkout"
)

// PixelFormat is the byte order of the Renderer's panel image.
type PixelFormat int

const (
	// FormatRGBA (the default): bytes R, G, B, A, an *image.RGBA.
	FormatRGBA PixelFormat = iota
	// FormatBGRA: bytes B, G, R, A — the memory of an XRGB8888 (or
	// ARGB8888) framebuffer on a little-endian CPU, so the frame reaches
	// the panel by a plain copy. Alpha is always 0xff, which such a
	// panel reads as padding or opaque.
	FormatBGRA
)

// BGRA is an image whose pixels are 4 bytes B, G, R, A (alpha
// premultiplied, as image.RGBA): the panel image of a FormatBGRA
// Renderer. At gives the true colours.
type BGRA struct {
	Pix    []uint8
	Stride int
	Rect   image.Rectangle
}

func (p *BGRA) ColorModel() color.Model { return color.RGBAModel }
func (p *BGRA) Bounds() image.Rectangle { return p.Rect }

func (p *BGRA) At(x, y int) color.Color {
	if !(image.Point{x, y}.In(p.Rect)) {
		return color.RGBA{}
	}
	i := p.PixOffset(x, y)
	s := p.Pix[i : i+4 : i+4]
	return color.RGBA{s[2], s[1], s[0], s[3]}
}

// PixOffset is the index of pixel (x, y)'s first byte in Pix.
func (p *BGRA) PixOffset(x, y int) int {
	return (y-p.Rect.Min.Y)*p.Stride + (x-p.Rect.Min.X)*4
}

// swapRB copies rectangle r of src into dst (same bounds) with the first
// and third byte of each pixel exchanged: RGBA ↔ BGRA.
func swapRB(dst, src []byte, stride int, origin image.Point, r image.Rectangle) {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		o := (y-origin.Y)*stride + (r.Min.X-origin.X)*4
		n := r.Dx() * 4
		d, s := dst[o:o+n:o+n], src[o:o+n:o+n]
		for i := 0; i+4 <= n; i += 4 {
			p := s[i : i+4 : i+4]
			q := d[i : i+4 : i+4]
			q[0], q[1], q[2], q[3] = p[2], p[1], p[0], p[3]
		}
	}
}

// other is the panel in the format the Renderer does not draw in, kept
// up to date over damage only when asked for: Render on a FormatBGRA
// Renderer, RenderBGRA on a FormatRGBA one. Tests and screenshots use
// it; the firmware asks for the Renderer's own format.
func (r *Renderer) other() []byte {
	if r.conv == nil {
		r.conv = make([]byte, len(r.panel.Pix))
		r.convLag = append(r.convLag[:0], r.panel.Rect)
	}
	for _, d := range r.convLag {
		swapRB(r.conv, r.panel.Pix, r.panel.Stride, r.panel.Rect.Min, d)
	}
	r.convLag = r.convLag[:0]
	return r.conv
}

// lagConv notes damage the other-format copy has not caught up with.
func (r *Renderer) lagConv(damage []image.Rectangle) {
	if r.conv == nil {
		return
	}
	if len(r.convLag)+len(damage) > 64 {
		r.convLag = append(r.convLag[:0], r.panel.Rect)
		return
	}
	r.convLag = append(r.convLag, damage...)
}

// RenderBGRA draws v like Render and returns the panel as B, G, R, A
// bytes. On a FormatBGRA Renderer that is the Renderer's own image and
// costs nothing more; on a FormatRGBA one the damage is converted into a
// second image. The image changes on the next render.
func (r *Renderer) RenderBGRA(v checkout.View) (*BGRA, []image.Rectangle) {
	damage := r.render(v)
	pix := r.panel.Pix
	if r.format != FormatBGRA {
		pix = r.other()
	}
	return &BGRA{Pix: pix, Stride: r.panel.Stride, Rect: r.panel.Rect}, damage
}
