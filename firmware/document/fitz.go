//go:build !nofitz

package document

import (
	"fmt"
	"image"
	"image/draw"
	"sync"

	fitz "github.com/gen2brain/go-fitz"
)

// Doc is an open PDF. Safe for concurrent use; Close it when done.
type Doc struct {
	mu    sync.Mutex
	f     *fitz.Document
	pages int
}

// Open parses pdf (which the Doc keeps and the caller must not change)
// and checks its limits.
func Open(pdf []byte) (*Doc, error) {
	if len(pdf) == 0 {
		return nil, fmt.Errorf("%w: empty", ErrBroken)
	}
	if len(pdf) > MaxBytes {
		return nil, fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, len(pdf), MaxBytes)
	}
	f, err := fitz.NewFromMemory(pdf)
	if err != nil {
		if f != nil {
			f.Close()
		}
		return nil, fmt.Errorf("%w: %v", ErrBroken, err)
	}
	n := f.NumPage()
	switch {
	case n < 1:
		f.Close()
		return nil, fmt.Errorf("%w: no pages", ErrBroken)
	case n > MaxPages:
		f.Close()
		return nil, fmt.Errorf("%w: %d pages, at most %d", ErrTooLarge, n, MaxPages)
	}
	return &Doc{f: f, pages: n}, nil
}

// Pages is the number of pages, at least 1.
func (d *Doc) Pages() int { return d.pages }

// Render draws page (zero-based) width pixels wide, its height in
// proportion (at most MaxPixels/width), on white.
func (d *Doc) Render(page, width int) (*image.RGBA, error) {
	if page < 0 || page >= d.pages || width < 1 {
		return nil, fmt.Errorf("document: page %d of %d at width %d", page, d.pages, width)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.f == nil {
		return nil, fmt.Errorf("document: closed")
	}
	b, err := d.f.Bound(page)
	if err != nil || b.Dx() <= 0 || b.Dy() <= 0 {
		return nil, fmt.Errorf("%w: page %d has no size (%v)", ErrBroken, page, err)
	}
	dpi := 72 * float64(width) / float64(b.Dx())
	img, err := d.f.ImageDPI(page, dpi)
	if err != nil {
		return nil, fmt.Errorf("document: render page %d: %w", page, err)
	}
	// MuPDF rounds the page's box; fit it to exactly width columns.
	src := img.Bounds()
	h := min(src.Dy()*width/max(src.Dx(), 1), MaxPixels/width)
	out := image.NewRGBA(image.Rect(0, 0, width, max(h, 1)))
	draw.Draw(out, out.Rect, image.White, image.Point{}, draw.Src)
	draw.Draw(out, out.Rect, img, src.Min, draw.Src)
	return out, nil
}

// Close releases MuPDF's memory; Render fails afterwards.
func (d *Doc) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.f == nil {
		return nil
	}
	err := d.f.Close()
	d.f = nil
	return err
}

// loadPages loads every page once, so a PDF whose page tree MuPDF
// cannot walk fails in the renderer that opened it, before it is shown.
func (d *Doc) loadPages() error {
	for p := range d.pages {
		if _, err := d.f.Bound(p); err != nil {
			return fmt.Errorf("%w: page %d: %v", ErrBroken, p, err)
		}
	}
	return nil
}
