package main

import (
	"image"
	"log/slog"
	"sync"

	"payterm/drivers/display"
	"payterm/firmware/checkout"
	"payterm/ui"
)

// uiScreen draws views with the ui renderer onto the board's display and
// answers hit-tests from the same renderer. Engine loop only, except
// snapshot, which other goroutines read.
type uiScreen struct {
	log  *slog.Logger
	r    *ui.Renderer
	disp display.Display

	mu   sync.Mutex
	view checkout.View
	btns []ui.Button
}

func (s *uiScreen) show(v checkout.View) {
	img, damage := s.r.Render(v)
	if len(damage) > 0 {
		if err := s.disp.Draw(img, damage); err != nil {
			s.log.Error("display draw failed", "display", s.disp, "err", err)
		}
	}
	s.mu.Lock()
	s.view, s.btns = v, s.r.Buttons()
	s.mu.Unlock()
}

func (s *uiScreen) hit(p image.Point) (checkout.Touch, bool) { return s.r.Hit(p) }

func (s *uiScreen) circled(stroke []image.Point) (checkout.Touch, bool) {
	return s.r.Circled(stroke)
}

// snapshot is what is on screen now, for the virtual terminal's state.
func (s *uiScreen) snapshot() (checkout.View, []ui.Button) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.view, append([]ui.Button(nil), s.btns...)
}
