package cashier

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"payterm/firmware/order"
	"payterm/pos"
	"payterm/pos/orderread"
)

// payer is a scripted terminal+payment system: each Pay sends its order
// on orders and answers with what comes on outcomes.
type payer struct {
	orders   chan order.Order
	outcomes chan pos.Outcome
}

func newPayer() *payer { return &payer{make(chan order.Order, 4), make(chan pos.Outcome, 4)} }

func (p *payer) Pay(ctx context.Context, o order.Order, _ pos.Mode) (pos.Outcome, error) {
	p.orders <- o
	select {
	case out := <-p.outcomes:
		return out, nil
	case <-ctx.Done():
		return pos.Outcome{}, ctx.Err()
	}
}

func (p *payer) next(t *testing.T) order.Order {
	t.Helper()
	select {
	case o := <-p.orders:
		return o
	case <-time.After(10 * time.Second):
		t.Fatal("no order sent")
	}
	return order.Order{}
}

// waitStage waits for the desk to reach stage.
func waitStage(t *testing.T, d *Desk, stage Stage) Snapshot {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		s, changed := d.Snapshot()
		if s.Stage == stage {
			return s
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("stage %s, waited for %s", s.Stage, stage)
		}
	}
}

func sample(t *testing.T) order.Order {
	o, err := pos.SampleOrder("DEMO-0001")
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// A read with a problem is held, not sent; the cashier's correction is
// sent; the customer's flags come back; the next correction goes as a
// new order; a new order while the customer has one is refused.
func TestDeskHoldsCorrectsAndFollows(t *testing.T) {
	p := newPayer()
	d := NewDesk(t.Context(), Config{Payer: p, Mode: pos.Relay, AutoSend: true})
	o := sample(t)
	bad := o
	bad.Lines = append([]order.Line(nil), o.Lines...)
	bad.Lines[1].Amount += 8
	bad.Total += 8
	if err := d.Submit(orderread.FromOrder(bad, "test")); err != nil {
		t.Fatal(err)
	}
	s := waitStage(t, d, StageHeld)
	if len(s.Problems) != 1 || s.Problems[0].Line != 1 || s.Problems[0].Name != orderread.NameAmount {
		t.Fatalf("problems %v", s.Problems)
	}
	if err := d.Send(*s.Order); err == nil {
		t.Fatal("an order with a wrong amount was sent")
	}
	fixed := FileOf(o)
	if err := d.Send(fixed); err != nil {
		t.Fatal(err)
	}
	if got := p.next(t); !reflect.DeepEqual(got, o) {
		t.Fatalf("sent %+v, want %+v", got, o)
	}
	if err := d.Submit(orderread.FromOrder(o, "again")); err != ErrBusy {
		t.Fatalf("submit while the customer checks: %v", err)
	}
	p.outcomes <- pos.Outcome{Condition: "Cancel", Flagged: []string{"2"}}
	if s := waitStage(t, d, StageFlagged); !reflect.DeepEqual(s.Flagged, []string{"2"}) {
		t.Fatalf("flagged %v", s.Flagged)
	}
	fixed.Lines = append(fixed.Lines[:1], fixed.Lines[2:]...)
	fixed.Total = ""
	if err := d.Send(fixed); err != nil {
		t.Fatal(err)
	}
	if got := p.next(t); len(got.Lines) != 3 || got.Total != o.Total-o.Lines[1].Amount {
		t.Fatalf("correction sent %+v", got)
	}
	d.Charging(order.Order{}) // another order's charge changes nothing
	p.outcomes <- pos.Outcome{Paid: true, Reference: "R1"}
	waitStage(t, d, StagePaid)
}

// POS software posting the order file or CSV gets the same order sent
// as the file gives; a foreign Host or a cross-site POST is refused.
func TestAPISameOrder(t *testing.T) {
	p := newPayer()
	d := NewDesk(t.Context(), Config{Payer: p, Mode: pos.Relay, AutoSend: true})
	srv := httptest.NewServer(Handler(d))
	t.Cleanup(srv.Close)
	want := sample(t)
	js, err := os.ReadFile("../sample-order.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ ctype, url, body string }{
		{"application/json", "/orders", string(js)},
		{"text/csv; charset=utf-8", "/orders?id=DEMO-0001&currency=CNY", "label,quantity,unit_price,amount,id,code,discount\n" +
			"乌龙茶 Oolong tea 500ml,2,4.50,,1,6901234567892,\n苹果 Apples,0.455 kg,12.80,,2,2000000012345,\n" +
			"Whole milk 1 l,1,9.90,,3,6901234500011,1.00\n饺子 Dumplings 1 kg,1,25.00,,4,6901234500028,\nMember discount,,,-2.00,,,\n"},
	} {
		resp, err := http.Post(srv.URL+tc.url, tc.ctype, strings.NewReader(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			t.Fatalf("%s: status %d", tc.ctype, resp.StatusCode)
		}
		if got := p.next(t); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: sent %+v, want %+v", tc.ctype, got, want)
		}
		p.outcomes <- pos.Outcome{Paid: true}
		waitStage(t, d, StagePaid)
	}
	for _, tc := range []struct {
		name   string
		host   string
		origin string
		status int
	}{
		{"foreign host", "evil.example:80", "", http.StatusForbidden},
		{"cross-site", "", "http://evil.example", http.StatusForbidden},
		{"not json or csv", "", "", http.StatusUnsupportedMediaType},
	} {
		req, _ := http.NewRequest("POST", srv.URL+"/orders", strings.NewReader(string(js)))
		req.Header.Set("Content-Type", "text/plain")
		if tc.host != "" {
			req.Host = tc.host
		}
		if tc.origin != "" {
			req.Header.Set("Origin", tc.origin)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Fatalf("%s: status %d, want %d", tc.name, resp.StatusCode, tc.status)
		}
	}
}
