package fbdev

import (
	"encoding/binary"
	"fmt"
)

// format converts rows of RGBA pixels into one framebuffer pixel layout.
// RGBA's premultiplied alpha is dropped: the firmware's frames are opaque,
// and premultiplied colour is already the colour composed over black.
type format struct {
	name string
	size int // bytes per framebuffer pixel: 2, 3 or 4
	kind formatKind

	// kindShuffle: the memory index of the R, G, B and padding/alpha
	// bytes of a pixel. kindPacked: where the least significant byte of a
	// native-endian value goes (idx[0]) and the most significant (idx[1]
	// for 16 bits, idx[2] for 24).
	idx [4]int

	// kindPacked: each channel's 8-bit value, scaled and shifted into
	// place, and the alpha bits, always set (opaque).
	lut  [3][256]uint32
	fill uint32
}

type formatKind int

const (
	kindPacked  formatKind = iota // any bitfields, via lookup tables
	kindShuffle                   // 32 bpp with byte-aligned 8-bit channels
	kindCopy                      // memory order R, G, B, X: rows copy as they are
)

// newFormat derives the pixel format from the var screeninfo bitfields.
// Channel offsets count bits in a native-endian pixel value, as fb.h says.
func newFormat(v *varScreenInfo) (*format, error) {
	switch {
	case v.Grayscale != 0:
		return nil, fmt.Errorf("grayscale framebuffer not supported")
	case v.Nonstd != 0:
		return nil, fmt.Errorf("non-standard pixel format %#x not supported", v.Nonstd)
	case v.BitsPerPixel != 16 && v.BitsPerPixel != 24 && v.BitsPerPixel != 32:
		return nil, fmt.Errorf("%d bits per pixel not supported", v.BitsPerPixel)
	}
	bits := v.BitsPerPixel
	fields := [4]bitfield{v.Red, v.Green, v.Blue, v.Transp}
	for i, f := range fields {
		if f.MSBRight != 0 {
			return nil, fmt.Errorf("msb_right bitfields not supported")
		}
		if i < 3 && (f.Length == 0 || f.Length > 16) {
			return nil, fmt.Errorf("colour channel of %d bits not supported", f.Length)
		}
		if uint64(f.Offset)+uint64(f.Length) > uint64(bits) {
			return nil, fmt.Errorf("bitfield %d+%d outside a %d-bit pixel", f.Offset, f.Length, bits)
		}
	}
	var used uint32
	for _, f := range fields {
		if used&mask(f) != 0 {
			return nil, fmt.Errorf("overlapping bitfields")
		}
		used |= mask(f)
	}
	f := &format{
		name: fmt.Sprintf("%dbpp r%d:%d g%d:%d b%d:%d", bits,
			v.Red.Offset, v.Red.Length, v.Green.Offset, v.Green.Length, v.Blue.Offset, v.Blue.Length),
		size: int(bits / 8),
	}
	if bits == 32 && byteAligned(v.Red) && byteAligned(v.Green) && byteAligned(v.Blue) &&
		(v.Transp.Length == 0 || byteAligned(v.Transp)) {
		f.kind = kindShuffle
		r, g, b := memByte(v.Red.Offset), memByte(v.Green.Offset), memByte(v.Blue.Offset)
		// The fourth byte is padding or alpha; either way it is written
		// opaque. Channels do not overlap, so the indices sum to 0+1+2+3.
		f.idx = [4]int{r, g, b, 6 - r - g - b}
		if r == 0 && g == 1 && b == 2 && v.Transp.Length == 0 {
			f.kind = kindCopy
		}
		return f, nil
	}

	f.kind = kindPacked
	if bigEndian() {
		f.idx = [4]int{f.size - 1, 0, 0, 0}
	} else {
		f.idx = [4]int{0, 1, 2, 0}
	}
	for c, bf := range fields[:3] {
		for i := range 256 {
			f.lut[c][i] = scale(uint32(i), bf.Length) << bf.Offset
		}
	}
	if v.Transp.Length > 0 {
		f.fill = mask(v.Transp)
	}
	return f, nil
}

// mask is the bits a bitfield covers in a pixel value.
func mask(f bitfield) uint32 {
	return uint32(uint64(1)<<f.Length-1) << f.Offset
}

func byteAligned(f bitfield) bool { return f.Length == 8 && f.Offset%8 == 0 }

func bigEndian() bool {
	var b [2]byte
	binary.NativeEndian.PutUint16(b[:], 1)
	return b[0] == 0
}

// memByte is the memory index (0..3) of the byte that holds bits
// [offset, offset+8) of a native-endian 32-bit pixel.
func memByte(offset uint32) int {
	var b [4]byte
	binary.NativeEndian.PutUint32(b[:], 0xff<<offset)
	for i, c := range b {
		if c != 0 {
			return i
		}
	}
	return 0
}

// scale widens or narrows an 8-bit channel value to n bits, keeping full
// scale: 0xff becomes all ones.
func scale(v, n uint32) uint32 {
	if n <= 8 {
		return v >> (8 - n)
	}
	w := v << (n - 8)
	return w | v>>(16-n) // replicate high bits into the new low ones
}

// row converts n RGBA pixels from src into dst. dst holds n*f.size bytes,
// src n*4. The loops take fixed-size subslices so the compiler drops the
// per-byte bounds checks; that halves the cost of a frame.
func (f *format) row(dst, src []byte, n int) {
	src = src[:4*n]
	dst = dst[:f.size*n]
	switch f.kind {
	case kindCopy:
		copy(dst, src)
	case kindShuffle:
		ri, gi, bi, xi := f.idx[0]&3, f.idx[1]&3, f.idx[2]&3, f.idx[3]&3
		for i := 0; i+4 <= len(src); i += 4 {
			s := src[i : i+4 : i+4]
			d := dst[i : i+4 : i+4]
			d[ri], d[gi], d[bi], d[xi] = s[0], s[1], s[2], 0xff
		}
	case kindPacked:
		r, g, b := &f.lut[0], &f.lut[1], &f.lut[2]
		switch f.size {
		case 2:
			lo, hi := f.idx[0]&1, f.idx[1]&1
			for i, j := 0, 0; i+4 <= len(src) && j+2 <= len(dst); i, j = i+4, j+2 {
				s := src[i : i+4 : i+4]
				q := r[s[0]] | g[s[1]] | b[s[2]] | f.fill
				d := dst[j : j+2 : j+2]
				d[lo], d[hi] = byte(q), byte(q>>8)
			}
		case 3:
			lo, hi := f.idx[0]%3, f.idx[2]%3
			for i, j := 0, 0; i+4 <= len(src) && j+3 <= len(dst); i, j = i+4, j+3 {
				s := src[i : i+4 : i+4]
				q := r[s[0]] | g[s[1]] | b[s[2]] | f.fill
				d := dst[j : j+3 : j+3]
				d[lo], d[1], d[hi] = byte(q), byte(q>>8), byte(q>>16)
			}
		case 4:
			for i := 0; i+4 <= len(src); i += 4 {
				s := src[i : i+4 : i+4]
				q := r[s[0]] | g[s[1]] | b[s[2]] | f.fill
				binary.NativeEndian.PutUint32(dst[i:i+4:i+4], q)
			}
		}
	}
}

// bgra reports whether the memory order is B, G, R then padding or alpha:
// a BGRA frame (alpha 0xff) copies as it is.
func (f *format) bgra() bool {
	return f.kind == kindShuffle && f.size == 4 && f.idx[0] == 2 && f.idx[1] == 1 && f.idx[2] == 0
}

// rowBGRA is row for n pixels of B, G, R, A: a copy when the memory is
// BGRA, else swapped into RGBA through scratch, a run at a time.
func (f *format) rowBGRA(dst, src []byte, n int, scratch []byte) {
	if f.bgra() {
		copy(dst[:4*n], src[:4*n])
		return
	}
	run := len(scratch) / 4
	for i := 0; i < n; i += run {
		m := min(run, n-i)
		s, t := src[4*i:4*(i+m)], scratch[:4*m]
		for j := 0; j+4 <= len(s); j += 4 {
			p, q := s[j:j+4:j+4], t[j:j+4:j+4]
			q[0], q[1], q[2], q[3] = p[2], p[1], p[0], p[3]
		}
		f.row(dst[f.size*i:], t, m)
	}
}
