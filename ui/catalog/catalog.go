package catalog

import (
	"strconv"
	"strings"
)

// msg is one message in one language: other is the text, one its form
// for a count of one where the language has such a form ("" when it has
// none).
type msg struct{ one, other string }

func s(text string) msg            { return msg{other: text} }
func plural(one, other string) msg { return msg{one: one, other: other} }

// lang is one language: its messages and how it writes money.
type lang struct {
	tag   string
	msgs  *[numIDs]msg
	money moneyStyle
}

var (
	english = lang{tag: "en", msgs: &en, money: moneyEN}
	chinese = lang{tag: "zh", msgs: &zh, money: moneyZH}
)

// Catalog is the messages of one language. The zero value is English.
// It is a small read-only value: copy it freely.
type Catalog struct{ l *lang }

// For is the catalogue of the language tag: "zh" and any "zh-…" tag
// (zh-CN, zh-Hans) is Simplified Chinese; every other tag, "" included,
// is English.
func For(tag string) Catalog {
	if tag == "zh" || strings.HasPrefix(tag, "zh-") || strings.HasPrefix(tag, "zh_") {
		return Catalog{&chinese}
	}
	return Catalog{&english}
}

// Languages are the tags For knows, in the order a switch offers them.
func Languages() []string { return []string{"en", "zh"} }

func (c Catalog) lang() *lang {
	if c.l == nil {
		return &english
	}
	return c.l
}

// Tag is the catalogue's language tag, "en" or "zh".
func (c Catalog) Tag() string { return c.lang().tag }

// Next is the tag of the language after c's in Languages, for a button
// that switches between them.
func (c Catalog) Next() string {
	all := Languages()
	for i, t := range all {
		if t == c.Tag() {
			return all[(i+1)%len(all)]
		}
	}
	return all[0]
}

// T is message id with its arguments in place of {0}, {1} …: ints are
// written in digits, strings as they are. The first int argument picks
// the plural form. An ID out of range gives "".
func (c Catalog) T(id ID, args ...any) string {
	if id < 0 || id >= numIDs {
		return ""
	}
	m := c.lang().msgs[id]
	text := m.other
	if m.one != "" && firstInt(args) == 1 {
		text = m.one
	}
	if len(args) == 0 || !strings.Contains(text, "{") {
		return text
	}
	return fill(text, args)
}

func firstInt(args []any) int {
	for _, a := range args {
		if n, ok := a.(int); ok {
			return n
		}
	}
	return -1
}

// fill replaces each {i} by args[i]; a brace not forming one (or naming
// an argument not given) stays as it is.
func fill(text string, args []any) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(text, '{')
		if i < 0 {
			b.WriteString(text)
			return b.String()
		}
		j := strings.IndexByte(text[i:], '}')
		if j < 0 {
			b.WriteString(text)
			return b.String()
		}
		n, err := strconv.Atoi(text[i+1 : i+j])
		if err != nil || n < 0 || n >= len(args) {
			b.WriteString(text[:i+1])
			text = text[i+1:]
			continue
		}
		b.WriteString(text[:i])
		switch a := args[n].(type) {
		case int:
			b.WriteString(strconv.Itoa(a))
		case int64:
			b.WriteString(strconv.FormatInt(a, 10))
		case string:
			b.WriteString(a)
		}
		text = text[i+j+1:]
	}
}

// Note is the checkout's note (View.Message) in c's language: the notes
// the checkout writes itself are translated by their English text;
// anything else (the payment system's or the POS's own words) is
// returned as it is.
func (c Catalog) Note(text string) string {
	if id, ok := notes[text]; ok {
		return c.T(id)
	}
	return text
}
