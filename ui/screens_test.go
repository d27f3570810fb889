package ui

import (
	"image"
	"slices"
	"testing"

	"payterm/firmware/checkout"
	"payterm/ui/catalog"
)

// wantActions lists the controls each screen must offer (line rows and
// page buttons are checked separately).
var wantActions = map[checkout.Screen][]checkout.Action{
	checkout.ScreenIdle:       nil, // and ActLanguage on every screen but not-provisioned
	checkout.ScreenOrder:      {checkout.ActCancel, checkout.ActReport, checkout.ActConfirm},
	checkout.ScreenFlagged:    nil,
	checkout.ScreenMethod:     {checkout.ActChooseCode, checkout.ActChooseFace, checkout.ActBack},
	checkout.ScreenShowCode:   {checkout.ActCancel},
	checkout.ScreenFace:       {checkout.ActCancel},
	checkout.ScreenProcessing: nil,
	checkout.ScreenPaid:       {checkout.ActDismiss},
	checkout.ScreenFailed:     {checkout.ActDismiss},
	checkout.ScreenRefused:    {checkout.ActDismiss},
	checkout.ScreenQuestion:   {checkout.ActNo, checkout.ActYes},
	// No control: nothing the customer can do fixes it.
	checkout.ScreenNotProvisioned: nil,
	checkout.ScreenDocument:       {checkout.ActDismiss}, // and the pages
	checkout.ScreenConfirmOnPhone: {checkout.ActCancel},
	checkout.ScreenPhoneDigits: {checkout.ActDigit, checkout.ActDigit, checkout.ActDigit, checkout.ActDigit, checkout.ActDigit,
		checkout.ActDigit, checkout.ActDigit, checkout.ActDigit, checkout.ActDigit, checkout.ActDigit,
		checkout.ActDelete, checkout.ActEnter, checkout.ActCancel},
}

// TestTablesCoverEveryScreen: views and wantActions have one entry for
// each screen checkout defines, so TestEveryScreenAtEveryLayout draws
// them all.
func TestTablesCoverEveryScreen(t *testing.T) {
	screens := allScreens()
	if len(screens) < int(checkout.ScreenQuestion)+1 {
		t.Fatalf("found %d screens: %v", len(screens), screens)
	}
	var got []checkout.Screen
	for _, v := range views(testOrder(3, false)) {
		got = append(got, v.Screen)
	}
	if !slices.Equal(got, screens) {
		t.Errorf("views cover %v, want each of %v once, in order", got, screens)
	}
	for _, s := range screens {
		if _, ok := wantActions[s]; !ok {
			t.Errorf("wantActions has no entry for %s", s)
		}
	}
}

func TestEveryScreenAtEveryLayout(t *testing.T) {
	for _, lc := range layouts {
		for _, v := range views(testOrder(20, false)) {
			t.Run(lc.name+"/"+v.Screen.String(), func(t *testing.T) {
				r := newTestRenderer(t, lc.l, nil)
				img, damage := r.Render(v)
				panel := image.Rect(0, 0, lc.l.W, lc.l.H)
				if img.Rect != panel {
					t.Fatalf("image %v, want the panel %v", img.Rect, panel)
				}
				if len(damage) != 1 || damage[0] != panel {
					t.Errorf("first render damage %v, want the whole panel", damage)
				}
				checkBlocks(t, r)
				checkButtons(t, r, img)

				var got []checkout.Action
				for _, b := range r.Buttons() {
					if b.Action != checkout.ActToggleLine && b.Action != checkout.ActPage {
						got = append(got, b.Action)
					}
				}
				want := wantActions[v.Screen]
				if v.Screen != checkout.ScreenNotProvisioned {
					want = append(slices.Clone(want), checkout.ActLanguage)
				}
				if !sameSet(got, want) {
					t.Errorf("actions %v, want %v", got, want)
				}
				saveShot(t, r, lc.name+"-"+v.Screen.String())
			})
		}
	}
}

// checkButtons asserts touch targets are inside the panel, at least 48 px
// each way, disjoint, drawn (not blank), and that a touch at each centre
// gives the button's action.
func checkButtons(t *testing.T, r *Renderer, img *image.RGBA) {
	t.Helper()
	bs := r.Buttons()
	for i, b := range bs {
		if !b.Rect.In(img.Rect) {
			t.Errorf("button %q %v outside the panel %v", b.Label, b.Rect, img.Rect)
		}
		if b.Rect.Dx() < 48 || b.Rect.Dy() < 48 {
			t.Errorf("button %q is %d×%d, want ≥ 48×48", b.Label, b.Rect.Dx(), b.Rect.Dy())
		}
		for _, o := range bs[i+1:] {
			if b.Rect.Overlaps(o.Rect) {
				t.Errorf("buttons %q %v and %q %v overlap", b.Label, b.Rect, o.Label, o.Rect)
			}
		}
		if !hasInkIn(img, b.Rect) {
			t.Errorf("button %q at %v has no pixels drawn", b.Label, b.Rect)
		}
		got, ok := r.Hit(center(b.Rect))
		want := touchFor(b)
		if !ok || got.Action != want.Action || got.Line != want.Line || got.Page != want.Page || got.Digit != want.Digit {
			t.Errorf("Hit(centre of %q) = %+v, %v; want %+v", b.Label, got, ok, want)
		}
	}
}

// checkBlocks asserts the invariant damage tracking relies on: blocks lie
// inside the screen and never overlap.
func checkBlocks(t *testing.T, r *Renderer) {
	t.Helper()
	bl := r.cur.blocks
	for i, b := range bl {
		if !b.bounds().In(r.logical.Rect) || b.bounds().Empty() {
			t.Errorf("block %T %v outside the screen %v or empty", b, b.bounds(), r.logical.Rect)
		}
		for _, o := range bl[i+1:] {
			if b.bounds().Overlaps(o.bounds()) {
				t.Errorf("blocks %T %v and %T %v overlap", b, b.bounds(), o, o.bounds())
			}
		}
	}
}

func hasInkIn(img *image.RGBA, r image.Rectangle) bool {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if img.RGBAAt(x, y) != colBg {
				return true
			}
		}
	}
	return false
}

func sameSet(a, b []checkout.Action) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestOrderRowsAndPages(t *testing.T) {
	o := testOrder(20, false)
	for _, lc := range layouts {
		t.Run(lc.name, func(t *testing.T) {
			r := newTestRenderer(t, lc.l, nil)
			v := checkout.View{Screen: checkout.ScreenOrder, Order: o}
			r.Render(v)
			rows := rowsByLine(r)
			if len(rows) < 3 {
				t.Fatalf("%d rows on the first page, want at least 3", len(rows))
			}
			got, ok := r.Hit(center(rows["L3"]))
			if !ok || got.Action != checkout.ActToggleLine || got.Line != "L3" {
				t.Errorf("Hit(row L3) = %+v, %v; want toggle-line L3", got, ok)
			}
			if _, ok := r.Hit(image.Pt(-5, -5)); ok {
				t.Error("Hit outside the panel hit something")
			}
			// No Report button until a line is marked.
			for _, b := range r.Buttons() {
				if b.Action == checkout.ActReport {
					t.Error("Report offered with no line marked")
				}
			}

			// Page through: every line appears on exactly one page, in order.
			var seen []string
			pages := pageCount(r)
			for p := 0; p < pages; p++ {
				v.Page = p
				r.Render(v)
				for _, b := range r.Buttons() {
					if b.Action == checkout.ActToggleLine {
						seen = append(seen, b.Line)
					}
				}
				next, hasNext := pageButton(r, p+1)
				if hasNext != (p+1 < pages) {
					t.Errorf("page %d: next button %v, want %v", p, hasNext, p+1 < pages)
				}
				if hasNext {
					if got, _ := r.Hit(center(next)); got.Action != checkout.ActPage || got.Page != p+1 {
						t.Errorf("page %d: next gives %+v", p, got)
					}
				}
				if _, hasPrev := pageButton(r, p-1); hasPrev != (p > 0) {
					t.Errorf("page %d: previous button %v, want %v", p, hasPrev, p > 0)
				}
			}
			var want []string
			for _, l := range o.Lines {
				want = append(want, l.ID)
			}
			if !slices.Equal(seen, want) {
				t.Errorf("lines over %d pages: %v, want %v", pages, seen, want)
			}
			// A page beyond the last shows the last.
			v.Page = 99
			r.Render(v)
			if rows := rowsByLine(r); rows["L20"].Empty() {
				t.Error("page 99 does not show the last page")
			}
		})
	}
}

func rowsByLine(r *Renderer) map[string]image.Rectangle {
	rows := map[string]image.Rectangle{}
	for _, b := range r.Buttons() {
		if b.Action == checkout.ActToggleLine {
			rows[b.Line] = b.Rect
		}
	}
	return rows
}

func pageButton(r *Renderer, page int) (image.Rectangle, bool) {
	for _, b := range r.Buttons() {
		if b.Action == checkout.ActPage && b.Page == page {
			return b.Rect, true
		}
	}
	return image.Rectangle{}, false
}

// pageCount follows next buttons from the current page.
func pageCount(r *Renderer) int {
	n := 1
	for p := 1; ; p++ {
		if _, ok := pageButton(r, p); !ok {
			return n
		}
		n++
		v := checkout.View{Screen: checkout.ScreenOrder, Order: testOrder(20, false), Page: p}
		r.Render(v)
	}
}

func TestCorrectedBannerAndFlaggedCount(t *testing.T) {
	r := newTestRenderer(t, layouts[0].l, nil)
	o := testOrder(3, false)
	r.Render(checkout.View{Screen: checkout.ScreenOrder, Order: o})
	plain := rowsByLine(r)["L1"]
	_, damage := r.Render(checkout.View{Screen: checkout.ScreenOrder, Order: o, Corrected: true})
	shifted := rowsByLine(r)["L1"]
	if shifted.Min.Y <= plain.Min.Y {
		t.Errorf("corrected order: first row at %v, want below %v (banner above)", shifted, plain)
	}
	if len(damage) == 0 {
		t.Error("banner drew nothing")
	}
	var banner bool
	for _, b := range r.cur.blocks {
		if tb, ok := b.(textBlock); ok && tb.s == catalog.For("").T(wCorrected) {
			banner = true
		}
	}
	if !banner {
		t.Error("no corrected-order banner")
	}

	r.Render(checkout.View{Screen: checkout.ScreenFlagged, Order: o, Marked: map[string]bool{"L1": true, "L3": true, "gone": true}})
	var count bool
	for _, b := range r.cur.blocks {
		if tb, ok := b.(textBlock); ok && tb.s == catalog.For("").T(wChecking, 2) {
			count = true
		}
	}
	if !count {
		t.Errorf("flagged screen does not say %q", catalog.For("").T(wChecking, 2))
	}
}

func TestUnchangedViewHasNoDamage(t *testing.T) {
	r := newTestRenderer(t, layouts[0].l, nil)
	v := views(testOrder(5, false))[1]
	r.Render(v)
	if _, d := r.Render(v); len(d) != 0 {
		t.Errorf("same view again: damage %v, want none", d)
	}
}

func TestNewRejectsBadLayouts(t *testing.T) {
	for _, l := range []Layout{{W: 1280, H: 800, Rotation: 45}, {W: 100, H: 800}, {W: 0, H: 0}, {W: 1280, H: 99999}} {
		if _, err := New(Options{Layout: l}); err == nil {
			t.Errorf("New(%+v) accepted", l)
		}
	}
}
