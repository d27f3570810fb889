package ocr

import (
	"fmt"
	"image"

	"payterm/pos/orderread"
	"payterm/pos/receipttext"
	"payterm/pos/region"
)

// ReadOrder reads the order shown in img. Field boxes are in img's
// pixels. A Read with problems must go to the cashier, not the terminal.
func (e *Engine) ReadOrder(img image.Image, opt receipttext.Options) (orderread.Read, error) {
	lines, err := e.Lines(img)
	if err != nil {
		return orderread.Read{}, err
	}
	return receipttext.Parse(lines, opt), nil
}

// ReadRegion is the screen-region source: it captures the saved region
// of scr and reads the order in it.
func (e *Engine) ReadRegion(scr *region.Screen, saved region.Saved, opt receipttext.Options) (orderread.Read, error) {
	if err := saved.Check(scr.Size()); err != nil {
		return orderread.Read{}, err
	}
	img, err := scr.Capture(saved.Rect())
	if err != nil {
		return orderread.Read{}, fmt.Errorf("ocr: %w", err)
	}
	return e.ReadOrder(img, opt)
}
