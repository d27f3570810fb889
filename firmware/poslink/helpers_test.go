package poslink_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"payterm/firmware/order"
	"payterm/firmware/poslink"
	"payterm/firmware/poslink/poslinktest"
)

const (
	testPOI  = "PT1-0001"
	testSale = "POS1"
)

var testKey = poslink.SecurityKey{KeyIdentifier: "payterm-test", KeyVersion: 1, Passphrase: "test passphrase"}

// rig is a server with a fake terminal, a store file and clients that
// talk to it through HandleMessage (the transport-free path).
type rig struct {
	t      *testing.T
	clk    *fakeClock
	term   *poslinktest.Terminal
	keys   *poslink.Keys
	cfg    poslink.ServerConfig
	path   string
	store  *poslink.Store
	srv    *poslink.Server
	client *poslink.Client // encrypted under testKey
	plain  *poslink.Client // no key
}

func newRig(t *testing.T, configure ...func(*poslink.ServerConfig)) *rig {
	t.Helper()
	keys, err := poslink.NewKeys(testKey)
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, clk: newClock(), term: &poslinktest.Terminal{}, keys: keys,
		path: filepath.Join(t.TempDir(), "services.db")}
	// Most tests send plain requests too; TestPlaintext checks the default.
	r.cfg = poslink.ServerConfig{POIID: testPOI, Keys: keys, Now: r.clk.Now, AllowPlaintext: true}
	for _, f := range configure {
		f(&r.cfg)
	}
	r.start()
	key := testKey
	r.client = r.newClient(&key)
	r.plain = r.newClient(nil)
	t.Cleanup(func() { r.store.Close() })
	return r
}

func (r *rig) start() {
	r.store = openStore(r.t, r.path, r.clk)
	r.srv = poslink.NewServer(r.cfg, r.term, r.store, nil)
}

// restart closes the store and starts a new server on the same file, as
// after a reboot.
func (r *rig) restart() {
	if err := r.store.Close(); err != nil {
		r.t.Fatal(err)
	}
	r.start()
}

// send delivers raw bytes to the server as a transport would.
func (r *rig) send(msg []byte) []byte { return r.srv.HandleMessage(context.Background(), msg) }

func (r *rig) newClient(key *poslink.SecurityKey) *poslink.Client {
	c, err := poslink.NewClient(poslink.ClientConfig{POIID: testPOI, Key: key, Now: r.clk.Now,
		Transport: func(ctx context.Context, b []byte) ([]byte, error) { return r.srv.HandleMessage(ctx, b), nil }})
	if err != nil {
		r.t.Fatal(err)
	}
	return c
}

// capture returns the bytes a client on the rig's clock would send,
// without sending them.
func (r *rig) capture(key *poslink.SecurityKey, send func(*poslink.Client) error) []byte {
	t := r.t
	t.Helper()
	var got []byte
	c, err := poslink.NewClient(poslink.ClientConfig{POIID: testPOI, Key: key, Now: r.clk.Now,
		Transport: func(_ context.Context, b []byte) ([]byte, error) {
			got = b
			return nil, fmt.Errorf("captured")
		}})
	if err != nil {
		t.Fatal(err)
	}
	send(c)
	if got == nil {
		t.Fatal("nothing captured")
	}
	return got
}

// testOrder is a valid EUR order of n lines: line i costs i+1 euros.
func testOrder(n int) order.Order {
	o := order.Order{ID: "TX-1", Currency: order.MustCurrency("EUR")}
	for i := range n {
		price := int64(i+1) * 100
		o.Lines = append(o.Lines, order.Line{ID: fmt.Sprint(i + 1), ProductCode: fmt.Sprint(4000000 + i),
			Label: fmt.Sprintf("Item %d", i+1), Quantity: 2 * order.One, UnitPrice: price, Amount: 2 * price})
	}
	o.Total = o.Sum()
	return o
}

// reply is a decoded SaleToPOIResponse.
type reply struct {
	Encrypted bool
	Header    poslink.MessageHeader
	Name      string // body name
	Body      json.RawMessage
}

// parseReply decrypts (with keys) and splits a reply.
func parseReply(t *testing.T, b []byte, keys *poslink.Keys) reply {
	t.Helper()
	var outer struct {
		SaleToPOIResponse map[string]json.RawMessage
	}
	if err := json.Unmarshal(b, &outer); err != nil || outer.SaleToPOIResponse == nil {
		t.Fatalf("reply is not a SaleToPOIResponse: %v: %s", err, b)
	}
	var rep reply
	if _, ok := outer.SaleToPOIResponse["NexoBlob"]; ok {
		rep.Encrypted = true
		plain, err := poslink.DecryptMessage(b, keys)
		if err != nil {
			t.Fatalf("decrypt reply: %v", err)
		}
		outer.SaleToPOIResponse = nil
		if err := json.Unmarshal(plain, &outer); err != nil {
			t.Fatal(err)
		}
	}
	for k, v := range outer.SaleToPOIResponse {
		if k == "MessageHeader" {
			if err := json.Unmarshal(v, &rep.Header); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if rep.Name != "" {
			t.Fatalf("two bodies in reply: %s", b)
		}
		rep.Name, rep.Body = k, v
	}
	return rep
}

// response returns the Response of a reply body that has one at its top
// (Payment, CardAcquisition, TransactionStatus, generic) or inside
// InputResult / the first OutputResult.
func (rep reply) response(t *testing.T) poslink.Response {
	t.Helper()
	var b struct {
		Response     *poslink.Response
		InputResult  *struct{ Response poslink.Response }
		OutputResult []struct{ Response poslink.Response }
	}
	if err := json.Unmarshal(rep.Body, &b); err != nil {
		t.Fatal(err)
	}
	switch {
	case b.Response != nil:
		return *b.Response
	case b.InputResult != nil:
		return b.InputResult.Response
	case len(b.OutputResult) > 0:
		return b.OutputResult[0].Response
	}
	t.Fatalf("no Response in %s: %s", rep.Name, rep.Body)
	return poslink.Response{}
}

// message returns the AdditionalResponse message of a reply.
func (rep reply) message(t *testing.T) string {
	return poslink.ParseAdditional(rep.response(t).AdditionalResponse).Get(poslink.AddMessage)
}

// plainRequest writes a plain SaleToPOIRequest with the usual header.
func plainRequest(category, serviceID, body string) []byte {
	return fmt.Appendf(nil, `{"SaleToPOIRequest":{"MessageHeader":{"ProtocolVersion":"3.0","MessageClass":"Service",`+
		`"MessageCategory":%s,"MessageType":"Request","ServiceID":%s,"SaleID":%s,"POIID":%s},%s:%s}}`,
		jstr(category), jstr(serviceID), jstr(testSale), jstr(testPOI), jstr(category+"Request"), body)
}

// jstr quotes s as a JSON string.
func jstr(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// encrypt encrypts a plain message under key.
func encrypt(t *testing.T, msg []byte, key poslink.SecurityKey) []byte {
	t.Helper()
	b, err := poslink.EncryptMessage(msg, key)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// mutate decodes a message into generic maps, lets f change it and
// encodes it again (numbers in it become float64: use on envelopes only).
func mutate(t *testing.T, msg []byte, f func(root map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(msg, &m); err != nil {
		t.Fatal(err)
	}
	f(m["SaleToPOIRequest"].(map[string]any))
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
