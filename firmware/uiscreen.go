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
// snapshot, which other goroutines read, and preview, which the face
// capture calls for each camera frame.
type uiScreen struct {
	log  *slog.Logger
	r    *ui.Renderer
	disp display.Display
	// drawing serialises the renderer and the display between the engine
	// loop (show) and the face capture (preview).
	drawing sync.Mutex
	// native, when not nil, is disp taking the renderer's BGRA frames
	// as they are (the renderer draws in ui.FormatBGRA).
	native display.BGRADrawer
	// docs are the POS's documents, whose pages r draws.
	docs *documents

	mu   sync.Mutex
	view checkout.View
	btns []ui.Button
	// results are the last result screens shown (paid, failed), oldest
	// first, at most maxResults: the virtual terminal's record of what the
	// customer saw, for tests that check it against the money.
	results []shownResult
	seq     uint64
	// update is the download shown on the idle screen.
	update ui.UpdateProgress
}

// shownResult is one result screen as /sim/state reports it.
type shownResult struct {
	Seq       uint64 `json:"seq"` // 1, 2, … since this process started
	OrderHash string `json:"order_hash"`
	OrderID   string `json:"order_id"`
	Screen    string `json:"screen"`
	Message   string `json:"message,omitempty"`
}

const maxResults = 64

func (s *uiScreen) show(v checkout.View) {
	s.drawing.Lock()
	if err := s.draw(v); err != nil {
		s.log.Error("display draw failed", "display", s.disp, "err", err)
	}
	s.drawing.Unlock()
	s.mu.Lock()
	s.view, s.btns = v, s.r.Buttons()
	if (v.Screen == checkout.ScreenPaid || v.Screen == checkout.ScreenFailed) && (v.Order != nil || !v.Hash.IsZero()) {
		s.seq++
		r := shownResult{Seq: s.seq, OrderHash: v.Hash.String(), Screen: v.Screen.String(), Message: v.Message}
		if v.Order != nil {
			r.OrderHash, r.OrderID = v.Order.Hash().String(), v.Order.ID
		}
		s.results = append(s.results[max(0, len(s.results)+1-maxResults):], r)
	}
	s.mu.Unlock()
}

// preview draws a camera frame on the face screen (ignored on any other
// screen); the renderer copies it, so img may be reused after.
func (s *uiScreen) preview(img image.Image) {
	s.drawing.Lock()
	defer s.drawing.Unlock()
	var err error
	if s.native != nil {
		pix, damage := s.r.PreviewBGRA(img)
		if len(damage) > 0 {
			err = s.native.DrawBGRA(pix.Pix, pix.Stride, damage)
		}
	} else if pix, damage := s.r.Preview(img); len(damage) > 0 {
		err = s.disp.Draw(pix, damage)
	}
	if err != nil {
		s.log.Error("display draw failed", "display", s.disp, "err", err)
	}
}

// draw renders v and copies what changed to the panel, in the panel's
// own format when it takes BGRA.
func (s *uiScreen) draw(v checkout.View) error {
	if s.native != nil {
		img, damage := s.r.RenderBGRA(v)
		if len(damage) == 0 {
			return nil
		}
		return s.native.DrawBGRA(img.Pix, img.Stride, damage)
	}
	img, damage := s.r.Render(v)
	if len(damage) == 0 {
		return nil
	}
	return s.disp.Draw(img, damage)
}

// shownResults returns a copy of the recent result screens, oldest first.
func (s *uiScreen) shownResults() []shownResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]shownResult{}, s.results...)
}

func (s *uiScreen) hit(p image.Point) (checkout.Touch, bool) { return s.r.Hit(p) }

func (s *uiScreen) dragged(stroke []image.Point) (checkout.Touch, bool) {
	return s.r.Dragged(stroke)
}

func (s *uiScreen) circled(stroke []image.Point) (checkout.Touch, bool) {
	return s.r.Circled(stroke)
}

// snapshot is what is on screen now, for the virtual terminal's state.
func (s *uiScreen) snapshot() (checkout.View, []ui.Button) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.view, append([]ui.Button(nil), s.btns...)
}

// setUpdate shows a download's progress on the idle screen. Whole
// percents only, so a chunk does not redraw the panel each time; the
// redraw runs in the engine loop, which owns show, and is dropped when
// the loop is busy (the next chunk brings it).
func (s *uiScreen) setUpdate(e *engine, p ui.UpdateProgress) {
	pct := func(p ui.UpdateProgress) int64 {
		if p.Total <= 0 {
			return -1
		}
		return p.Done * 100 / p.Total
	}
	s.mu.Lock()
	changed := pct(s.update) != pct(p)
	s.update = p
	s.mu.Unlock()
	if !changed {
		return
	}
	select {
	case e.inbox <- func() {
		s.drawing.Lock()
		s.r.SetUpdate(p)
		s.drawing.Unlock()
		if v, _ := s.snapshot(); v.Screen == checkout.ScreenIdle {
			s.show(v)
		}
	}:
	default:
	}
}
