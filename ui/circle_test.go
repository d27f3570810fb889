package ui

import (
	"image"
	"math"
	"slices"
	"testing"

	"payterm/firmware/checkout"
)

// loop is a closed finger stroke around the upright rectangle around,
// n points on an ellipse inscribed in it, mapped to panel pixels.
func loop(l Layout, around image.Rectangle, n int) []image.Point {
	cx, cy := float64(around.Min.X+around.Max.X)/2, float64(around.Min.Y+around.Max.Y)/2
	rx, ry := float64(around.Dx())/2, float64(around.Dy())/2
	var pts []image.Point
	for i := 0; i < n; i++ {
		a := 2 * math.Pi * float64(i) / float64(n)
		p := image.Pt(int(cx+rx*math.Cos(a)), int(cy+ry*math.Sin(a)))
		pts = append(pts, l.toPanel(image.Rectangle{Min: p, Max: p.Add(image.Pt(1, 1))}).Min)
	}
	return pts
}

// uprightRows are the line rows in upright coordinates, in screen order.
func uprightRows(r *Renderer) []Button {
	var rows []Button
	for _, b := range r.cur.buttons {
		if b.Action == checkout.ActToggleLine {
			rows = append(rows, b)
		}
	}
	return rows
}

func TestCircleMarksEnclosedLines(t *testing.T) {
	o := testOrder(12, true)
	for _, lc := range layouts {
		t.Run(lc.name, func(t *testing.T) {
			r := newTestRenderer(t, lc.l, nil)
			r.Render(checkout.View{Screen: checkout.ScreenOrder, Order: o})
			rows := uprightRows(r)
			two, three := rows[1].Rect, rows[2].Rect

			// A loose loop around the labels of rows 2 and 3 only: it
			// misses the rows' centre points but crosses their centre lines.
			around := image.Rect(two.Min.X+10, two.Min.Y+2, two.Min.X+two.Dx()/3, three.Max.Y-2)
			got, ok := r.Circled(loop(lc.l, around, 48))
			want := []string{rows[1].Line, rows[2].Line}
			if !ok || got.Action != checkout.ActMarkLines || !slices.Equal(got.Lines, want) {
				t.Errorf("loop around rows 2–3: %+v, %v; want mark-lines %v", got, ok, want)
			}

			// A loop around row 3 alone.
			around = image.Rect(three.Min.X+10, three.Min.Y+4, three.Max.X-10, three.Max.Y-4)
			if got, _ := r.Circled(loop(lc.l, around, 32)); !slices.Equal(got.Lines, []string{rows[2].Line}) {
				t.Errorf("loop around row 3: %+v, want %v", got, rows[2].Line)
			}

			// A short stroke is a tap on the row under it.
			c := center(rows[3].Rect)
			tap := []image.Point{c, c.Add(image.Pt(3, 2)), c.Add(image.Pt(5, 1))}
			for i := range tap {
				tap[i] = lc.l.toPanel(image.Rectangle{Min: tap[i], Max: tap[i].Add(image.Pt(1, 1))}).Min
			}
			if got, ok := r.Circled(tap); !ok || got.Action != checkout.ActToggleLine || got.Line != rows[3].Line {
				t.Errorf("short stroke: %+v, %v; want toggle-line %s", got, ok, rows[3].Line)
			}

			// A loop in the title bar encloses no line.
			around = image.Rect(20, 4, 300, r.build.m.header-4)
			if got, ok := r.Circled(loop(lc.l, around, 32)); ok {
				t.Errorf("loop in the title bar: %+v, want nothing", got)
			}
			if _, ok := r.Circled(nil); ok {
				t.Error("empty stroke hit something")
			}
		})
	}
}

func TestCrossesInside(t *testing.T) {
	square := []image.Point{{0, 0}, {100, 0}, {100, 100}, {0, 100}}
	for _, tc := range []struct {
		row  image.Rectangle
		want bool
	}{
		{image.Rect(50, 40, 300, 60), true},   // starts inside
		{image.Rect(-300, 40, 10, 60), true},  // ends inside
		{image.Rect(-50, 40, 500, 60), true},  // spans it
		{image.Rect(150, 40, 300, 60), false}, // beside it
		{image.Rect(0, 120, 100, 140), false}, // below it
	} {
		if got := crossesInside(square, tc.row); got != tc.want {
			t.Errorf("crossesInside(square, %v) = %v, want %v", tc.row, got, tc.want)
		}
	}
	// A U shape: the centre line at y=50 crosses two arms, not the gap.
	u := []image.Point{{0, 0}, {30, 0}, {30, 80}, {70, 80}, {70, 0}, {100, 0}, {100, 100}, {0, 100}}
	if crossesInside(u, image.Rect(40, 40, 60, 60)) {
		t.Error("row in the U's gap counted as inside")
	}
	if !crossesInside(u, image.Rect(40, 80, 60, 100)) {
		t.Error("row across the U's base not counted")
	}
}
