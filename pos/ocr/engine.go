// Package ocr reads text with its geometry from an image of a POS
// screen through tesseract (gosseract, Debian's libtesseract with the
// chi_sim model) and turns it into an order read (receipttext).
package ocr

import (
	"bytes"
	"fmt"
	"image"
	"image/png"

	"github.com/otiai10/gosseract/v2"

	"payterm/pos/receipttext"
)

// Language is the tesseract model: chi_sim alone reads mixed Chinese and
// English receipts better than chi_sim+eng, which garbled CJK lines in a
// trial.
const Language = "chi_sim"

// Engine is one tesseract instance. Not safe for concurrent use; keep
// one per goroutine (it holds the model, tens of MB, loaded once).
type Engine struct {
	client *gosseract.Client
	pre    Preprocess
}

// New loads the model. Call LimitThreads before, in main.
func New(pre Preprocess) (*Engine, error) {
	c := gosseract.NewClient()
	if err := c.SetLanguage(Language); err != nil {
		c.Close()
		return nil, fmt.Errorf("ocr: %w", err)
	}
	// One block of lines: automatic segmentation splits the columns of
	// a receipt into separate blocks; lines are regrouped by geometry
	// anyway (Lines).
	if err := c.SetPageSegMode(gosseract.PSM_SINGLE_BLOCK); err != nil {
		c.Close()
		return nil, fmt.Errorf("ocr: %w", err)
	}
	// Keep the gaps between words as tesseract saw them.
	if err := c.SetVariable("preserve_interword_spaces", "1"); err != nil {
		c.Close()
		return nil, fmt.Errorf("ocr: %w", err)
	}
	return &Engine{client: c, pre: pre}, nil
}

// Close frees tesseract.
func (e *Engine) Close() error { return e.client.Close() }

// Lines reads img into text lines of words, with boxes in img's pixel
// coordinates (relative to its Min) and confidences 0..1.
func (e *Engine) Lines(img image.Image) ([]receipttext.Line, error) {
	prep := e.pre.Apply(img)
	var buf bytes.Buffer
	// PNG without compression: leptonica decodes it; the bytes never
	// touch the disk.
	enc := png.Encoder{CompressionLevel: png.NoCompression}
	if err := enc.Encode(&buf, prep); err != nil {
		return nil, fmt.Errorf("ocr: %w", err)
	}
	if err := e.client.SetImageFromBytes(buf.Bytes()); err != nil {
		return nil, fmt.Errorf("ocr: %w", err)
	}
	boxes, err := e.client.GetBoundingBoxes(gosseract.RIL_WORD)
	if err != nil {
		return nil, fmt.Errorf("ocr: %w", err)
	}
	words := make([]receipttext.Word, 0, len(boxes))
	s := e.pre.scale()
	for _, b := range boxes {
		if b.Word == "" {
			continue
		}
		r := image.Rect(b.Box.Min.X/s, b.Box.Min.Y/s, (b.Box.Max.X+s-1)/s, (b.Box.Max.Y+s-1)/s)
		words = append(words, receipttext.Word{Text: b.Word, Box: r, Conf: b.Confidence / 100})
	}
	return receipttext.GroupLines(words), nil
}
