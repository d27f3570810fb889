// Package codecam reads payment codes from camera pictures: QR codes
// first, then Code 128 bars, decoded by gozxing from the frame's luma.
// Only text that has the form of a payment code is handed on; anything
// else in view (a URL, a parcel label) is ignored.
package codecam

import (
	"image"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// Options configure a Reader. The zero value reads payment codes
// (PaymentCode) in QR and Code 128.
type Options struct {
	// Valid says which decoded text is a code to hand on; nil means
	// PaymentCode.
	Valid func(text string) bool
	// NoCode128 skips the Code 128 pass: a terminal that only ever sees
	// QR codes saves its time.
	NoCode128 bool
}

// Reader decodes codes from successive frames. It keeps its buffers from
// one frame to the next; not safe for concurrent use (one per camera
// loop).
type Reader struct {
	opts   Options
	src    source
	small  image.Gray // the frame halved, reused
	qr     gozxing.Reader
	qrHint map[gozxing.DecodeHintType]any
	bars   *barScanner
	// Panics counts frames on which the decoder library panicked; they
	// are read as "no code" (see Decode).
	Panics int
}

// NewReader returns a reader.
func NewReader(opts Options) *Reader {
	if opts.Valid == nil {
		opts.Valid = PaymentCode
	}
	return &Reader{
		opts: opts,
		qr:   qrcode.NewQRCodeReader(),
		// Payment codes are digits: no need to guess a character set.
		qrHint: map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_CHARACTER_SET: "ISO-8859-1"},
		bars:   newBarScanner(),
	}
}

// Decode looks for a code in luma (a camera frame's luma; only read, and
// not kept after the call). It returns the first valid code found, QR
// before Code 128, and ok; ok is false when the picture holds none, only
// codes that are not valid, or cannot be read.
func (r *Reader) Decode(luma *image.Gray) (code string, ok bool) {
	if luma == nil || luma.Rect.Dx() < minSide || luma.Rect.Dy() < minSide {
		return "", false
	}
	// A bug in the decoder library must not take the terminal down with
	// it (the firmware is PID 1): such a frame reads as no code.
	defer func() {
		if recover() != nil {
			r.Panics++
			code, ok = "", false
		}
	}()
	// QR at half size first: four times less work, and the averaging
	// steadies small noisy codes; a code the halving blurred away is
	// read at full size.
	if luma.Rect.Dx() >= 2*minSide && luma.Rect.Dy() >= 2*minSide {
		r.src.reset(halve(&r.small, luma))
		if text, found := r.readQR(); found {
			return text, true
		}
	}
	r.src.reset(luma)
	if text, found := r.readQR(); found {
		return text, true
	}
	if r.opts.NoCode128 {
		return "", false
	}
	return r.bars.scan(&r.src, r.opts.Valid)
}

// readQR decodes a QR code from the picture in r.src. gozxing's QR reader
// finds the code turned any way and in any part of the picture.
func (r *Reader) readQR() (string, bool) {
	bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(&r.src))
	if err != nil {
		return "", false
	}
	res, err := r.qr.Decode(bmp, r.qrHint)
	if err != nil || res == nil || !r.opts.Valid(res.GetText()) {
		return "", false
	}
	return res.GetText(), true
}

// minSide is the smallest picture worth decoding: gozxing's local
// binarizer needs 40 pixels a side.
const minSide = 40
