package ui

import (
	"image"
	"strings"
	"testing"

	"payterm/firmware/checkout"
)

// questionLines is the question's text as drawn: the body's text lines,
// top to bottom, and the style they use.
func questionLines(t *testing.T, r *Renderer) ([]string, *style) {
	t.Helper()
	var lines []string
	var st *style
	for _, b := range r.cur.blocks {
		tb, ok := b.(textBlock)
		if !ok || tb.bg != colBg {
			continue // the title bar
		}
		if st != nil && tb.st != st {
			t.Errorf("question lines in two styles")
		}
		st = tb.st
		lines = append(lines, tb.s)
	}
	return lines, st
}

// squeeze drops white space, which wrapping moves and merges.
func squeeze(s string) string { return strings.Join(strings.Fields(s), "") }

func TestQuestionScreen(t *testing.T) {
	long := strings.Repeat("Would you like to round up your total for the food bank? ", 5)[:checkout.MaxQuestion]
	tests := []struct {
		name string
		text string
		// fits: the whole text is shown on every layout; otherwise it may
		// end in an ellipsis on small panels.
		fits bool
	}{
		{"short", "Receipt?", true},
		{"sentence", "Would you like a printed receipt?", true},
		{"lines", "Join our loyalty club?\nIt is free.", true},
		{"CJK", "您需要发票吗？请选择是或否。", true},
		{"one long word", strings.Repeat("x", 120), false},
		{"longest", long, false},
		{"longest CJK", strings.Repeat("需要发票吗", checkout.MaxQuestion/5), false},
	}
	for _, lc := range layouts {
		r := newTestRenderer(t, lc.l, nil)
		for _, tt := range tests {
			t.Run(lc.name+"/"+tt.name, func(t *testing.T) {
				v := checkout.View{Screen: checkout.ScreenQuestion, Message: tt.text}
				img, _ := r.Render(v)
				checkBlocks(t, r)
				checkButtons(t, r, img)
				var acts []checkout.Action
				for _, b := range r.Buttons() {
					acts = append(acts, b.Action)
				}
				if !sameSet(acts, []checkout.Action{checkout.ActYes, checkout.ActNo, checkout.ActLanguage}) {
					t.Errorf("buttons %v, want Yes and No", acts)
				}
				lines, st := questionLines(t, r)
				shown := strings.Join(lines, " ")
				switch {
				case squeeze(shown) == squeeze(tt.text):
				case tt.fits:
					t.Errorf("text %q shown as %q", tt.text, lines)
				case !strings.HasSuffix(shown, ellipsis) || !strings.HasPrefix(squeeze(tt.text), squeeze(strings.TrimSuffix(shown, ellipsis))):
					t.Errorf("text cut to %q, want a prefix of %q and an ellipsis", lines, tt.text)
				}
				for _, l := range lines {
					if w := st.measure(l); w > r.build.m.w-2*r.build.m.pad {
						t.Errorf("line %q is %d px wide, wider than the screen", l, w)
					}
				}
				saveShot(t, r, lc.name+"-question-"+strings.ReplaceAll(tt.name, " ", "-"))
			})
		}
	}
}

// TestQuestionLargeAndLined: a short question is drawn in the largest
// style, a long one in a smaller one, and the POS's line breaks are kept.
func TestQuestionLargeAndLined(t *testing.T) {
	for _, lc := range layouts {
		r := newTestRenderer(t, lc.l, nil)
		r.Render(checkout.View{Screen: checkout.ScreenQuestion, Message: "Receipt?"})
		if _, st := questionLines(t, r); st != r.build.st.huge {
			t.Errorf("%s: a short question is not in the largest style", lc.name)
		}
		r.Render(checkout.View{Screen: checkout.ScreenQuestion, Message: strings.Repeat("Receipt? ", 28)})
		if _, st := questionLines(t, r); st == r.build.st.huge {
			t.Errorf("%s: a long question is in the largest style", lc.name)
		}
		r.Render(checkout.View{Screen: checkout.ScreenQuestion, Message: "Club?\nIt is free."})
		if lines, _ := questionLines(t, r); len(lines) != 2 || lines[0] != "Club?" || lines[1] != "It is free." {
			t.Errorf("%s: lines %q, want the POS's two lines", lc.name, lines)
		}
	}
}

// TestQuestionAwayFromDone: a question can replace a result screen under
// the customer's finger; its answers must not lie where Done was.
func TestQuestionAwayFromDone(t *testing.T) {
	for _, lc := range layouts {
		r := newTestRenderer(t, lc.l, nil)
		var done []image.Rectangle
		for _, sc := range []checkout.Screen{checkout.ScreenPaid, checkout.ScreenFailed, checkout.ScreenRefused} {
			r.Render(checkout.View{Screen: sc, Order: testOrder(2, false), Message: "declined"})
			for _, b := range r.Buttons() {
				if b.Action != checkout.ActLanguage { // the same on every screen, not an answer
					done = append(done, b.Rect)
				}
			}
		}
		r.Render(checkout.View{Screen: checkout.ScreenQuestion, Message: "Would you like a printed receipt?"})
		for _, b := range r.Buttons() {
			for _, d := range done {
				if b.Rect.Overlaps(d) {
					t.Errorf("%s: %q at %v overlaps a result screen's button at %v", lc.name, b.Label, b.Rect, d)
				}
			}
		}
	}
}

func BenchmarkQuestion(b *testing.B) {
	r := benchRenderer(b, Layout{W: 1280, H: 800}, &glyphText{})
	v := checkout.View{Screen: checkout.ScreenQuestion, Message: "Would you like to join our loyalty club?\nIt is free."}
	r.Render(v)
	b.ReportAllocs()
	for b.Loop() {
		r.cur = nil
		r.Render(v)
	}
}
