package ui

import (
	"image"
	"image/color"

	"payterm/firmware/checkout"
	"payterm/ui/catalog"
)

// faceWords is what the customer reads for each hint.
func faceWords(h checkout.FaceHint) catalog.ID {
	switch h {
	case checkout.FaceMoveCloser:
		return wFaceMoveCloser
	case checkout.FaceMoveBack:
		return wFaceMoveBack
	case checkout.FaceCentre:
		return wFaceCentre
	case checkout.FaceHoldStill:
		return wFaceHoldStill
	case checkout.FaceTooDark:
		return wFaceTooDark
	case checkout.FaceTooBright:
		return wFaceTooBright
	case checkout.FaceOnlyOne:
		return wFaceOnlyOne
	case checkout.FaceTheCamera:
		return wFaceTheCamera
	case checkout.FaceNotLive:
		return wFaceNotLive
	case checkout.FaceReady:
		return wFaceReady
	}
	return wLookCamera
}

// faceColour is the face frame's colour: green when the face is usable,
// amber while the customer only needs to keep still or show life, red
// for anything they must change.
func faceColour(h checkout.FaceHint) color.RGBA {
	switch h {
	case checkout.FaceReady:
		return colConfirm
	case checkout.FaceHoldStill, checkout.FaceNotLive:
		return colAccent
	}
	return colDanger
}

// face is the face screen: the live camera picture with the face frame,
// the guidance, the capture's progress and countdown, the amount, and
// Cancel where the order screen had it. Landscape puts the picture on the
// left and the words on the right; portrait puts the picture on top.
func (b *builder) face(v checkout.View) {
	m := b.m
	b.header(b.t(wPayFace), b.right)
	top, bottom := b.body()
	var pic, col image.Rectangle
	if m.portrait {
		w := m.w - 2*m.pad
		h := min(w*3/4, (bottom-top)*11/20)
		w = h * 4 / 3
		x := (m.w - w) / 2
		pic = image.Rect(x, top+m.pad, x+w, top+m.pad+h)
		col = image.Rect(m.pad, pic.Max.Y+m.pad, m.w-m.pad, bottom)
	} else {
		h := bottom - top - 2*m.pad
		w := min(h*4/3, m.w*11/20)
		h = w * 3 / 4
		y := top + (bottom-top-h)/2
		pic = image.Rect(m.pad, y, m.pad+w, y+h)
		col = image.Rect(pic.Max.X+2*m.pad, top, m.w-m.pad, bottom)
	}
	f := v.Face
	b.add(previewBlock{r: pic, box: previewBox(f, pic.Size()), col: faceColour(f.Hint), pic: b.pic})

	// The words, centred in their column.
	type line struct {
		st *style
		s  string
		fg color.RGBA
	}
	var lines []line
	for _, l := range b.st.title.wrap(b.t(faceWords(f.Hint)), col.Dx(), 3) {
		lines = append(lines, line{b.st.title, l, colInk})
	}
	barH := max(8, m.pad)
	h := barH + 2*m.pad
	for _, l := range lines {
		h += lineHeight(l.st)
	}
	tail := []line{{b.st.big, b.amount(v), colInk}}
	if f.Left > 0 {
		tail = append([]line{{b.st.body, b.t(wSecondsLeft, f.Left), colMuted}}, tail...)
	}
	for _, l := range tail {
		h += lineHeight(l.st)
	}
	y := col.Min.Y + max(0, (col.Dy()-h)/2)
	put := func(l line) {
		r := image.Rect(col.Min.X, y, col.Max.X, min(y+lineHeight(l.st), col.Max.Y))
		if !r.Empty() {
			b.add(textBlock{r: r, st: l.st, s: l.s, a: alignCenter, fg: l.fg, bg: colBg})
		}
		y += lineHeight(l.st)
	}
	for _, l := range lines {
		put(l)
	}
	y += m.pad
	if y+barH <= col.Max.Y {
		b.add(progressBlock{r: image.Rect(col.Min.X, y, col.Max.X, y+barH), pct: f.Progress})
	}
	y += barH + m.pad
	for _, l := range tail {
		put(l)
	}
	b.bar(slot{frac: 0.26, kind: btnSecondary, label: b.t(wCancel), act: checkout.ActCancel, show: true},
		slot{frac: 0.74})
}

// progressBlock is a bar filled pct percent from the left.
type progressBlock struct {
	r   image.Rectangle
	pct int
}

func (b progressBlock) bounds() image.Rectangle { return b.r }

func (b progressBlock) paint(c *canvas) {
	rad := float64(b.r.Dy()) / 2
	c.roundRect(b.r, rad, colRule)
	if p := min(max(b.pct, 0), 100); p > 0 {
		fill := b.r
		fill.Max.X = fill.Min.X + max(b.r.Dy(), b.r.Dx()*p/100)
		c.roundRect(fill, rad, colConfirm)
	}
}
