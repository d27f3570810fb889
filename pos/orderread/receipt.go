package orderread

import (
	"slices"
	"strconv"
	"strings"

	"payterm/firmware/order"
)

// Row is one line of text on a receipt, its cells left to right. X and Y
// are in points from the left and the top of the first page; the parser
// uses them only to tell an indented line discount from an order
// discount.
type Row struct {
	Y     float64
	Cells []Cell
}

// Cell is a run of text the layout kept together.
type Cell struct {
	X    float64
	Text string
}

// Options fill in what a source may not say.
type Options struct {
	ID       string // order ID when the source gives none
	Currency string // ISO 4217 code when the source names none; "" is a problem then
	Source   string // Read.Source
}

// Words that give a receipt line its role. Latin words match whole words,
// case-insensitively.
var (
	totalWords    = []string{"total", "amount due", "to pay", "合计", "总计", "应付", "应收", "总额"}
	subtotalWords = []string{"subtotal", "sub-total", "小计"}
	discountWords = []string{"discount", "coupon", "优惠", "折扣", "减免", "立减"}
	idWords       = []string{"no.", "receipt #", "order #", "单号", "小票号", "流水号", "订单号"}
	qtyWords      = []string{"qty", "quantity", "数量"}
	priceWords    = []string{"price", "unit price", "单价"}
)

// ParseReceipt reads an order from a receipt's rows, top to bottom.
// It understands item lines with their numbers on the same row (label,
// quantity [unit], unit price, amount; the header decides whether price
// comes before quantity) or on the next row ("2 x 4.50   9.00"), a
// lone amount (quantity 1), line discounts (indented, under their item),
// order discounts, a subtotal (ignored), the total, the currency and the
// receipt number. Rows after the total (payment, change, thanks) are
// ignored. Every amount must print the currency's decimals. What does not
// add up is left in the Read's Problems, never corrected.
func ParseReceipt(rows []Row, opt Options) Read {
	p := receiptParser{opt: opt, r: Read{Source: opt.Source}}
	p.currency(rows)
	p.r.Order.ID = opt.ID
	for _, row := range rows {
		if p.done {
			break
		}
		p.row(row)
	}
	p.finish()
	return Check(p.r)
}

type receiptParser struct {
	opt        Options
	r          Read
	cur        order.Currency
	priceFirst bool   // the header puts the unit price before the quantity
	pending    string // a label waiting for its numbers on the next row
	pendingX   float64
	labelX     float64 // where item labels start
	lastItem   bool    // the previous row ended an item
	subtotal   bool    // a subtotal was seen: discounts are the order's
	total      bool
	done       bool
}

// token is one whitespace-separated word of a row.
type token struct {
	text string
	x    float64
}

func tokens(row Row) []token {
	var ts []token
	for _, c := range row.Cells {
		for _, f := range strings.Fields(c.Text) {
			ts = append(ts, token{f, c.X})
		}
	}
	return ts
}

func rowText(ts []token) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = t.text
	}
	return strings.Join(s, " ")
}

// currency finds the currency the receipt names, before any amount is
// read (amounts are parsed in it).
func (p *receiptParser) currency(rows []Row) {
	code, text := p.opt.Currency, ""
	found := false
	for _, row := range rows {
		for _, t := range tokens(row) {
			for _, cand := range []string{t.text, strings.TrimRight(t.text, "0123456789.,-")} {
				if c, ok := currencyOf(cand); ok && !found {
					code, text, found = c, t.text, true
				}
			}
		}
	}
	cur, err := order.LookupCurrency(code)
	if err != nil {
		cur = order.Currency{Code: code, Exponent: 2}
		p.r.Fields = append(p.r.Fields, Field{Line: OrderLevel, Name: NameCurrency, Text: text, Confidence: 0})
	}
	p.cur = cur
	p.r.Order.Currency = cur
}

func (p *receiptParser) row(row Row) {
	ts := tokens(row)
	if len(ts) == 0 {
		return
	}
	text := rowText(ts)
	wasItem := p.lastItem
	p.lastItem = false
	money := p.moneyTail(ts)
	switch {
	case len(money) == 0 && hasKeyword(text, qtyWords...) && hasKeyword(text, priceWords...):
		p.header(ts)
	case len(money) == 0 && p.id(ts):
	case len(money) > 0 && hasKeyword(text, subtotalWords...):
		p.subtotal = true
	case len(money) > 0 && hasKeyword(text, totalWords...):
		p.setTotal(ts[money[len(money)-1]])
	case len(money) > 0 && hasKeyword(text, discountWords...):
		p.discount(ts, money, wasItem)
	case p.detail(ts):
		p.lastItem = true
	case len(money) > 0 && p.item(ts, money):
		p.lastItem = true
	case len(money) == 0 && slices.ContainsFunc(ts, func(t token) bool { return hasWordy(t.text) }):
		p.pending, p.pendingX = text, ts[0].x // maybe a label; its numbers may follow
		return
	}
	p.pending = ""
}

// moneyTail returns the indexes of the money tokens in ts.
func (p *receiptParser) moneyTail(ts []token) []int {
	var idx []int
	for i, t := range ts {
		if _, ok := parseMoney(t.text, p.cur); ok {
			idx = append(idx, i)
		}
	}
	return idx
}

// header learns the column order from a header row.
func (p *receiptParser) header(ts []token) {
	q, pr := -1.0, -1.0
	for _, t := range ts {
		switch {
		case q < 0 && hasKeyword(t.text, qtyWords...):
			q = t.x
		case pr < 0 && hasKeyword(t.text, priceWords...):
			pr = t.x
		}
	}
	p.priceFirst = pr >= 0 && q >= 0 && pr < q
}

// id takes the receipt number from "No. 12345" or "单号：12345".
func (p *receiptParser) id(ts []token) bool {
	for i, t := range ts {
		if !hasKeyword(t.text, idWords...) {
			continue
		}
		val := ""
		if _, after, ok := strings.Cut(t.text, "："); ok && after != "" {
			val = after
		} else if _, after, ok := strings.Cut(t.text, ":"); ok && after != "" {
			val = after
		} else if i+1 < len(ts) {
			val = ts[i+1].text
		}
		val = strings.TrimLeft(val, ":：#")
		if val == "" || !strings.ContainsAny(val, "0123456789") || len(val) > order.MaxIDLen {
			return false
		}
		p.r.Order.ID = val
		p.r.Fields = append(p.r.Fields, Field{Line: OrderLevel, Name: NameID, Text: val, Confidence: 1})
		return true
	}
	return false
}

func (p *receiptParser) setTotal(t token) {
	v, _ := parseMoney(t.text, p.cur)
	p.r.Order.Total = v
	p.r.Fields = append(p.r.Fields, Field{Line: OrderLevel, Name: NameTotal, Text: t.text, Confidence: 1})
	p.total, p.done = true, true
}

// discount is a line discount when it is indented under the item just
// read, else an order discount labelled with the row's words.
func (p *receiptParser) discount(ts []token, money []int, afterItem bool) {
	t := ts[money[len(money)-1]]
	v, _ := parseMoney(t.text, p.cur)
	v = max(v, -v) // printed negative or not, a discount reduces
	lines := p.r.Order.Lines
	if afterItem && !p.subtotal && len(lines) > 0 && ts[0].x > p.labelX+2 {
		i := len(lines) - 1
		lines[i].Discount += v
		p.r.Fields = append(p.r.Fields, Field{Line: i, Name: NameDiscount, Text: t.text, Confidence: 1})
		p.lastItem = true // a second discount row may follow
		return
	}
	var words []string
	for i, tok := range ts {
		if !slices.Contains(money, i) {
			words = append(words, tok.text)
		}
	}
	label := strings.Join(words, " ")
	n := len(p.r.Order.Discounts)
	p.r.Order.Discounts = append(p.r.Order.Discounts, order.Discount{Label: label, Amount: v})
	p.r.Fields = append(p.r.Fields, Field{Line: DiscountLine(n), Name: NameLabel, Text: label, Confidence: 1}, Field{Line: DiscountLine(n), Name: NameAmount, Text: t.text, Confidence: 1})
}

// numbers is an item's quantity, unit, unit price and amount as printed.
type numbers struct {
	qty                  order.Quantity
	unit                 string
	qtyText, price, amnt string
}

// splitNumbers reads the numbers at the end of an item row: amount last,
// the unit price and quantity before it (in the header's order), a unit
// either stuck to the quantity or after it, and an optional "x" between
// quantity and price. It returns how many tokens from the start are the
// label. A lone amount is quantity 1 at that price.
func (p *receiptParser) splitNumbers(ts []token) (numbers, int, bool) {
	var n numbers
	end := len(ts)
	take := func() (string, bool) {
		if end == 0 {
			return "", false
		}
		end--
		return ts[end].text, true
	}
	a, _ := take()
	if _, ok := parseMoney(a, p.cur); !ok {
		return n, 0, false
	}
	n.amnt = a
	price := func() bool {
		if end == 0 {
			return false
		}
		if _, ok := parseMoney(ts[end-1].text, p.cur); !ok {
			return false
		}
		n.price, _ = take()
		return true
	}
	qty := func() bool {
		if end > 0 && isTimes(ts[end-1].text) {
			end--
		}
		unit := ""
		if end > 1 && isUnit(ts[end-1].text) {
			unit = strings.ToLower(ts[end-1].text)
			end--
		}
		if end == 0 {
			return false
		}
		q, u, ok := parseQty(ts[end-1].text)
		if !ok || u != "" && unit != "" {
			return false
		}
		n.qtyText, _ = take()
		n.qty, n.unit = q, u+unit
		if end > 0 && isTimes(ts[end-1].text) {
			end-- // "x2"-style with the sign apart: "x 2"
		}
		return true
	}
	save := end
	ok := false
	if p.priceFirst {
		ok = qty() && price()
	} else {
		ok = price() && qty()
	}
	if !ok {
		// A lone amount: one of it.
		end = save
		n = numbers{qty: order.One, price: a, amnt: a}
	}
	return n, end, true
}

// item reads a row with its label and numbers together.
func (p *receiptParser) item(ts []token, money []int) bool {
	if money[len(money)-1] != len(ts)-1 {
		return false
	}
	n, labelEnd, ok := p.splitNumbers(ts)
	if !ok || labelEnd == 0 {
		return false
	}
	p.add(rowText(ts[:labelEnd]), ts[0].x, n)
	return true
}

// detail reads a row of numbers alone, the second row of a two-row item.
func (p *receiptParser) detail(ts []token) bool {
	if p.pending == "" || slices.ContainsFunc(ts, func(t token) bool { return hasWordy(stripCurrency(t.text)) }) {
		return false
	}
	n, labelEnd, ok := p.splitNumbers(ts)
	if !ok || labelEnd != 0 {
		return false
	}
	p.add(p.pending, p.pendingX, n)
	return true
}

// add appends an item line whose label starts at x; the amount and unit
// price are read as printed, not recomputed.
func (p *receiptParser) add(label string, x float64, n numbers) {
	if len(p.r.Order.Lines) == 0 {
		p.labelX = x
	}
	i := len(p.r.Order.Lines)
	amount, _ := parseMoney(n.amnt, p.cur)
	price, _ := parseMoney(n.price, p.cur)
	p.r.Order.Lines = append(p.r.Order.Lines, order.Line{
		ID: strconv.Itoa(i + 1), Label: label, Quantity: n.qty, Unit: n.unit, UnitPrice: price, Amount: amount,
	})
	p.r.Fields = append(p.r.Fields, Field{Line: i, Name: NameLabel, Text: label, Confidence: 1}, Field{Line: i, Name: NameUnitPrice, Text: n.price, Confidence: 1}, Field{Line: i, Name: NameAmount, Text: n.amnt, Confidence: 1})
	if n.qtyText != "" {
		p.r.Fields = append(p.r.Fields, Field{Line: i, Name: NameQuantity, Text: n.qtyText, Confidence: 1})
	}
}

// finish notes what the receipt did not say.
func (p *receiptParser) finish() {
	o := &p.r.Order
	if !p.total {
		o.Total = o.Sum()
		p.r.Fields = append(p.r.Fields, Field{Line: OrderLevel, Name: NameTotal, Text: "", Confidence: 0})
	}
	if o.ID == "" {
		p.r.Fields = append(p.r.Fields, Field{Line: OrderLevel, Name: NameID, Text: "", Confidence: 0})
	}
}
