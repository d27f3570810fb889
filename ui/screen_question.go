package ui

import (
	"image"
	"strings"

	"payterm/firmware/checkout"
)

// question is the POS's yes/no question: the text as large as it fits,
// No and Yes side by side under it.
//
// The answers sit in the body, never in the bottom bar: the question may
// replace a result screen the moment the customer reaches for its Done
// button (bottom right), and that tap must not land on an answer. Both
// answers look alike so the terminal does not lean the customer either way.
func (b *builder) question(v checkout.View) {
	m := b.m
	b.header(b.t(wQuestionTitle), b.right)
	top, bottom := b.body()
	room := bottom - top - m.bigBtn - 2*m.pad // the text's share: body less buttons and a gap
	st, lines := b.fitQuestion(v.Message, room)
	items := make([]stackItem, 0, len(lines)+2)
	for _, l := range lines {
		items = append(items, b.textLine(st, l, colInk))
	}
	items = append(items, b.gap(), stackItem{h: m.bigBtn, place: func(r image.Rectangle) {
		w := min((r.Dx()-m.pad)/2, m.w*2/5)
		x0 := r.Min.X + (r.Dx()-2*w-m.pad)/2
		no := image.Rect(x0, r.Min.Y, x0+w, r.Max.Y)
		yes := image.Rect(x0+w+m.pad, r.Min.Y, x0+2*w+m.pad, r.Max.Y)
		b.button(no, btnPrimary, b.t(wNo), checkout.ActNo, b.st.title)
		b.button(yes, btnPrimary, b.t(wYes), checkout.ActYes, b.st.title)
	}})
	b.stack(top, bottom, items...)
}

// fitQuestion picks the largest style in which all of text fits in room
// pixels of height, broken at its newlines and wrapped to the screen's
// width. When not even the body style holds it, the body style's lines
// end in an ellipsis.
func (b *builder) fitQuestion(text string, room int) (*style, []string) {
	width := b.m.w - 2*b.m.pad
	var lines []string
	var rest string
	for _, st := range []*style{b.st.huge, b.st.big, b.st.title, b.st.body} {
		lines, rest = wrapLines(st, text, width, room/lineHeight(st))
		if rest == "" {
			return st, lines
		}
	}
	st := b.st.body
	if n := len(lines); n > 0 {
		lines[n-1] = st.ellipsize(lines[n-1]+" "+rest, width)
	}
	return st, lines
}

// wrapLines breaks text at its newlines, then wraps each paragraph to
// width pixels, into at most maxLines lines; rest is the text left over
// (newlines turned to spaces), "" when all of it fits.
func wrapLines(st *style, text string, width, maxLines int) (lines []string, rest string) {
	paras := strings.Split(text, "\n")
	for i, p := range paras {
		p = strings.Join(strings.Fields(p), " ")
		for p != "" {
			if len(lines) >= maxLines {
				left := append([]string{p}, paras[i+1:]...)
				return lines, strings.Join(strings.Fields(strings.Join(left, " ")), " ")
			}
			cut := st.fit(p, width)
			lines = append(lines, strings.TrimRight(p[:cut], " "))
			p = strings.TrimLeft(p[cut:], " ")
		}
	}
	return lines, ""
}
