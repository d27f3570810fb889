package ui

import (
	"encoding/binary"
	"image"
	"image/color"
	"image/draw"
)

// The canvas's own pixel loops. image/draw is general (any alpha, any
// source) and pays for it per pixel; every colour the screens paint is
// opaque, so a pixel here is one 32-bit word: written whole under full
// coverage, lerped two channels at a time under partial coverage. They
// work on the bytes alone, so they serve RGBA and BGRA panels alike.

// fillRect paints r (within dst's bounds) with the opaque colour col:
// the first row is built by doubling copies, the rest are row copies.
func fillRect(dst *image.RGBA, r image.Rectangle, col color.RGBA) {
	r = r.Intersect(dst.Rect)
	if r.Empty() {
		return
	}
	n := r.Dx() * 4
	o := dst.PixOffset(r.Min.X, r.Min.Y)
	row := dst.Pix[o : o+n : o+n]
	row[0], row[1], row[2], row[3] = col.R, col.G, col.B, col.A
	for k := 4; k < n; k *= 2 {
		copy(row[k:], row[:k])
	}
	for y := r.Min.Y + 1; y < r.Max.Y; y++ {
		o += dst.Stride
		copy(dst.Pix[o:o+n:o+n], row)
	}
}

// maskOver composites the opaque colour col through mask onto r of dst
// (r within dst's bounds; mask pixel mp lands on r.Min): each pixel
// becomes col·a + dst·(1−a), a the mask's coverage. The same result as
// draw.DrawMask with draw.Over to within one level of rounding. A
// translucent col goes through image/draw. tabs (may be nil) remembers
// blends of col over the background the mask's first partial pixel
// lies on: text and corners are drawn over a plain background, so most
// partial pixels become a table load.
func maskOver(dst *image.RGBA, r image.Rectangle, mask *image.Alpha, mp image.Point, col color.RGBA, tabs *blendTabs) {
	if col.A != 0xff {
		draw.DrawMask(dst, r, &image.Uniform{C: col}, image.Point{}, mask, mp, draw.Over)
		return
	}
	if r.Empty() {
		return
	}
	s := uint32(col.R) | uint32(col.G)<<8 | uint32(col.B)<<16 | uint32(col.A)<<24
	sRB, sGA := s&0x00ff00ff, s>>8&0x00ff00ff
	var tab *[256]uint32
	var bg uint32
	w := r.Dx()
	di := dst.PixOffset(r.Min.X, r.Min.Y)
	mi := mask.PixOffset(mp.X, mp.Y)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		m := mask.Pix[mi : mi+w : mi+w]
		d := dst.Pix[di : di+4*w : di+4*w]
		for x := 0; x < len(m); {
			// Masks are mostly empty or full: take eight pixels at once
			// when they are.
			end := len(m)
			if x+8 <= len(m) {
				switch binary.LittleEndian.Uint64(m[x:]) {
				case 0:
					x += 8
					continue
				case ^uint64(0):
					for p := d[4*x : 4*x+32 : 4*x+32]; len(p) >= 4; p = p[4:] {
						binary.LittleEndian.PutUint32(p, s)
					}
					x += 8
					continue
				}
				end = x + 8
			}
			for ; x < end; x++ {
				a := uint32(m[x])
				if a == 0 {
					continue
				}
				p := d[4*x : 4*x+4 : 4*x+4]
				if a == 0xff {
					binary.LittleEndian.PutUint32(p, s)
					continue
				}
				v := binary.LittleEndian.Uint32(p)
				if tab == nil && tabs != nil {
					tab, bg = tabs.get(s, v), v
				}
				if v == bg && tab != nil {
					// An opaque blend is never 0: 0 marks an entry not
					// yet computed.
					t := tab[a]
					if t == 0 {
						t = lerp(v&0x00ff00ff, sRB, a) | lerp(v>>8&0x00ff00ff, sGA, a)<<8
						tab[a] = t
					}
					binary.LittleEndian.PutUint32(p, t)
					continue
				}
				binary.LittleEndian.PutUint32(p, lerp(v&0x00ff00ff, sRB, a)|lerp(v>>8&0x00ff00ff, sGA, a)<<8)
			}
		}
		di += dst.Stride
		mi += mask.Stride
	}
}

// blendTabs remembers, for the last few pairs of an opaque colour and
// the pixel under it, the blend at each coverage. The zero value is
// empty and ready.
type blendTabs struct {
	next int
	keys [8][2]uint32 // colour, background; both 0 in an unused slot
	tabs [8][256]uint32
}

// get is the table of fg over bg, emptied when the pair takes the
// oldest slot.
func (b *blendTabs) get(fg, bg uint32) *[256]uint32 {
	for i, k := range b.keys {
		if k == [2]uint32{fg, bg} && fg|bg != 0 {
			return &b.tabs[i]
		}
	}
	i := b.next
	b.next = (b.next + 1) % len(b.keys)
	b.keys[i] = [2]uint32{fg, bg}
	clear(b.tabs[i][:])
	return &b.tabs[i]
}

// lerp blends two pairs of 8-bit channels (in bits 0–7 and 16–23) from d
// towards s by a/255, rounded.
func lerp(d, s, a uint32) uint32 {
	t := d*(0xff-a) + s*a + 0x00800080
	return (t + (t >> 8 & 0x00ff00ff)) >> 8 & 0x00ff00ff
}
