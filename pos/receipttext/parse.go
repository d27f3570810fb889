package receipttext

import (
	"fmt"
	"image"
	"regexp"
	"strings"

	"payterm/firmware/order"
	"payterm/pos/orderread"
)

// Options are what the text does not say. The zero MinConf means
// DefaultMinConf.
type Options struct {
	ID       string         // the order's ID
	Currency order.Currency // the POS's currency
	MinConf  float64        // fields below it need the cashier
}

// DefaultMinConf: tesseract rates most clean screen words 0.85–0.97 and
// most misread ideographs below 0.3; a few right words fall between.
const DefaultMinConf = 0.5

// Corroborated is the least confidence of numbers the arithmetic
// confirms: a line whose quantity × unit price gives its amount, and
// amounts and discounts that add up to the total. Two misreads that agree
// by chance are far less likely than one the reader was unsure of.
const Corroborated = 0.9

// keywords mark the lines that are not items (lower case, no spaces).
var (
	totalWords    = []string{"合计", "总计", "应付", "应收", "实付", "total", "amountdue"}
	subtotalWords = []string{"小计", "subtotal"}
	discountWords = []string{"折扣", "优惠", "折让", "discount", "coupon"}
	headerWords   = []string{"品名", "商品", "数量", "单价", "金额", "item", "qty", "price", "amount"}
)

// number is a decimal with an optional unit of measure; the multiplier
// signs of "2 x 3.50" are separators.
var (
	numberRE = regexp.MustCompile(`(?i)(-?\d+(?:[.,]\d+)?)(kg|g|lb|ml|l)?`)
	multRE   = regexp.MustCompile(`[xX×*@]+`)
)

type value struct {
	text string
	unit string
	conf float64
	box  image.Rectangle
}

// item is a line being read.
type item struct {
	label  []Word
	values []value
	junk   bool // characters that are neither label nor number
}

// Parse reads lines into an order. It never fails: what it cannot read
// becomes a Problem, so the cashier sees it.
func Parse(lines []Line, opt Options) orderread.Read {
	if opt.MinConf == 0 {
		opt.MinConf = DefaultMinConf
	}
	p := parser{opt: opt, r: orderread.Read{Order: order.Order{ID: opt.ID, Currency: opt.Currency}}}
	for _, l := range lines {
		p.line(normalize(l))
	}
	p.check()
	return p.r
}

type parser struct {
	opt      Options
	r        orderread.Read
	pending  []Word // a label line waiting for its numbers (two-line layout)
	total    *value
	subtotal *value
}

func (p *parser) problem(line int, name string, format string, args ...any) {
	p.r.Problems = append(p.r.Problems, orderread.Problem{Line: line, Name: name, Message: fmt.Sprintf(format, args...)})
}

func (p *parser) line(l Line) {
	if len(l.Words) == 0 {
		return
	}
	it := split(l)
	key := strings.ToLower(strings.ReplaceAll(Line{Words: it.label}.Text(), " ", ""))
	switch {
	case len(it.values) == 0 && countWords(key, headerWords) >= 2:
		return
	case hasWord(key, subtotalWords):
		p.subtotal = p.single(it, orderread.OrderLevel, orderread.NameTotal, "subtotal")
	case hasWord(key, totalWords):
		p.total = p.single(it, orderread.OrderLevel, orderread.NameTotal, "total")
	case hasWord(key, discountWords):
		p.discount(it)
	case len(it.values) == 0:
		p.pending = it.label
	default:
		p.item(it)
	}
}

// single is the one number of a total or subtotal line.
func (p *parser) single(it item, line int, name string, what string) *value {
	if len(it.values) != 1 || it.junk {
		p.problem(line, name, "%s line not read: %q", what, textOf(it))
		return &value{}
	}
	return &it.values[0]
}

func (p *parser) discount(it item) {
	i := len(p.r.Order.Discounts)
	label := Line{Words: it.label}.Text()
	v := p.single(it, orderread.DiscountLine(i), orderread.NameAmount, "discount")
	amt, conf, _ := p.amount(v, true)
	p.r.Order.Discounts = append(p.r.Order.Discounts, order.Discount{Label: label, Amount: amt})
	p.r.Fields = append(p.r.Fields, orderread.Field{Line: orderread.DiscountLine(i), Name: orderread.NameAmount, Text: v.text, Confidence: conf, Box: v.box})
}

func (p *parser) item(it item) {
	i := len(p.r.Order.Lines)
	label := it.label
	if len(label) == 0 {
		label, p.pending = p.pending, nil
	}
	p.pending = nil
	l := order.Line{ID: fmt.Sprint(i + 1), Label: Line{Words: label}.Text()}
	lconf, lbox := 1.0, image.Rectangle{}
	for _, w := range label {
		lconf, lbox = min(lconf, w.Conf), lbox.Union(w.Box)
	}
	if len(label) == 0 {
		lconf = 0
		p.problem(i, orderread.NameLabel, "line %d has no label", i+1)
	}
	p.r.Fields = append(p.r.Fields, orderread.Field{Line: i, Name: orderread.NameLabel, Text: l.Label, Confidence: lconf, Box: lbox})
	vals := it.values
	if len(vals) != 3 || it.junk {
		p.problem(i, orderread.NameAmount, "line %d: quantity, unit price and amount not read: %q", i+1, textOf(it))
		vals = append(vals, make([]value, 3)...)[:3]
		for j := range vals {
			vals[j].conf = 0
		}
	}
	q, err := order.ParseQuantity(strings.ReplaceAll(vals[0].text, ",", "."))
	qconf, parsed := vals[0].conf, err == nil && q > 0
	if !parsed {
		qconf = 0
	}
	l.Quantity, l.Unit = q, vals[0].unit
	var uconf, aconf float64
	var uok, aok bool
	l.UnitPrice, uconf, uok = p.amount(&vals[1], false)
	l.Amount, aconf, aok = p.amount(&vals[2], false)
	if vals[1].unit != "" || vals[2].unit != "" {
		uconf, aconf, uok = 0, 0, false
	}
	// The arithmetic confirms the three numbers even where the reader
	// rated a glyph low (tesseract often rates a lone "1" near 0).
	if parsed && uok && aok && len(it.values) == 3 && !it.junk && l.Amount == order.LineAmount(l.Quantity, l.UnitPrice) {
		qconf, uconf, aconf = max(qconf, Corroborated), max(uconf, Corroborated), max(aconf, Corroborated)
	} else if len(it.values) == 3 && !it.junk {
		p.problem(i, orderread.NameAmount, "line %d: %s × %s is not %s", i+1, vals[0].text, vals[1].text, vals[2].text)
	}
	p.r.Order.Lines = append(p.r.Order.Lines, l)
	p.r.Fields = append(p.r.Fields,
		orderread.Field{Line: i, Name: orderread.NameQuantity, Text: vals[0].text + vals[0].unit, Confidence: qconf, Box: vals[0].box},
		orderread.Field{Line: i, Name: orderread.NameUnitPrice, Text: vals[1].text, Confidence: uconf, Box: vals[1].box},
		orderread.Field{Line: i, Name: orderread.NameAmount, Text: vals[2].text, Confidence: aconf, Box: vals[2].box},
	)
}

// amount parses v in the order's currency; a sign is allowed only where
// neg (a discount written "-5.00"); the result is ≥ 0.
func (p *parser) amount(v *value, neg bool) (int64, float64, bool) {
	s := strings.ReplaceAll(v.text, ",", ".")
	if neg {
		s = strings.TrimPrefix(s, "-")
	}
	a, err := order.ParseAmount(s, p.opt.Currency)
	if err != nil || a < 0 || v.text == "" {
		return 0, 0, false
	}
	return a, v.conf, true
}

// check cross-checks the arithmetic, raises the confidence of what it
// confirms, and flags every field still below MinConf.
func (p *parser) check() {
	o := &p.r.Order
	if len(o.Lines) == 0 {
		p.problem(orderread.OrderLevel, "", "no order lines read")
	}
	tconf, tok := 0.0, false
	if p.total == nil {
		p.problem(orderread.OrderLevel, orderread.NameTotal, "no total read")
	} else {
		o.Total, tconf, tok = p.amount(p.total, false)
	}
	lineSum := int64(0)
	for _, l := range o.Lines {
		lineSum += l.Net()
	}
	if p.subtotal != nil {
		if s, _, ok := p.amount(p.subtotal, false); !ok || s != lineSum {
			p.problem(orderread.OrderLevel, orderread.NameTotal, "the lines add up to %s, the subtotal reads %q", order.FormatAmount(lineSum, o.Currency), p.subtotal.text)
		}
	}
	sumOK := tok && o.Sum() == o.Total && len(o.Lines) > 0
	if p.total != nil && !sumOK {
		p.problem(orderread.OrderLevel, orderread.NameTotal, "lines and discounts add up to %s, the total reads %q", order.FormatAmount(o.Sum(), o.Currency), p.total.text)
	}
	p.r.Fields = append(p.r.Fields, orderread.Field{Line: orderread.OrderLevel, Name: orderread.NameTotal, Text: textOrEmpty(p.total), Confidence: tconf, Box: boxOrEmpty(p.total)})
	for i := range p.r.Fields {
		f := &p.r.Fields[i]
		if sumOK && ((f.Name == orderread.NameTotal) || (f.Line < 0 && f.Line != orderread.OrderLevel && f.Confidence > 0)) {
			f.Confidence = max(f.Confidence, Corroborated)
		}
		if f.Confidence < p.opt.MinConf && !p.flagged(f.Line, f.Name) {
			p.problem(f.Line, f.Name, "%s %q read with low confidence (%.0f%%)", f.Name, f.Text, 100*f.Confidence)
		}
	}
}

func (p *parser) flagged(line int, name string) bool {
	for _, pr := range p.r.Problems {
		if pr.Line == line && pr.Name == name {
			return true
		}
	}
	return false
}

func textOrEmpty(v *value) string {
	if v == nil {
		return ""
	}
	return v.text
}

func boxOrEmpty(v *value) image.Rectangle {
	if v == nil {
		return image.Rectangle{}
	}
	return v.box
}

func textOf(it item) string {
	s := Line{Words: it.label}.Text()
	for _, v := range it.values {
		s += " " + v.text + v.unit
	}
	if it.junk {
		s += " …"
	}
	return strings.TrimSpace(s)
}

// split cuts a line into its label (the words before the first word with
// a digit) and its numbers.
func split(l Line) item {
	var it item
	k := len(l.Words)
	for i, w := range l.Words {
		if strings.ContainsAny(w.Text, "0123456789") {
			k = i
			break
		}
	}
	for _, w := range l.Words[:k] {
		if multRE.ReplaceAllString(w.Text, "") != "" {
			it.label = append(it.label, w)
		}
	}
	for _, w := range l.Words[k:] {
		ms := numberRE.FindAllStringSubmatchIndex(w.Text, -1)
		rest := w.Text
		for j := len(ms) - 1; j >= 0; j-- {
			m := ms[j]
			rest = rest[:m[0]] + " " + rest[m[1]:]
		}
		for _, m := range ms {
			v := value{text: w.Text[m[2]:m[3]], conf: w.Conf, box: w.Box}
			if m[4] >= 0 {
				v.unit = strings.ToLower(w.Text[m[4]:m[5]])
			}
			it.values = append(it.values, v)
		}
		if strings.TrimSpace(multRE.ReplaceAllString(rest, "")) != "" {
			it.junk = true
		}
	}
	return it
}

func hasWord(key string, words []string) bool { return countWords(key, words) > 0 }

func countWords(key string, words []string) int {
	n := 0
	for _, w := range words {
		if strings.Contains(key, w) {
			n++
		}
	}
	return n
}
