package poslink

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"payterm/firmware/order"
)

var fuzzKey = SecurityKey{KeyIdentifier: "fuzz", KeyVersion: 1, Passphrase: "fuzz passphrase"}

// fuzzOrder is a valid order of n lines in EUR.
func fuzzOrder(n int) order.Order {
	o := order.Order{ID: "TX-9", Currency: order.MustCurrency("EUR")}
	for i := range n {
		q, p := order.Quantity(1000+250*i), int64(99+i*101)
		o.Lines = append(o.Lines, order.Line{ID: fmt.Sprint(i + 1), ProductCode: fmt.Sprint(4000123 + i),
			Label: fmt.Sprintf("Artikel %d Käse", i+1), Quantity: q, Unit: "kg", UnitPrice: p, Amount: order.LineAmount(q, p)})
	}
	o.Total = o.Sum()
	return o
}

// requestBytes returns what a Client would send for a Payment of o.
func requestBytes(tb testing.TB, key *SecurityKey, o order.Order) []byte {
	tb.Helper()
	var got []byte
	c, err := NewClient(ClientConfig{POIID: "PT1", Key: key, Transport: func(_ context.Context, b []byte) ([]byte, error) {
		got = b
		return nil, errors.New("captured")
	}})
	if err != nil {
		tb.Fatal(err)
	}
	c.Payment(context.Background(), "POS1", "1", o)
	if got == nil {
		tb.Fatal("nothing captured")
	}
	return got
}

func fuzzServer(tb testing.TB) *Server {
	keys, err := NewKeys(fuzzKey)
	if err != nil {
		tb.Fatal(err)
	}
	return NewServer(ServerConfig{POIID: "PT1", Keys: keys, AllowPlaintext: true}, nil, nil, nil)
}

// FuzzDecodeRequest feeds arbitrary bytes to the request decoder, plain
// and encrypted: it must never panic, must accept only orders that
// validate, and every refusal must encode as a valid reply.
func FuzzDecodeRequest(f *testing.F) {
	s := fuzzServer(f)
	f.Add(requestBytes(f, nil, fuzzOrder(3)))
	f.Add(requestBytes(f, &fuzzKey, fuzzOrder(2)))
	f.Add([]byte(`{"SaleToPOIRequest":{"MessageHeader":{"MessageClass":"Service","MessageCategory":"Abort","MessageType":"Request","ServiceID":"2","SaleID":"POS1","POIID":"PT1"},"AbortRequest":{"AbortReason":"x","MessageReference":{"ServiceID":"1"}}}}`))
	f.Add([]byte(`{"SaleToPOIRequest":{"MessageHeader":{"MessageClass":"Service","MessageCategory":"Display","MessageType":"Request","ServiceID":"3","SaleID":"POS1","POIID":"PT1"},"DisplayRequest":{"DisplayOutput":[{"OutputContent":{"OutputFormat":"MessageRef","PredefinedContent":{"ReferenceID":"AcceptedAnimated"}}}]}}}`))
	f.Add([]byte(`{"SaleToPOIRequest":{"MessageHeader":{"MessageClass":"Service","MessageCategory":"Input","MessageType":"Request","ServiceID":"4","SaleID":"POS1","POIID":"PT1"},"InputRequest":{"DisplayOutput":{"OutputContent":{"OutputText":[{"Text":"OK?"}]}},"InputData":{"InputCommand":"GetConfirmation","MaxInputTime":30}}}}`))
	f.Add([]byte(`{"SaleToPOIRequest":{"MessageHeader":{"MessageClass":"Service","MessageCategory":"TransactionStatus","MessageType":"Request","ServiceID":"5","SaleID":"POS1","POIID":"PT1"},"TransactionStatusRequest":{}}}`))
	f.Add([]byte(`{"SaleToPOIRequest":{"MessageHeader":{},"NexoBlob":"AAAA","SecurityTrailer":{"KeyIdentifier":"fuzz","KeyVersion":1,"Nonce":"","Hmac":""}}}`))
	f.Add([]byte(`{"SaleToPOIRequest":null}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := s.decode(data)
		if err != nil {
			if r == nil {
				checkReply(t, s.rejectEvent(err), rootRequest)
			} else {
				checkReply(t, s.refused(r, err), rootResponse)
			}
			return
		}
		switch r.body.(type) {
		case *PaymentRequest, *CardAcquisitionRequest:
			if err := r.order.Validate(); err != nil {
				t.Fatalf("accepted an invalid order: %v", err)
			}
		case *AbortRequest, *TransactionStatusRequest, *DisplayRequest, *InputRequest, *DiagnosisRequest, *AdminRequest:
		default:
			t.Fatalf("accepted a request without a body: %+v", r)
		}
		if r.hdr.POIID != "PT1" || r.hdr.SaleID == "" || r.hdr.ServiceID == "" {
			t.Fatalf("accepted header %+v", r.hdr)
		}
	})
}

// checkReply checks that a reply is one well-formed message.
func checkReply(t *testing.T, b []byte, root string) {
	t.Helper()
	e, err := splitEnvelope(b)
	if err != nil || e.Root != root || !e.HasHeader {
		t.Fatalf("bad reply %s: %v", b, err)
	}
}

// FuzzDecrypt opens arbitrary (blob, nonce, mac) triples: never a panic,
// and anything that opens is exactly what Seal makes of its plaintext
// under that nonce.
func FuzzDecrypt(f *testing.F) {
	k, err := DeriveKey(fuzzKey.Passphrase)
	if err != nil {
		f.Fatal(err)
	}
	for _, msg := range []string{"", "x", `{"SaleToPOIRequest":{}}`, "sixteen bytes!!!"} {
		blob, nonce, mac := k.Seal([]byte(msg))
		f.Add(blob, nonce, mac)
	}
	f.Add([]byte{}, make([]byte, 16), make([]byte, 32))
	f.Add(make([]byte, 16), make([]byte, 15), make([]byte, 32))
	f.Fuzz(func(t *testing.T, blob, nonce, mac []byte) {
		plain, err := k.Open(blob, nonce, mac)
		if err != nil {
			if err != ErrAuthentication {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if !bytes.Equal(k.mac(plain), mac) || !bytes.Equal(k.sealWithNonce(plain, nonce), blob) {
			t.Fatal("opened something Seal would not have made")
		}
	})
}

// FuzzUpdateRequest decodes arbitrary AdminRequest bodies as update
// services: it must never panic, and whatever it accepts must be within
// the limits the Updater relies on.
func FuzzUpdateRequest(f *testing.F) {
	f.Add(`{"ServiceIdentification":"payterm.UpdateChunk","Update":{"Bundle":"` + strings.Repeat("0a", 32) + `","Offset":5,"Data":"aGVsbG8="}}`)
	f.Add(`{"ServiceIdentification":"payterm.UpdateOffer","Update":{"Bundle":"` + strings.Repeat("0a", 32) + `","Size":100,"Version":"1.2.3"}}`)
	f.Add(`{"ServiceIdentification":"payterm.UpdateStatus"}`)
	f.Add(`{"ServiceIdentification":"payterm.UpdateFinish","Update":{"Bundle":"x"}}`)
	f.Fuzz(func(t *testing.T, body string) {
		r := &request{}
		if err := r.decodeAdminService([]byte(body)); err != nil {
			return
		}
		u, ok := r.body.(*updateRequest)
		if !ok {
			return
		}
		q := u.req
		if u.service == AdminUpdateStatus {
			return
		}
		if !ValidBundleID(q.Bundle) {
			t.Fatalf("accepted bundle id %q", q.Bundle)
		}
		switch u.service {
		case AdminUpdateOffer:
			if q.Size <= 0 || q.Size > MaxBundleSize || q.Version == "" {
				t.Fatalf("accepted offer %+v", q)
			}
		case AdminUpdateChunk:
			if len(q.Data) == 0 || len(q.Data) > MaxUpdateChunk || q.Offset < 0 || q.Offset+int64(len(q.Data)) > MaxBundleSize {
				t.Fatalf("accepted chunk at %d of %d bytes", q.Offset, len(q.Data))
			}
		}
	})
}
