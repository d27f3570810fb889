//go:build !nofitz

package orderread

import (
	"fmt"

	fitz "github.com/gen2brain/go-fitz"
)

// PDFRows returns the text lines of a PDF, top to bottom and page after
// page, each with its cells left to right.
func PDFRows(data []byte) ([]Row, error) {
	if len(data) > MaxPDF {
		return nil, fmt.Errorf("orderread: pdf: %d bytes, at most %d", len(data), MaxPDF)
	}
	doc, err := fitz.NewFromMemory(data)
	if err != nil {
		return nil, fmt.Errorf("orderread: pdf: %w", err)
	}
	defer doc.Close()
	var rows []Row
	offset := 0.0
	for n := range min(doc.NumPage(), maxPages) {
		page, err := doc.HTML(n, false)
		if err != nil {
			return nil, fmt.Errorf("orderread: pdf page %d: %w", n+1, err)
		}
		cells, height := htmlCells(page)
		rows = append(rows, groupRows(cells, offset)...)
		offset += height
	}
	return rows, nil
}
