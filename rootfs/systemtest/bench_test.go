package systemtest

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"payterm/firmware/checkout"
	"payterm/pos"
	"payterm/rootfs"
)

// BenchmarkPowerOnToOrderScreen powers the terminal on through U-Boot
// under TCG, sends an order from the POS as soon as the firmware has the
// serial link open, and waits for the order on the screen. It reports
// power-on to the order on screen (order-s) and to the terminal ready to
// take one (ready-s: idle screen up, POS link open), split into U-Boot
// (uboot-s), U-Boot to PID 1's first console line (kernel-s), and PID 1
// to the order on screen (firmware-s). Run with -benchtime=1x or a few x.
func BenchmarkPowerOnToOrderScreen(b *testing.B) {
	img := shared.terminal(b)
	h := newHost(b)
	var sum struct{ order, ready, uboot, kernel, firmware float64 }
	for b.Loop() {
		g := bootTerminal(b, img, rootfs.Machine{})
		c := newCashier(b, g)
		o, err := pos.SampleOrder(fmt.Sprintf("T-BOOT-%d", time.Now().UnixNano()))
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
		c.pay(ctx, o)
		img, _ := h.render(checkout.View{Screen: checkout.ScreenOrder, Order: &o})
		g.waitScreen("order", img)
		order := time.Since(g.start).Seconds()
		cancel()
		// serve draws the idle screen before it opens the link, so the
		// link's line marks "ready".
		link, _ := g.wait(stepTimeout, 0, serialUp)
		linux, _ := g.wait(stepTimeout, 0, "Booting Linux")
		pid1, _ := g.wait(stepTimeout, 0, firstFirmwareLine)
		sum.order += order
		sum.ready += link.at.Seconds()
		sum.uboot += linux.at.Seconds()
		sum.kernel += (pid1.at - linux.at).Seconds()
		sum.firmware += order - pid1.at.Seconds()
		g.checkAlive()
		g.vm.Stop()
	}
	n := float64(b.N)
	b.ReportMetric(sum.order/n, "order-s")
	b.ReportMetric(sum.ready/n, "ready-s")
	b.ReportMetric(sum.uboot/n, "uboot-s")
	b.ReportMetric(sum.kernel/n, "kernel-s")
	b.ReportMetric(sum.firmware/n, "firmware-s")
	b.ReportMetric(0, "ns/op")
}

// salesForRSS is how many sales run before the firmware's memory is read.
const salesForRSS = 100

// BenchmarkFirmwareAfter100Sales boots the terminal, runs 100 whole sales
// (order over serial, two taps, a code at the scanner, the POS charging
// in relay mode), then reads the firmware's resident memory from its
// stats log line. It reports the firmware binary's size (bytes), its
// resident and peak memory and Go heap after the sales (KiB), the
// resident memory right after boot, seconds per sale under TCG, and the
// frame rate the firmware's camera self-test got from vivid. Run with
// -benchtime=1x.
func BenchmarkFirmwareAfter100Sales(b *testing.B) {
	img := shared.terminal(b)
	st, err := os.Stat(img.Firmware)
	if err != nil {
		b.Fatal(err)
	}
	h := newHost(b)
	for b.Loop() {
		g := bootTerminal(b, img, rootfs.Machine{})
		boot := statsAfter(b, g, g.con.mark())
		c := newCashier(b, g)
		cust := c.customer(b)
		scan := g.dial(g.scanner)
		start := time.Now()
		for i := range salesForRSS {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			o, err := pos.SampleOrder(fmt.Sprintf("T-RSS-%d", i))
			if err != nil {
				b.Fatal(err)
			}
			s := c.pay(ctx, o)
			img, _ := h.render(checkout.View{Screen: checkout.ScreenOrder, Order: &o})
			g.waitScreen("order", img)
			g.tap(h.button(checkout.ActConfirm))
			img, _ = h.render(checkout.View{Screen: checkout.ScreenMethod, Order: &o, Methods: guestMethods})
			g.waitScreen("method", img)
			g.tap(h.button(checkout.ActChooseCode))
			img, _ = h.render(checkout.View{Screen: checkout.ScreenShowCode, Order: &o, Method: checkout.Code,
				Reader: checkout.ByScanner, Switch: checkout.ByCamera})
			g.waitScreen("show-code", img)
			if _, err := scan.Write([]byte(c.host.Code(b, cust.ID) + "\r")); err != nil {
				b.Fatal(err)
			}
			if out := s.wait(b, ctx); !out.Paid {
				b.Fatalf("sale %d: %+v", i, out)
			}
			cancel()
		}
		perSale := time.Since(start).Seconds() / salesForRSS
		after := statsAfter(b, g, g.con.mark())
		selfTest, _ := g.wait(stepTimeout, 0, cameraSelfTest)
		fps, _ := strconv.ParseFloat(logValue(selfTest.text, "fps"), 64)
		g.checkAlive()
		b.ReportMetric(float64(st.Size()), "binary-bytes")
		b.ReportMetric(statValue(b, boot, "rss_kib"), "boot-rss-KiB")
		b.ReportMetric(statValue(b, after, "rss_kib"), "rss-KiB")
		b.ReportMetric(statValue(b, after, "peak_rss_kib"), "peak-rss-KiB")
		b.ReportMetric(statValue(b, after, "heap_kib"), "heap-KiB")
		b.ReportMetric(perSale, "s/sale")
		b.ReportMetric(fps, "vivid-fps")
		b.ReportMetric(0, "ns/op")
		g.vm.Stop()
	}
}

// statsAfter waits for the firmware's next stats line from console line
// from on.
func statsAfter(b *testing.B, g *guest, from int) string {
	b.Helper()
	l, _ := g.wait(statsEvery*5+stepTimeout, from, "msg=stats", "rss_kib=")
	return l.text
}

func statValue(b *testing.B, text, key string) float64 {
	b.Helper()
	v, err := strconv.ParseFloat(logValue(text, key), 64)
	if err != nil {
		b.Fatalf("%s in %q: %v", key, text, err)
	}
	return v
}
