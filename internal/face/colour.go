package face

import (
	"image"
	"image/color"

	"payterm/drivers/camera"
)

// still is a copy of one frame, kept for the crop in a buffer reused
// from frame to frame: luma alone (Feed), or the camera frame's own
// bytes (FeedFrame), converted to colour only when the crop is made.
type still struct {
	kind          camera.PixelFormat // Gray, RGBA, or Raw (YUYV when stride > 0, else JPEG)
	width, height int
	stride        int
	pix           []byte
}

// keepGray copies g.
func (s *still) keepGray(g *image.Gray) {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	s.kind, s.width, s.height, s.stride = camera.Gray, w, h, w
	s.pix = grow(s.pix, w*h)
	for y := range h {
		copy(s.pix[y*w:(y+1)*w], g.Pix[g.PixOffset(g.Rect.Min.X, g.Rect.Min.Y+y):])
	}
}

// keepFrame copies f's bytes as they are.
func (s *still) keepFrame(f *camera.Frame) {
	s.kind, s.width, s.height, s.stride = f.Pixels, f.Width, f.Height, f.Stride
	s.pix = grow(s.pix, len(f.Pix))
	copy(s.pix, f.Pix)
}

func (s *still) wipe() {
	clear(s.pix)
	s.width, s.height = 0, 0
}

func grow(b []byte, n int) []byte {
	if cap(b) < n {
		clear(b)
		return make([]byte, n)
	}
	return b[:n]
}

// sampler gives the kept frame's colours; a JPEG frame is decoded now.
func (s *still) sampler() (sampler, error) {
	switch {
	case s.kind == camera.Gray:
		return graySampler{s}, nil
	case s.kind == camera.RGBA:
		return rgbaSampler{s}, nil
	case s.kind == camera.Raw && s.stride > 0:
		return yuyvSampler{s}, nil
	}
	var d camera.JPEGDecoder
	img, err := d.Decode(s.pix)
	if err != nil {
		return nil, err
	}
	return imageSampler{img}, nil
}

type graySampler struct{ s *still }

func (g graySampler) rgb(x, y int) (r, gr, b uint8, ok bool) {
	if x < 0 || y < 0 || x >= g.s.width || y >= g.s.height {
		return 0, 0, 0, false
	}
	v := g.s.pix[y*g.s.stride+x]
	return v, v, v, true
}

type rgbaSampler struct{ s *still }

func (c rgbaSampler) rgb(x, y int) (r, g, b uint8, ok bool) {
	if x < 0 || y < 0 || x >= c.s.width || y >= c.s.height {
		return 0, 0, 0, false
	}
	p := c.s.pix[y*c.s.stride+4*x:]
	return p[0], p[1], p[2], true
}

// yuyvSampler reads studio-range BT.601 YUYV, as V4L2 sends it.
type yuyvSampler struct{ s *still }

func (c yuyvSampler) rgb(x, y int) (r, g, b uint8, ok bool) {
	if x < 0 || y < 0 || x >= c.s.width || y >= c.s.height {
		return 0, 0, 0, false
	}
	p := c.s.pix[y*c.s.stride+4*(x/2):]
	yy := p[2*(x%2)]
	// color.YCbCrToRGB is full range (JFIF); stretch Y and chroma first.
	Y := clampByte((int(yy) - 16) * 255 / 219)
	cb := clampByte(128 + (int(p[1])-128)*255/224)
	cr := clampByte(128 + (int(p[3])-128)*255/224)
	r, g, b = color.YCbCrToRGB(Y, cb, cr)
	return r, g, b, true
}

func clampByte(v int) uint8 { return uint8(min(max(v, 0), 255)) }

type imageSampler struct{ img image.Image }

func (c imageSampler) rgb(x, y int) (r, g, b uint8, ok bool) {
	bd := c.img.Bounds()
	if !image.Pt(x+bd.Min.X, y+bd.Min.Y).In(bd) {
		return 0, 0, 0, false
	}
	cr, cg, cb, _ := c.img.At(x+bd.Min.X, y+bd.Min.Y).RGBA()
	return uint8(cr >> 8), uint8(cg >> 8), uint8(cb >> 8), true
}
