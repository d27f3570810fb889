package cashier

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"

	"payterm/pos/orderread"
)

// Screen reads the order shown on the POS screen; *ocr.ScreenReader is
// one. The image is what was read, with the Read's field boxes in its
// pixels.
type Screen interface {
	ReadScreen(ctx context.Context) (orderread.Read, image.Image, error)
}

// ErrNoScreen is ReadScreen's error on a desk without a Screen.
var ErrNoScreen = errors.New("cashier: no screen source (pos serve -region)")

// ReadScreen reads the POS screen and puts the read on the desk as
// Submit does — held with its problems, or sent when clean and AutoSend
// is on — with the captured image, kept in memory for Capture until the
// next order. ErrBusy while a customer has an order (checked before the
// capture, and again after it).
func (d *Desk) ReadScreen(ctx context.Context) (orderread.Read, error) {
	if d.screen == nil {
		return orderread.Read{}, ErrNoScreen
	}
	d.mu.Lock()
	stage := d.snap.Stage
	d.mu.Unlock()
	if busy(stage) {
		return orderread.Read{}, ErrBusy
	}
	r, img, err := d.screen.ReadScreen(ctx)
	if err != nil {
		return orderread.Read{}, fmt.Errorf("cashier: read screen: %w", err)
	}
	var buf bytes.Buffer
	// Fast, not small: the image goes over loopback once.
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return orderread.Read{}, fmt.Errorf("cashier: read screen: %w", err)
	}
	return r, d.submit(r, buf.Bytes(), img.Bounds().Size())
}

// Capture is the PNG of the screen image the order on the desk was read
// from, and its ID (Snapshot.Capture.ID); nil when there is none. The
// bytes are the caller's to read, not to change.
func (d *Desk) Capture() ([]byte, uint64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.snap.Capture == nil {
		return nil, 0
	}
	return d.png, d.snap.Capture.ID
}

// SubmitPosted is Submit for a Read that another process sent (POST
// /reads): its problems are those it came with plus what Check finds,
// so a read cannot talk its way past the check.
func (d *Desk) SubmitPosted(r orderread.Read) error {
	checked := orderread.Check(r)
	for _, p := range checked.Problems {
		if !hasProblem(r.Problems, p) {
			r.Problems = append(r.Problems, p)
		}
	}
	return d.Submit(r)
}

func hasProblem(ps []orderread.Problem, p orderread.Problem) bool {
	for _, q := range ps {
		if q == p {
			return true
		}
	}
	return false
}
