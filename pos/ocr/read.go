package ocr

import (
	"fmt"
	"image"

	"payterm/pos/orderread"
	"payterm/pos/receipttext"
	"payterm/pos/region"
)

// SourceScreen is Read.Source for an order read off the screen.
const SourceScreen = "screen"

// ReadOrder reads the order shown in img. Field boxes are in img's
// pixels. A Read with problems must go to the cashier, not the terminal.
func (e *Engine) ReadOrder(img image.Image, opt receipttext.Options) (orderread.Read, error) {
	lines, err := e.Lines(img)
	if err != nil {
		return orderread.Read{}, err
	}
	r := receipttext.Parse(lines, opt)
	r.Source = SourceScreen
	return r, nil
}

// ReadRegion is the screen-region source: it captures the saved region
// of scr and reads the order in it.
func (e *Engine) ReadRegion(scr *region.Screen, saved region.Saved, opt receipttext.Options) (orderread.Read, error) {
	r, _, err := e.ReadCapture(scr, saved, opt)
	return r, err
}

// ReadCapture is ReadRegion that also returns the captured image, bounds
// at (0, 0): the field boxes are in its pixels, for the cashier to
// compare what was read with what the screen showed.
func (e *Engine) ReadCapture(scr *region.Screen, saved region.Saved, opt receipttext.Options) (orderread.Read, *image.RGBA, error) {
	if err := saved.Check(scr.Size()); err != nil {
		return orderread.Read{}, nil, err
	}
	img, err := scr.Capture(saved.Rect())
	if err != nil {
		return orderread.Read{}, nil, fmt.Errorf("ocr: %w", err)
	}
	r, err := e.ReadOrder(img, opt)
	if err != nil {
		return orderread.Read{}, nil, err
	}
	return r, img, nil
}
