package orderread

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"unicode"

	"codeberg.org/go-pdf/fpdf"

	"payterm/firmware/order"
)

// Fonts for the generated receipts (tools/deps.sh installs them): Droid
// Sans Fallback has the ideographs but no Latin letters, so the Latin
// runs of a label are set in DejaVu, as a POS with a font fallback would.
const (
	cjkFont   = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"
	latinFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
	monoFont  = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
)

// receiptPDF writes o as a receipt in one of the layouts: "table" (A5,
// one row per item with quantity, unit price and amount columns, CJK
// header) or "thermal" (80 mm roll, monospace, the label on one row and
// "qty x price   amount" under it, total with ¥).
type receiptPDF struct {
	t      *testing.T
	p      *fpdf.Fpdf
	latin  string
	size   float64
	layout string
}

func newReceiptPDF(t testing.TB, layout string) *receiptPDF {
	fonts := map[string][]byte{}
	for _, f := range []string{cjkFont, latinFont, monoFont} {
		b, err := os.ReadFile(f)
		if err != nil {
			if testing.Short() {
				t.Skipf("receipt font missing (tools/deps.sh installs it): %v", err)
			}
			t.Fatalf("receipt font missing (tools/deps.sh installs it): %v", err)
		}
		fonts[f] = b
	}
	r := &receiptPDF{layout: layout}
	switch layout {
	case "table":
		r.p = fpdf.New("P", "mm", "A5", "")
		r.latin, r.size = "latin", 9
	case "thermal":
		r.p = fpdf.NewCustom(&fpdf.InitType{UnitStr: "mm", Size: fpdf.SizeType{Wd: 80, Ht: 200}})
		r.latin, r.size = "mono", 8
	}
	r.p.AddUTF8FontFromBytes("cjk", "", fonts[cjkFont])
	r.p.AddUTF8FontFromBytes("latin", "", fonts[latinFont])
	r.p.AddUTF8FontFromBytes("mono", "", fonts[monoFont])
	r.p.SetMargins(0, 0, 0)
	r.p.SetAutoPageBreak(false, 0)
	r.p.AddPage()
	return r
}

// runs splits s into runs of ideographs and of everything else.
func runs(s string) []string {
	var out []string
	start, cjk := 0, false
	for i, r := range s {
		c := unicode.Is(unicode.Han, r) || r == '￥' || r == '：'
		if i > 0 && c != cjk {
			out = append(out, s[start:i])
			start = i
		}
		cjk = c
	}
	return append(out, s[start:])
}

func (r *receiptPDF) font(run string) {
	if unicode.Is(unicode.Han, []rune(run)[0]) || strings.HasPrefix(run, "￥") || strings.HasPrefix(run, "：") {
		r.p.SetFont("cjk", "", r.size)
	} else {
		r.p.SetFont(r.latin, "", r.size)
	}
}

func (r *receiptPDF) width(s string) float64 {
	w := 0.0
	for _, run := range runs(s) {
		r.font(run)
		w += r.p.GetStringWidth(run)
	}
	return w
}

// text writes s with its left edge at x on baseline y.
func (r *receiptPDF) text(x, y float64, s string) {
	for _, run := range runs(s) {
		r.font(run)
		r.p.Text(x, y, run)
		x += r.p.GetStringWidth(run)
	}
}

// right writes s with its right edge at x.
func (r *receiptPDF) right(x, y float64, s string) { r.text(x-r.width(s), y, s) }

func (r *receiptPDF) bytes() []byte {
	var b bytes.Buffer
	if err := r.p.Output(&b); err != nil {
		panic(err)
	}
	return b.Bytes()
}

func qtyText(l order.Line) string {
	if l.Unit == "" {
		return l.Quantity.String()
	}
	return l.Quantity.String() + " " + l.Unit
}

// receipt renders o in the layout.
func receipt(t testing.TB, o order.Order, layout string) []byte {
	r := newReceiptPDF(t, layout)
	m := func(v int64) string { return order.FormatAmount(v, o.Currency) }
	switch layout {
	case "table":
		// Thousands separators, as most receipts print them.
		m = func(v int64) string { return strings.TrimPrefix(order.Display(v, o.Currency), o.Currency.Code+" ") }
		y := 15.0
		r.text(40, y, "小店 Corner Shop")
		y += 6
		r.text(10, y, "No. "+o.ID)
		r.text(80, y, "Currency: "+o.Currency.Code)
		y += 8
		r.text(10, y, "品名 Item")
		r.right(85, y, "数量 Qty")
		r.right(112, y, "单价 Price")
		r.right(138, y, "金额 Amount")
		for _, l := range o.Lines {
			y += 6
			r.text(10, y, l.Label)
			r.right(85, y, qtyText(l))
			r.right(112, y, m(l.UnitPrice))
			r.right(138, y, m(l.Amount))
			if l.Discount > 0 {
				y += 5
				r.text(16, y, "优惠 Discount")
				r.right(138, y, "-"+m(l.Discount))
			}
		}
		y += 8
		sub := o.Sum()
		for _, d := range o.Discounts {
			sub += d.Amount
		}
		r.text(10, y, "小计 Subtotal")
		r.right(138, y, m(sub))
		for _, d := range o.Discounts {
			y += 6
			r.text(10, y, d.Label)
			r.right(138, y, "-"+m(d.Amount))
		}
		y += 6
		r.text(10, y, "合计 Total")
		r.right(138, y, m(o.Total))
		y += 6
		r.text(10, y, "现金 Cash")
		r.right(138, y, m(o.Total+1000))
		y += 6
		r.text(10, y, "找零 Change")
		r.right(138, y, "10.00")
	case "thermal":
		y := 8.0
		r.text(22, y, "便利店 QuickMart")
		y += 5
		r.text(4, y, "单号："+o.ID)
		y += 6
		r.text(4, y, "Item / Qty x Price")
		r.right(76, y, "Amount")
		for _, l := range o.Lines {
			y += 5
			r.text(4, y, l.Label)
			y += 4
			r.text(8, y, qtyText(l)+" x "+m(l.UnitPrice))
			r.right(76, y, m(l.Amount))
			if l.Discount > 0 {
				y += 4
				r.text(8, y, "Discount")
				r.right(76, y, "-"+m(l.Discount))
			}
		}
		for _, d := range o.Discounts {
			y += 6
			r.text(4, y, d.Label)
			r.right(76, y, "-"+m(d.Amount))
		}
		y += 6
		r.text(4, y, "TOTAL")
		r.right(76, y, "￥"+m(o.Total))
		y += 6
		r.text(20, y, "谢谢惠顾 Thank you")
	}
	return r.bytes()
}

// tenLines is a larger receipt: ten lines, weighed goods, long CJK labels,
// thousands, two line discounts and two order discounts.
func tenLines() order.Order {
	cny := order.MustCurrency("CNY")
	o := order.Order{ID: "R-20240501-0042", Currency: cny}
	items := []struct {
		label string
		qty   string
		unit  string
		price int64
		disc  int64
	}{
		{"五常大米 Rice 5 kg", "1", "", 6990, 0},
		{"农夫山泉 Spring water 550ml", "12", "", 200, 0},
		{"猪肉 Pork belly", "0.682", "kg", 3280, 0},
		{"鸡蛋 Eggs 30 pcs", "1", "", 2590, 300},
		{"青岛啤酒 Tsingtao beer 500ml", "6", "", 650, 0},
		{"西兰花 Broccoli", "0.415", "kg", 1260, 0},
		{"酱油 Soy sauce 1.8 l", "2", "", 2380, 0},
		{"华为耳机 Earphones", "1", "", 129900, 10000},
		{"纸巾 Tissues", "3", "", 1590, 0},
		{"苹果 Apples", "1.25", "kg", 1280, 0},
	}
	for i, it := range items {
		q, _ := order.ParseQuantity(it.qty)
		l := order.Line{ID: string(rune('1' + i)), Label: it.label, Quantity: q, Unit: it.unit, UnitPrice: it.price, Amount: order.LineAmount(q, it.price), Discount: it.disc}
		if i == 9 {
			l.ID = "10"
		}
		o.Lines = append(o.Lines, l)
	}
	o.Discounts = []order.Discount{{Label: "会员折扣 Member discount", Amount: 1500}, {Label: "Coupon 满100减10", Amount: 1000}}
	o.Total = o.Sum()
	return o
}
