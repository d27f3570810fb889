package camera

import (
	"encoding/binary"
	"fmt"
	"image"
)

// YUYVToGray copies the luma of a YUYV picture into dst, whose bounds
// give the size; src rows start srcStride bytes apart. Luma is copied as
// is (see Gray).
func YUYVToGray(dst *image.Gray, src []byte, srcStride int) error {
	w, h := dst.Rect.Dx(), dst.Rect.Dy()
	if err := checkYUYV(len(src), srcStride, w, h); err != nil {
		return err
	}
	for y := range h {
		d := dst.Pix[dst.PixOffset(dst.Rect.Min.X, dst.Rect.Min.Y+y):][:w]
		lumaRow(d, src[y*srcStride:][:2*w])
	}
	return nil
}

// lumaRow takes every other byte of s (the Ys) into d; len(s) is
// 2×len(d). Eight pixels go per pair of 8-byte loads, the rest one by one.
func lumaRow(d, s []byte) {
	i := 0
	for ; i+8 <= len(d); i += 8 {
		lo := evens(binary.LittleEndian.Uint64(s[2*i:]))
		hi := evens(binary.LittleEndian.Uint64(s[2*i+8:]))
		binary.LittleEndian.PutUint64(d[i:], lo|hi<<32)
	}
	for ; i < len(d); i++ {
		d[i] = s[2*i]
	}
}

// evens packs bytes 0, 2, 4 and 6 of v into its low 32 bits.
func evens(v uint64) uint64 {
	v &= 0x00ff00ff00ff00ff
	v = (v | v>>8) & 0x0000ffff0000ffff
	return (v | v>>16) & 0xffffffff
}

// YUYVToRGBA converts a YUYV picture to dst, whose bounds give the size
// (an even width); src rows start srcStride bytes apart. Samples are
// read in range r with BT.601 coefficients in 16.16 fixed point.
func YUYVToRGBA(dst *image.RGBA, src []byte, srcStride int, r Range) error {
	w, h := dst.Rect.Dx(), dst.Rect.Dy()
	if w%2 != 0 {
		return fmt.Errorf("camera: YUYV width %d is odd", w)
	}
	if err := checkYUYV(len(src), srcStride, w, h); err != nil {
		return err
	}
	k := coefficients(r)
	for y := range h {
		d := dst.Pix[dst.PixOffset(dst.Rect.Min.X, dst.Rect.Min.Y+y):][:4*w]
		k.row(d, src[y*srcStride:][:2*w])
	}
	return nil
}

// ycc holds the BT.601 YCbCr→RGB matrix for one range, scaled by 2^16.
type ycc struct {
	yOff, ky, kr, kgu, kgv, kb int32
}

func coefficients(r Range) ycc {
	if r == Full {
		// R = Y + 1.402 Cr; G = Y − 0.344136 Cb − 0.714136 Cr; B = Y + 1.772 Cb.
		return ycc{yOff: 0, ky: 65536, kr: 91881, kgu: 22554, kgv: 46802, kb: 116130}
	}
	// The same with Y scaled by 255/219 and Cb, Cr by 255/224 (ITU-R BT.601).
	return ycc{yOff: 16, ky: 76309, kr: 104597, kgu: 25675, kgv: 53279, kb: 132201}
}

// row converts one row: s holds 2×n bytes, d 4×n, n even.
func (k ycc) row(d, s []byte) {
	for i, o := 0, 0; i+4 <= len(s) && o+8 <= len(d); i, o = i+4, o+8 {
		y0 := (int32(s[i]) - k.yOff) * k.ky
		u := int32(s[i+1]) - 128
		y1 := (int32(s[i+2]) - k.yOff) * k.ky
		v := int32(s[i+3]) - 128
		rc := k.kr*v + 1<<15
		gc := -k.kgu*u - k.kgv*v + 1<<15
		bc := k.kb*u + 1<<15
		p := d[o : o+8 : o+8]
		p[0], p[1], p[2], p[3] = clamp8(y0+rc), clamp8(y0+gc), clamp8(y0+bc), 0xff
		p[4], p[5], p[6], p[7] = clamp8(y1+rc), clamp8(y1+gc), clamp8(y1+bc), 0xff
	}
}

// clamp8 takes a 16.16 value to a byte, saturating.
func clamp8(v int32) uint8 {
	v >>= 16
	if uint32(v) > 0xff {
		if v < 0 {
			return 0
		}
		return 0xff
	}
	return uint8(v)
}

// checkYUYV reports a buffer too small for a w×h YUYV picture.
func checkYUYV(n, stride, w, h int) error {
	if w < 0 || h < 0 || stride < 2*w {
		return fmt.Errorf("camera: YUYV %dx%d with stride %d", w, h, stride)
	}
	if h == 0 || w == 0 {
		return nil
	}
	if need := stride*(h-1) + 2*w; n < need {
		return fmt.Errorf("camera: YUYV %dx%d needs %d bytes, got %d", w, h, need, n)
	}
	return nil
}
