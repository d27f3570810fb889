package ui

import (
	"image"
	"testing"

	"payterm/firmware/checkout"
)

// TestRotationTurnsPixels renders the same upright screen on an upright
// panel and on a turned one, and checks every panel pixel against the
// documented mapping, and every button against the same mapping.
func TestRotationTurnsPixels(t *testing.T) {
	o := testOrder(20, false)
	v := checkout.View{Screen: checkout.ScreenOrder, Order: o, Marked: map[string]bool{"L2": true}}
	for _, tc := range []struct {
		upright, turned Layout
		at              func(x, y int) image.Point // upright (x, y) → turned panel
	}{
		{Layout{W: 800, H: 1280}, Layout{W: 1280, H: 800, Rotation: 90}, func(x, y int) image.Point { return image.Pt(1280-1-y, x) }},
		{Layout{W: 1280, H: 800}, Layout{W: 1280, H: 800, Rotation: 180}, func(x, y int) image.Point { return image.Pt(1280-1-x, 800-1-y) }},
		{Layout{W: 480, H: 800}, Layout{W: 800, H: 480, Rotation: 270}, func(x, y int) image.Point { return image.Pt(y, 480-1-x) }},
	} {
		up := newTestRenderer(t, tc.upright, nil)
		want, _ := up.Render(v)
		tr := newTestRenderer(t, tc.turned, nil)
		got, damage := tr.Render(v)
		if len(damage) != 1 || damage[0] != got.Rect {
			t.Errorf("rotation %d: damage %v, want the whole panel %v", tc.turned.Rotation, damage, got.Rect)
		}
		bad := 0
		for y := 0; y < tc.upright.H; y++ {
			for x := 0; x < tc.upright.W; x++ {
				p := tc.at(x, y)
				if got.RGBAAt(p.X, p.Y) != want.RGBAAt(x, y) {
					bad++
				}
			}
		}
		if bad > 0 {
			t.Errorf("rotation %d: %d pixels not where the mapping puts them", tc.turned.Rotation, bad)
		}
		ub, tb := up.Buttons(), tr.Buttons()
		if len(ub) != len(tb) {
			t.Fatalf("rotation %d: %d buttons, upright has %d", tc.turned.Rotation, len(tb), len(ub))
		}
		for i := range ub {
			r := ub[i].Rect
			a, b := tc.at(r.Min.X, r.Min.Y), tc.at(r.Max.X-1, r.Max.Y-1)
			want := image.Rectangle{Min: a, Max: b}.Canon()
			want.Max = want.Max.Add(image.Pt(1, 1))
			if tb[i].Rect != want {
				t.Errorf("rotation %d: button %q at %v, want %v", tc.turned.Rotation, tb[i].Label, tb[i].Rect, want)
			}
		}
	}
}

// TestRotatedPartialUpdate checks that only the damaged panel area is
// turned and that it lands where the row's button says.
func TestRotatedPartialUpdate(t *testing.T) {
	l := Layout{W: 1280, H: 800, Rotation: 90}
	o := testOrder(8, false)
	r := newTestRenderer(t, l, nil)
	r.Render(checkout.View{Screen: checkout.ScreenOrder, Order: o, Marked: map[string]bool{"L1": true}})
	row := rowsByLine(r)["L2"]
	img, d := r.Render(checkout.View{Screen: checkout.ScreenOrder, Order: o, Marked: map[string]bool{"L1": true, "L2": true}})
	if len(d) != 1 || d[0] != row {
		t.Fatalf("damage %v, want the row %v", d, row)
	}
	marked := 0
	for y := row.Min.Y; y < row.Max.Y; y++ {
		for x := row.Min.X; x < row.Max.X; x++ {
			if img.RGBAAt(x, y) == colMarkBg {
				marked++
			}
		}
	}
	if marked*2 < row.Dx()*row.Dy() {
		t.Errorf("marked row %v: %d of %d pixels in the mark colour", row, marked, row.Dx()*row.Dy())
	}
}

func TestLayoutMapsRoundTrip(t *testing.T) {
	for _, rot := range []int{0, 90, 180, 270} {
		l := Layout{W: 640, H: 400, Rotation: rot}
		size := l.logical()
		for _, p := range []image.Point{{0, 0}, {size.X - 1, 0}, {0, size.Y - 1}, {size.X - 1, size.Y - 1}, {123, 77}} {
			q := l.toPanel(image.Rectangle{Min: p, Max: p.Add(image.Pt(1, 1))})
			if q.Dx() != 1 || q.Dy() != 1 || !q.Min.In(image.Rect(0, 0, l.W, l.H)) {
				t.Errorf("rotation %d: %v maps to %v, want one panel pixel", rot, p, q)
			}
			if back := l.fromPanel(q.Min); back != p {
				t.Errorf("rotation %d: %v → %v → %v", rot, p, q.Min, back)
			}
		}
	}
}
