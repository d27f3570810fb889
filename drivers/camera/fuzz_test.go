package camera

import (
	"bytes"
	"image"
	"image/jpeg"
	"testing"
)

// FuzzJPEGDecoder feeds arbitrary frames to the MJPEG path: no panic,
// and the header scan stays inside the buffer.
func FuzzJPEGDecoder(f *testing.F) {
	img := image.NewGray(image.Rect(0, 0, 8, 8))
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte{0xff, 0xd8, 0xff, 0xda})
	f.Add([]byte{0xff, 0xd8, 0xff, 0xff, 0xff, 0xd0, 0xff, 0xc4, 0x00, 0x02, 0xff, 0xda})
	f.Add([]byte{0xff, 0xd8, 0xff, 0xe0, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		if sos, _ := scanJPEG(b); sos >= len(b) || sos < -1 {
			t.Fatalf("SOS offset %d in %d bytes", sos, len(b))
		}
		var d JPEGDecoder
		d.Decode(b)
	})
}

// FuzzConvert checks that no captured buffer, whatever its size or
// bytes, makes a conversion panic.
func FuzzConvert(f *testing.F) {
	f.Add([]byte{16, 128, 235, 128}, uint8(2), uint8(1), uint8(0))
	f.Add(make([]byte, 64), uint8(4), uint8(4), uint8(1))
	f.Add([]byte{0xff, 0xd8}, uint8(4), uint8(4), uint8(7))
	f.Fuzz(func(t *testing.T, src []byte, w, h, mode uint8) {
		fm := Format{Width: int(w%32) + 1, Height: int(h%32) + 1, Encoding: Encoding(mode%2 + 1), Pixels: PixelFormat(mode/2%3 + 1)}
		if fm.Validate() != nil {
			return
		}
		p, err := NewPool(1, fm, 1024)
		if err != nil {
			t.Fatal(err)
		}
		c, err := NewConverter(fm, 0)
		if err != nil {
			t.Fatal(err)
		}
		c.Convert(p.Get(), src)
	})
}
