package ui

import (
	"testing"

	"payterm/firmware/checkout"
	"payterm/ui/catalog"
)

// TestShowCodeReaders: the show-code screen says which device reads the
// code and offers the other one when it is fitted, in each language.
func TestShowCodeReaders(t *testing.T) {
	o := testOrder(3, false)
	for _, tt := range []struct {
		reader, other checkout.Reader
		hint          catalog.ID
		switchTo      catalog.ID
		hasSwitch     bool
	}{
		{checkout.ByScanner, checkout.NoReader, wShowCode, 0, false},
		{checkout.ByCamera, checkout.NoReader, wCodeToCamera, 0, false},
		{checkout.ByScanner, checkout.ByCamera, wShowCode, wUseCamera, true},
		{checkout.ByCamera, checkout.ByScanner, wCodeToCamera, wUseScanner, true},
	} {
		for _, lang := range catalog.Languages() {
			for _, lc := range layouts {
				r := newTestRenderer(t, lc.l, nil)
				v := checkout.View{Screen: checkout.ScreenShowCode, Order: o, Method: checkout.Code,
					Reader: tt.reader, Switch: tt.other, Language: lang}
				img, _ := r.Render(v)
				checkButtons(t, r, img)
				var label string
				for _, b := range r.Buttons() {
					if b.Action == checkout.ActSwitchReader {
						label = b.Label
					}
				}
				want := ""
				if tt.hasSwitch {
					want = catalog.For(lang).T(tt.switchTo)
				}
				if label != want {
					t.Errorf("%s %s, reader %v, switch %v: switch button %q, want %q", lc.name, lang, tt.reader, tt.other, label, want)
				}
				if showCodeHint(v) != tt.hint {
					t.Errorf("reader %v: hint %v, want %v", tt.reader, showCodeHint(v), tt.hint)
				}
				saveShot(t, r, lc.name+"-"+lang+"-show-code-"+tt.reader.String()+"-"+tt.other.String())
			}
		}
	}
}
