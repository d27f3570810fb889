package ui

import (
	"fmt"
	"image"
	"image/png"
	"io"
)

// pngState keeps the encoder and its buffers between snapshots.
type pngState struct {
	enc  png.Encoder
	pool onePool
}

// onePool keeps one encoder buffer: snapshots are taken one at a time.
type onePool struct{ b *png.EncoderBuffer }

func (p *onePool) Get() *png.EncoderBuffer  { b := p.b; p.b = nil; return b }
func (p *onePool) Put(b *png.EncoderBuffer) { p.b = b }

// PNG writes the upright screen last rendered as a PNG, favouring speed
// over size (GET /screen.png).
func (r *Renderer) PNG(w io.Writer) error {
	r.png.enc.CompressionLevel = png.BestSpeed
	r.png.enc.BufferPool = &r.png.pool
	img := r.logical
	if r.format == FormatBGRA {
		// Not the hot path: a copy with red and blue back in place.
		img = image.NewRGBA(r.logical.Rect)
		swapRB(img.Pix, r.logical.Pix, img.Stride, img.Rect.Min, img.Rect)
	}
	if err := r.png.enc.Encode(w, img); err != nil {
		return fmt.Errorf("ui: png: %w", err)
	}
	return nil
}
