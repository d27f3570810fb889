package systemtest

import (
	"testing"

	"payterm/firmware/checkout"
	"payterm/firmware/order"
	"payterm/pos"
)

// TestScreenDiffTellsScreensApart checks the screen comparison the QEMU
// tests rely on: the same view matches itself, and an order that differs
// in one line, or the next screen of the same sale, does not match.
func TestScreenDiffTellsScreensApart(t *testing.T) {
	h := newHost(t)
	o, err := pos.SampleOrder("T-COMPARE")
	if err != nil {
		t.Fatal(err)
	}
	other := o
	other.Lines = append([]order.Line(nil), o.Lines...)
	other.Lines[1].Label = other.Lines[1].Label + "s"

	base, _ := h.render(checkout.View{Screen: checkout.ScreenOrder, Order: &o})
	for _, c := range []struct {
		name string
		v    checkout.View
		same bool
	}{
		{"same view", checkout.View{Screen: checkout.ScreenOrder, Order: &o}, true},
		{"one label one letter longer", checkout.View{Screen: checkout.ScreenOrder, Order: &other}, false},
		{"one line marked", checkout.View{Screen: checkout.ScreenOrder, Order: &o, Marked: map[string]bool{o.Lines[0].ID: true}}, false},
		{"method screen", checkout.View{Screen: checkout.ScreenMethod, Order: &o, Methods: []checkout.Method{checkout.Code}}, false},
	} {
		img, _ := h.render(c.v)
		mean, off, err := screenDiff(base, img)
		if err != nil {
			t.Fatal(err)
		}
		if sameScreen(mean, off) != c.same {
			t.Errorf("%s: mean %.3f, %d pixels off: same=%v, want %v", c.name, mean, off, !c.same, c.same)
		}
	}
}
