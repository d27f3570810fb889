package ui

import (
	"testing"

	"payterm/firmware/checkout"
)

// TestShowCodeReaders: the show-code screen says which device reads the
// code and offers the other one when it is fitted.
func TestShowCodeReaders(t *testing.T) {
	o := testOrder(3, false)
	for _, tt := range []struct {
		reader, other checkout.Reader
		switchLabel   string
	}{
		{checkout.ByScanner, checkout.NoReader, ""},
		{checkout.ByCamera, checkout.NoReader, ""},
		{checkout.ByScanner, checkout.ByCamera, wUseCamera},
		{checkout.ByCamera, checkout.ByScanner, wUseScanner},
	} {
		for _, lc := range layouts {
			r := newTestRenderer(t, lc.l, nil)
			v := checkout.View{Screen: checkout.ScreenShowCode, Order: o, Method: checkout.Code, Reader: tt.reader, Switch: tt.other}
			img, _ := r.Render(v)
			checkButtons(t, r, img)
			var label string
			for _, b := range r.Buttons() {
				if b.Action == checkout.ActSwitchReader {
					label = b.Label
				}
			}
			if label != tt.switchLabel {
				t.Errorf("%s, reader %v, switch %v: switch button %q, want %q", lc.name, tt.reader, tt.other, label, tt.switchLabel)
			}
			if want := map[checkout.Reader]string{checkout.ByScanner: wShowCode, checkout.ByCamera: wCodeToCamera}[tt.reader]; showCodeHint(v) != want {
				t.Errorf("reader %v: hint %q", tt.reader, showCodeHint(v))
			}
			saveShot(t, r, lc.name+"-show-code-"+tt.reader.String()+"-"+tt.other.String())
		}
	}
}
