// Package region captures a rectangle of an X11 screen (the POS's order
// area, chosen once by the cashier and saved) as an image, in pure Go
// over the X protocol, and serves the page on which the cashier chooses
// the rectangle.
package region

import (
	"fmt"
	"image"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
)

// Screen is a connection to one X11 screen. Not safe for concurrent use.
type Screen struct {
	conn   *xgb.Conn
	root   xproto.Window
	size   image.Point
	format PixelFormat
}

// Open connects to display (":0"; empty means $DISPLAY) and reads the
// default screen's pixel format.
func Open(display string) (*Screen, error) {
	conn, err := xgb.NewConnDisplay(display)
	if err != nil {
		return nil, fmt.Errorf("region: connect to X display %q: %w", display, err)
	}
	s, err := newScreen(conn)
	if err != nil {
		conn.Close()
		return nil, err
	}
	return s, nil
}

func newScreen(conn *xgb.Conn) (*Screen, error) {
	setup := xproto.Setup(conn)
	scr := setup.DefaultScreen(conn)
	f := PixelFormat{MSBFirst: setup.ImageByteOrder == xproto.ImageOrderMSBFirst}
	for _, pf := range setup.PixmapFormats {
		if pf.Depth == scr.RootDepth {
			f.BitsPerPixel, f.ScanlinePad = int(pf.BitsPerPixel), int(pf.ScanlinePad)
		}
	}
	for _, d := range scr.AllowedDepths {
		for _, v := range d.Visuals {
			if v.VisualId == scr.RootVisual {
				f.Red, f.Green, f.Blue = v.RedMask, v.GreenMask, v.BlueMask
			}
		}
	}
	if f.BitsPerPixel == 0 {
		return nil, fmt.Errorf("region: no pixmap format for depth %d", scr.RootDepth)
	}
	return &Screen{conn: conn, root: scr.Root, format: f,
		size: image.Pt(int(scr.WidthInPixels), int(scr.HeightInPixels))}, nil
}

// Size is the screen's size in pixels.
func (s *Screen) Size() image.Point { return s.size }

// Format is the screen's pixel format.
func (s *Screen) Format() PixelFormat { return s.format }

// Capture returns the pixels of r (screen coordinates) as they are on
// the screen now, whatever window shows them. r must lie on the screen.
// The result's bounds start at (0, 0).
func (s *Screen) Capture(r image.Rectangle) (*image.RGBA, error) {
	if r.Empty() || !r.In(image.Rectangle{Max: s.size}) {
		return nil, fmt.Errorf("region: %v is not within the %v screen", r, s.size)
	}
	reply, err := xproto.GetImage(s.conn, xproto.ImageFormatZPixmap, xproto.Drawable(s.root),
		int16(r.Min.X), int16(r.Min.Y), uint16(r.Dx()), uint16(r.Dy()), 0xffffffff).Reply()
	if err != nil {
		return nil, fmt.Errorf("region: GetImage %v: %w", r, err)
	}
	img, err := s.format.ToRGBA(reply.Data, r.Dx(), r.Dy())
	if err != nil {
		return nil, err
	}
	return img, nil
}

// CaptureAll is the whole screen.
func (s *Screen) CaptureAll() (*image.RGBA, error) {
	return s.Capture(image.Rectangle{Max: s.size})
}

// Close ends the connection.
func (s *Screen) Close() error {
	s.conn.Close()
	return nil
}
