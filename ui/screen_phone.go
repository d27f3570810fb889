package ui

import (
	"image"
	"strconv"
	"strings"

	"payterm/firmware/checkout"
)

// phoneDigitsWanted is how many digits the keypad asks for.
const phoneDigitsWanted = 4

// keypadOrder is the keys row by row, as on a phone: -1 is Delete, -2 OK.
var keypadOrder = [4][3]int{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}, {-1, 0, -2}}

// phoneDigits is the keypad for the last digits of the payer's phone: the
// hint, the digits entered shown masked and why the last ones were
// refused above (portrait) or beside (landscape) a 3×4 keypad; Cancel in
// the bar where the capture screens have it.
func (b *builder) phoneDigits(v checkout.View) {
	m := b.m
	b.header(b.t(wVerifyTitle), b.right)
	top, bottom := b.body()
	text := image.Rect(m.pad, top+m.pad, m.w-m.pad, bottom-m.pad)
	pad := text
	if m.portrait {
		keyH := min(m.bigBtn, (text.Dy()/2-3*m.pad)/4)
		text.Max.Y = text.Max.Y - 4*keyH - 4*m.pad
		pad.Min.Y = text.Max.Y + m.pad
	} else {
		text.Max.X = m.w/2 - m.pad/2
		pad.Min.X = m.w/2 + m.pad/2
	}
	b.digitsText(text, v)
	b.keypad(pad)
	b.bar(slot{frac: 0.26, kind: btnSecondary, label: b.t(wCancel), act: checkout.ActCancel, show: true},
		slot{frac: 0.74})
}

// digitsText centres the hint, the mask and the message in r.
func (b *builder) digitsText(r image.Rectangle, v checkout.View) {
	hint := b.st.title.wrap(b.t(wDigitsHint), r.Dx(), 3)
	type row struct {
		st *style
		s  string
		h  int
	}
	var rows []row
	for _, l := range hint {
		rows = append(rows, row{b.st.title, l, lineHeight(b.st.title)})
	}
	rows = append(rows, row{b.st.huge, digitsMask(v.Digits, phoneDigitsWanted), lineHeight(b.st.huge)})
	if v.Message != "" {
		for _, l := range b.st.body.wrap(v.Message, r.Dx(), 2) {
			rows = append(rows, row{b.st.body, l, lineHeight(b.st.body)})
		}
	}
	total := 0
	for i, rw := range rows {
		if total+rw.h > r.Dy() {
			rows = rows[:i]
			break
		}
		total += rw.h
	}
	y := r.Min.Y + (r.Dy()-total)/2
	for _, rw := range rows {
		fg := colInk
		if rw.st == b.st.body {
			fg = colMuted
		}
		b.add(textBlock{r: image.Rect(r.Min.X, y, r.Max.X, y+rw.h), st: rw.st, s: rw.s, a: alignCenter, fg: fg, bg: colBg})
		y += rw.h
	}
}

// keypad lays the 12 keys out in r, each as large as fits up to the
// method buttons' height and twice as wide, centred.
func (b *builder) keypad(r image.Rectangle) {
	m := b.m
	keyH := min(m.bigBtn, (r.Dy()-3*m.pad)/4)
	keyW := min(2*keyH, (r.Dx()-2*m.pad)/3)
	x0 := r.Min.X + (r.Dx()-3*keyW-2*m.pad)/2
	y0 := r.Min.Y + (r.Dy()-4*keyH-3*m.pad)/2
	for row, keys := range keypadOrder {
		for col, k := range keys {
			x, y := x0+col*(keyW+m.pad), y0+row*(keyH+m.pad)
			kr := image.Rect(x, y, x+keyW, y+keyH)
			switch k {
			case -1:
				b.button(kr, btnSecondary, b.t(wDelete), checkout.ActDelete, b.st.bold)
			case -2:
				b.button(kr, btnConfirm, b.t(wOK), checkout.ActEnter, b.st.title)
			default:
				label := strconv.Itoa(k)
				b.add(buttonBlock{slot: kr, btn: kr, kind: btnPrimary, label: label, st: b.st.big, narrow: b.st.title, bg: colBg, pad: m.pad})
				b.f.buttons = append(b.f.buttons, Button{Action: checkout.ActDigit, Digit: k, Label: label, Rect: kr})
			}
		}
	}
}

// digitsMask shows how many of total digits were entered without showing
// them: "• • _ _".
func digitsMask(entered, total int) string {
	marks := make([]string, 0, total)
	for i := range total {
		if i < entered {
			marks = append(marks, "•")
		} else {
			marks = append(marks, "_")
		}
	}
	return strings.Join(marks, " ")
}
