//go:build !nofitz

package document_test

import (
	"errors"
	"image"
	"testing"

	"payterm/firmware/document"
	"payterm/internal/pdftest"
)

func TestRender(t *testing.T) {
	pdf := pdftest.Receipt(t, 3)
	d, err := document.Open(pdf)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.Pages() != 3 {
		t.Fatalf("%d pages, want 3", d.Pages())
	}
	var prev *image.RGBA
	for p := range 3 {
		img, err := d.Render(p, 600)
		if err != nil {
			t.Fatal(err)
		}
		if h := img.Rect.Dy(); img.Rect.Dx() != 600 || h < 895 || h > 905 {
			t.Errorf("page %d: %v, want 600×900 (80×120 mm)", p, img.Rect)
		}
		if ink := dark(img, img.Rect); ink < 2000 {
			t.Errorf("page %d: %d dark pixels: text and bar not drawn", p, ink)
		}
		// The title's ideographs are drawn (DroidSansFallback embedded).
		if ink := dark(img, image.Rect(40, 20, 500, 90)); ink < 300 {
			t.Errorf("page %d: %d dark pixels in the Chinese title", p, ink)
		}
		if prev != nil && string(prev.Pix) == string(img.Pix) {
			t.Errorf("page %d renders like page %d", p, p-1)
		}
		prev = img
	}
	if _, err := d.Render(3, 600); err == nil {
		t.Error("page 3 of 3 rendered")
	}
}

func TestOpenBroken(t *testing.T) {
	pdf := pdftest.Receipt(t, 1)
	tests := []struct {
		name string
		pdf  []byte
		want error
	}{
		{"empty", nil, document.ErrBroken},
		{"header only", []byte("%PDF-1.4\n"), document.ErrBroken},
		{"garbage", []byte("%PDF-1.7\n\x00\x01\x02 this is not a pdf at all"), document.ErrBroken},
		{"too large", make([]byte, document.MaxBytes+1), document.ErrTooLarge},
		{"truncated", pdf[:len(pdf)/3], nil}, // MuPDF repairs what it can; either way no panic
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := document.Open(tt.pdf)
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("Open: %v, want %v", err, tt.want)
			}
			if err == nil {
				d.Render(0, 100)
				d.Close()
			}
		})
	}
}

// dark counts pixels in r darker than mid grey.
func dark(img *image.RGBA, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if img.RGBAAt(x, y).G < 128 {
				n++
			}
		}
	}
	return n
}
