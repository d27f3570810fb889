package payhost_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"payterm/payhost"
)

// FuzzDecodePayment: no panic, and whatever is accepted is coherent and
// survives a round trip.
func FuzzDecodePayment(f *testing.F) {
	f.Add([]byte(`{"out_trade_no":"o1","trade_no":"T1","status":"SUCCESS","amount":5,"currency":"CNY","account_id":"a","paid_at":"2026-01-02T03:04:05Z"}`))
	f.Add([]byte(`{"out_trade_no":"o1","status":"FAIL","amount":5,"currency":"CNY","reason":"CODE_USED"}`))
	f.Add([]byte(`{"out_trade_no":"o1","status":"REVERSED","reason":"NOT_PAID","reversed_at":"2026-01-02T03:04:05.5+08:00"}`))
	f.Add([]byte(`{"status":"FAIL"}`))
	f.Add([]byte(`{"paid_at":"yesterday"}`))
	f.Add([]byte(`1`))
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := payhost.DecodePayment(bytes.NewReader(body))
		if err != nil {
			return
		}
		if !p.Status.Valid() || !payhost.ValidOutTradeNo(p.OutTradeNo) || p.Amount < 0 {
			t.Fatalf("accepted %+v", p)
		}
		raw, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		again, err := payhost.DecodePayment(bytes.NewReader(raw))
		if err != nil || again.OutTradeNo != p.OutTradeNo || again.Status != p.Status ||
			again.Amount != p.Amount || !again.PaidAt.Equal(p.PaidAt) || again.Reason != p.Reason {
			t.Fatalf("round trip: %+v %v, want %+v", again, err, p)
		}
	})
}
