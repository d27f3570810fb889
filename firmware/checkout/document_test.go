package checkout

import (
	"reflect"
	"testing"
	"time"
)

func TestDocument(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	doc := ShowDocument{Req: "d1", ID: "doc-1", Pages: 3, Receipt: true}
	shown := DocView{ID: "doc-1", Pages: 3, Receipt: true}
	tests := []struct {
		name   string
		events []Event
		phase  Phase
		want   []Effect // of the last event
	}{
		{"shown over idle", []Event{doc}, Reading,
			[]Effect{Reply{To: "d1", Kind: ReplyAnswer, Approved: true}, Show{View: View{Screen: ScreenDocument, Doc: shown}}}},
		{"no pages", []Event{ShowDocument{Req: "d1", ID: "x"}}, Idle,
			[]Effect{Reply{To: "d1", Kind: ReplyRefused, Cond: CondInvalid, Reason: "document has no pages"}}},
		{"next page", []Event{doc, Touch{Action: ActPage, Page: 1}}, Reading,
			[]Effect{Show{View: View{Screen: ScreenDocument, Doc: DocView{ID: "doc-1", Pages: 3, Page: 1, Receipt: true}}}}},
		{"page past the end stops at the last", []Event{doc, Touch{Action: ActPage, Page: 9}}, Reading,
			[]Effect{Show{View: View{Screen: ScreenDocument, Doc: DocView{ID: "doc-1", Pages: 3, Page: 2, Receipt: true}}}}},
		{"same page is no change", []Event{doc, Touch{Action: ActPage, Page: 0}}, Reading, nil},
		{"scroll", []Event{doc, Touch{Action: ActScroll, Scroll: 120}}, Reading,
			[]Effect{Show{View: View{Screen: ScreenDocument, Doc: DocView{ID: "doc-1", Pages: 3, Scroll: 120, Receipt: true}}}}},
		{"paging resets the scroll", []Event{doc, Touch{Action: ActScroll, Scroll: 120}, Touch{Action: ActPage, Page: 1}}, Reading,
			[]Effect{Show{View: View{Screen: ScreenDocument, Doc: DocView{ID: "doc-1", Pages: 3, Page: 1, Receipt: true}}}}},
		{"close", []Event{doc, Touch{Action: ActDismiss}}, Idle,
			[]Effect{Show{View: View{Screen: ScreenIdle}}}},
		{"times out to idle", []Event{Tick{Now: t0}, doc, Tick{Now: t0.Add(DefaultTimeouts.Document)}}, Idle,
			[]Effect{Show{View: View{Screen: ScreenIdle}}}},
		{"reading restarts the timeout", []Event{Tick{Now: t0}, doc, Tick{Now: t0.Add(DefaultTimeouts.Document / 2)},
			Touch{Action: ActPage, Page: 1}, Tick{Now: t0.Add(DefaultTimeouts.Document)}}, Reading, nil},
		{"busy while a question is on", []Event{Ask{Req: "q1", Text: "Receipt?"}, doc}, Asking,
			[]Effect{Reply{To: "d1", Kind: ReplyRefused, Cond: CondBusy, Reason: ReasonBusy}}},
		{"a second document replaces the first", []Event{doc, ShowDocument{Req: "d2", ID: "doc-2", Pages: 1}}, Reading,
			[]Effect{Reply{To: "d2", Kind: ReplyAnswer, Approved: true}, Show{View: View{Screen: ScreenDocument, Doc: DocView{ID: "doc-2", Pages: 1}}}}},
		{"a question replaces the document", []Event{doc, Ask{Req: "q1", Text: "Receipt?"}}, Asking,
			[]Effect{Show{View: View{Screen: ScreenQuestion, Message: "Receipt?"}}}},
		{"abort closes it", []Event{doc, Abort{}}, Idle,
			[]Effect{Show{View: View{Screen: ScreenIdle}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(Config{HasScan: true})
			var out []Effect
			for _, e := range tt.events {
				s, out = Step(s, e)
			}
			if s.Phase() != tt.phase || !reflect.DeepEqual(out, tt.want) {
				t.Errorf("phase %v, effects %#v; want %v, %#v", s.Phase(), out, tt.phase, tt.want)
			}
		})
	}
}

// TestDocumentDuringPayment: a document never interrupts a session; it is
// refused busy and the order stays on screen. An order that comes while a
// document is on screen takes the screen.
func TestDocumentDuringPayment(t *testing.T) {
	s := New(Config{HasScan: true})
	s, _ = Step(s, OrderReceived{Req: "p1", Order: orderPool(0), Mode: Direct})
	before := s.View()
	s, out := Step(s, ShowDocument{Req: "d1", ID: "doc", Pages: 1})
	want := []Effect{Reply{To: "d1", Kind: ReplyRefused, Cond: CondBusy, Reason: ReasonBusy}}
	if !reflect.DeepEqual(out, want) || s.Phase() != OrderShown || !reflect.DeepEqual(s.View(), before) {
		t.Fatalf("document during a session: %v, %#v", s.Phase(), out)
	}

	s = New(Config{HasScan: true})
	s, _ = Step(s, ShowDocument{Req: "d1", ID: "doc", Pages: 1})
	s, _ = Step(s, OrderReceived{Req: "p2", Order: orderPool(0), Mode: Direct})
	if s.Phase() != OrderShown || s.View().Screen != ScreenOrder {
		t.Fatalf("order over a document: %v, screen %v", s.Phase(), s.View().Screen)
	}
}
