package ui

import (
	"testing"

	"payterm/firmware/checkout"
)

// TestUpdateLineOnIdleOnly: a download's progress is drawn on the idle
// screen, in the view's language, and on no other screen.
func TestUpdateLineOnIdleOnly(t *testing.T) {
	r := newTestRenderer(t, layouts[0].l, nil)
	r.SetUpdate(UpdateProgress{Done: 42, Total: 100})
	for _, tt := range []struct {
		v    checkout.View
		want string // "" : no update line
	}{
		{checkout.View{Screen: checkout.ScreenIdle}, "Software update: 42%"},
		{checkout.View{Screen: checkout.ScreenIdle, Language: "zh"}, "软件更新：42%"},
		{checkout.View{Screen: checkout.ScreenProcessing}, ""},
	} {
		f := r.build.build(tt.v, "PT1")
		got := ""
		for _, bl := range f.blocks {
			if tb, ok := bl.(textBlock); ok && (tb.s == "Software update: 42%" || tb.s == "软件更新：42%") {
				got = tb.s
			}
		}
		if got != tt.want {
			t.Errorf("%v %q: update line %q, want %q", tt.v.Screen, tt.v.Language, got, tt.want)
		}
	}
	r.SetUpdate(UpdateProgress{})
	f := r.build.build(checkout.View{Screen: checkout.ScreenIdle}, "PT1")
	for _, bl := range f.blocks {
		if _, ok := bl.(progressBlock); ok {
			t.Fatal("progress bar drawn with no download")
		}
	}
}
