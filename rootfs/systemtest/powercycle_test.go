package systemtest

import (
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"payterm/firmware/checkout"
	"payterm/firmware/order"
	"payterm/firmware/poslink"
	"payterm/rootfs"
)

// shutdownTimeout bounds the power button to QEMU's exit: the firmware
// stops the terminal, syncs, unmounts and powers off. A bound, not a
// goal.
const shutdownTimeout = 60 * time.Second

// Console lines of a clean shutdown: the firmware's, then the kernel's
// (kernel/reboot.c) as it powers the machine off or restarts it.
const (
	terminalStopped = `msg="terminal stopped"`
	journalOpened   = `msg="journal opened"`
)

// keyboard is QEMU's option for a guest keyboard, for Ctrl-Alt-Del.
func keyboard() []string { return []string{"-device", "virtio-keyboard-pci"} }

// writableDisk copies the image's disk for a guest whose writes must
// outlive it (bootPersistent). The copy is sparse, as the image is.
func writableDisk(t testing.TB, img terminalImage) string {
	t.Helper()
	disk := filepath.Join(t.TempDir(), "disk.img")
	if out, err := exec.Command("cp", "--sparse=always", img.Path(rootfs.OutDisk), disk).CombinedOutput(); err != nil {
		t.Fatalf("copying the disk: %v\n%s", err, out)
	}
	return disk
}

// powerDown presses the power button — QMP system_powerdown, which on the
// virt machine without ACPI pulses PL061 line 3, a gpio-keys KEY_POWER
// in the device tree — and waits, up to d, for the firmware's clean
// shutdown and for QEMU to exit on its own. It returns the time from the
// press to QEMU's exit.
func (g *guest) powerDown(d time.Duration) time.Duration {
	g.t.Helper()
	return g.shutDown(d, func(ctx context.Context) error {
		return g.qmp.Execute(ctx, "system_powerdown", nil, nil)
	}, `reason="power key"`, `then="power off"`, "reboot: Power down")
}

// ctrlAltDel presses Ctrl-Alt-Del on the guest's keyboard (the machine
// needs one: keyboard) and waits, up to d, for the firmware's clean
// restart; QEMU exits instead of restarting (-no-reboot). It returns the
// time from the keys to QEMU's exit.
func (g *guest) ctrlAltDel(d time.Duration) time.Duration {
	g.t.Helper()
	type key struct {
		Type string `json:"type"`
		Data string `json:"data"`
	}
	keys := map[string][]key{"keys": {{"qcode", "ctrl"}, {"qcode", "alt"}, {"qcode", "delete"}}}
	return g.shutDown(d, func(ctx context.Context) error {
		return g.qmp.Execute(ctx, "send-key", keys, nil)
	}, `reason="Ctrl-Alt-Del (SIGINT)"`, "then=restart", "reboot: Restarting system")
}

// shutDown does press and waits for the firmware's "shutting down" line
// holding reason and then, its "terminal stopped", QEMU's exit and the
// kernel's last line; it fails the test if the terminal did not stop
// cleanly or the data partition stayed mounted.
func (g *guest) shutDown(d time.Duration, press func(context.Context) error, reason, then, kernelLast string) time.Duration {
	g.t.Helper()
	mark := g.con.mark()
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := press(ctx); err != nil {
		g.t.Fatalf("QMP: %v", err)
	}
	g.wait(d, mark, `msg="shutting down"`, reason, then)
	g.wait(d, mark, terminalStopped)
	select {
	case <-g.vm.Done():
	case <-time.After(d - time.Since(start)):
		g.t.Fatalf("QEMU still running %v after the %s", d, reason)
	}
	took := time.Since(start)
	if err := g.vm.Wait(); err != nil {
		g.t.Fatalf("QEMU after the %s: %v", reason, err)
	}
	g.wait(time.Second, mark, kernelLast)
	for _, bad := range []string{"unmount before shutdown", "did not stop in time", "terminal stopped with an error",
		"terminal stopped; restarting", "Kernel panic", "panic:"} {
		if l := g.con.find(bad); len(l) > 0 {
			g.t.Errorf("console at %.2fs: %s", l[0].at.Seconds(), l[0].text)
		}
	}
	return took
}

// journalEntries is the entry count the firmware logged on opening its
// journal, the first time from console line from on.
func (g *guest) journalEntries(from int) uint64 {
	g.t.Helper()
	l, _ := g.wait(stepTimeout, from, journalOpened)
	n, err := strconv.ParseUint(logValue(l.text, "entries"), 10, 64)
	if err != nil {
		g.t.Fatalf("journal entry count: %s", l.text)
	}
	return n
}

// replyTap passes the link's requests on and keeps each reply decrypted,
// so that a test can compare a reply repeated from the terminal's
// ServiceID store with the first one. Replies hold payment codes: never
// log them.
type replyTap struct {
	next poslink.Transport
	keys *poslink.Keys

	mu      sync.Mutex
	replies []nexoReply
}

// nexoReply is one reply: its header and its one body, raw.
type nexoReply struct {
	header poslink.MessageHeader
	body   string          // the body's name, e.g. "PaymentResponse"
	raw    json.RawMessage // the body
}

func newReplyTap(next poslink.Transport, key poslink.SecurityKey) (*replyTap, error) {
	keys, err := poslink.NewKeys(key)
	if err != nil {
		return nil, err
	}
	return &replyTap{next: next, keys: keys}, nil
}

// roundTrip is the tap as a poslink.Transport.
func (r *replyTap) roundTrip(ctx context.Context, request []byte) ([]byte, error) {
	reply, err := r.next(ctx, request)
	if err != nil || len(reply) == 0 {
		return reply, err
	}
	// A reply that does not decrypt or parse is the client's to refuse.
	if plain, derr := poslink.DecryptMessage(reply, r.keys); derr == nil {
		if rep, perr := parseReply(plain); perr == nil {
			r.mu.Lock()
			r.replies = append(r.replies, rep)
			r.mu.Unlock()
		}
	}
	return reply, nil
}

// parseReply splits a plain SaleToPOIResponse into header and body.
func parseReply(plain []byte) (nexoReply, error) {
	var env struct {
		Response map[string]json.RawMessage `json:"SaleToPOIResponse"`
	}
	if err := json.Unmarshal(plain, &env); err != nil {
		return nexoReply{}, err
	}
	var rep nexoReply
	for k, v := range env.Response {
		if k == "MessageHeader" {
			if err := json.Unmarshal(v, &rep.header); err != nil {
				return nexoReply{}, err
			}
		} else {
			rep.body, rep.raw = k, v
		}
	}
	if rep.body == "" {
		return nexoReply{}, errors.New("no body")
	}
	return rep, nil
}

// find returns the last reply to serviceID with the body named.
func (r *replyTap) find(serviceID, body string) (nexoReply, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.replies) - 1; i >= 0; i-- {
		if rep := r.replies[i]; rep.header.ServiceID == serviceID && rep.body == body {
			return rep, true
		}
	}
	return nexoReply{}, false
}

// acquired returns the one relay capture received: the PaymentResponse
// (marked for relay) with payterm.relay=captured.
func (r *replyTap) acquired(t testing.TB) nexoReply {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	var found []nexoReply
	for _, rep := range r.replies {
		if rep.body == "PaymentResponse" && captured(acquisitionOf(t, rep.raw)) {
			found = append(found, rep)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d relay captures, want 1", len(found))
	}
	return found[0]
}

func captured(p poslink.PaymentResponse) bool {
	return p.Response.Result == poslink.ResultFailure &&
		poslink.ParseAdditional(p.Response.AdditionalResponse).Get(poslink.AddRelay) == poslink.AddRelayCaptured
}

func acquisitionOf(t testing.TB, raw json.RawMessage) poslink.PaymentResponse {
	t.Helper()
	var a poslink.PaymentResponse
	if err := json.Unmarshal(raw, &a); err != nil {
		t.Fatalf("PaymentResponse: %v", err)
	}
	return a
}

// sameAcquisition fails the test unless got is the relay capture want,
// field for field: the same POITransactionID, the same credential and
// signature. Only the identifiers are printed.
func sameAcquisition(t testing.TB, what string, want, got json.RawMessage) {
	t.Helper()
	w, g := acquisitionOf(t, want), acquisitionOf(t, got)
	if !captured(g) || g.POIData.POITransactionID.TransactionID != w.POIData.POITransactionID.TransactionID {
		t.Fatalf("%s: Result %s, POITransactionID %q; want %s, %q", what, g.Response.Result,
			g.POIData.POITransactionID.TransactionID, w.Response.Result, w.POIData.POITransactionID.TransactionID)
	}
	var wv, gv any
	if json.Unmarshal(want, &wv) != nil || json.Unmarshal(got, &gv) != nil || !reflect.DeepEqual(wv, gv) {
		t.Fatalf("%s: the relay PaymentResponse differs from the first one (POITransactionID %s)", what, w.POIData.POITransactionID.TransactionID)
	}
}

// checkRemembered checks, over the POS link of a terminal powered on
// again, that the sale acquired before (first, the relay capture reply
// for order o) survived in the ServiceID store and the journal:
// TransactionStatus repeats the same response; the request repeated with
// its ServiceID is answered from the store without a new session (the
// screen stays idle); and the journal opened with more than the
// journalBefore entries it had at the first power-on, as the Diagnosis
// log says too.
func checkRemembered(t *testing.T, g *guest, h *host, o order.Order, first nexoReply, journalBefore uint64) {
	t.Helper()
	link, tap := newLink(t, g)
	idle, _ := h.render(checkout.View{Screen: checkout.ScreenIdle})
	g.waitScreen("idle after the power cycle", idle)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	saleID, serviceID := first.header.SaleID, first.header.ServiceID
	poiTx := acquisitionOf(t, first.raw).POIData.POITransactionID.TransactionID

	const statusID = "qemu-status-after-power-cycle"
	st, err := link.TransactionStatus(ctx, saleID, statusID, poslink.MessageReference{MessageCategory: poslink.CategoryPayment, ServiceID: serviceID})
	if err != nil {
		t.Fatalf("TransactionStatus after the power cycle: %v", err)
	}
	if st.Response.Result != poslink.ResultSuccess || st.Category != poslink.CategoryPayment || st.Result.Approved || st.Result.Hash != o.Hash() {
		t.Fatalf("TransactionStatus for %s/%s after the power cycle: %s %s, repeated %s paid=%v for %s; want Success repeating the relay capture (not paid) for %s",
			saleID, serviceID, st.Response.Result, st.Response.ErrorCondition, st.Category, st.Result.Approved, st.Result.Hash, o.Hash())
	}
	rep, ok := tap.find(statusID, "TransactionStatusResponse")
	if !ok {
		t.Fatal("no TransactionStatusResponse in the tap")
	}
	var tsr poslink.TransactionStatusResponse
	if err := json.Unmarshal(rep.raw, &tsr); err != nil || tsr.RepeatedMessageResponse == nil {
		t.Fatalf("TransactionStatusResponse without a repeated response: %v", err)
	}
	sameAcquisition(t, "TransactionStatus after the power cycle", first.raw, tsr.RepeatedMessageResponse.RepeatedResponseMessageBody.PaymentResponse)
	t.Logf("after the power cycle, TransactionStatus for %s/%s repeats the relay capture, POITransactionID %s", saleID, serviceID, poiTx)

	mark := g.con.mark()
	res, err := link.RelayPayment(ctx, saleID, serviceID, o)
	if err != nil || !res.Approved || res.Hash != o.Hash() {
		t.Fatalf("relay Payment repeated after the power cycle: captured=%v for %s, %v; want captured for %s", res.Approved, res.Hash, err, o.Hash())
	}
	again, ok := tap.find(serviceID, "PaymentResponse")
	if !ok {
		t.Fatal("no PaymentResponse in the tap")
	}
	sameAcquisition(t, "relay Payment repeated after the power cycle", first.raw, again.raw)
	g.wait(stepTimeout, mark, "repeat answered from the store", "service="+serviceID)
	g.checkScreen("idle after the repeated request", idle)

	entries := g.journalEntries(0)
	if entries <= journalBefore {
		t.Fatalf("journal opened with %d entries after the power cycle; it had %d at the first power-on, before the sale", entries, journalBefore)
	}
	d, err := link.Diagnosis(ctx, saleID, "qemu-diagnosis-after-power-cycle")
	if err != nil {
		t.Fatalf("Diagnosis: %v", err)
	}
	var logged bool
	for _, l := range d.Log {
		logged = logged || strings.Contains(l, journalOpened) && logValue(l, "entries") == strconv.FormatUint(entries, 10)
	}
	if !logged {
		t.Errorf("the Diagnosis log does not say the journal opened with %d entries", entries)
	}
	t.Logf("journal: %d entries at the first power-on, %d after the sale and the power cycle", journalBefore, entries)
	if l := g.con.find("EXT4-fs (vda3)", "recovery"); len(l) > 0 {
		t.Errorf("the data partition was not unmounted cleanly: %s", l[0].text)
	}
}
