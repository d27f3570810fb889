// Package xvfbtest runs a private Xvfb for a test and shows images in
// plain X11 windows on it, drawn with PutImage (no toolkit): a stand-in
// for a POS program's window.
package xvfbtest

import (
	"bufio"
	"fmt"
	"image"
	"image/draw"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
)

// Start runs `Xvfb -screen 0 WxHxDEPTH` on a free display number (Xvfb
// picks it and reports it on -displayfd) and returns the display name,
// ":N". The server is killed when the test ends. Without Xvfb the test
// fails, or is skipped under -short.
func Start(t testing.TB, w, h, depth int) string {
	t.Helper()
	bin, err := exec.LookPath("Xvfb")
	if err != nil {
		if testing.Short() {
			t.Skip("xvfbtest: no Xvfb (apt-get install xvfb; tools/deps.sh installs it)")
		}
		t.Fatal("xvfbtest: no Xvfb: run tools/deps.sh")
	}
	r, wr, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-displayfd", "3", "-screen", "0", fmt.Sprintf("%dx%dx%d", w, h, depth), "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{wr}
	if err := cmd.Start(); err != nil {
		t.Fatalf("xvfbtest: %v", err)
	}
	wr.Close()
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	line, err := bufio.NewReader(r).ReadString('\n')
	r.Close()
	if err != nil {
		t.Fatalf("xvfbtest: Xvfb did not report its display: %v", err)
	}
	return ":" + strings.TrimSpace(line)
}

// Show maps a borderless window at at on display showing img, and waits
// until the server has drawn it. The window lives until the test ends.
func Show(t testing.TB, display string, img image.Image, at image.Point) {
	t.Helper()
	c, err := xgb.NewConnDisplay(display)
	if err != nil {
		t.Fatalf("xvfbtest: %v", err)
	}
	t.Cleanup(c.Close)
	setup := xproto.Setup(c)
	scr := setup.DefaultScreen(c)
	b := img.Bounds()
	wid, _ := xproto.NewWindowId(c)
	// Override-redirect: no window manager moves or decorates it.
	err = xproto.CreateWindowChecked(c, scr.RootDepth, wid, scr.Root, int16(at.X), int16(at.Y), uint16(b.Dx()), uint16(b.Dy()), 0,
		xproto.WindowClassInputOutput, scr.RootVisual,
		xproto.CwBackPixel|xproto.CwOverrideRedirect|xproto.CwEventMask,
		[]uint32{scr.WhitePixel, 1, xproto.EventMaskExposure}).Check()
	if err != nil {
		t.Fatalf("xvfbtest: create window: %v", err)
	}
	if err := xproto.MapWindowChecked(c, wid).Check(); err != nil {
		t.Fatalf("xvfbtest: map: %v", err)
	}
	for {
		ev, err := c.WaitForEvent()
		if err != nil {
			t.Fatalf("xvfbtest: %v", err)
		}
		if _, ok := ev.(xproto.ExposeEvent); ok {
			break
		}
	}
	gc, _ := xproto.NewGcontextId(c)
	if err := xproto.CreateGCChecked(c, gc, xproto.Drawable(wid), 0, nil).Check(); err != nil {
		t.Fatalf("xvfbtest: gc: %v", err)
	}
	rgba := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(rgba, rgba.Bounds(), img, b.Min, draw.Src)
	var bpp int
	for _, pf := range setup.PixmapFormats {
		if pf.Depth == scr.RootDepth {
			bpp = int(pf.BitsPerPixel)
		}
	}
	if bpp != 32 && bpp != 16 {
		t.Fatalf("xvfbtest: %d bits per pixel not supported", bpp)
	}
	// PutImage in bands of rows: a request must stay under the server's
	// maximum request length (in 4-byte units).
	rowBytes := b.Dx() * bpp / 8
	rowBytes = (rowBytes + 3) &^ 3
	rows := max(1, (int(setup.MaximumRequestLength)*4-64)/rowBytes)
	for y0 := 0; y0 < b.Dy(); y0 += rows {
		y1 := min(b.Dy(), y0+rows)
		data := make([]byte, 0, rowBytes*(y1-y0))
		for y := y0; y < y1; y++ {
			row := make([]byte, rowBytes)
			for x := 0; x < b.Dx(); x++ {
				p := rgba.Pix[y*rgba.Stride+4*x:]
				if bpp == 32 { // depth 24, LSB first: B G R X
					row[4*x], row[4*x+1], row[4*x+2] = p[2], p[1], p[0]
				} else { // depth 16 (5-6-5), LSB first
					v := uint16(p[0]>>3)<<11 | uint16(p[1]>>2)<<5 | uint16(p[2]>>3)
					row[2*x], row[2*x+1] = byte(v), byte(v>>8)
				}
			}
			data = append(data, row...)
		}
		err := xproto.PutImageChecked(c, xproto.ImageFormatZPixmap, xproto.Drawable(wid), gc,
			uint16(b.Dx()), uint16(y1-y0), 0, int16(y0), 0, scr.RootDepth, data).Check()
		if err != nil {
			t.Fatalf("xvfbtest: PutImage: %v", err)
		}
	}
}
