package ui

import (
	"encoding/binary"
	"image"
)

// tile is the side of the square the rotation copies at a time, so the
// source rows it reads stay in cache while it writes panel rows.
const tile = 32

// rotate copies the upright rectangle u of the logical image onto the
// panel image, turned by the layout's rotation. At Rotation 0 they are
// the same image and there is nothing to do.
func (r *Renderer) rotate(u image.Rectangle) {
	l := r.layout
	if l.Rotation == 0 {
		return
	}
	src, dst := r.logical, r.panel
	p := l.toPanel(u)
	le := binary.LittleEndian
	for ty := p.Min.Y; ty < p.Max.Y; ty += tile {
		for tx := p.Min.X; tx < p.Max.X; tx += tile {
			x1 := min(tx+tile, p.Max.X)
			for py := ty; py < min(ty+tile, p.Max.Y); py++ {
				d := dst.Pix[dst.PixOffset(tx, py):dst.PixOffset(x1, py)]
				var s, step int // source offset of the run's first pixel, and per pixel
				switch l.Rotation {
				case 90: // panel (px, py) shows upright (py, W-1-px)
					s, step = src.PixOffset(py, l.W-1-tx), -src.Stride
				case 180: // (W-1-px, H-1-py)
					s, step = src.PixOffset(l.W-1-tx, l.H-1-py), -4
				case 270: // (H-1-py, px)
					s, step = src.PixOffset(l.H-1-py, tx), src.Stride
				}
				for i := 0; i+4 <= len(d); i += 4 {
					le.PutUint32(d[i:], le.Uint32(src.Pix[s:]))
					s += step
				}
			}
		}
	}
}
