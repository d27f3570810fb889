package checkout

// onDocument puts the POS's document on screen when no payment session
// or question is on, replacing a result screen or an earlier document,
// and answers its request at once: the POS's request ends when the
// document is shown, not when it is read. During a session or a question
// it is refused (busy) and nothing changes on screen.
func onDocument(s State, e ShowDocument) (State, []Effect) {
	if e.Req == "" || e.Req == s.pending {
		return s, nil // nobody new to answer
	}
	if active(s.phase) || s.phase == Asking {
		return s, []Effect{Reply{To: e.Req, Kind: ReplyRefused, Cond: CondBusy, Reason: ReasonBusy}}
	}
	if e.Pages < 1 || e.ID == "" {
		return s, []Effect{Reply{To: e.Req, Kind: ReplyRefused, Cond: CondInvalid, Reason: "document has no pages"}}
	}
	lang := s.lang
	s = s.toIdle()
	s.lang = lang // a receipt after a payment stays in the customer's language
	s.doc = DocView{ID: e.ID, Pages: e.Pages, Receipt: e.Receipt}
	s = s.enter(Reading)
	return s, []Effect{Reply{To: e.Req, Kind: ReplyAnswer, Approved: true}, s.show(s.docView())}
}

// touchDocument pages, scrolls and closes the document. Paging and
// scrolling restart the timeout: a customer reading is not idle.
func touchDocument(s State, t Touch) (State, []Effect) {
	switch t.Action {
	case ActPage:
		p := min(max(t.Page, 0), s.doc.Pages-1)
		if p == s.doc.Page {
			return s, nil
		}
		s.doc.Page, s.doc.Scroll = p, 0
	case ActScroll:
		y := max(t.Scroll, 0)
		if y == s.doc.Scroll {
			return s, nil
		}
		s.doc.Scroll = y
	case ActDismiss:
		s = s.toIdle()
		return s, []Effect{s.show(View{Screen: ScreenIdle})}
	default:
		return s, nil
	}
	s = s.rearm()
	return s, []Effect{s.show(s.docView())}
}

// docView is the view of the document on screen.
func (s State) docView() View { return View{Screen: ScreenDocument, Doc: s.doc} }
