package camera

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

func TestConvertYUYV(t *testing.T) {
	const w, h, stride = 6, 4, 16
	src := yuyv(w, h, stride, func(x, y int) (uint8, uint8, uint8) { return uint8(16 + 10*x + 20*y), 128, 128 })
	for _, pix := range []PixelFormat{Gray, RGBA, Raw} {
		f := Format{Width: w, Height: h, Encoding: YUYV, Pixels: pix}
		fr := newFrame(t, f, len(src))
		c, err := NewConverter(f, stride)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Convert(fr, src); err != nil {
			t.Fatal(err)
		}
		if fr.Width != w || fr.Height != h || fr.Pixels != pix {
			t.Fatalf("%v: frame says %dx%d %v", pix, fr.Width, fr.Height, fr.Pixels)
		}
		switch pix {
		case Gray:
			g := fr.Gray()
			if fr.RGBA() != nil || g.GrayAt(5, 3).Y != 16+50+60 {
				t.Fatalf("gray (5,3) = %d", g.GrayAt(5, 3).Y)
			}
		case RGBA:
			// Neutral chroma: R = G = B, luma stretched from 16–235.
			c := fr.RGBA().RGBAAt(0, 0)
			if fr.Gray() != nil || c != (color.RGBA{0, 0, 0, 255}) {
				t.Fatalf("RGBA (0,0) = %v", c)
			}
		case Raw:
			if fr.Stride != stride || !bytes.Equal(fr.Pix, src) {
				t.Fatalf("raw frame: stride %d, %d bytes", fr.Stride, len(fr.Pix))
			}
		}
	}
}

// newFrame is a frame from a pool of one.
func newFrame(t *testing.T, f Format, rawSize int) *Frame {
	t.Helper()
	p, err := NewPool(1, f, rawSize)
	if err != nil {
		t.Fatal(err)
	}
	return p.Get()
}

func testJPEG(t *testing.T, w, h int) ([]byte, image.Image) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetRGBA(x, y, color.RGBA{uint8(8 * x), uint8(8 * y), 128, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	ref, err := jpeg.Decode(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), ref
}

func TestConvertMJPEG(t *testing.T) {
	const w, h = 24, 16
	src, ref := testJPEG(t, w, h)
	for _, pix := range []PixelFormat{Gray, RGBA, Raw} {
		f := Format{Width: w, Height: h, Encoding: MJPEG, Pixels: pix}
		fr := newFrame(t, f, 2*len(src))
		c, err := NewConverter(f, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Convert(fr, src); err != nil {
			t.Fatal(err)
		}
		switch pix {
		case Raw:
			if fr.Stride != 0 || !bytes.Equal(fr.Pix, src) {
				t.Fatal("raw MJPEG frame is not the JPEG")
			}
		case Gray:
			want := ref.(*image.YCbCr).YCbCrAt(7, 9).Y
			if got := fr.Gray().GrayAt(7, 9).Y; got != want {
				t.Fatalf("gray (7,9) = %d, JPEG luma %d", got, want)
			}
		case RGBA:
			r, g, b, _ := ref.At(7, 9).RGBA()
			got := fr.RGBA().RGBAAt(7, 9)
			if got.R != uint8(r>>8) || got.G != uint8(g>>8) || got.B != uint8(b>>8) {
				t.Fatalf("RGBA (7,9) = %v, JPEG (%d,%d,%d)", got, r>>8, g>>8, b>>8)
			}
		}
	}
}

func TestConvertRejectsBadInput(t *testing.T) {
	good, _ := testJPEG(t, 24, 16)
	tests := []struct {
		name string
		f    Format
		src  []byte
	}{
		{"short YUYV", Format{Width: 4, Height: 4, Encoding: YUYV, Pixels: Gray}, make([]byte, 31)},
		{"corrupt JPEG", Format{Width: 24, Height: 16, Encoding: MJPEG, Pixels: Gray}, good[:len(good)/3]},
		{"JPEG of another size", Format{Width: 32, Height: 16, Encoding: MJPEG, Pixels: RGBA}, good},
		{"not a JPEG", Format{Width: 24, Height: 16, Encoding: MJPEG, Pixels: RGBA}, []byte("hello")},
		{"raw bigger than the pool buffer", Format{Width: 4, Height: 4, Encoding: MJPEG, Pixels: Raw}, make([]byte, 65)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fr := newFrame(t, tt.f, 64)
			c, err := NewConverter(tt.f, 0)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Convert(fr, tt.src); err == nil {
				t.Fatal("no error")
			}
		})
	}
}

// stripDHT removes the Huffman table segments, as many UVC cameras send
// their MJPEG frames.
func stripDHT(t *testing.T, b []byte) []byte {
	t.Helper()
	sos, has := scanJPEG(b)
	if sos < 0 || !has {
		t.Fatal("test JPEG has no DHT")
	}
	out := append([]byte(nil), b[:2]...)
	for i := 2; i < sos; {
		n := 2 + (int(b[i+2])<<8 | int(b[i+3]))
		if b[i+1] != 0xc4 {
			out = append(out, b[i:i+n]...)
		}
		i += n
	}
	return append(out, b[sos:]...)
}

func TestJPEGDecoderRestoresStandardTables(t *testing.T) {
	src, ref := testJPEG(t, 24, 16)
	bare := stripDHT(t, src)
	if _, err := jpeg.Decode(bytes.NewReader(bare)); err == nil {
		t.Fatal("image/jpeg decoded a frame without Huffman tables; test proves nothing")
	}
	var d JPEGDecoder
	img, err := d.Decode(bare)
	if err != nil {
		t.Fatal(err)
	}
	// The encoder used the standard tables, so the result is identical.
	for _, p := range []image.Point{{0, 0}, {7, 9}, {23, 15}} {
		if img.At(p.X, p.Y) != ref.At(p.X, p.Y) {
			t.Fatalf("%v: %v, want %v", p, img.At(p.X, p.Y), ref.At(p.X, p.Y))
		}
	}
}

func TestFormatDefaultsAndValidate(t *testing.T) {
	f := Format{Width: 640, Height: 480}.WithDefaults()
	if f.Encoding != YUYV || f.Pixels != Gray || f.Validate() != nil {
		t.Fatalf("defaults %+v: %v", f, f.Validate())
	}
	if (Format{Width: 641, Height: 480, Encoding: YUYV, Pixels: RGBA}).Validate() == nil {
		t.Fatal("odd YUYV width accepted for RGBA")
	}
	if (Format{Width: 641, Height: 480, Encoding: YUYV, Pixels: Gray}).Validate() != nil {
		t.Fatal("odd YUYV width refused for gray")
	}
}
