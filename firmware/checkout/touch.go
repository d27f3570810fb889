package checkout

import (
	"maps"
	"strings"

	"payterm/firmware/order"
)

// onTouch applies a customer's action. Actions that mean nothing in the
// current phase are ignored without effects.
func onTouch(s State, t Touch) (State, []Effect) {
	if t.Action == ActLanguage {
		return chooseLanguage(s, t.Language)
	}
	switch s.phase {
	case OrderShown:
		return touchOrder(s, t)
	case Flagged:
		if t.Action == ActCancel {
			return s.cancel()
		}
	case Confirmed:
		return touchMethod(s, t)
	case Capturing:
		switch {
		case t.Action == ActCancel && s.method != Face:
			return s.cancel()
		case t.Action == ActSwitchReader:
			return switchReader(s)
		case t.Action == ActBack, t.Action == ActCancel:
			// Wrong method picked, or the face capture cancelled (the
			// customer may rather pay by code): stop the device, choose
			// again.
			s, out := s.stopDevices()
			s.method, s.face = NoMethod, FaceView{}
			s = s.enter(Confirmed)
			return s, append(out, s.show(s.sessionView(ScreenMethod, "")))
		}
	case Captured:
		// Only a payment waiting for the payer's phone can be cancelled
		// here: it is reversed, and paid only if the payer's yes came
		// first.
		if t.Action == ActCancel && s.charge != nil && s.charge.holding {
			return s.abortCharge(CondCancelled, ReasonCancelled)
		}
	case PhoneDigits:
		return touchDigits(s, t)
	case Asking:
		return touchQuestion(s, t)
	case Reading:
		return touchDocument(s, t)
	case Done, Refused:
		if t.Action == ActDismiss {
			s = s.toIdle()
			return s, []Effect{s.show(View{Screen: ScreenIdle})}
		}
	}
	return s, nil
}

// touchOrder handles the order screen. Marking and paging restart the
// phase's timeout: a customer reading a long order is not idle.
func touchOrder(s State, t Touch) (State, []Effect) {
	switch t.Action {
	case ActToggleLine:
		if !s.hasLine(t.Line) {
			return s, nil
		}
		m := maps.Clone(s.marked)
		if m == nil {
			m = map[string]bool{}
		}
		if m[t.Line] {
			delete(m, t.Line)
		} else {
			m[t.Line] = true
		}
		s.marked = m
	case ActMarkLines:
		m := maps.Clone(s.marked)
		if m == nil {
			m = map[string]bool{}
		}
		for _, id := range t.Lines {
			if s.hasLine(id) {
				m[id] = true
			}
		}
		s.marked = m
	case ActPage:
		s.page = max(t.Page, 0)
	case ActReport:
		return report(s)
	case ActConfirm:
		s.confirmed = s.hash
		s = s.enter(Confirmed)
		return s, []Effect{
			Journal{Record{Kind: RecordConfirmed, Hash: s.hash}},
			s.show(s.sessionView(ScreenMethod, "")),
		}
	case ActCancel:
		return s.cancel()
	default:
		return s, nil
	}
	s = s.rearm()
	return s, []Effect{s.show(s.sessionView(ScreenOrder, ""))}
}

// report sends the marked lines to the cashier. With none marked there is
// nothing to report: a failed beep says so.
func report(s State) (State, []Effect) {
	lines := sortedMarked(s.marked)
	if len(lines) == 0 {
		return s, []Effect{Beep{OK: false}}
	}
	var out []Effect
	out = append(out, Journal{Record{Kind: RecordFlagged, Hash: s.hash, Detail: strings.Join(lines, ",")}})
	if s.pending != "" {
		out = append(out, Reply{To: s.pending, Kind: ReplyFlagged, Hash: s.hash, Lines: lines})
		s.pending = ""
	}
	s = s.enter(Flagged)
	return s, append(out, s.show(s.sessionView(ScreenFlagged, "")))
}

// touchMethod handles the method screen.
func touchMethod(s State, t Touch) (State, []Effect) {
	switch t.Action {
	case ActChooseCode:
		if !s.cfg.HasScan && !s.cfg.HasCamera {
			return s, nil
		}
		return startCapture(s, Code)
	case ActChooseFace:
		if !faceOffered(s.cfg) {
			return s, nil
		}
		return startCapture(s, Face)
	case ActBack:
		s.confirmed = order.Hash{}
		s = s.enter(OrderShown)
		return s, []Effect{s.show(s.sessionView(ScreenOrder, ""))}
	case ActCancel:
		return s.cancel()
	}
	return s, nil
}

func (s State) hasLine(id string) bool {
	for _, l := range s.order.Lines {
		if l.ID == id {
			return true
		}
	}
	return false
}

// cancel ends the session at the customer's wish.
func (s State) cancel() (State, []Effect) {
	return s.fail(RecordCancelled, ReasonCancelled, CondCancelled, ReasonCancelled, ReasonCancelled)
}

// maxLanguage bounds a language tag ("zh", "en", "zh-Hans"); anything
// longer is not a tag the ui offers.
const maxLanguage = 16

// chooseLanguage redraws the screen on show in the customer's language. It
// works in every phase and changes nothing else: no timeout restarts, so
// a customer toggling languages cannot hold a session open. An empty or
// overlong tag, or the language already shown, does nothing.
func chooseLanguage(s State, lang string) (State, []Effect) {
	if lang == "" || len(lang) > maxLanguage || lang == s.lang {
		return s, nil
	}
	s.lang = lang
	return s, []Effect{s.show(s.view)}
}
