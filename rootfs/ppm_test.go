package rootfs

import (
	"bytes"
	"image/color"
	"strings"
	"testing"
)

func TestDecodePPM(t *testing.T) {
	img, err := DecodePPM(bytes.NewReader(append([]byte("P6 # c\n1 2\n#x\n255\n"), 1, 2, 3, 4, 5, 6)))
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Dx() != 1 || img.Bounds().Dy() != 2 || img.At(0, 1) != (color.RGBA{4, 5, 6, 255}) {
		t.Errorf("decoded %v %v", img.Bounds(), img.At(0, 1))
	}
	for _, bad := range []string{
		"", "P3\n1 1\n255\n\x00\x00\x00", "P6\n1 1\n65535\n\x00\x00\x00\x00\x00\x00",
		"P6\n1 1\n255\n\x00", "P6\n0 1\n255\n", "P6\n99999 1\n255\n", "P6\n1x1\n255\n", "P6\n1 1 255\n",
	} {
		if _, err := DecodePPM(strings.NewReader(bad)); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func FuzzDecodePPM(f *testing.F) {
	f.Add([]byte("P6\n2 1\n255\n\xff\x00\x00\x00\x00\xff"))
	f.Add([]byte("P6\n#\n1 1\n255 abc"))
	f.Fuzz(func(t *testing.T, b []byte) {
		img, err := DecodePPM(bytes.NewReader(b))
		if err != nil {
			return
		}
		if n := img.Bounds().Dx() * img.Bounds().Dy() * 3; n > len(b) {
			t.Fatalf("%d pixel bytes from a %d-byte input", n, len(b))
		}
	})
}
