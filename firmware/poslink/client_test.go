package poslink_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"payterm/firmware/order"
	"payterm/firmware/poslink"
)

// TestClientReadsAdyenTerminalResponse decodes the encrypted
// PaymentResponse of a real Adyen terminal (testdata/README.md).
func TestClientReadsAdyenTerminalResponse(t *testing.T) {
	vec, err := os.ReadFile("testdata/adyen-local-payment-response.json")
	if err != nil {
		t.Fatal(err)
	}
	key := poslink.SecurityKey{KeyIdentifier: "CryptoKeyIdentifier12345", KeyVersion: 1, Passphrase: "p@ssw0rd123456"}
	c, err := poslink.NewClient(poslink.ClientConfig{POIID: "P400Plus-275039202", Key: &key,
		Transport: func(context.Context, []byte) ([]byte, error) { return vec, nil }})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Payment(bg, "325488592", "325488592", testOrder(1))
	if err != nil {
		t.Fatal(err)
	}
	if !res.Approved || res.Reference != "8815573255107661" {
		t.Fatalf("result %+v", res)
	}
	// The same reply to another request is refused.
	if _, err := c.Payment(bg, "325488592", "1", testOrder(1)); err == nil || !strings.Contains(err.Error(), "reply is a Payment Response for 325488592/325488592") {
		t.Fatalf("reply to another ServiceID accepted: %v", err)
	}
}

func TestClientRefusesPlainSuccessToEncryptedRequest(t *testing.T) {
	r := newRig(t)
	key := testKey
	// A man in the middle decrypts the request and lets the terminal answer in the clear.
	c, _ := poslink.NewClient(poslink.ClientConfig{POIID: testPOI, Key: &key, Now: r.clk.Now,
		Transport: func(ctx context.Context, b []byte) ([]byte, error) {
			plain, err := poslink.DecryptMessage(b, r.keys)
			if err != nil {
				return nil, err
			}
			return r.srv.HandleMessage(ctx, plain), nil
		}})
	_, err := c.Payment(bg, testSale, "1", testOrder(1))
	if err == nil || !strings.Contains(err.Error(), "unencrypted Success") {
		t.Fatalf("err = %v", err)
	}
	// A plain Failure is reported, though: it leaks nothing and explains the problem.
	res, err := c.Payment(bg, testSale, "1", testOrder(2))
	if err != nil || res.Condition != "NotAllowed" {
		t.Fatalf("plain failure: %+v, %v", res, err)
	}
}

func TestClientDetectsOrderChangedInTransit(t *testing.T) {
	r := newRig(t)
	key := testKey
	c, _ := poslink.NewClient(poslink.ClientConfig{POIID: testPOI, Key: &key, Now: r.clk.Now,
		Transport: func(ctx context.Context, b []byte) ([]byte, error) {
			plain, err := poslink.DecryptMessage(b, r.keys)
			if err != nil {
				return nil, err
			}
			plain = bytes.Replace(plain, []byte(`"Item 1"`), []byte(`"Item X"`), 1)
			return r.srv.HandleMessage(ctx, encrypt(t, plain, testKey)), nil
		}})
	res, err := c.Acquire(bg, testSale, "1", testOrder(2))
	if !errors.Is(err, poslink.ErrHashMismatch) {
		t.Fatalf("Acquire: %+v, %v", res, err)
	}
	_, err = c.Payment(bg, testSale, "2", testOrder(2))
	if !errors.Is(err, poslink.ErrHashMismatch) {
		t.Fatalf("Payment: %v", err)
	}
}

func TestClientRefusesOrdersNexoCannotCarry(t *testing.T) {
	called := false
	c, _ := poslink.NewClient(poslink.ClientConfig{POIID: testPOI,
		Transport: func(context.Context, []byte) ([]byte, error) { called = true; return nil, nil }})
	bad := testOrder(2)
	bad.Total++
	if _, err := c.Payment(bg, testSale, "1", bad); !errors.Is(err, order.ErrTotalMismatch) {
		t.Errorf("total mismatch: %v", err)
	}
	named := testOrder(1)
	named.Lines[0].ID = "A-1"
	if _, err := c.Acquire(bg, testSale, "1", named); err == nil {
		t.Error("non-integer line ID accepted")
	}
	if called {
		t.Error("invalid orders were sent")
	}
}

func TestClientErrors(t *testing.T) {
	r := newRig(t)
	tests := []struct {
		name      string
		transport poslink.Transport
		want      string
	}{
		{"transport", func(context.Context, []byte) ([]byte, error) { return nil, errors.New("cable unplugged") }, "cable unplugged"},
		{"empty reply", func(context.Context, []byte) ([]byte, error) { return nil, nil }, "empty reply"},
		{"garbage reply", func(context.Context, []byte) ([]byte, error) { return []byte("<html>"), nil }, "not a JSON object"},
		{"rejected", func(ctx context.Context, _ []byte) ([]byte, error) {
			return r.srv.HandleMessage(ctx, []byte("junk")), nil
		}, "Reject"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := poslink.NewClient(poslink.ClientConfig{POIID: testPOI, Transport: tt.transport})
			_, err := c.Payment(bg, testSale, "1", testOrder(1))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
	var re *poslink.ResponseError
	err := r.client.Abort(bg, testSale, "9", poslink.MessageReference{SaleID: "POS2", ServiceID: "1"}, "")
	if !errors.As(err, &re) || re.Condition != "NotAllowed" {
		t.Fatalf("refused abort: %v", err)
	}
	if _, err := poslink.NewClient(poslink.ClientConfig{}); err == nil {
		t.Fatal("client without transport")
	}
}
