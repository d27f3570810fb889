package camsim

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"

	"payterm/drivers/camera"
)

// source makes the bytes a device would send for each frame.
type source struct {
	f      camera.Format
	stills [][]byte // pre-encoded pictures, shown in turn
	buf    []byte   // the pattern frame, redrawn in place (YUYV)
}

func newSource(f camera.Format, images []image.Image) (*source, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	if f.Encoding == camera.YUYV && f.Width%2 != 0 {
		return nil, fmt.Errorf("camsim: YUYV width %d is odd", f.Width)
	}
	s := &source{f: f, buf: make([]byte, 2*f.Width*f.Height)}
	for _, img := range images {
		b, err := s.still(make([]byte, 2*f.Width*f.Height), img)
		if err != nil {
			return nil, err
		}
		s.stills = append(s.stills, b)
	}
	return s, nil
}

// still converts img into yuyv (2×width×height bytes) as the device
// would send it, a JPEG in MJPEG mode, and returns the bytes.
func (s *source) still(yuyv []byte, img image.Image) ([]byte, error) {
	toYUYV(yuyv, s.f.Width, s.f.Height, img)
	if s.f.Encoding == camera.MJPEG {
		return encodeJPEG(yuyv, s.f.Width, s.f.Height)
	}
	return yuyv, nil
}

// maxSize bounds a frame's bytes, for raw frame buffers.
func (s *source) maxSize() int {
	n := 2 * s.f.Width * s.f.Height
	for _, b := range s.stills {
		n = max(n, len(b))
	}
	if s.f.Encoding == camera.MJPEG {
		// A JPEG of the pattern stays far under its YUYV size; leave room.
		n = 2 * n
	}
	return n
}

// frame returns frame number seq (from 1). The bytes are valid until the
// next call.
func (s *source) frame(seq uint64) []byte {
	if len(s.stills) > 0 {
		return s.stills[(seq-1)%uint64(len(s.stills))]
	}
	drawPattern(s.buf, s.f.Width, s.f.Height, int(seq))
	if s.f.Encoding == camera.YUYV {
		return s.buf
	}
	b, err := encodeJPEG(s.buf, s.f.Width, s.f.Height)
	if err != nil {
		return nil // the converter reports the empty frame
	}
	return b
}

// drawPattern draws the test pattern into a YUYV buffer: a diagonal luma
// ramp with a white bar that moves 8 pixels right each frame, and chroma
// that changes down the picture, so consumers can see motion and colour.
func drawPattern(b []byte, w, h, seq int) {
	bar := (8 * seq) % w
	for y := range h {
		row := b[2*w*y:][:2*w]
		cb := uint8(64 + 128*y/h)
		cr := uint8(192 - 128*y/h)
		for x := 0; x+1 < w; x += 2 {
			y0, y1 := ramp(x, y, w, h), ramp(x+1, y, w, h)
			if d := x - bar; d >= 0 && d < w/16+2 {
				y0, y1 = 235, 235
			}
			row[2*x], row[2*x+1], row[2*x+2], row[2*x+3] = y0, cb, y1, cr
		}
	}
}

func ramp(x, y, w, h int) uint8 { return uint8(16 + 200*(x+y)/(w+h)) }

// toYUYV scales img to w×h (nearest neighbour) into a limited-range
// BT.601 YUYV buffer, as a camera would send it.
func toYUYV(b []byte, w, h int, img image.Image) {
	r := img.Bounds()
	if ycc, ok := img.(*image.YCbCr); ok {
		// A decoded JPEG (a browser's webcam frame): read the samples
		// directly, per pixel interface calls cost ten times as much.
		at := func(x, y int) (uint8, uint8, uint8) {
			sx, sy := r.Min.X+x*r.Dx()/w, r.Min.Y+y*r.Dy()/h
			yi, ci := ycc.YOffset(sx, sy), ycc.COffset(sx, sy)
			return limited(ycc.Y[yi], 16, 219), limited(ycc.Cb[ci], 128-112, 224), limited(ycc.Cr[ci], 128-112, 224)
		}
		packYUYV(b, w, h, at)
		return
	}
	at := func(x, y int) (uint8, uint8, uint8) {
		c := color.RGBAModel.Convert(img.At(r.Min.X+x*r.Dx()/w, r.Min.Y+y*r.Dy()/h)).(color.RGBA)
		Y, cb, cr := color.RGBToYCbCr(c.R, c.G, c.B)
		return limited(Y, 16, 219), limited(cb, 128-112, 224), limited(cr, 128-112, 224)
	}
	packYUYV(b, w, h, at)
}

// packYUYV fills a w×h YUYV buffer from the samples at gives for each
// pixel, averaging chroma over each pair.
func packYUYV(b []byte, w, h int, at func(x, y int) (uint8, uint8, uint8)) {
	for y := range h {
		for x := 0; x+1 < w; x += 2 {
			y0, cb0, cr0 := at(x, y)
			y1, cb1, cr1 := at(x+1, y)
			o := 2 * (w*y + x)
			b[o], b[o+1], b[o+2], b[o+3] = y0, uint8((int(cb0)+int(cb1))/2), y1, uint8((int(cr0)+int(cr1))/2)
		}
	}
}

// limited maps a full-range sample into [lo, lo+span].
func limited(v uint8, lo, span int) uint8 { return uint8(lo + (int(v)*span+127)/255) }

// encodeJPEG compresses a YUYV picture as a camera's MJPEG mode would.
func encodeJPEG(yuyv []byte, w, h int) ([]byte, error) {
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio422)
	for y := range h {
		for x := 0; x+1 < w; x += 2 {
			o := 2 * (w*y + x)
			img.Y[y*img.YStride+x] = full(yuyv[o], 16, 219)
			img.Y[y*img.YStride+x+1] = full(yuyv[o+2], 16, 219)
			ci := img.COffset(x, y)
			img.Cb[ci] = full(yuyv[o+1], 16, 224)
			img.Cr[ci] = full(yuyv[o+3], 16, 224)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		return nil, fmt.Errorf("camsim: jpeg: %w", err)
	}
	return buf.Bytes(), nil
}

// full maps a limited-range sample back to 0–255, saturating.
func full(v uint8, lo, span int) uint8 {
	n := (int(v) - lo) * 255 / span
	return uint8(min(max(n, 0), 255))
}
