// Package document opens the PDFs the POS sends (receipts, promotions,
// terms) and renders their pages to images for the ui, through MuPDF
// (github.com/gen2brain/go-fitz, cgo, statically linked; AGPL-3.0). The
// ui never imports this package: it asks for pages through its own small
// interface (ui.PageSource), so the ui stays free of cgo.
//
// Built with the nofitz tag the package has no MuPDF: Open fails with
// ErrUnavailable and the terminal refuses documents (see LICENSES/).
//
// MuPDF parses untrusted input, and go-fitz catches MuPDF's errors while
// opening a document but not while loading or drawing a page: a page
// MuPDF cannot load aborts the process. So the firmware never calls Open
// itself: Renderer.Open runs each document in a renderer process (the
// firmware binary again, serving Serve), and a crash there is a refused
// or blank document. Open (in-process) is for the renderer and for tests.
package document

import "errors"

// Limits on what Open accepts.
const (
	MaxBytes = 2 << 20 // a PDF's size (poslink.MaxDocument)
	MaxPages = 50      // its pages (poslink.MaxDocumentPages)
	// MaxPixels bounds one rendered page (width × height): a very tall
	// page is cut off below rather than allocating without limit.
	MaxPixels = 1280 * 8000
)

var (
	// ErrBroken: MuPDF cannot open the PDF, or it is encrypted.
	ErrBroken = errors.New("document: not a PDF that can be opened")
	// ErrTooLarge: over MaxBytes or MaxPages.
	ErrTooLarge = errors.New("document: too large")
	// ErrUnavailable: built without MuPDF (the nofitz tag).
	ErrUnavailable = errors.New("document: built without MuPDF (nofitz)")
)
