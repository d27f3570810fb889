package ui

import (
	"fmt"
	"image"
	"strings"
	"testing"
	"unicode"

	"payterm/firmware/checkout"
	"payterm/firmware/order"
	"payterm/ui/catalog"
)

// longOrder is a 20-line order in CNY with long labels in both scripts,
// weighed and counted quantities, discounts and a total in the millions.
func longOrder() *order.Order {
	labels := []string{
		"Organic free-range chicken breast fillets, family pack",
		"有机散养鸡胸肉片（家庭装）限时特价促销",
		"Extra virgin olive oil, cold pressed, 1 litre glass bottle",
		"云南普洱熟茶饼357克（十年陈酿）礼盒装",
		"新西兰进口全脂奶粉900g",
	}
	o := &order.Order{ID: "LONG-1", Currency: order.MustCurrency("CNY")}
	for i := 0; i < 20; i++ {
		q, unit := order.Quantity((i%4+1)*1000), ""
		if i%5 == 3 {
			q, unit = 12345, "kg"
		}
		price := int64(123456789 + 1111*i)
		l := order.Line{ID: fmt.Sprintf("L%d", i+1), Label: labels[i%len(labels)], Quantity: q, Unit: unit,
			UnitPrice: price, Amount: order.LineAmount(q, price)}
		if i%7 == 1 {
			l.Discount = 1234567
		}
		o.Lines = append(o.Lines, l)
	}
	o.Discounts = []order.Discount{{Label: "会员积分抵扣 Loyalty points redeemed this visit", Amount: 99999}, {Amount: 100}}
	o.Total = o.Sum()
	return o
}

// longViews are every screen with the longest content each carries.
func longViews(o *order.Order, lang string) []checkout.View {
	marked := map[string]bool{}
	for _, l := range o.Lines[:9] {
		marked[l.ID] = true
	}
	decline := "The payment system declined the payment because the daily limit of this payment code was reached"
	if lang == "zh" {
		decline = "支付系统拒绝了本次付款：该付款码今日的交易限额已用完，请更换付款方式后重试"
	}
	vs := []checkout.View{
		{Screen: checkout.ScreenIdle},
		{Screen: checkout.ScreenOrder, Order: o, Marked: marked, Corrected: true},
		{Screen: checkout.ScreenFlagged, Order: o, Marked: marked},
		{Screen: checkout.ScreenMethod, Order: o, Methods: []checkout.Method{checkout.Code, checkout.Face}},
		{Screen: checkout.ScreenShowCode, Order: o, Method: checkout.Code},
		// Both readers fitted: the hint names the one reading, the switch
		// the other.
		{Screen: checkout.ScreenShowCode, Order: o, Method: checkout.Code, Reader: checkout.ByScanner, Switch: checkout.ByCamera},
		{Screen: checkout.ScreenShowCode, Order: o, Method: checkout.Code, Reader: checkout.ByCamera, Switch: checkout.ByScanner},
		{Screen: checkout.ScreenFace, Order: o, Method: checkout.Face},
		{Screen: checkout.ScreenProcessing, Order: o, Message: "cancelling the payment"},
		{Screen: checkout.ScreenPaid, Order: o},
		{Screen: checkout.ScreenFailed, Order: o, Message: decline},
		{Screen: checkout.ScreenRefused, Message: "An item's amount does not match its quantity and price."},
		{Screen: checkout.ScreenQuestion, Message: "您愿意加入我们的会员俱乐部吗？\nWould you like to join our loyalty club? It is free and you collect points on every purchase."},
		{Screen: checkout.ScreenNotProvisioned, Message: "configuration /data/payterm.json is missing"},
		{Screen: checkout.ScreenDocument, Doc: checkout.DocView{ID: "d", Pages: 3, Page: 1, Receipt: true}},
	}
	for i := range vs {
		vs[i].Language = lang
	}
	return vs
}

// posText is everything in v the POS or the payment system wrote: the
// only text the design lets an ellipsis shorten.
func posText(v checkout.View, name string) []string {
	out := []string{name, v.Message}
	if v.Order != nil {
		for _, l := range v.Order.Lines {
			out = append(out, l.Label)
		}
		for _, d := range v.Order.Discounts {
			out = append(out, d.Label)
		}
	}
	return out
}

// isPOSText reports whether s, less a final ellipsis, is part of the
// POS's text (wrapping may have split it and joined its lines).
func isPOSText(s string, pos []string) bool {
	s = strings.Join(strings.Fields(strings.TrimSuffix(s, ellipsis)), " ")
	for _, p := range pos {
		if p != "" && strings.Contains(strings.Join(strings.Fields(p), " "), s) {
			return true
		}
	}
	return false
}

// TestEveryScreenFits renders every screen in both languages on each
// panel, every page of the order, and measures each line of text against
// its box: nothing drawn outside its box or clipped, no text lost, no row
// of a stack dropped, no missing glyph, and an ellipsis only on the
// POS's own text (labels, reasons), never on the catalogue's words or an
// amount.
func TestEveryScreenFits(t *testing.T) {
	fonts := cjkFonts(t)
	for _, lc := range layouts {
		r := newTestRenderer(t, lc.l, fonts)
		var runs []textRun
		r.canvas.runs = &runs
		for _, lang := range catalog.Languages() {
			for _, v := range longViews(longOrder(), lang) {
				t.Run(lc.name+"/"+lang+"/"+v.Screen.String(), func(t *testing.T) {
					pos := posText(v, "Counter 3")
					for page := 0; ; page++ {
						v.Page = page
						runs = runs[:0]
						r.cur = nil
						r.Render(v)
						checkFit(t, r, runs, pos, fonts)
						if page == 0 {
							saveShot(t, r, "fit-"+lc.name+"-"+lang+"-"+v.Screen.String())
						}
						if _, next := pageButton(r, page+1); !next || v.Screen != checkout.ScreenOrder {
							break
						}
					}
				})
			}
		}
	}
}

func checkFit(t *testing.T, r *Renderer, runs []textRun, pos []string, fonts *Fonts) {
	t.Helper()
	if len(runs) == 0 {
		t.Fatal("no text drawn")
	}
	for _, x := range runs {
		switch {
		case x.src != "" && x.s == "":
			t.Errorf("%q dropped: box %v has no room", x.src, x.box)
		case x.width > x.box.Dx():
			t.Errorf("%q is %d px wide in a box %d px wide", x.s, x.width, x.box.Dx())
		case !x.ink.Empty() && !x.ink.In(x.clip):
			t.Errorf("%q: ink %v cut off by its clip %v", x.s, x.ink, x.clip)
		case !x.ink.Empty() && (x.ink.Min.Y < x.box.Min.Y || x.ink.Max.Y > x.box.Max.Y):
			t.Errorf("%q: ink %v spills out of its box %v", x.s, x.ink, x.box)
		case x.s != x.src && !isPOSText(x.s, pos):
			t.Errorf("%q shortened to %q: only the POS's text may be", x.src, x.s)
		}
		for _, c := range x.s {
			if !unicode.IsSpace(c) && !fonts.Covers(c) {
				t.Errorf("%q: no font has %q", x.s, c)
			}
		}
	}
	for _, s := range r.build.cut {
		if !isPOSText(s, pos) {
			t.Errorf("%q wrapped and shortened: only the POS's text may be", s)
		}
	}
	for _, s := range r.build.dropped {
		t.Errorf("%q left out: the screen had no room for it", s)
	}
	checkBlocks(t, r)
	checkButtons(t, r, r.panel)
}

// TestFitCatchesOverflow: the measurement sees text cut off, so
// TestEveryScreenFits can fail.
func TestFitCatchesOverflow(t *testing.T) {
	r := newTestRenderer(t, layouts[0].l, nil)
	var runs []textRun
	r.canvas.runs = &runs
	r.canvas.clip = image.Rect(0, 0, 100, 10) // shorter than a line of text
	r.canvas.textIn(image.Rect(0, 0, 100, 40), r.build.st.body, "Total", alignLeft, colInk)
	r.canvas.textIn(image.Rect(0, 0, 5, 40), r.build.st.body, "Total", alignLeft, colInk)
	if len(runs) != 2 || runs[0].ink.In(runs[0].clip) || runs[1].s != "" {
		t.Fatalf("runs %+v: want the first clipped, the second dropped", runs)
	}
}

// TestLanguageButton: the button switches to the other language, and the
// screen it gives is drawn in it.
func TestLanguageButton(t *testing.T) {
	r := newTestRenderer(t, layouts[0].l, nil)
	v := checkout.View{Screen: checkout.ScreenOrder, Order: testOrder(3, false)}
	for _, tt := range []struct{ from, to string }{{"", "zh"}, {"en", "zh"}, {"zh", "en"}} {
		v.Language = tt.from
		r.Render(v)
		var lang *Button
		for _, b := range r.Buttons() {
			if b.Action == checkout.ActLanguage {
				lang = &b
			}
		}
		if lang == nil {
			t.Fatalf("%q: no language button", tt.from)
		}
		got, ok := r.Hit(center(lang.Rect))
		if !ok || got.Action != checkout.ActLanguage || got.Language != tt.to {
			t.Errorf("%q: the button gives %+v, want language %s", tt.from, got, tt.to)
		}
		if want := catalog.For(tt.to).T(wLanguageName); lang.Label != want {
			t.Errorf("%q: button says %q, want %q", tt.from, lang.Label, want)
		}
	}
	v.Language = "zh"
	r.Render(v)
	var title bool
	for _, b := range r.cur.blocks {
		if tb, ok := b.(textBlock); ok && tb.s == "请核对您的订单" {
			title = true
		}
	}
	if !title {
		t.Error("the zh order screen's title is not Chinese")
	}
}
