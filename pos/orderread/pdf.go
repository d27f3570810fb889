package orderread

import (
	"cmp"
	"html"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// MaxPDF bounds the receipt PDFs read (a receipt is a few KiB; fonts
// embedded make it a few hundred).
const MaxPDF = 16 << 20

// maxPages bounds the pages read from one receipt.
const maxPages = 20

// ReadPDF reads a receipt PDF: MuPDF (through go-fitz) lays out its text
// into lines with their positions, and ParseReceipt makes the order.
// An error means the file is not a readable PDF; a receipt that does not
// parse cleanly is a Read with Problems.
func ReadPDF(data []byte, opt Options) (Read, error) {
	rows, err := PDFRows(data)
	if err != nil {
		return Read{}, err
	}
	return ParseReceipt(rows, opt), nil
}

// placed is a cell with its line's top and height, as MuPDF's HTML gives
// them.
type placed struct {
	Cell
	top, height float64
}

var (
	paraRE = regexp.MustCompile(`(?s)<p style="([^"]*)">(.*?)</p>`)
	pageRE = regexp.MustCompile(`<div id="page\d+" style="[^"]*height:([0-9.]+)pt`)
	tagRE  = regexp.MustCompile(`<[^>]*>`)
)

// htmlCells reads MuPDF's structured-text HTML: one <p> per text line
// run, placed with top/left/line-height in points. It returns the cells
// and the page height.
func htmlCells(page string) ([]placed, float64) {
	var cells []placed
	for _, m := range paraRE.FindAllStringSubmatch(page, -1) {
		style := styleValues(m[1])
		text := html.UnescapeString(tagRE.ReplaceAllString(m[2], ""))
		if strings.TrimSpace(text) == "" {
			continue
		}
		cells = append(cells, placed{Cell{X: style["left"], Text: text}, style["top"], style["line-height"]})
	}
	height := 0.0
	if m := pageRE.FindStringSubmatch(page); m != nil {
		height, _ = strconv.ParseFloat(m[1], 64)
	}
	return cells, height
}

// styleValues reads "top:48.7pt;left:28.4pt" into numbers.
func styleValues(style string) map[string]float64 {
	v := make(map[string]float64)
	for _, decl := range strings.Split(style, ";") {
		k, val, ok := strings.Cut(decl, ":")
		if !ok {
			continue
		}
		if f, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(val), "pt"), 64); err == nil {
			v[strings.TrimSpace(k)] = f
		}
	}
	return v
}

// groupRows puts cells whose tops are within half a line of each other
// on one row, sorted top to bottom and left to right.
func groupRows(cells []placed, offset float64) []Row {
	slices.SortStableFunc(cells, func(a, b placed) int { return cmp.Compare(a.top, b.top) })
	var rows []Row
	lastTop, tol := math.Inf(-1), 0.0
	for _, c := range cells {
		if c.top-lastTop > tol {
			rows = append(rows, Row{Y: offset + c.top})
			lastTop, tol = c.top, max(c.height/2, 1)
		}
		r := &rows[len(rows)-1]
		r.Cells = append(r.Cells, c.Cell)
	}
	for i := range rows {
		slices.SortStableFunc(rows[i].Cells, func(a, b Cell) int { return cmp.Compare(a.X, b.X) })
	}
	return rows
}
