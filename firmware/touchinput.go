package main

import (
	"context"
	"image"

	"payterm/drivers/touch"
	"payterm/firmware/checkout"
)

// hitTester turns panel points into checkout touches from what is on
// screen now. Called in the engine loop only.
type hitTester interface {
	hit(p image.Point) (checkout.Touch, bool)
	circled(stroke []image.Point) (checkout.Touch, bool)
	dragged(stroke []image.Point) (checkout.Touch, bool)
}

// maxStroke bounds one finger stroke; a finger resting on the glass must
// not grow memory without end.
const maxStroke = 1024

// readTouches assembles finger strokes (Down … Up) and posts each as one
// checkout touch: a circling stroke marks the lines it encloses, a drag
// on a document scrolls or turns its page, anything else is a tap where
// the finger lifted.
func readTouches(ctx context.Context, e *engine, t touch.Touch, ht hitTester) {
	var stroke []image.Point
	events := t.Events(ctx)
	for {
		var ev touch.Event
		select {
		case <-ctx.Done():
			return
		case got, ok := <-events:
			if !ok {
				return
			}
			ev = got
		}
		switch ev.Kind {
		case touch.Down:
			stroke = append(stroke[:0], ev.At)
		case touch.Move:
			if len(stroke) > 0 && len(stroke) < maxStroke {
				stroke = append(stroke, ev.At)
			}
		case touch.Up:
			if len(stroke) == 0 {
				continue
			}
			pts := append([]image.Point(nil), stroke...)
			stroke = stroke[:0]
			e.do(ctx, func() {
				if tch, ok := ht.circled(pts); ok {
					e.step(tch)
					return
				}
				if tch, ok := ht.dragged(pts); ok {
					e.step(tch)
					return
				}
				if tch, ok := ht.hit(pts[len(pts)-1]); ok {
					e.step(tch)
				}
			})
		}
	}
}

// readCodes posts every code the scanner reads.
func readCodes(ctx context.Context, e *engine, codes <-chan string) {
	for {
		select {
		case <-ctx.Done():
			return
		case code, ok := <-codes:
			if !ok {
				return
			}
			e.post(ctx, checkout.CodeScanned{Code: code})
		}
	}
}
