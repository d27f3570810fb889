package receipttext

import (
	"strings"
	"unicode/utf8"
)

// normalize maps full-width forms to ASCII (a POS may draw "１２.５０"),
// drops stray quotes and brackets the OCR adds at word edges, and drops
// words left empty. Words keep their boxes and confidences.
func normalize(l Line) Line {
	var out Line
	for _, w := range l.Words {
		var b strings.Builder
		for _, r := range w.Text {
			switch {
			case r >= 0xff01 && r <= 0xff5e: // full-width ASCII
				r -= 0xfee0
			case r == 0x3000:
				r = ' '
			}
			if r == utf8.RuneError || r < 0x20 || r == 0x7f {
				continue
			}
			b.WriteRune(r)
		}
		t := strings.TrimFunc(b.String(), func(r rune) bool { return strings.ContainsRune("\"'“”‘’「」【】[]|:：;", r) || r == ' ' })
		for _, f := range strings.Fields(t) {
			out.Words = append(out.Words, Word{Text: f, Box: w.Box, Conf: w.Conf})
		}
	}
	return out
}
