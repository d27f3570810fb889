package ocr_test

import (
	"fmt"
	"image"
	"image/color"
	"os"
	"strings"
	"testing"

	"github.com/fogleman/gg"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"

	"payterm/firmware/order"
	"payterm/pos"
)

// testFont is a system font the POS window is drawn in (Debian packages
// fonts-noto-cjk, fonts-droid-fallback, fonts-wqy-zenhei).
type testFont struct {
	name   string
	path   string
	prefer string // family suffix in a collection
	latin  string // a font for what path lacks (Droid Sans Fallback has no Latin)
}

var testFonts = []testFont{
	{"NotoSansCJK", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", " SC", ""},
	{"DroidSansFallback", "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", "", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"},
	{"NotoSerifCJK", "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", " SC", ""},
}

func loadFace(t testing.TB, f testFont, size float64) font.Face {
	t.Helper()
	face := loadFile(t, f.path, f.prefer, size)
	if f.latin != "" {
		return fallbackFace{loadFile(t, f.latin, "", size), face}
	}
	return face
}

func loadFile(t testing.TB, path, prefer string, size float64) font.Face {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("font %s: %v (tools/deps.sh installs it)", path, err)
	}
	c, err := opentype.ParseCollection(data)
	if err != nil {
		t.Fatal(err)
	}
	idx := 0
	var buf sfnt.Buffer
	for i := 0; i < c.NumFonts() && prefer != ""; i++ {
		ft, _ := c.Font(i)
		if n, err := ft.Name(&buf, sfnt.NameIDFamily); err == nil && strings.HasSuffix(n, prefer) {
			idx = i
			break
		}
	}
	ft, err := c.Font(idx)
	if err != nil {
		t.Fatal(err)
	}
	face, err := opentype.NewFace(ft, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		t.Fatal(err)
	}
	return face
}

// layout is how the POS window lays an order out.
type layout int

const (
	columns layout = iota // label | qty | unit price | amount on one row
	twoLine               // label, then "qty x unit price      amount"
)

func (l layout) String() string { return [...]string{"columns", "twoLine"}[l] }

// testOrders are the orders of the test set: Chinese and English labels
// mixed, a weighed line, an order discount.
func testOrders(t testing.TB) []order.Order {
	t.Helper()
	files := []pos.OrderFile{{
		ID: "R10", Currency: "CNY",
		Lines: []pos.LineFile{
			{ID: "1", Label: "苹果 Apple", Qty: "2", UnitPrice: "3.50"},
			{ID: "2", Label: "牛奶 Milk", Qty: "1", UnitPrice: "12.80"},
			{ID: "3", Label: "Bread 面包", Qty: "1", UnitPrice: "9.90"},
			{ID: "4", Label: "鸡蛋 Eggs", Qty: "12", UnitPrice: "0.85"},
			{ID: "5", Label: "Coca-Cola", Qty: "3", UnitPrice: "3.00"},
			{ID: "6", Label: "大米 Rice", Qty: "1", UnitPrice: "45.00"},
			{ID: "7", Label: "酸奶 Yogurt", Qty: "4", UnitPrice: "5.50"},
			{ID: "8", Label: "西瓜 Watermelon", Qty: "0.455", Unit: "kg", UnitPrice: "6.60"},
			{ID: "9", Label: "果汁 Juice", Qty: "2", UnitPrice: "8.90"},
			{ID: "10", Label: "纸巾 Tissues", Qty: "6", UnitPrice: "2.50"},
		},
		Discounts: []pos.DiscountFile{{Label: "折扣 Discount", Amount: "5.00"}},
	}, {
		ID: "R4", Currency: "CNY",
		Lines: []pos.LineFile{
			{ID: "1", Label: "绿茶 Green Tea", Qty: "2", UnitPrice: "4.00"},
			{ID: "2", Label: "Sandwich 三明治", Qty: "1", UnitPrice: "18.50"},
			{ID: "3", Label: "面条 Noodles", Qty: "3", UnitPrice: "6.90"},
			{ID: "4", Label: "Chocolate 巧克力", Qty: "2", UnitPrice: "15.80"},
		},
	}}
	return ordersOf(t, files)
}

// hardOrders hold labels the chi_sim model misreads or rates low at this
// size in some fonts (麦, 蕉, 薯; "Orange Juice"): in the accuracy figure,
// not in the exact-read test.
func hardOrders(t testing.TB) []order.Order {
	return ordersOf(t, []pos.OrderFile{{
		ID: "H4", Currency: "CNY",
		Lines: []pos.LineFile{
			{ID: "1", Label: "Bread 全麦面包", Qty: "1", UnitPrice: "9.90"},
			{ID: "2", Label: "香蕉 Banana", Qty: "0.455", Unit: "kg", UnitPrice: "6.60"},
			{ID: "3", Label: "薯片", Qty: "3", UnitPrice: "6.90"},
			{ID: "4", Label: "Orange Juice", Qty: "2", UnitPrice: "8.90"},
		},
	}})
}

func ordersOf(t testing.TB, files []pos.OrderFile) []order.Order {
	t.Helper()
	var out []order.Order
	for _, f := range files {
		o, err := f.Order()
		if err != nil {
			t.Fatal(err)
		}
		if err := o.Validate(); err != nil {
			t.Fatal(err)
		}
		out = append(out, o)
	}
	return out
}

func qtyText(l order.Line) string { return l.Quantity.String() + l.Unit }

// renderPOS draws o as a POS program would, dark text on white, and
// returns the image and the rectangle of each line's amount.
func renderPOS(t testing.TB, o order.Order, face font.Face, lay layout) (image.Image, []image.Rectangle) {
	t.Helper()
	const w, pad, size = 600, 24, 18
	rowH := 30.0
	if lay == twoLine {
		rowH = 26 // two rows per item: a 10-line order still fits 800 pixels
	}
	rows := len(o.Lines) + len(o.Discounts) + 3
	if lay == twoLine {
		rows += len(o.Lines)
	}
	h := int(float64(rows)*rowH) + 2*pad
	dc := gg.NewContext(w, h)
	dc.SetColor(color.White)
	dc.Clear()
	dc.SetFontFace(face)
	dc.SetColor(color.RGBA{0x20, 0x20, 0x20, 0xff})
	cur := o.Currency
	y := float64(pad) + rowH*0.7
	right := func(s string, x float64) image.Rectangle {
		sw, _ := dc.MeasureString(s)
		dc.DrawString(s, x-sw, y)
		return image.Rect(int(x-sw)-2, int(y-size), int(x)+2, int(y+5))
	}
	var amounts []image.Rectangle
	if lay == columns {
		dc.DrawString("品名 Item", pad, y)
		right("数量 Qty", 330)
		right("单价 Price", 450)
		right("金额 Amount", w-pad)
		y += rowH
		for _, l := range o.Lines {
			dc.DrawString(l.Label, pad, y)
			right(qtyText(l), 330)
			right(order.FormatAmount(l.UnitPrice, cur), 450)
			amounts = append(amounts, right(order.FormatAmount(l.Amount, cur), w-pad))
			y += rowH
		}
	} else {
		for _, l := range o.Lines {
			dc.DrawString(l.Label, pad, y)
			y += rowH
			dc.DrawString(fmt.Sprintf("%s × %s", qtyText(l), order.FormatAmount(l.UnitPrice, cur)), pad+40, y)
			amounts = append(amounts, right(order.FormatAmount(l.Amount, cur), w-pad))
			y += rowH
		}
	}
	dc.SetLineWidth(1)
	dc.DrawLine(pad, y-rowH*0.6, w-pad, y-rowH*0.6)
	dc.Stroke()
	y += rowH * 0.3
	for _, d := range o.Discounts {
		dc.DrawString(d.Label, pad, y)
		right("-"+order.FormatAmount(d.Amount, cur), w-pad)
		y += rowH
	}
	dc.DrawString("合计 Total", pad, y)
	right(order.FormatAmount(o.Total, cur), w-pad)
	return dc.Image(), amounts
}
