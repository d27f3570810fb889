package ui

import (
	"bytes"
	"slices"
	"testing"

	"payterm/firmware/checkout"
)

// TestKeypad: every digit has exactly one key, a touch on it gives that
// digit, and the screen changes with the number of digits entered (their
// values never reach the ui).
func TestKeypad(t *testing.T) {
	for _, lc := range layouts {
		t.Run(lc.name, func(t *testing.T) {
			r := newTestRenderer(t, lc.l, nil)
			v := checkout.View{Screen: checkout.ScreenPhoneDigits, Order: testOrder(2, false), Method: checkout.Face}
			img, _ := r.Render(v)
			empty := bytes.Clone(img.Pix)
			var digits []int
			for _, b := range r.Buttons() {
				if b.Action != checkout.ActDigit {
					continue
				}
				digits = append(digits, b.Digit)
				if got, ok := r.Hit(center(b.Rect)); !ok || got.Action != checkout.ActDigit || got.Digit != b.Digit {
					t.Errorf("key %d: Hit gives %+v", b.Digit, got)
				}
			}
			slices.Sort(digits)
			if !slices.Equal(digits, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
				t.Errorf("keys %v, want 0-9 once each", digits)
			}
			v.Digits = 3
			img, damage := r.Render(v)
			if bytes.Equal(img.Pix, empty) || len(damage) == 0 {
				t.Error("entering digits did not change the screen")
			}
		})
	}
}
