//go:build nofitz

package orderread

import "errors"

// PDFRows fails in a build without MuPDF (the nofitz tag): receipt PDFs
// cannot be read; JSON, CSV, the HTTP API and the screen region still can.
func PDFRows(data []byte) ([]Row, error) {
	return nil, errors.New("orderread: pdf: built without MuPDF (nofitz)")
}
