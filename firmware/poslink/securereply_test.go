package poslink

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"payterm/firmware/order"
)

// mutateEnvelope re-encodes an encrypted request after f changed its
// generic form.
func mutateEnvelope(t *testing.T, msg []byte, f func(root, trailer map[string]any)) []byte {
	t.Helper()
	var m map[string]map[string]any
	if err := json.Unmarshal(msg, &m); err != nil {
		t.Fatal(err)
	}
	root := m[rootRequest]
	f(root, root["SecurityTrailer"].(map[string]any))
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDecryptionFailuresLookAlike: whatever is wrong with an encrypted
// request, the reply is the same, byte for byte.
func TestDecryptionFailuresLookAlike(t *testing.T) {
	keys, err := NewKeys(fuzzKey)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 5, 1, 12, 0, 0, 0, time.UTC)
	srv := NewServer(ServerConfig{POIID: "PT1", Keys: keys, Now: func() time.Time { return now }}, approvingTerminal{}, nil, nil)
	good := requestBytes(t, &fuzzKey, fuzzOrder(2))
	plain, err := DecryptMessage(good, keys)
	if err != nil {
		t.Fatal(err)
	}
	dk, _ := DeriveKey(fuzzKey.Passphrase)
	// A blob whose plaintext is the request with a padding of zero bytes
	// and whose HMAC is right for it: only the padding is wrong.
	badPad := append(bytes.Clone(plain), make([]byte, ivSize-len(plain)%ivSize)...)
	nonce := make([]byte, ivSize)
	badPadBlob := dk.sealWithNonce(badPad, nonce)[:len(badPad)]
	b64 := base64.StdEncoding.EncodeToString

	tests := []struct {
		name string
		msg  []byte
	}{
		{"bad base64", mutateEnvelope(t, good, func(r, _ map[string]any) { r["NexoBlob"] = "!!" + r["NexoBlob"].(string) })},
		{"wrong length", mutateEnvelope(t, good, func(r, _ map[string]any) {
			b, _ := base64.StdEncoding.DecodeString(r["NexoBlob"].(string))
			r["NexoBlob"] = b64(b[:len(b)-5])
		})},
		{"empty blob", mutateEnvelope(t, good, func(r, _ map[string]any) { r["NexoBlob"] = "" })},
		{"short nonce", mutateEnvelope(t, good, func(_, tr map[string]any) { tr["Nonce"] = b64(nonce[:12]) })},
		{"bad padding", mutateEnvelope(t, good, func(r, tr map[string]any) {
			r["NexoBlob"], tr["Nonce"], tr["Hmac"] = b64(badPadBlob), b64(nonce), b64(dk.mac(badPad))
		})},
		{"bad HMAC", mutateEnvelope(t, good, func(_, tr map[string]any) {
			mac, _ := base64.StdEncoding.DecodeString(tr["Hmac"].(string))
			mac[7] ^= 4
			tr["Hmac"] = b64(mac)
		})},
		{"short HMAC", mutateEnvelope(t, good, func(_, tr map[string]any) { tr["Hmac"] = b64(make([]byte, 8)) })},
		{"wrong passphrase", func() []byte {
			b, err := EncryptMessage(plain, SecurityKey{KeyIdentifier: fuzzKey.KeyIdentifier, KeyVersion: fuzzKey.KeyVersion, Passphrase: "a guess"})
			if err != nil {
				t.Fatal(err)
			}
			return b
		}()},
	}
	var first []byte
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := srv.decode(tt.msg)
			if r == nil || err == nil {
				t.Fatalf("decode accepted it: %v", err)
			}
			var rf *refusal
			if !errors.As(err, &rf) || rf.cond != CondNotAllowed || !errors.Is(err, ErrAuthentication) || r.key != nil {
				t.Fatalf("decode: %v (%#v), key %v", err, err, r.key)
			}
			out := srv.HandleMessage(context.Background(), tt.msg)
			if first == nil {
				first = out
				if !bytes.Contains(out, []byte(`"ErrorCondition":"NotAllowed"`)) || !bytes.Contains(out, []byte("authentication%20failed")) {
					t.Fatalf("reply %s", out)
				}
			}
			if !bytes.Equal(out, first) {
				t.Fatalf("reply differs from the others:\n%s\n%s", out, first)
			}
		})
	}
}

// credTerminal hands out a credential for every acquisition.
type credTerminal struct{ approvingTerminal }

const testCredential = "283799887766554433"

func (credTerminal) Acquire(_ context.Context, _ Call, o order.Order) Result {
	return Result{Approved: true, Hash: o.Hash(), Method: "code", Code: testCredential}
}

// TestSealFailureSendsNothing: a reply that cannot be sealed is not sent
// in the clear: the stream transport gets no content, HTTPS a 500 with
// none of the reply.
func TestSealFailureSendsNothing(t *testing.T) {
	keys, err := NewKeys(fuzzKey)
	if err != nil {
		t.Fatal(err)
	}
	store, err := OpenStore(filepath.Join(t.TempDir(), "s.db"), StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	srv := NewServer(ServerConfig{POIID: "PT1", Keys: keys}, credTerminal{}, store, nil)
	srv.seal = func(string, MessageHeader, []byte, sealKey) ([]byte, error) { return nil, errors.New("no entropy") }
	acquisition := func(serviceID string) []byte {
		var got []byte
		c, err := NewClient(ClientConfig{POIID: "PT1", Key: &fuzzKey, Transport: func(_ context.Context, b []byte) ([]byte, error) {
			got = b
			return nil, errors.New("captured")
		}})
		if err != nil {
			t.Fatal(err)
		}
		c.Acquire(context.Background(), "POS1", serviceID, fuzzOrder(1))
		return got
	}
	if out := srv.HandleMessage(context.Background(), acquisition("1")); out != nil {
		t.Fatalf("stream reply %s", out)
	}
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest("POST", "/nexo", bytes.NewReader(acquisition("2"))))
	if rec.Code != http.StatusInternalServerError || bytes.Contains(rec.Body.Bytes(), []byte(testCredential)) ||
		bytes.Contains(rec.Body.Bytes(), []byte("CardAcquisition")) {
		t.Fatalf("HTTPS: %d %s", rec.Code, rec.Body.Bytes())
	}
}
