package checkout

import (
	"testing"
)

// lastShow is the view of the last Show effect in out; ok is false when
// out has none.
func lastShow(out []Effect) (View, bool) {
	for i := len(out) - 1; i >= 0; i-- {
		if sh, ok := out[i].(Show); ok {
			return sh.View, true
		}
	}
	return View{}, false
}

// TestLanguageChoice: every phase redraws its screen in the customer's
// language and changes nothing else; the choice lasts the session and
// the next one starts in the configured language.
func TestLanguageChoice(t *testing.T) {
	for _, p := range []Phase{Idle, OrderShown, Flagged, Confirmed, Capturing, Captured, Done} {
		t.Run(p.String(), func(t *testing.T) {
			s := New(Config{HasScan: true, HasCamera: true, Language: "en"})
			s, _ = run(s, pathTo(p, Relay)...)
			before := s.View()
			if before.Language != "en" {
				t.Fatalf("view language %q before the choice, want the configured en", before.Language)
			}
			after, out := Step(s, Touch{Action: ActLanguage, Language: "zh"})
			if len(out) != 1 {
				t.Fatalf("effects %#v, want one Show", out)
			}
			v, ok := lastShow(out)
			if !ok || v.Language != "zh" || v.Screen != before.Screen || after.Language() != "zh" {
				t.Fatalf("after choosing zh: view %+v, state language %q", v, after.Language())
			}
			d0, ok0 := s.Deadline()
			d1, ok1 := after.Deadline()
			if after.Phase() != s.Phase() || after.Pending() != s.Pending() || d0 != d1 || ok0 != ok1 {
				t.Errorf("choosing a language changed the session: phase %v→%v", s.Phase(), after.Phase())
			}
			// Later screens of the session keep the choice.
			if p == OrderShown {
				_, out := Step(after, Touch{Action: ActConfirm})
				if v, _ := lastShow(out); v.Screen != ScreenMethod || v.Language != "zh" {
					t.Errorf("method screen after the choice: %+v", v)
				}
			}
			// Aborting ends the session: back to the configured language.
			// (Chosen on the idle screen, it lasts until the session that
			// follows ends.)
			idle, out := Step(after, Abort{Reason: "test"})
			if p != Idle {
				if v, ok := lastShow(out); ok && v.Language != "en" || idle.Language() != "en" {
					t.Errorf("after the session: view %+v, state language %q; want en", v, idle.Language())
				}
			}
		})
	}
}

func TestLanguageIgnoresNonsense(t *testing.T) {
	s := New(Config{Language: "zh"})
	for _, lang := range []string{"", "zh", "a-very-long-language-tag-indeed"} {
		if next, out := Step(s, Touch{Action: ActLanguage, Language: lang}); len(out) != 0 || next.Language() != "zh" {
			t.Errorf("language %q: effects %v, language %q", lang, out, next.Language())
		}
	}
}

// TestConfiguredLanguageDefault: "" configured means every view carries
// "" (the ui's default), so views compare as before languages existed.
func TestConfiguredLanguageDefault(t *testing.T) {
	s, out := run(New(Config{HasScan: true}), pathTo(OrderShown, Relay)...)
	if v, _ := lastShow(out); v.Language != "" || s.Language() != "" {
		t.Errorf("view language %q, state %q; want \"\"", v.Language, s.Language())
	}
}
