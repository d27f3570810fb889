package main

import (
	"context"
	"errors"
	"fmt"
	"image"
	"strconv"
	"sync"

	"payterm/firmware/checkout"
	"payterm/firmware/document"
	"payterm/firmware/poslink"
)

// documents holds the PDFs the POS sent and draws their pages for the ui
// (ui.PageSource). It keeps the document on screen and the one before it,
// so a screen still showing the old one while a new one is announced
// never loses its page; older ones are closed. Safe for concurrent use:
// the link opens, the engine loop draws.
type documents struct {
	// render opens each PDF in its own renderer process: MuPDF aborts its
	// process on some malformed pages, and that must not be the terminal.
	render document.Renderer
	mu     sync.Mutex
	seq    uint64
	open   []openDoc // newest last, at most 2
	// last is the page drawn last: scrolling redraws it without MuPDF.
	last struct {
		id          string
		page, width int
		img         *image.RGBA
	}
}

type openDoc struct {
	id  string
	doc *document.Remote
}

// add opens pdf and returns the name and page count it goes by.
func (d *documents) add(pdf []byte) (id string, pages int, err error) {
	doc, err := d.render.Open(pdf)
	if err != nil {
		return "", 0, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.seq++
	id = "doc-" + strconv.FormatUint(d.seq, 10)
	if len(d.open) == 2 {
		d.open[0].doc.Close()
		d.open = d.open[1:]
	}
	d.open = append(d.open, openDoc{id: id, doc: doc})
	return id, doc.Pages(), nil
}

// Page draws page of document id, width pixels wide.
func (d *documents) Page(id string, page, width int) (*image.RGBA, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if l := d.last; l.img != nil && l.id == id && l.page == page && l.width == width {
		return l.img, nil
	}
	for _, o := range d.open {
		if o.id != id {
			continue
		}
		img, err := o.doc.Render(page, width)
		if err != nil {
			return nil, err
		}
		d.last.id, d.last.page, d.last.width, d.last.img = id, page, width, img
		return img, nil
	}
	return nil, fmt.Errorf("document %q is closed", id)
}

// close releases every document.
func (d *documents) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, o := range d.open {
		o.doc.Close()
	}
	d.open, d.last.img = nil, nil
}

// ShowDocument opens the POS's PDF and asks the checkout to show it: a
// PDF MuPDF cannot open, or too large, is refused MessageFormat before
// the screen changes; a payment in progress answers Busy.
func (t *terminal) ShowDocument(ctx context.Context, c poslink.Call, d poslink.Document) error {
	if t.docs == nil {
		return &poslink.ConditionError{Condition: poslink.CondUnavailableService, Reason: "this terminal shows no documents"}
	}
	id, pages, err := t.docs.add(d.PDF)
	switch {
	case errors.Is(err, document.ErrUnavailable):
		return &poslink.ConditionError{Condition: poslink.CondUnavailableService, Reason: err.Error()}
	case err != nil:
		return &poslink.ConditionError{Condition: poslink.CondMessageFormat, Reason: err.Error()}
	}
	rid := requestID(c)
	return t.shown(ctx, rid, checkout.ShowDocument{Req: rid, ID: id, Pages: pages, Receipt: d.Receipt})
}
