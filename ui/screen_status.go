package ui

import (
	"image"

	"payterm/firmware/checkout"
	"payterm/ui/catalog"
)

// amount is the order total for display, or "" without an order.
func (b *builder) amount(v checkout.View) string {
	if v.Order == nil {
		return ""
	}
	return b.money(v.Order.Total, v.Order.Currency)
}

// body is the area between the title bar and the button bar.
func (b *builder) body() (top, bottom int) { return b.m.header, b.m.h - b.m.bar }

func (b *builder) idle(name string) {
	b.header(name, b.right)
	top, bottom := b.body()
	b.stack(top, bottom,
		b.textLine(b.st.huge, b.t(wWelcome), colInk),
		b.gap(),
		b.textLine(b.st.body, b.t(wIdleHint), colMuted),
	)
	b.updateLine()
}

// updateLine draws a software download's progress in the idle screen's
// button bar, which it leaves empty: a small line of text over a thin
// bar. No other screen shows it, so a sale is never disturbed.
func (b *builder) updateLine() {
	u := b.update
	if u.Total <= 0 {
		return
	}
	pct := int(min(max(u.Done, 0), u.Total) * 100 / u.Total)
	m := b.m
	barH := max(m.pad/2, 3)
	line := lineHeight(b.st.small)
	y := m.h - m.pad - barH
	b.add(textBlock{r: image.Rect(m.pad, y-m.pad/2-line, m.w-m.pad, y-m.pad/2), st: b.st.small,
		s: b.t(wUpdateProgress, pct), a: alignCenter, fg: colMuted, bg: colBg})
	b.add(progressBlock{r: image.Rect(m.pad, y, m.w-m.pad, y+barH), pct: pct})
}

func (b *builder) flagged(v checkout.View) {
	b.header(b.t(wCheckingTitle), b.right)
	var labels []string
	if v.Order != nil {
		for _, l := range v.Order.Lines {
			if v.Marked[l.ID] {
				labels = append(labels, l.Label)
			}
		}
	}
	items := []stackItem{b.icon(iconWait)}
	items = append(items, b.wrapped(b.st.title, b.t(wChecking, len(labels)), 2, colInk)...)
	items = append(items, b.gap())
	const shown = 4
	for i, l := range labels {
		if i == shown && len(labels) > shown+1 {
			items = append(items, b.textLine(b.st.body, b.t(wMore, len(labels)-shown), colMuted))
			break
		}
		items = append(items, b.textLine(b.st.body, l, colMuted))
	}
	top, bottom := b.body()
	b.stack(top, bottom, items...)
}

// method offers the payment methods as large buttons, side by side on a
// landscape screen and stacked on a portrait one.
func (b *builder) method(v checkout.View) {
	m := b.m
	b.header(b.t(wChooseTitle), b.right)
	type choice struct {
		label string
		act   checkout.Action
	}
	var choices []choice
	for _, meth := range v.Methods {
		switch meth {
		case checkout.Code:
			choices = append(choices, choice{b.t(wPayCode), checkout.ActChooseCode})
		case checkout.Face:
			choices = append(choices, choice{b.t(wPayFace), checkout.ActChooseFace})
		}
	}
	items := []stackItem{
		b.textLine(b.st.body, b.t(wTotal), colMuted),
		b.textLine(b.st.huge, b.amount(v), colInk),
		b.gap(),
	}
	if len(choices) == 0 {
		items = append(items, b.textLine(b.st.title, b.t(wNoMethod), colInk))
	} else {
		n := len(choices)
		rows, cols := 1, n
		if m.portrait {
			rows, cols = n, 1
		}
		h := rows*m.bigBtn + (rows-1)*m.pad
		items = append(items, stackItem{h: h, place: func(r image.Rectangle) {
			w := min((r.Dx()-(cols-1)*m.pad)/cols, m.w*9/20)
			x0 := r.Min.X + (r.Dx()-(cols*w+(cols-1)*m.pad))/2
			for i, c := range choices {
				col, row := i%cols, i/cols
				x, y := x0+col*(w+m.pad), r.Min.Y+row*(m.bigBtn+m.pad)
				b.button(image.Rect(x, y, x+w, y+m.bigBtn), btnPrimary, c.label, c.act, b.st.title)
			}
		}})
	}
	top, bottom := b.body()
	b.stack(top, bottom, items...)
	b.bar(slot{frac: 0.26, kind: btnSecondary, label: b.t(wBack), act: checkout.ActBack, show: true},
		slot{frac: 0.74})
}

// capture is the show-code screen: what to do, the amount, Cancel where
// the order screen had it, and a switch to the other code reader at the
// right when one is fitted.
func (b *builder) capture(title string, icon iconKind, instruction string, v checkout.View) {
	b.header(title, b.right)
	items := []stackItem{b.icon(icon)}
	items = append(items, b.wrapped(b.st.title, instruction, 2, colInk)...)
	items = append(items, b.gap(), b.textLine(b.st.big, b.amount(v), colInk))
	top, bottom := b.body()
	b.stack(top, bottom, items...)
	cancel := slot{frac: 0.26, kind: btnSecondary, label: b.t(wCancel), act: checkout.ActCancel, show: true}
	if v.Screen == checkout.ScreenShowCode && v.Switch != checkout.NoReader {
		label := wUseCamera
		if v.Switch == checkout.ByScanner {
			label = wUseScanner
		}
		b.bar(cancel, slot{frac: 0.37},
			slot{frac: 0.37, kind: btnSecondary, label: b.t(label), act: checkout.ActSwitchReader, show: true})
		return
	}
	b.bar(cancel, slot{frac: 0.74})
}

// showCodeHint is what the show-code screen asks for: the code to the
// scanner, or up to the camera when the camera reads it.
func showCodeHint(v checkout.View) catalog.ID {
	if v.Reader == checkout.ByCamera {
		return wCodeToCamera
	}
	return wShowCode
}

// result is the processing, paid, failed and refused screens. Done sits
// at the right; processing has no button.
func (b *builder) result(title string, icon iconKind, headline, amt, note string, done bool) {
	b.header(title, b.right)
	items := append([]stackItem{b.icon(icon)}, b.wrapped(b.st.huge, headline, 2, colInk)...)
	if amt != "" {
		items = append(items, b.textLine(b.st.big, amt, colInk))
	}
	if note != "" {
		items = append(items, b.gap())
		items = append(items, b.wrapped(b.st.body, note, 3, colMuted)...)
	}
	top, bottom := b.body()
	b.stack(top, bottom, items...)
	if done {
		b.bar(slot{frac: 0.63}, slot{frac: 0.37, kind: btnConfirm, label: b.t(wDone), act: checkout.ActDismiss, show: true})
	}
}

// build lays out the frame for v.
func (b *builder) build(v checkout.View, name string) frame {
	b.f = frame{screen: v.Screen}
	b.cut, b.dropped = b.cut[:0], b.dropped[:0]
	b.c = catalog.For(v.Language)
	b.right = b.m.w
	if v.Screen != checkout.ScreenNotProvisioned {
		b.languageButton()
	}
	// or is the checkout's note in the view's language, else dflt.
	or := func(s string, dflt catalog.ID) string {
		if s != "" {
			return b.c.Note(s)
		}
		return b.t(dflt)
	}
	note := func(s string) string { return b.c.Note(s) }
	switch v.Screen {
	case checkout.ScreenOrder:
		b.order(v)
	case checkout.ScreenFlagged:
		b.flagged(v)
	case checkout.ScreenMethod:
		b.method(v)
	case checkout.ScreenShowCode:
		b.capture(b.t(wPayCode), iconCode, b.t(showCodeHint(v)), v)
	case checkout.ScreenFace:
		b.face(v)
	case checkout.ScreenProcessing:
		b.result(b.t(wPayment), iconWait, b.t(wProcessing), b.amount(v), or(v.Message, wPleaseWait), false)
	case checkout.ScreenPaid:
		b.result(b.t(wPayment), iconCheck, b.t(wPaid), b.amount(v), or(v.Message, wThanks), true)
	case checkout.ScreenFailed:
		b.result(b.t(wPayment), iconCross, b.t(wFailed), b.amount(v), note(v.Message), true)
	case checkout.ScreenRefused:
		b.result(b.t(wPayment), iconAlert, b.t(wRefused), "", note(v.Message), true)
	case checkout.ScreenQuestion:
		b.question(v)
	case checkout.ScreenDocument:
		b.document(v)
	case checkout.ScreenConfirmOnPhone:
		b.capture(b.t(wPayment), iconWait, b.t(wConfirmOnPhone), v)
	case checkout.ScreenPhoneDigits:
		b.phoneDigits(v)
	case checkout.ScreenNotProvisioned:
		b.result(b.t(wOutOfService), iconAlert, b.t(wNotProvisioned), "", or(v.Message, wAskStaff), false)
	default:
		b.idle(name)
	}
	return b.f
}
