package poslink_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"payterm/firmware/order"
	"payterm/firmware/poslink"
	"payterm/firmware/poslink/poslinktest"
	"payterm/internal/secret"
)

// otherKey is a second POS's link key on the same terminal.
var otherKey = poslink.SecurityKey{KeyIdentifier: "payterm-other", KeyVersion: 3, Passphrase: "other passphrase"}

// twoPOSRig is a rig whose terminal knows testKey and otherKey; it
// returns the other POS's client too. Both POSes claim the same SaleID.
func twoPOSRig(t *testing.T, configure ...func(*poslink.ServerConfig)) (*rig, *poslink.Client) {
	t.Helper()
	keys, err := poslink.NewKeys(testKey, otherKey)
	if err != nil {
		t.Fatal(err)
	}
	r := newRig(t, append([]func(*poslink.ServerConfig){func(c *poslink.ServerConfig) { c.Keys = keys }}, configure...)...)
	r.keys = keys
	k := otherKey
	return r, r.newClient(&k)
}

func TestPlaintextRefusedByDefault(t *testing.T) {
	o := testOrder(1)
	tests := []struct {
		name string
		send func(c *poslink.Client) error
	}{
		{"Payment", func(c *poslink.Client) error { _, err := c.Payment(bg, testSale, "1", o); return err }},
		{"CardAcquisition", func(c *poslink.Client) error { _, err := c.Acquire(bg, testSale, "1", o); return err }},
		{"Display", func(c *poslink.Client) error { return c.Display(bg, testSale, "1", "Paid") }},
		{"Outcome", func(c *poslink.Client) error {
			return c.Outcome(bg, testSale, "1", poslink.RelayOutcome{Session: "1", Approved: true})
		}},
		{"Input", func(c *poslink.Client) error { _, err := c.Confirm(bg, testSale, "1", "OK?", 0); return err }},
		{"TransactionStatus", func(c *poslink.Client) error {
			_, err := c.TransactionStatus(bg, testSale, "1", poslink.MessageReference{})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, func(c *poslink.ServerConfig) { c.AllowPlaintext = false })
			tt.send(r.plain) // refused: an error or a failed Result
			if calls := r.term.Calls(); len(calls) != 0 {
				t.Fatalf("plain %s reached the terminal: %+v", tt.name, calls)
			}
			out := r.send(plainRequest(tt.name, "2", goodPayment))
			if rep := parseReply(t, out, r.keys); rep.response(t).ErrorCondition != "NotAllowed" {
				t.Fatalf("plain %s: %+v", tt.name, rep.response(t))
			}
			// The same request encrypted is served.
			if err := tt.send(r.client); err != nil {
				t.Fatalf("encrypted %s: %v", tt.name, err)
			}
		})
	}
}

// TestOnlyTheOwnerSeesAnswers: another POS claiming the same SaleID, or a
// plain request, gets from TransactionStatus exactly what an unknown
// ServiceID gets, and a repeat of the owner's ServiceID does not return
// the owner's reply.
func TestOnlyTheOwnerSeesAnswers(t *testing.T) {
	r, other := twoPOSRig(t, func(c *poslink.ServerConfig) { c.AllowPlaintext = true })
	o := testOrder(2)
	if _, err := r.client.Acquire(bg, testSale, "A1", o); err != nil {
		t.Fatal(err)
	}
	if _, err := r.client.Payment(bg, testSale, "P1", o); err != nil {
		t.Fatal(err)
	}
	unknown, err := r.client.TransactionStatus(bg, testSale, "s0", poslink.MessageReference{ServiceID: "nope"})
	if err != nil || unknown.Response.ErrorCondition != "NotFound" {
		t.Fatalf("unknown: %+v, %v", unknown, err)
	}
	tests := []struct {
		name   string
		client *poslink.Client
		ref    poslink.MessageReference
	}{
		{"other key, by ServiceID", other, poslink.MessageReference{ServiceID: "A1"}},
		{"other key, by ServiceID and category", other, poslink.MessageReference{MessageCategory: "Payment", ServiceID: "P1"}},
		{"other key, latest", other, poslink.MessageReference{}},
		{"plain, by ServiceID", r.plain, poslink.MessageReference{ServiceID: "A1"}},
		{"plain, latest", r.plain, poslink.MessageReference{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := tt.client.TransactionStatus(bg, testSale, "s1", tt.ref)
			if err != nil {
				t.Fatal(err)
			}
			if st.Response != unknown.Response || st.Result.Code != "" {
				t.Fatalf("status %+v, want what an unknown ServiceID gets: %+v", st.Response, unknown.Response)
			}
		})
	}
	// The owner still gets its answer, sealed under its own key.
	st, err := r.client.TransactionStatus(bg, testSale, "s2", poslink.MessageReference{ServiceID: "A1"})
	if err != nil || st.Response.Result != "Success" || st.Result.Code != poslinktest.DefaultCode {
		t.Fatalf("owner's status: %+v, %v", st, err)
	}
	// A repeat of the owner's request under another key is refused and
	// runs nothing.
	res, err := other.Acquire(bg, testSale, "A1", o)
	if err != nil || res.Approved || res.Condition != "NotAllowed" || res.Code != "" {
		t.Fatalf("repeat under another key: %+v, %v", res, err)
	}
	if n := r.term.Count("Acquire"); n != 1 {
		t.Fatalf("%d acquisitions", n)
	}
}

// TestAbortActsOnlyForOwner: an Abort ends a call only under the same
// SaleID and key, and only the call its MessageReference names.
func TestAbortActsOnlyForOwner(t *testing.T) {
	tests := []struct {
		name  string
		other bool // sent by the other POS
		ref   poslink.MessageReference
		ends  bool
	}{
		{"owner, no reference", false, poslink.MessageReference{}, true},
		{"owner, ServiceID", false, poslink.MessageReference{ServiceID: "1"}, true},
		{"owner, ServiceID and category", false, poslink.MessageReference{MessageCategory: "Payment", ServiceID: "1"}, true},
		{"owner, other ServiceID", false, poslink.MessageReference{ServiceID: "9"}, false},
		{"owner, other category", false, poslink.MessageReference{MessageCategory: "CardAcquisition", ServiceID: "1"}, false},
		{"other key, no reference", true, poslink.MessageReference{}, false},
		{"other key, ServiceID", true, poslink.MessageReference{MessageCategory: "Payment", ServiceID: "1"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, other := twoPOSRig(t)
			ctxs := make(chan context.Context, 1)
			r.term.PaymentFunc = func(ctx context.Context, c poslink.Call, o order.Order) poslink.Result {
				ctxs <- ctx
				<-ctx.Done()
				return poslink.Result{}
			}
			hangUp, cancel := context.WithCancel(bg)
			defer cancel()
			done := make(chan poslink.Result, 1)
			go func() {
				res, _ := r.client.Payment(hangUp, testSale, "1", testOrder(1))
				done <- res
			}()
			ctx := <-ctxs
			c, key := r.client, "payterm-test/1"
			if tt.other {
				c, key = other, "payterm-other/3"
			}
			if err := c.Abort(bg, testSale, "2", tt.ref, "stop"); err != nil {
				t.Fatal(err)
			}
			if ended := ctx.Err() != nil; ended != tt.ends {
				t.Fatalf("payment ended = %v, want %v", ended, tt.ends)
			}
			var abort poslinktest.Call
			for _, call := range r.term.Calls() {
				if call.Method == "Abort" {
					abort = call
				}
			}
			// The Terminal hears of it with the caller's key and
			// reference, to end a session only for its owner.
			if abort.Call.Key != key || abort.Call.SaleID != testSale || abort.Ref.ServiceID != tt.ref.ServiceID ||
				abort.Ref.MessageCategory != tt.ref.MessageCategory {
				t.Fatalf("terminal abort %+v", abort)
			}
			cancel()
			<-done
		})
	}
}

func TestOutcomeNeedsOneSessionLine(t *testing.T) {
	outcome := func(texts ...string) string {
		var lines []string
		for _, s := range texts {
			lines = append(lines, `{"Text":`+jstr(s)+`}`)
		}
		return `{"DisplayOutput":[{"Device":"CustomerDisplay","InfoQualify":"Display","OutputContent":{"OutputFormat":"MessageRef",` +
			`"PredefinedContent":{"ReferenceID":"AcceptedAnimated"},"OutputText":[` + strings.Join(lines, ",") + `]}}]}`
	}
	tests := []struct {
		name    string
		body    string
		cond    string // "" for Success
		session string
		reason  string
	}{
		{"no text", outcome(), "NotAllowed", "", ""},
		{"reason only", outcome("Paid"), "NotAllowed", "", ""},
		{"two sessions", outcome("session:1", "session:2"), "NotAllowed", "", ""},
		{"empty session", outcome("session:"), "MessageFormat", "", ""},
		{"session only", outcome("session:A1"), "", "A1", ""},
		{"session and reason", outcome("Thank you", "session:A1", "Come again"), "", "A1", "Thank you\nCome again"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			rep := parseReply(t, r.send(encrypt(t, plainRequest("Display", "1", tt.body), testKey)), r.keys)
			resp := rep.response(t)
			calls := r.term.Calls()
			if tt.cond != "" {
				if resp.ErrorCondition != tt.cond || len(calls) != 0 {
					t.Fatalf("response %+v, calls %+v; want %s and no call", resp, calls, tt.cond)
				}
				return
			}
			if resp.Result != "Success" || len(calls) != 1 || calls[0].Session != tt.session || calls[0].Text != tt.reason {
				t.Fatalf("response %+v, calls %+v", resp, calls)
			}
		})
	}
}

// TestStoreHoldsNoCredentialInClear runs relay acquisitions, plain and
// encrypted, with a payment code and a face token, and scans the store
// file's bytes for them.
func TestStoreHoldsNoCredentialInClear(t *testing.T) {
	const faceToken = "FACE-TOKEN-5f3c2a9be1d04c7e"
	for _, tt := range []struct {
		name   string
		plain  bool
		method string
		code   string
	}{
		// Plain requests never get a relay credential (relay_test.go), so
		// only sealed replies hold one.
		{"encrypted, code", false, "code", poslinktest.DefaultCode},
		{"encrypted, face", false, "face", faceToken},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			r.term.AcquireFunc = func(ctx context.Context, c poslink.Call, o order.Order) poslink.Result {
				return poslink.Result{Approved: true, Hash: o.Hash(), Method: tt.method, Code: secret.Code(tt.code)}
			}
			c := r.client
			if tt.plain {
				c = r.plain
			}
			o := testOrder(2)
			for _, id := range []string{"1", "2"} {
				res, err := c.Acquire(bg, testSale, id, o)
				if err != nil || !res.Approved || res.Code.Reveal() != tt.code {
					t.Fatalf("acquire: %+v, %v", res, err)
				}
				if err := c.Outcome(bg, testSale, id+"-outcome", poslink.RelayOutcome{Session: id, Approved: true}); err != nil {
					t.Fatal(err)
				}
			}
			// A repeat still tells the outcome; a plain one without the
			// credential, which is no longer kept.
			st, err := c.TransactionStatus(bg, testSale, "st", poslink.MessageReference{ServiceID: "1"})
			if err != nil || st.Response.Result != "Success" || !st.Result.Approved {
				t.Fatalf("status: %+v, %v", st, err)
			}
			if got := st.Result.Code != ""; got == tt.plain {
				t.Fatalf("status repeats credential %q", st.Result.Code)
			}
			if err := r.store.Close(); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(r.path)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(b, []byte(tt.code)) {
				t.Fatalf("store file holds the credential in clear")
			}
			if tt.plain && !bytes.Contains(b, []byte(`CardAcquisitionResponse`)) {
				t.Fatal("plain replies were not stored")
			}
			r.start() // for the rig's cleanup
		})
	}
}
