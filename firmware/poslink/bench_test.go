package poslink

import (
	"testing"
	"time"
)

// BenchmarkLinkRoundTrip is the link's own cost for one itemized
// payment: decrypt, parse, convert and validate a 20-line encrypted
// PaymentRequest, then encode and encrypt its PaymentResponse. The
// Terminal and the store (an fsync) are left out.
func BenchmarkLinkRoundTrip(b *testing.B) {
	s := fuzzServer(b)
	o := fuzzOrder(20)
	msg := requestBytes(b, &fuzzKey, o)
	now := time.Date(2026, 5, 8, 12, 0, 0, 0, time.UTC)
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := s.decode(msg)
		if err != nil {
			b.Fatal(err)
		}
		p := r.body.(*PaymentRequest)
		reply := s.encodeReply(r, "PaymentResponse", PaymentResponse{
			Response: s.resultResponse(Result{Approved: true, Hash: r.order.Hash(), Reference: "REF"}, nil, false, CondRefusal),
			SaleData: echoSale(p.SaleData),
			POIData:  poiData(now, r.hdr.ServiceID),
			PaymentResult: &PaymentResult{AmountsResp: &AmountsResp{Currency: r.order.Currency.Code,
				AuthorizedAmount: amountNumber(r.order.Total, r.order.Currency)}},
		})
		if len(reply) == 0 {
			b.Fatal("no reply")
		}
	}
}

// BenchmarkDeriveKey is why derived keys are cached: PBKDF2 with 4000
// rounds per message would dominate the round trip.
func BenchmarkDeriveKey(b *testing.B) {
	for b.Loop() {
		if _, err := DeriveKey(fuzzKey.Passphrase); err != nil {
			b.Fatal(err)
		}
	}
}
