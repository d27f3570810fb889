package systemtest

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"payterm/firmware/journal"
	"payterm/firmware/poslink"
	"payterm/pos"
	"payterm/rootfs"
	"payterm/update/bootselect"
)

// The phases of an update from the POS that TestOTAPowerCutsThroughPOSInQEMU
// cuts the power in, in turn.
const (
	cutTransfer  = iota // the bundle crossing the serial link into the slot
	cutInstall          // verified: staging the slot, restarting at idle
	cutSwitch           // power-on to the kernel: U-Boot picking and counting
	cutFirstBoot        // the staged slot's first boot, up to its commit
	cutPhases
)

var cutPhaseNames = [cutPhases]string{"transfer", "install", "slot switch", "first boot"}

// posCuts is how many power cuts TestOTAPowerCutsThroughPOSInQEMU makes:
// 16, four in each phase, or PAYTERM_OTA_CUTS (a longer run).
func posCuts(t testing.TB) int {
	if os.Getenv("PAYTERM_OTA_CUTS") != "" {
		return otaCuts(t)
	}
	return 4 * cutPhases
}

// TestOTAPowerCutsThroughPOSInQEMU updates the terminal from the POS
// over and over (a delta bundle A→B over the serial link; once B is
// committed, A is staged again from the host, so the POS has something
// to send) and kills QEMU at a random point of each phase in turn: the
// transfer, the install at idle, the slot switch in U-Boot, the staged
// slot's first boot. After every cut the next whole boot must reach a
// slot that passes its self-check (the data partition mounted, the
// journal verified) and commit it, with no ext4 error; a transfer must
// resume from at least the offset the terminal confirmed as durable
// before the cut; and the data partition must check clean at the end.
// So that the journal has something to lose, the POS starts a sale and
// aborts it before each update (journalSale): every uncut boot must open
// the journal with at least the entries known durable before the cut,
// and the run must have journaled some. PAYTERM_OTA_SEED repeats a run.
func TestOTAPowerCutsThroughPOSInQEMU(t *testing.T) {
	o := startOTA(t)
	disk := writableDisk(t, o.img)
	toB := o.delta(t, t.TempDir(), o.rel.good)
	rng := cutRand(t, 2)
	between := func(lo, hi time.Duration) time.Duration { return lo + time.Duration(rng.Int64N(int64(max(hi-lo, 1)))) }
	m := o.machine(disk)

	// Windows of each phase on this machine, from the uncut runs: the
	// first boot times the kernel's start and the commit; transfers and
	// installs widen theirs as they are seen. Cuts fall inside them.
	var kernelAt, commitAt time.Duration
	transferWin, installWin := 15*time.Second, time.Second
	var confirmed int64  // the terminal's durable offset, heard before a transfer cut
	var journaled uint64 // journal entries known durable: on disk before the last cut
	n := posCuts(t)
	var cuts [cutPhases]int
	cut := func(phase int, g *guest, after time.Duration) {
		g.vm.Stop()
		last := "nothing"
		if ls := g.con.find(""); len(ls) > 0 {
			last = ls[len(ls)-1].text
		}
		cuts[phase]++
		t.Logf("cut %d (%s) %.1fs in: last line %.100s", sum(cuts[:]), cutPhaseNames[phase], after.Seconds(), last)
	}
	for boots := 0; sum(cuts[:]) < n; boots++ {
		if boots > 4*n+4 {
			t.Fatalf("%d power-ons for %d cuts: the update does not go on", boots, n)
		}
		phase := sum(cuts[:]) % cutPhases
		st, err := bootState(t, disk).State()
		if err != nil {
			t.Fatalf("boot state unreadable after %v cuts: %v", cuts, err)
		}
		g := bootPersistent(t, m)
		if st.Trial != bootselect.None && kernelAt > 0 && (phase == cutSwitch || phase == cutFirstBoot) {
			after := between(0, kernelAt)
			if phase == cutFirstBoot {
				after = between(kernelAt, commitAt*5/4)
			}
			select {
			case <-time.After(after):
			case <-g.vm.Done():
			}
			cut(phase, g, after)
			continue
		}

		// An uncut boot: a good slot, committed, storage whole.
		l, _ := g.wait(bootTimeout, 0, slotMarkedGood)
		entries := g.journalEntries(0)
		if entries < journaled {
			t.Fatalf("boot after %v cuts: the journal lost entries: it opened with %d, %d were durable before the cut", cuts, entries, journaled)
		}
		journaled = entries
		for _, bad := range []string{storageDegraded, selfCheckFail, "EXT4-fs error", "I/O error"} {
			if ls := g.con.find(bad); len(ls) > 0 {
				t.Fatalf("boot after %v cuts: %s", cuts, ls[0].text)
			}
		}
		if kernelAt == 0 {
			k, _ := g.wait(time.Second, 0, "Booting Linux")
			kernelAt, commitAt = k.at, l.at
			t.Logf("first boot: kernel %.1fs, commit %.1fs after power-on", kernelAt.Seconds(), commitAt.Seconds())
		}
		t.Logf("boot %d: %s; journal opened with %d entries", boots, l.text, entries)
		if logValue(l.text, "slot") == "B" {
			// The update took: the next one starts from A again.
			g.powerDown(shutdownTimeout)
			install(t, disk, bootselect.A, o.img.Path(rootfs.OutSlot), o.old, 0)
			continue
		}

		g.wait(stepTimeout, 0, serialUp)
		link, _ := newLink(t, g)
		start := time.Now()
		journaled = journalSale(t, link, fmt.Sprintf("%d", boots), entries)
		t.Logf("sale started and aborted in %.1fs: %d journal entries durable", time.Since(start).Seconds(), journaled)
		// The POS gives up when the terminal is gone (power cut), not
		// before: its retries ride out a slow chunk.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		go func() {
			select {
			case <-g.vm.Done():
				cancel()
			case <-ctx.Done():
			}
		}()
		durable := confirmed // before the last cut
		u := updater(link, func(p pos.UpdateProgress) { confirmed = max(confirmed, p.Confirmed) })
		u.Log = slog.New(slog.NewTextHandler(testWriter{t}, nil))
		u.Chunk = 4 << 10 // more chunk boundaries for the cuts to fall between
		var timer *time.Timer
		after := between(0, transferWin)
		if phase == cutTransfer {
			timer = time.AfterFunc(after, g.vm.Stop)
		}
		start = time.Now()
		res, err := u.Sync(ctx, toB)
		cancel()
		if timer != nil && !timer.Stop() {
			<-g.vm.Done()
			cut(phase, g, after)
			continue
		}
		if err != nil || res.Status.State != poslink.UpdateVerified {
			t.Fatalf("POS update after %v cuts: %+v, %v", cuts, res, err)
		}
		if res.From < durable {
			t.Fatalf("transfer resumed from %d; the terminal had confirmed %d as durable before the cut", res.From, durable)
		}
		if durable > 0 {
			t.Logf("transfer resumed from %d after a cut; %d confirmed durable before it", res.From, durable)
		}
		confirmed = 0
		t.Logf("transfer %.1fs: %d bytes from %d", time.Since(start).Seconds(), res.Bytes, res.From)
		transferWin = max(transferWin, time.Since(start)*5/4)
		verified := time.Now()
		if phase == cutInstall {
			after := between(0, installWin)
			select {
			case <-time.After(after):
				cut(phase, g, after)
				continue
			case <-g.vm.Done(): // restarted before the cut: a switch next
			}
		} else {
			<-g.vm.Done()
		}
		installWin = time.Since(verified) * 5 / 4 // short: no more than this one, cut after it
		if len(g.con.find(kernelRestart)) == 0 {
			t.Fatalf("QEMU exited without the terminal restarting for the update: %v", g.vm.Wait())
		}
	}
	t.Logf("%v cuts (transfer, install, slot switch, first boot)", cuts)

	g := bootPersistent(t, m)
	g.wait(bootTimeout, 0, slotMarkedGood)
	entries := g.journalEntries(0)
	if entries < journaled || entries == 0 {
		t.Fatalf("the journal opened with %d entries at the end; %d were durable before the last cut, and the run must have journaled some", entries, journaled)
	}
	t.Logf("journal: %d entries at the end, %d known durable before the last cut", entries, journaled)
	g.checkAlive()
	g.powerDown(shutdownTimeout)
	checkDataPartition(t, disk)
}

// journalSale has the POS start a direct sale on link (id makes its
// ServiceIDs and order unique in the run) and aborts it once the
// terminal has journaled the order; it returns the journal's entry count
// then (after is a count already known: the export reads from there).
// No payment host is needed: the checkout journals an order's receipt
// before showing it, so the export seeing a new entry means the session
// is there to abort; it journals the abort before replying, so the
// aborted Payment's reply means both entries are on disk.
func journalSale(t testing.TB, link *poslink.Client, id string, after uint64) uint64 {
	t.Helper()
	o, err := pos.SampleOrder("T-CUT-" + id)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	defer cancel()
	type paid struct {
		res poslink.Result
		err error
	}
	var asked int
	head := func() uint64 {
		asked++
		raw, err := link.JournalExport(ctx, posSaleID, fmt.Sprintf("qemu-cut-journal-%s-%d", id, asked), after, 1)
		if err != nil {
			t.Fatalf("JournalExport: %v", err)
		}
		b, err := journal.DecodeExport(raw)
		if err != nil {
			t.Fatal(err)
		}
		return b.Head.Seq
	}
	// Counted again: the boot may have journaled since the count it logged.
	before := head()
	done := make(chan paid, 1)
	saleSvc := "qemu-cut-sale-" + id
	go func() {
		res, err := link.Payment(ctx, posSaleID, saleSvc, o)
		done <- paid{res, err}
	}()
	for head() <= before {
		select {
		case p := <-done:
			t.Fatalf("Payment ended before the terminal journaled the order: %+v, %v", p.res, p.err)
		case <-time.After(200 * time.Millisecond):
		}
	}
	ref := poslink.MessageReference{MessageCategory: poslink.CategoryPayment, ServiceID: saleSvc}
	if err := link.Abort(ctx, posSaleID, "qemu-cut-abort-"+id, ref, ""); err != nil {
		t.Fatalf("Abort: %v", err)
	}
	if p := <-done; p.err != nil || p.res.Approved || p.res.Condition != poslink.CondAborted {
		t.Fatalf("Payment after the Abort: %+v, %v; want not approved, %s", p.res, p.err, poslink.CondAborted)
	}
	return head()
}

// testWriter is t's log as an io.Writer, for a slog handler.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(b), "\n"))
	return len(b), nil
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

// checkDataPartition runs e2fsck, read-only, on the data partition of a
// disk whose guest has shut down, and fails the test on any error.
func checkDataPartition(t testing.TB, disk string) {
	t.Helper()
	out, err := exec.Command("e2fsck", "-fn", fmt.Sprintf("%s?offset=%d", disk, partitionOffset(rootfs.PartData))).CombinedOutput()
	if err != nil {
		t.Fatalf("e2fsck of the data partition: %v\n%s", err, out)
	}
}
