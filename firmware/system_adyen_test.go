package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"payterm/firmware/order"
	"payterm/firmware/poslink"
)

// These tests drive the virtual terminal with Adyen's own Node library
// (pos/adyentest/interop.mjs on @adyen/api-library's TerminalLocalAPI),
// in direct mode and with encryption required, to prove that a POS
// integrated with Adyen's local Terminal API works unchanged.
//
// What the library imposes (read in its lib/src): the URL is the
// configured endpoint + ":8443/nexo/", so the terminal must listen on
// port 8443; certificatePath becomes the only trusted CA, and the
// hostname check is replaced by a test of the leaf's CN alone against
// ^([A-Za-z0-9]+-[A-Za-z0-9]+|legacy-terminal-certificate)\.(live|test)\.terminal\.adyen\.com$
// (the IP in the URL is never matched against the certificate).

// adyenCN is the terminal certificate's CN, in the form the library accepts.
const adyenCN = devPOIID + ".test.terminal.adyen.com"

// adyenLines is the order both tests send: minor units of CNY, one label
// in Chinese.
var adyenLines = []interopItem{
	{ProductCode: "TEA-OOLONG-250", Label: "乌龙茶 Oolong tea", Quantity: 2, UnitPrice: 1850},
	{ProductCode: "MOONCAKE-4", Label: "Mooncake box", Quantity: 3, UnitPrice: 1299},
}

// TestAdyenPaymentAndStatus: a PaymentRequest with two SaleItems is paid by
// the customer's code (the terminal charges the sandbox host), and a
// TransactionStatus afterwards repeats the same PaymentResponse.
func TestAdyenPaymentAndStatus(t *testing.T) {
	s, plan := startAdyenSystem(t)
	cust := s.Customer(100000)
	plan.OrderID = "ADY-PAY-" + fmt.Sprint(time.Now().UnixNano())
	plan.Steps = []string{"payment", "transactionStatus"}
	want := adyenOrder(t, plan)

	run := startInterop(t, plan)
	if st := s.WaitScreen("order"); st.OrderHash != want.Hash().String() {
		t.Fatalf("terminal shows order %s, want %s (the order as sent, labels included)", st.OrderHash, want.Hash())
	}
	s.Tap("confirm", "")
	s.WaitScreen("method")
	s.Tap("choose-code", "")
	s.WaitScreen("show-code")
	s.Scan(s.Code(cust.ID), http.StatusOK)

	pay := run.next(t)
	status := run.next(t)
	run.wait(t)

	if pay.Step != "payment" || pay.Error != "" {
		t.Fatalf("payment step: %+v", pay)
	}
	if pay.Request.TotalMinor != want.Total {
		t.Fatalf("script asked for %d, the lines add up to %d", pay.Request.TotalMinor, want.Total)
	}
	pr := pay.paymentResponse(t)
	checkHeader(t, pay, poslink.CategoryPayment)
	if pr.Response.Result != poslink.ResultSuccess || pr.Response.ErrorCondition != "" {
		t.Fatalf("payment: Result %q ErrorCondition %q (%s)", pr.Response.Result, pr.Response.ErrorCondition, pr.Response.AdditionalResponse)
	}
	if got := poslink.ParseAdditional(pr.Response.AdditionalResponse).Get(poslink.AddOrderHash); got != want.Hash().String() {
		t.Errorf("AdditionalResponse orderHash %q, want %s", got, want.Hash())
	}
	if pr.SaleData.SaleTransactionID.TransactionID != plan.OrderID {
		t.Errorf("SaleTransactionID %q, want %q", pr.SaleData.SaleTransactionID.TransactionID, plan.OrderID)
	}
	if pr.POIData.POITransactionID.TransactionID == "" {
		t.Error("no POITransactionID")
	}
	if pr.PaymentResult == nil || pr.PaymentResult.AmountsResp == nil {
		t.Fatal("Success without PaymentResult.AmountsResp")
	}
	authorized, err := order.ParseAmount(string(pr.PaymentResult.AmountsResp.AuthorizedAmount), want.Currency)
	if err != nil || authorized != want.Total || pr.PaymentResult.AmountsResp.Currency != "CNY" {
		t.Errorf("AuthorizedAmount %s %s (%v), want %d minor units of CNY",
			pr.PaymentResult.AmountsResp.AuthorizedAmount, pr.PaymentResult.AmountsResp.Currency, err, want.Total)
	}
	if got, wantBal := s.Balance(cust.ID), int64(100000)-want.Total; got != wantBal {
		t.Errorf("balance %d, want %d: charged %d for an order of %d", got, wantBal, 100000-got, want.Total)
	}
	s.WaitScreen("paid")

	if status.Step != "transactionStatus" || status.Error != "" {
		t.Fatalf("transactionStatus step: %+v", status)
	}
	checkHeader(t, status, poslink.CategoryTransactionStatus)
	ts := status.Response.SaleToPOIResponse.TransactionStatusResponse
	if ts == nil || ts.Response.Result != poslink.ResultSuccess {
		t.Fatalf("TransactionStatusResponse %+v", ts)
	}
	if ts.MessageReference == nil || ts.MessageReference.ServiceID != pay.Request.ServiceID {
		t.Errorf("MessageReference %+v, want ServiceID %s", ts.MessageReference, pay.Request.ServiceID)
	}
	rep := ts.RepeatedMessageResponse
	if rep == nil || rep.MessageHeader.ServiceID != pay.Request.ServiceID || rep.MessageHeader.MessageCategory != poslink.CategoryPayment {
		t.Fatalf("RepeatedMessageResponse %+v, want the Payment of ServiceID %s", rep, pay.Request.ServiceID)
	}
	var replayed poslink.PaymentResponse
	if err := json.Unmarshal(rep.RepeatedResponseMessageBody.PaymentResponse, &replayed); err != nil {
		t.Fatalf("repeated PaymentResponse: %v", err)
	}
	if replayed.POIData.POITransactionID != pr.POIData.POITransactionID {
		t.Errorf("replayed POITransactionID %+v, paid %+v", replayed.POIData.POITransactionID, pr.POIData.POITransactionID)
	}
	if !jsonEqual(t, rep.RepeatedResponseMessageBody.PaymentResponse, pay.Response.SaleToPOIResponse.PaymentResponse) {
		t.Errorf("replayed PaymentResponse differs:\n%s\npaid:\n%s",
			rep.RepeatedResponseMessageBody.PaymentResponse, pay.Response.SaleToPOIResponse.PaymentResponse)
	}
}

// TestAdyenAbort: an AbortRequest sent from a second Client (its own
// connection) ends a payment the customer has not finished: the pending
// PaymentResponse is Failure/Aborted and the terminal goes back to idle.
func TestAdyenAbort(t *testing.T) {
	s, plan := startAdyenSystem(t)
	plan.OrderID = "ADY-ABORT-" + fmt.Sprint(time.Now().UnixNano())
	plan.Steps = []string{"abort"}
	want := adyenOrder(t, plan)

	run := startInterop(t, plan)
	if ev := run.next(t); ev.Event != "payment-sent" {
		t.Fatalf("want the payment-sent event, got %+v", ev)
	}
	if st := s.WaitScreen("order"); st.OrderHash != want.Hash().String() {
		t.Fatalf("terminal shows order %s, want %s", st.OrderHash, want.Hash())
	}
	run.signal(t)
	res := run.next(t)
	run.wait(t)

	if res.Step != "abort" || res.Error != "" {
		t.Fatalf("abort step: %+v", res)
	}
	if res.AbortResponse.SaleToPOIResponse != nil {
		t.Errorf("AbortRequest answered with %+v; Adyen's terminals send an empty body", res.AbortResponse.SaleToPOIResponse)
	}
	checkHeader(t, res, poslink.CategoryPayment)
	pr := res.paymentResponse(t)
	if pr.Response.Result != poslink.ResultFailure || pr.Response.ErrorCondition != poslink.CondAborted {
		t.Fatalf("aborted payment: Result %q ErrorCondition %q (%s), want Failure/Aborted",
			pr.Response.Result, pr.Response.ErrorCondition, pr.Response.AdditionalResponse)
	}
	if pr.PaymentResult != nil {
		t.Errorf("aborted payment carries a PaymentResult %+v", pr.PaymentResult)
	}
	if st := s.WaitScreen("idle"); st.Phase != "idle" {
		t.Errorf("after the abort: phase %q", st.Phase)
	}
}

// TestAdyenClientTimeout: the library gives up on a request after
// connectionTimeoutMillis without a byte (30 s by default, shorter than a
// customer may take). The terminal must then end the session, not leave
// the customer paying for an order nobody waits for.
func TestAdyenClientTimeout(t *testing.T) {
	s, plan := startAdyenSystem(t)
	plan.OrderID = "ADY-TIMEOUT-" + fmt.Sprint(time.Now().UnixNano())
	plan.Steps = []string{"payment"}
	plan.TimeoutMS = 3000
	want := adyenOrder(t, plan)

	run := startInterop(t, plan)
	if st := s.WaitScreen("order"); st.OrderHash != want.Hash().String() {
		t.Fatalf("terminal shows order %s, want %s", st.OrderHash, want.Hash())
	}
	res := run.next(t)
	if res.Step != "payment" || res.Error == "" {
		t.Fatalf("payment with nobody at the terminal: %+v, want the library's timeout error", res)
	}
	if err := run.exit(); err == nil {
		t.Error("interop.mjs exited 0 after a failed step")
	}
	if st := s.WaitScreen("idle"); st.Phase != "idle" {
		t.Errorf("after the POS hung up: phase %q", st.Phase)
	}
}

// startAdyenSystem starts the terminal on <random loopback IP>:8443 with a
// certificate from a throwaway CA (encrypted requests only, the default),
// and returns the plan's common part.
func startAdyenSystem(t *testing.T) (*system, interopPlan) {
	t.Helper()
	dir := interopDir(t)
	ip := adyenIP(t)
	pki := writeAdyenPKI(t, t.TempDir(), adyenCN, net.ParseIP(ip))
	s := startSystem(t, func(c *config) {
		c.HTTPS = net.JoinHostPort(ip, poslink.DefaultPort)
		c.TLSCert, c.TLSKey = pki.cert, pki.key
	})
	return s, interopPlan{
		dir:             dir,
		Endpoint:        "https://" + ip,
		CertificatePath: pki.ca,
		POIID:           devPOIID,
		SaleID:          "POS-ADYEN",
		Currency:        "CNY",
		Exponent:        2,
		Items:           adyenLines,
		Key:             interopKey{KeyIdentifier: devKeyID, KeyVersion: devKeyVersion, Passphrase: devPassphrase},
		TimeoutMS:       60000,
	}
}

// adyenOrder is the order the terminal must rebuild from the plan: line
// IDs 1, 2, … as the script numbers them, amounts Quantity × UnitPrice.
func adyenOrder(t *testing.T, p interopPlan) order.Order {
	t.Helper()
	cur, err := order.LookupCurrency(p.Currency)
	if err != nil {
		t.Fatal(err)
	}
	o := order.Order{ID: p.OrderID, Currency: cur}
	for i, it := range p.Items {
		q := order.Quantity(it.Quantity) * order.One
		amount := order.LineAmount(q, it.UnitPrice)
		o.Lines = append(o.Lines, order.Line{ID: fmt.Sprint(i + 1), ProductCode: it.ProductCode, Label: it.Label,
			Quantity: q, UnitPrice: it.UnitPrice, Amount: amount})
		o.Total += amount
	}
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	return o
}

func checkHeader(t *testing.T, r interopResult, category string) {
	t.Helper()
	if r.Response.SaleToPOIResponse == nil {
		t.Fatalf("%s: no SaleToPOIResponse", r.Step)
	}
	h := r.Response.SaleToPOIResponse.MessageHeader
	if h.MessageCategory != category || h.MessageType != poslink.TypeResponse || h.ServiceID != r.Request.ServiceID ||
		h.SaleID != r.Request.SaleID || h.POIID != devPOIID {
		t.Errorf("%s: response header %+v, want %s Response to ServiceID %s", r.Step, h, category, r.Request.ServiceID)
	}
}

func jsonEqual(t *testing.T, a, b json.RawMessage) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(va, vb)
}

// interopDir is pos/adyentest, or the test skips (fails under CI) when node
// or the library is missing.
func interopDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "pos", "adyentest"))
	if err != nil {
		t.Fatal(err)
	}
	reason := ""
	if _, err := exec.LookPath("node"); err != nil {
		reason = "node is not installed"
	} else if _, err := os.Stat(filepath.Join(dir, "node_modules", "@adyen", "api-library", "package.json")); err != nil {
		reason = "@adyen/api-library is not installed in pos/adyentest (tools/deps.sh)"
	}
	if reason != "" {
		if os.Getenv("CI") != "" {
			t.Fatal(reason)
		}
		t.Skip(reason)
	}
	return dir
}

// adyenIP picks a loopback address whose port 8443 is free. The library
// fixes the port, so tests and a running `make run` (127.0.0.1:8443) are
// kept apart by the address instead: all of 127/8 is loopback on Linux.
func adyenIP(t *testing.T) string {
	t.Helper()
	for range 20 {
		ip := fmt.Sprintf("127.%d.%d.%d", 1+mrand.IntN(254), mrand.IntN(256), 1+mrand.IntN(254))
		ln, err := net.Listen("tcp", net.JoinHostPort(ip, poslink.DefaultPort))
		if err == nil {
			ln.Close()
			return ip
		}
	}
	t.Fatalf("no loopback address with port %s free", poslink.DefaultPort)
	return ""
}

type adyenPKI struct{ ca, cert, key string }

// writeAdyenPKI writes a throwaway CA and a terminal certificate with CN
// cn (and cn, ip as SANs) signed by it, valid for an hour either side of
// now. Test-only: the CA's key dies with the test.
func writeAdyenPKI(t *testing.T, dir, cn string, ip net.IP) adyenPKI {
	t.Helper()
	now := time.Now()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{Organization: []string{"payterm TEST ONLY"}, CommonName: "payterm throwaway test CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leafTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: cn},
		DNSNames:     []string{cn},
		IPAddresses:  []net.IP{ip},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, ca, &leafKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(leafKey)
	if err != nil {
		t.Fatal(err)
	}
	p := adyenPKI{ca: filepath.Join(dir, "test-ca.pem"), cert: filepath.Join(dir, "terminal.pem"), key: filepath.Join(dir, "terminal-key.pem")}
	for _, f := range []struct {
		path, kind string
		der        []byte
	}{{p.ca, "CERTIFICATE", caDER}, {p.cert, "CERTIFICATE", leafDER}, {p.key, "PRIVATE KEY", keyDER}} {
		if err := os.WriteFile(f.path, pem.EncodeToMemory(&pem.Block{Type: f.kind, Bytes: f.der}), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// interopPlan is interop.mjs's input; see the script's header.
type interopPlan struct {
	dir             string
	Endpoint        string        `json:"endpoint"`
	CertificatePath string        `json:"certificatePath"`
	POIID           string        `json:"poiid"`
	SaleID          string        `json:"saleId"`
	OrderID         string        `json:"orderId"`
	Currency        string        `json:"currency"`
	Exponent        int           `json:"exponent"`
	Items           []interopItem `json:"items"`
	Key             interopKey    `json:"key"`
	TimeoutMS       int           `json:"timeoutMs"`
	Steps           []string      `json:"steps"`
	TerminalKey     string        `json:"terminalKey,omitempty"` // hex Ed25519, relay
}

type interopItem struct {
	ProductCode string `json:"productCode"`
	Label       string `json:"label"`
	Quantity    int64  `json:"quantity"`  // pieces
	UnitPrice   int64  `json:"unitPrice"` // minor units
}

type interopKey struct {
	KeyIdentifier string `json:"KeyIdentifier"`
	KeyVersion    int    `json:"KeyVersion"`
	Passphrase    string `json:"Passphrase"`
}

// interopResult is one line of the script's output: the library's
// TerminalApiResponse as it deserialized it.
type interopResult struct {
	Step    string `json:"step"`
	Event   string `json:"event"`
	Error   string `json:"error"`
	Request struct {
		SaleID     string `json:"saleId"`
		ServiceID  string `json:"serviceId"`
		TotalMinor int64  `json:"totalMinor"`
	} `json:"request"`
	Response      adyenResponse `json:"response"`
	AbortResponse adyenResponse `json:"abortResponse"`
	Relay         interopRelay  `json:"relay"`
}

// interopRelay is what the script read from a relay capture's
// AdditionalResponse, and whether the signature verified.
type interopRelay struct {
	Captured    bool   `json:"captured"`
	Method      string `json:"method"`
	Code        string `json:"code"` // secret: never logged by the test
	OrderHash   string `json:"orderHash"`
	Statement   string `json:"statement"`
	Signature   string `json:"signature"`
	VerifyError string `json:"verifyError"`
}

type adyenResponse struct {
	SaleToPOIResponse *struct {
		MessageHeader             poslink.MessageHeader `json:"MessageHeader"`
		PaymentResponse           json.RawMessage       `json:"PaymentResponse"`
		DisplayResponse           json.RawMessage       `json:"DisplayResponse"`
		TransactionStatusResponse *struct {
			Response                poslink.Response          `json:"Response"`
			MessageReference        *poslink.MessageReference `json:"MessageReference"`
			RepeatedMessageResponse *struct {
				MessageHeader               poslink.MessageHeader `json:"MessageHeader"`
				RepeatedResponseMessageBody struct {
					PaymentResponse json.RawMessage `json:"PaymentResponse"`
				} `json:"RepeatedResponseMessageBody"`
			} `json:"RepeatedMessageResponse"`
		} `json:"TransactionStatusResponse"`
	} `json:"SaleToPOIResponse"`
}

func (r interopResult) paymentResponse(t *testing.T) poslink.PaymentResponse {
	t.Helper()
	var pr poslink.PaymentResponse
	if r.Response.SaleToPOIResponse == nil || len(r.Response.SaleToPOIResponse.PaymentResponse) == 0 {
		t.Fatalf("%s: no PaymentResponse", r.Step)
	}
	if err := json.Unmarshal(r.Response.SaleToPOIResponse.PaymentResponse, &pr); err != nil {
		t.Fatalf("%s: PaymentResponse: %v", r.Step, err)
	}
	return pr
}

// interopRun is a running `node interop.mjs`: its output lines arrive on
// lines; a line written to stdin is the script's signal to abort.
type interopRun struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan interopResult
	stderr *lockedWriter
	raw    *lockedWriter
	waited bool
}

func startInterop(t *testing.T, plan interopPlan) *interopRun {
	t.Helper()
	planJSON, err := json.Marshal(plan)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	r := &interopRun{lines: make(chan interopResult, 8), stderr: &lockedWriter{w: new(bytes.Buffer)}, raw: &lockedWriter{w: new(bytes.Buffer)}}
	r.cmd = exec.CommandContext(ctx, "node", "interop.mjs", string(planJSON))
	r.cmd.Dir = plan.dir
	r.cmd.Stderr = r.stderr
	r.cmd.WaitDelay = 5 * time.Second
	if r.stdin, err = r.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	out, err := r.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(r.lines)
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			fmt.Fprintf(r.raw, "%s\n", sc.Bytes())
			var res interopResult
			if err := json.Unmarshal(sc.Bytes(), &res); err != nil {
				res = interopResult{Step: "?", Error: fmt.Sprintf("unreadable output %q: %v", sc.Bytes(), err)}
			}
			r.lines <- res
		}
	}()
	t.Cleanup(func() {
		cancel()
		if !r.waited {
			r.cmd.Wait()
		}
		if t.Failed() {
			t.Logf("interop.mjs stdout:\n%s\nstderr:\n%s", r.raw.String(), r.stderr.String())
		}
	})
	return r
}

// next is the script's next output line.
func (r *interopRun) next(t *testing.T) interopResult {
	t.Helper()
	select {
	case res, ok := <-r.lines:
		if !ok {
			t.Fatalf("interop.mjs ended early; stderr:\n%s", r.stderr.String())
		}
		return res
	case <-time.After(90 * time.Second):
		t.Fatal("no output from interop.mjs in 90 s")
	}
	return interopResult{}
}

// signal tells the script to go on (send the AbortRequest).
func (r *interopRun) signal(t *testing.T) {
	t.Helper()
	if _, err := io.WriteString(r.stdin, "abort\n"); err != nil {
		t.Fatal(err)
	}
}

// wait waits for the script to exit and fails on a non-zero status.
func (r *interopRun) wait(t *testing.T) {
	t.Helper()
	if err := r.exit(); err != nil {
		t.Fatalf("interop.mjs: %v; stderr:\n%s", err, r.stderr.String())
	}
}

// exit closes the script's stdin and waits for it to exit.
func (r *interopRun) exit() error {
	r.stdin.Close()
	r.waited = true
	return r.cmd.Wait()
}
