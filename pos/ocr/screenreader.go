package ocr

import (
	"context"
	"errors"
	"fmt"
	"image"
	"time"

	"payterm/firmware/order"
	"payterm/pos/orderread"
	"payterm/pos/receipttext"
	"payterm/pos/region"
)

// ScreenConfig configures StartScreenReader.
type ScreenConfig struct {
	Display    string         // X display; empty: $DISPLAY
	RegionFile string         // the saved region (region.Save), loaded again for every read
	Currency   order.Currency // the POS's currency
	Pre        Preprocess
	Now        func() time.Time // for order IDs (SCREEN-<time>); nil: time.Now
}

// ScreenReader reads the saved region of an X screen on request. One
// goroutine owns the tesseract Engine and the X connection (neither is
// safe for concurrent use); Read queues behind a read in progress.
type ScreenReader struct {
	reqs chan screenReq
	stop context.CancelFunc
	done chan struct{}
}

type screenReq struct {
	ctx   context.Context
	reply chan screenReply
}

type screenReply struct {
	r   orderread.Read
	img *image.RGBA
	err error
}

// ErrClosed is Read's error after Close.
var ErrClosed = errors.New("ocr: screen reader closed")

// StartScreenReader connects to the display and loads the model, then
// serves reads until ctx ends or Close. LimitThreads must have run in
// main. The region file is read at each Read, so a region chosen again
// while the reader runs is used from the next read on; a missing file is
// Read's error, not StartScreenReader's.
func StartScreenReader(ctx context.Context, cfg ScreenConfig) (*ScreenReader, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	scr, err := region.Open(cfg.Display)
	if err != nil {
		return nil, err
	}
	eng, err := New(cfg.Pre)
	if err != nil {
		scr.Close()
		return nil, err
	}
	ctx, stop := context.WithCancel(ctx)
	s := &ScreenReader{reqs: make(chan screenReq), stop: stop, done: make(chan struct{})}
	go s.loop(ctx, cfg, scr, eng)
	return s, nil
}

func (s *ScreenReader) loop(ctx context.Context, cfg ScreenConfig, scr *region.Screen, eng *Engine) {
	defer close(s.done)
	defer scr.Close()
	defer eng.Close()
	for {
		select {
		case <-ctx.Done():
			return
		case q := <-s.reqs:
			var rep screenReply
			if err := q.ctx.Err(); err != nil {
				rep.err = err // the caller left while it queued
			} else {
				rep.r, rep.img, rep.err = readScreen(scr, eng, cfg)
			}
			q.reply <- rep
		}
	}
}

func readScreen(scr *region.Screen, eng *Engine, cfg ScreenConfig) (orderread.Read, *image.RGBA, error) {
	saved, err := region.Load(cfg.RegionFile)
	if err != nil {
		return orderread.Read{}, nil, fmt.Errorf("ocr: %w (choose it with pos region select)", err)
	}
	id := "SCREEN-" + cfg.Now().Format("20060102-150405")
	return eng.ReadCapture(scr, saved, receipttext.Options{ID: id, Currency: cfg.Currency})
}

// ReadScreen captures the saved region and reads the order in it; the
// image is the capture, the read's field boxes in its pixels. It blocks
// behind a read in progress (one OCR at a time) until ctx ends.
func (s *ScreenReader) ReadScreen(ctx context.Context) (orderread.Read, image.Image, error) {
	q := screenReq{ctx: ctx, reply: make(chan screenReply, 1)}
	select {
	case s.reqs <- q:
	case <-s.done:
		return orderread.Read{}, nil, ErrClosed
	case <-ctx.Done():
		return orderread.Read{}, nil, ctx.Err()
	}
	// The read itself is not interruptible: wait for its answer so the
	// engine is never abandoned mid-page.
	rep := <-q.reply
	if rep.err != nil {
		return orderread.Read{}, nil, rep.err
	}
	return rep.r, rep.img, nil
}

// Close stops the goroutine and frees the engine and the connection,
// after the read in progress.
func (s *ScreenReader) Close() error {
	s.stop()
	<-s.done
	return nil
}
