// Package receipttext parses the text of a receipt or a POS screen, as
// words with boxes and confidences, into an order read: labels,
// quantities, unit prices, amounts, discounts and the total, each with a
// confidence, cross-checked by arithmetic. It is pure: the OCR (pos/ocr)
// or a PDF's text layer feeds it.
package receipttext

import (
	"image"
	"sort"
	"strings"
	"unicode"
)

// Word is one word as read. Conf is 0..1 (1 for text that is not
// recognised but known, such as a PDF's text layer).
type Word struct {
	Text string
	Box  image.Rectangle
	Conf float64
}

// Line is a line of words, left to right.
type Line struct {
	Words []Word
}

// Text joins the words: no space between two CJK characters (tesseract's
// chi_sim model makes every ideograph a word), one space elsewhere.
func (l Line) Text() string {
	var b strings.Builder
	for i, w := range l.Words {
		if i > 0 && !(endsCJK(l.Words[i-1].Text) && startsCJK(w.Text)) {
			b.WriteByte(' ')
		}
		b.WriteString(w.Text)
	}
	return b.String()
}

func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef)
}

func startsCJK(s string) bool {
	for _, r := range s {
		return isCJK(r)
	}
	return false
}

func endsCJK(s string) bool {
	r := []rune(s)
	return len(r) > 0 && isCJK(r[len(r)-1])
}

// GroupLines puts words into lines by geometry: a word belongs to a line
// when its vertical middle falls within the line's band. The OCR's own
// line numbers are not used, since its page layout may split a row of
// columns into blocks.
func GroupLines(words []Word) []Line {
	ws := append([]Word(nil), words...)
	sort.SliceStable(ws, func(i, j int) bool { return mid(ws[i].Box) < mid(ws[j].Box) })
	var lines []Line
	var band image.Rectangle
	for _, w := range ws {
		if n := len(lines); n > 0 && mid(w.Box) >= band.Min.Y && mid(w.Box) < band.Max.Y {
			lines[n-1].Words = append(lines[n-1].Words, w)
			band = band.Union(w.Box)
			continue
		}
		lines = append(lines, Line{Words: []Word{w}})
		band = w.Box
	}
	for i := range lines {
		sort.SliceStable(lines[i].Words, func(a, b int) bool { return lines[i].Words[a].Box.Min.X < lines[i].Words[b].Box.Min.X })
	}
	return lines
}

func mid(r image.Rectangle) int { return (r.Min.Y + r.Max.Y) / 2 }
