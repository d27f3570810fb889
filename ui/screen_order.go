package ui

import (
	"image"

	"payterm/firmware/checkout"
	"payterm/firmware/order"
)

// orderItem is one entry of the order list before it is placed: a line
// (with its discount) or an order discount.
type orderItem struct {
	line *order.Line // nil for an order discount
	blk  itemBlock   // r not yet set
	h    int
}

// order is the itemized order: lines the customer can tap or circle to
// mark, paged when they do not fit, the total, and Cancel / Report /
// Confirm.
func (b *builder) order(v checkout.View) {
	m := b.m
	o := v.Order
	if o == nil {
		o = &order.Order{}
	}
	top, bottom := m.header, m.h-m.bar-m.footer
	if v.Corrected {
		note := b.t(wCorrected)
		b.add(textBlock{r: image.Rect(0, top, m.w, top+m.banner), st: fitStyle(note, m.w-2*m.pad, b.st.bold, b.st.smallBold), s: note,
			fg: colBannerInk, bg: colBannerBg, inset: m.pad})
		top += m.banner
	}
	items := b.orderItems(o, v.Marked)
	starts := paginate(items, bottom-top)
	page := min(max(v.Page, 0), len(starts)-1)
	b.orderHeader(page, len(starts))

	end := len(items)
	if page+1 < len(starts) {
		end = starts[page+1]
	}
	y := top
	for _, it := range items[starts[page]:end] {
		h := min(it.h, bottom-y)
		r := image.Rect(m.pad, y, m.w-m.pad, y+h)
		it.blk.r = r
		b.add(it.blk)
		if it.line != nil {
			b.target(r, checkout.ActToggleLine, it.line.ID, 0, it.line.Label)
		}
		y += h
	}

	b.add(totalBlock{r: image.Rect(0, bottom, m.w, bottom+m.footer), hint: b.t(wTapHint), label: b.t(wTotal),
		amount: b.money(o.Total, o.Currency), small: b.st.small, body: b.st.body, big: b.st.big, pad: m.pad})

	marked := 0
	for _, l := range o.Lines {
		if v.Marked[l.ID] {
			marked++
		}
	}
	b.bar(
		slot{frac: 0.26, kind: btnSecondary, label: b.t(wCancel), act: checkout.ActCancel, show: true},
		slot{frac: 0.37, kind: btnAccent, label: b.t(wReport), act: checkout.ActReport, show: marked > 0},
		slot{frac: 0.37, kind: btnConfirm, label: b.t(wConfirm), act: checkout.ActConfirm, show: true},
	)
}

// orderHeader is the order screen's paged header.
func (b *builder) orderHeader(page, pages int) { b.pagedHeader(b.t(wCheckOrder), page, pages) }

// pagedHeader is title and, when there are pages, "2/3" between previous
// and next buttons at the right end of the title bar.
func (b *builder) pagedHeader(title string, page, pages int) {
	m := b.m
	if pages <= 1 {
		b.header(title, b.right)
		return
	}
	bh := m.header - 8
	bw := bh * 7 / 5
	slotW := bw + 2*m.pad
	textW := b.st.bold.measure(b.t(wPage, pages, pages)) + 2*m.pad
	next := image.Rect(b.right-slotW, 0, b.right, m.header)
	text := image.Rect(next.Min.X-textW, 0, next.Min.X, m.header)
	prev := image.Rect(text.Min.X-slotW, 0, text.Min.X, m.header)
	b.header(title, prev.Min.X)
	b.add(textBlock{r: text, st: b.st.bold, s: b.t(wPage, page+1, pages), a: alignCenter, fg: colOnFill, bg: colHeader})
	for _, p := range []struct {
		slot   image.Rectangle
		kind   btnKind
		target int
		show   bool
	}{{prev, btnPrev, page - 1, page > 0}, {next, btnNext, page + 1, page+1 < pages}} {
		if !p.show {
			b.add(textBlock{r: p.slot, bg: colHeader, st: b.st.bold})
			continue
		}
		btn := image.Rect(p.slot.Min.X+m.pad, 4, p.slot.Max.X-m.pad, 4+bh)
		label := b.t(wPrevPage)
		if p.kind == btnNext {
			label = b.t(wNextPage)
		}
		b.add(buttonBlock{slot: p.slot, btn: btn, kind: p.kind, st: b.st.bold, bg: colHeader, pad: m.pad})
		b.target(btn, checkout.ActPage, "", p.target, label)
	}
}

// orderItems turns lines and order discounts into list entries with
// columns sized for the widest amount and quantity of the whole order,
// so columns stay put from page to page.
func (b *builder) orderItems(o *order.Order, marked map[string]bool) []orderItem {
	m, st := b.m, b.st
	cur := o.Currency
	amtW, qtyW := 0, 0
	for _, l := range o.Lines {
		amtW = max(amtW, st.bold.measure(b.money(l.Amount, cur)), st.small.measure(b.money(-l.Discount, cur)))
		qtyW = max(qtyW, st.small.measure(b.qtyText(l, cur)))
	}
	for _, d := range o.Discounts {
		amtW = max(amtW, st.small.measure(b.money(-d.Amount, cur)))
	}
	inner := m.w - 4*m.pad
	amtW = min(amtW, inner*3/10)
	qtyW = min(qtyW, inner*3/10)
	if m.portrait {
		qtyW = 0 // prices sit under the label
	}
	base := itemBlock{portrait: m.portrait, pad: m.pad, amtW: amtW, qtyW: qtyW,
		body: st.body, bold: st.bold, small: st.small}

	var items []orderItem
	for i := range o.Lines {
		l := &o.Lines[i]
		it := base
		it.row, it.markable, it.marked = m.row, true, marked[l.ID]
		it.label, it.qty, it.amount = l.Label, b.qtyText(*l, cur), b.money(l.Amount, cur)
		h := m.row
		if l.Discount != 0 {
			it.discLabel, it.discAmt = b.t(wDiscount), b.money(-l.Discount, cur)
			h += m.sub
		}
		items = append(items, orderItem{line: l, blk: it, h: h})
	}
	for _, d := range o.Discounts {
		it := base
		it.discLabel, it.discAmt = d.Label, b.money(-d.Amount, cur)
		if it.discLabel == "" {
			it.discLabel = b.t(wDiscount)
		}
		items = append(items, orderItem{blk: it, h: m.sub + m.pad})
	}
	return items
}

// qtyText is "2 × €1.50" or "0.455 kg × ¥12.00".
func (b *builder) qtyText(l order.Line, cur order.Currency) string {
	q := l.Quantity.String()
	if l.Unit != "" {
		q += " " + l.Unit
	}
	return q + " × " + b.money(l.UnitPrice, cur)
}

// paginate returns the index of the first item of each page, filling
// pages of avail pixels in order; an item taller than a page gets one of
// its own. There is always at least one page.
func paginate(items []orderItem, avail int) []int {
	starts := []int{0}
	used := 0
	for i, it := range items {
		if used > 0 && used+it.h > avail {
			starts = append(starts, i)
			used = 0
		}
		used += it.h
	}
	return starts
}
