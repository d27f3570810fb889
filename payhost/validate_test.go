package payhost

import (
	"errors"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	good := PayRequest{
		OutTradeNo: "POS1:2026-0001_a", AuthCode: "134567890123456789", Amount: 1, Currency: "CNY",
		OrderHash: strings.Repeat("a1", 32), TerminalID: "T-01", Description: "茶 x2",
	}
	cases := []struct {
		name string
		edit func(r *PayRequest)
		ok   bool
	}{
		{"good", func(*PayRequest) {}, true},
		{"face token", func(r *PayRequest) { r.AuthCode = FacePrefix + "tok" }, true},
		{"malformed code is the host's business", func(r *PayRequest) { r.AuthCode = "12" }, true},
		{"largest amount", func(r *PayRequest) { r.Amount = 1_000_000_000_000_000 }, true},
		{"longest out_trade_no", func(r *PayRequest) { r.OutTradeNo = strings.Repeat("x", MaxOutTradeNo) }, true},
		{"empty out_trade_no", func(r *PayRequest) { r.OutTradeNo = "" }, false},
		{"long out_trade_no", func(r *PayRequest) { r.OutTradeNo = strings.Repeat("x", MaxOutTradeNo+1) }, false},
		{"slash in out_trade_no", func(r *PayRequest) { r.OutTradeNo = "a/b" }, false},
		{"dot in out_trade_no", func(r *PayRequest) { r.OutTradeNo = ".." }, false},
		{"no code", func(r *PayRequest) { r.AuthCode = "" }, false},
		{"phone digits", func(r *PayRequest) { r.PhoneLast4 = "0123" }, true},
		{"three phone digits", func(r *PayRequest) { r.PhoneLast4 = "012" }, false},
		{"phone letters", func(r *PayRequest) { r.PhoneLast4 = "01a3" }, false},
		{"five phone digits", func(r *PayRequest) { r.PhoneLast4 = "01234" }, false},
		{"long code", func(r *PayRequest) { r.AuthCode = strings.Repeat("1", MaxAuthCode+1) }, false},
		{"zero amount", func(r *PayRequest) { r.Amount = 0 }, false},
		{"negative amount", func(r *PayRequest) { r.Amount = -100 }, false},
		{"amount too large", func(r *PayRequest) { r.Amount = 1_000_000_000_000_001 }, false},
		{"unknown currency", func(r *PayRequest) { r.Currency = "XBT" }, false},
		{"no currency", func(r *PayRequest) { r.Currency = "" }, false},
		{"no hash", func(r *PayRequest) { r.OrderHash = "" }, false},
		{"short hash", func(r *PayRequest) { r.OrderHash = "abcd" }, false},
		{"long terminal", func(r *PayRequest) { r.TerminalID = strings.Repeat("t", MaxTerminalID+1) }, false},
		{"bad UTF-8 description", func(r *PayRequest) { r.Description = "\xff" }, false},
		{"long description", func(r *PayRequest) { r.Description = strings.Repeat("d", MaxDescription+1) }, false},
		{"phone digits", func(r *PayRequest) { r.PhoneLast4 = "0421" }, true},
		{"three phone digits", func(r *PayRequest) { r.PhoneLast4 = "042" }, false},
		{"phone letters", func(r *PayRequest) { r.PhoneLast4 = "04a1" }, false},
	}
	for _, tc := range cases {
		r := good
		tc.edit(&r)
		err := r.Validate()
		if (err == nil) != tc.ok {
			t.Errorf("%s: Validate = %v, want ok=%v", tc.name, err, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("%s: %v does not wrap ErrInvalidRequest", tc.name, err)
		}
		if err != nil && len(r.AuthCode) > 6 && strings.Contains(err.Error(), r.AuthCode) {
			t.Errorf("%s: error shows the code", tc.name)
		}
	}
}
