package systemtest

import (
	"context"
	"image"
	"testing"
	"time"

	"payterm/board"
	"payterm/firmware/checkout"
	"payterm/firmware/document"
	"payterm/firmware/poslink"
	"payterm/firmware/poslink/stream"
	"payterm/internal/pdftest"
	"payterm/rootfs"
	"payterm/ui"
)

// hostPages draws the pages of one PDF with the host's MuPDF, for the
// host's renderer; the same image for the same page, as ui.PageSource
// asks.
type hostPages struct {
	doc   *document.Doc
	pages map[[2]int]*image.RGBA
}

func (p *hostPages) Page(_ string, page, width int) (*image.RGBA, error) {
	k := [2]int{page, width}
	if img, ok := p.pages[k]; ok {
		return img, nil
	}
	img, err := p.doc.Render(page, width)
	if err != nil {
		return nil, err
	}
	p.pages[k] = img
	return img, nil
}

// TestDocumentInQEMU: the POS sends a two-page Chinese receipt as a nexo
// PrintRequest over the emulated UART; the guest's screen shows page 1
// as the host draws it (host MuPDF, same renderer), the title bar's next
// button turns to page 2, Close goes back to idle.
func TestDocumentInQEMU(t *testing.T) {
	img := shared.terminal(t)
	g := bootTerminal(t, img, rootfs.Machine{})
	pdf := pdftest.Receipt(t, 2)
	doc, err := document.Open(pdf)
	if err != nil {
		t.Fatal(err)
	}
	defer doc.Close()
	fonts, err := ui.LoadFonts(cjkFont)
	if err != nil {
		t.Fatal(err)
	}
	d := board.QEMUVirt.Display
	r, err := ui.New(ui.Options{Layout: ui.Layout{W: d.Width, H: d.Height, Rotation: d.Rotation}, Fonts: fonts, Name: poiID,
		Pages: &hostPages{doc: doc, pages: map[[2]int]*image.RGBA{}}})
	if err != nil {
		t.Fatal(err)
	}
	h := &host{t: t, r: r}
	idle, _ := h.render(checkout.View{Screen: checkout.ScreenIdle})
	g.waitScreen("idle", idle)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	link := slowLink(t, g)
	if err := link.Print(ctx, "POS-QEMU", "RECEIPT-1", "", pdf); err != nil {
		t.Fatalf("Print: %v", err)
	}
	view := checkout.View{Screen: checkout.ScreenDocument, Doc: checkout.DocView{ID: "doc-1", Pages: 2, Receipt: true}}
	page1, btns := h.render(view)
	view.Doc.Page = 1
	page2, _ := h.render(view)
	// The threshold below tells the pages apart many times over.
	if _, off, _ := screenDiff(page1, page2); off < 20*maxDocOff {
		t.Fatalf("pages 1 and 2 differ in only %d pixels", off)
	}
	t.Logf("receipt page 1 on screen %.2fs after the POS got its reply", g.waitDocScreen("receipt page 1", page1).Seconds())
	next := image.Point{-1, -1}
	for _, b := range btns {
		if b.Action == checkout.ActPage && b.Page == 1 {
			next = image.Pt((b.Rect.Min.X+b.Rect.Max.X)/2, (b.Rect.Min.Y+b.Rect.Max.Y)/2)
		}
	}
	if next.X < 0 {
		t.Fatal("no next-page button on the host's screen")
	}
	g.tap(next)
	g.waitDocScreen("receipt page 2", page2)
	g.tap(h.button(checkout.ActDismiss))
	idle, _ = h.render(checkout.View{Screen: checkout.ScreenIdle})
	g.waitScreen("idle after Close", idle)
}

// maxDocOff bounds the pixels a page drawn by the guest's MuPDF (arm64)
// may differ from the host's (amd64) in antialiasing, beyond the ui's own
// rounding; page 1 and 2 differ in tens of thousands.
const maxDocOff = 600

// waitDocScreen is waitScreen for a screen with a MuPDF page on it.
func (g *guest) waitDocScreen(name string, want *image.RGBA) time.Duration {
	g.t.Helper()
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), screenTimeout)
	defer cancel()
	var mean float64
	var off int
	var shot *image.RGBA
	for ctx.Err() == nil {
		var err error
		if shot, err = g.screendump(ctx); err == nil {
			if mean, off, err = screenDiff(shot, want); err == nil && mean <= maxMeanDiff && off <= maxDocOff {
				g.t.Logf("screen %q: %.3f mean difference, %d pixels off", name, mean, off)
				return time.Since(start)
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	g.t.Fatalf("screen %q: differs by %.2f mean, %d pixels; %s", name, mean, off, g.saveScreens(name, shot, want))
	return 0
}

// slowLink is newLink with an ACK timeout that covers a receipt PDF's
// frame at the UART's 115200 baud (about 3 s for 34 KiB).
func slowLink(t testing.TB, g *guest) *poslink.Client {
	t.Helper()
	conn := stream.New(g.dial(g.posSock), stream.Options{AckTimeout: 15 * time.Second})
	client := stream.NewClient(conn)
	t.Cleanup(func() {
		client.Close()
		conn.Close()
	})
	key := devKey()
	link, err := poslink.NewClient(poslink.ClientConfig{POIID: poiID, Transport: client.RoundTrip, Key: &key})
	if err != nil {
		t.Fatal(err)
	}
	return link
}
