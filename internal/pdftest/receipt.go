// Package pdftest makes PDF receipts with Chinese text for tests of the
// terminal's document display (firmware and the QEMU system tests).
package pdftest

import (
	"bytes"
	"fmt"
	"os"
	"testing"

	"codeberg.org/go-pdf/fpdf"
)

// Fonts (tools/deps.sh installs them): Droid Sans Fallback has the
// ideographs, DejaVu the Latin letters and digits.
const (
	CJKFont   = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"
	LatinFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
)

// Receipt is a receipt of pages pages, 80 mm wide and 120 mm tall (taller
// than wide, so that on a landscape panel it scrolls). Each page has a
// Chinese title, its number in large digits and a black bar whose place
// depends on the page, all in its top 40 mm, so pages render differently
// in the part a landscape screen shows first. Missing fonts skip
// the test under -short and fail it otherwise.
func Receipt(t testing.TB, pages int) []byte {
	t.Helper()
	fonts := map[string][]byte{}
	for _, f := range []string{CJKFont, LatinFont} {
		b, err := os.ReadFile(f)
		if err != nil {
			if testing.Short() {
				t.Skipf("receipt font missing (tools/deps.sh installs it): %v", err)
			}
			t.Fatalf("receipt font missing (tools/deps.sh installs it): %v", err)
		}
		fonts[f] = b
	}
	p := fpdf.NewCustom(&fpdf.InitType{UnitStr: "mm", Size: fpdf.SizeType{Wd: 80, Ht: 120}})
	p.AddUTF8FontFromBytes("cjk", "", fonts[CJKFont])
	p.AddUTF8FontFromBytes("latin", "", fonts[LatinFont])
	p.SetMargins(0, 0, 0)
	p.SetAutoPageBreak(false, 0)
	items := []string{"牛肉面", "小笼包", "豆浆", "油条", "炒饭", "绿茶"}
	for n := 1; n <= pages; n++ {
		p.AddPage()
		// What tells pages apart sits in the top third, which a
		// landscape panel shows before any scrolling.
		p.SetFont("cjk", "", 16)
		p.Text(8, 10, "收据 第页")
		p.SetFont("latin", "", 40)
		p.Text(30, 26, fmt.Sprint(n))
		p.SetFillColor(0, 0, 0)
		p.Rect(8, float64(28+2*(n%5)), 64, 3, "F")
		for i, it := range items {
			y := 70 + 7*float64(i)
			p.SetFont("cjk", "", 11)
			p.Text(8, y, it)
			p.SetFont("latin", "", 10)
			p.Text(52, y, fmt.Sprintf("%d.%02d", 3*n+i, 50))
		}
		p.SetFont("cjk", "", 12)
		p.Text(8, 115, "谢谢惠顾")
	}
	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		t.Fatalf("pdftest: %v", err)
	}
	return buf.Bytes()
}
