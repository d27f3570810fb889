package systemtest

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"payterm/firmware/checkout"
	"payterm/firmware/poslink"
	"payterm/pos"
	"payterm/rootfs"
)

// Console lines of the terminal's health (firmware/notprovisioned.go,
// init_linux.go, pid1/watchdog.go).
const (
	notProvisioned   = `msg="terminal not provisioned`
	storageDegraded  = `msg="storage degraded`
	terminalReady    = `msg="terminal ready"`
	httpsUp          = `msg="nexo over HTTPS"`
	hangHook         = `msg="test hook: blocking the engine loop"`
	watchdogStarving = `msg="watchdog: firmware unhealthy, not feeding"`
	kernelBanner     = "Booting Linux"
)

// copyDevConfig writes the dev image's payterm.json into dir.
func copyDevConfig(t testing.TB, dir string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, devData, "payterm.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "payterm.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// dataDisk builds a disk of img whose data partition holds files (path
// → content; nil for an empty partition).
func dataDisk(t testing.TB, img terminalImage, files map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	for name, b := range files {
		p := filepath.Join(data, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(data, 0o755); err != nil {
		t.Fatal(err)
	}
	disk := filepath.Join(dir, "disk.img")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	err := rootfs.BuildDisk(ctx, rootfs.DiskSpec{Path: disk, DataDir: data, SlotA: img.Path(rootfs.OutSlot), Boot: rootfs.FreshBootState("")})
	if err != nil {
		t.Fatal(err)
	}
	return disk
}

// directBoot is a direct kernel boot of img with disk attached and
// extra kernel parameters: quicker than U-Boot, same firmware.
func directBoot(img terminalImage, disk, extraArgs string) rootfs.Machine {
	return rootfs.Machine{
		Kernel: img.Path(rootfs.OutImage), Initrd: img.Path(rootfs.OutInitrd), Disk: disk,
		Append: rootfs.DefaultArgs + " payterm.slot=1 " + extraArgs,
	}
}

// freePort is a loopback TCP port that was free a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// TestNotProvisionedInQEMU boots the qemu-virt image with a missing and
// with a corrupt /data/payterm.json. Either way the terminal fails
// closed: the screen shows "Not provisioned" with the reason the log
// gives, the banner says NOT PROVISIONED and never DEV ONLY, no journal
// or key is opened, and the POS link is off — a Diagnosis over the
// serial port goes unanswered and the HTTPS port takes no TLS handshake.
func TestNotProvisionedInQEMU(t *testing.T) {
	img := shared.terminal(t)
	h := newHost(t)
	for _, tc := range []struct {
		name  string
		files map[string][]byte
		why   string
	}{
		{"missing", nil, "configuration /data/payterm.json is missing"},
		{"corrupt", map[string][]byte{"payterm.json": []byte(`{"dev": tru`)}, "configuration /data/payterm.json is unusable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := directBoot(img, dataDisk(t, img, tc.files), "")
			m.HTTPSPort = freePort(t)
			g := boot(t, m)
			l, _ := g.wait(bootTimeout, 0, notProvisioned, tc.why)
			why := logValue(l.text, "reason")
			want, _ := h.render(checkout.View{Screen: checkout.ScreenNotProvisioned, Message: why})
			g.waitScreen("not provisioned", want)
			if len(g.con.find("NOT PROVISIONED", tc.why)) == 0 {
				t.Error("the banner does not say NOT PROVISIONED and why")
			}
			for _, bad := range []string{"DEV ONLY", serialUp, httpsUp, journalOpened, terminalReady} {
				if l := g.con.find(bad); len(l) > 0 {
					t.Errorf("a terminal that is not provisioned logged %s", l[0].text)
				}
			}

			link, _ := newLink(t, g)
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			if d, err := link.Diagnosis(ctx, "POS-QEMU", "not-provisioned-"+tc.name); err == nil {
				t.Errorf("the serial link answered a Diagnosis: %+v", d)
			}
			conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}, "tcp",
				fmt.Sprintf("127.0.0.1:%d", m.HTTPSPort), &tls.Config{InsecureSkipVerify: true})
			if err == nil {
				conn.Close()
				t.Error("the HTTPS link completed a TLS handshake")
			}
			g.checkAlive()
		})
	}
}

// TestWatchdogResetsHungEngine boots the image with QEMU's i6300esb and
// the test hook payterm.test.hang=5s, which blocks the engine loop 5 s
// after the terminal starts. PID 1 must stop feeding the watchdog, the
// watchdog must reset the machine, and the firmware must boot again (the
// hook fires again then; the test ends once the second boot is ready).
func TestWatchdogResetsHungEngine(t *testing.T) {
	img := shared.terminal(t)
	m := directBoot(img, img.Path(rootfs.OutDisk), "payterm.test.hang=5s")
	m.Watchdog, m.Reboot = true, true
	g := boot(t, m)
	g.wait(bootTimeout, 0, terminalReady)
	hungLine, hung := g.wait(stepTimeout, 0, hangHook)
	starvingLine, starving := g.wait(stepTimeout, hung, watchdogStarving)
	// i6300esb resets after two stages of the driver's heartbeat (30 s
	// each by default).
	againLine, again := g.wait(3*time.Minute, starving, kernelBanner)
	g.wait(bootTimeout, again, firstFirmwareLine)
	ready, _ := g.wait(bootTimeout, again, terminalReady)
	t.Logf("engine hung at %.1fs; watchdog starved from %.1fs; machine reset, kernel again at %.1fs, terminal ready again at %.1fs",
		hungLine.at.Seconds(), starvingLine.at.Seconds(), againLine.at.Seconds(), ready.at.Seconds())
}

// TestStorageLostInQEMU boots a terminal whose data partition holds its
// configuration but a corrupt journal: the firmware cannot open it, runs
// its state from memory, and must say so — the console, the Diagnosis's
// GlobalStatus and storage check — and refuse payments with a clear
// screen and a Failure the POS can show.
func TestStorageLostInQEMU(t *testing.T) {
	img := shared.terminal(t)
	dev, err := os.ReadFile(filepath.Join(repoRoot, devData, "payterm.json"))
	if err != nil {
		t.Fatal(err)
	}
	disk := dataDisk(t, img, map[string][]byte{
		"payterm.json":        dev,
		"terminal/journal.db": bytes.Repeat([]byte{0xa5}, 64<<10), // not a bbolt file
	})
	g := boot(t, directBoot(img, disk, ""))
	l, _ := g.wait(bootTimeout, 0, storageDegraded, "journal cannot be opened")
	why := logValue(l.text, "storage")
	up, _ := g.wait(bootTimeout, 0, serialUp)
	if n := len(g.con.find("terminal stopped; restarting")); n != 1 {
		t.Errorf("the terminal restarted %d times; want once, onto memory", n)
	}

	c := newCashier(t, g)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	d, err := c.link.Diagnosis(ctx, c.agent.SaleID, "storage-lost-diagnosis")
	if err != nil {
		t.Fatalf("Diagnosis: %v", err)
	}
	if d.Status == "OK" {
		t.Errorf("GlobalStatus OK with storage lost")
	}
	var storage *poslink.HealthCheck
	for i, hc := range d.Health {
		if hc.Name == "storage" {
			storage = &d.Health[i]
		}
	}
	if storage == nil || storage.OK || storage.Detail != why {
		t.Fatalf("Diagnosis storage check %+v; want failed with %q (all: %v)", storage, why, d.Health)
	}
	t.Logf("Diagnosis: %s; %v (link up at %.1fs)", d.Status, d.Health, up.at.Seconds())

	// The checkout hears the storage health (checkout.Health) and refuses
	// orders before the customer is asked to pay.
	t.Run("payments refused", func(t *testing.T) {
		o, err := pos.SampleOrder("T-QEMU-STORAGE-LOST")
		if err != nil {
			t.Fatal(err)
		}
		rctx, rcancel := context.WithTimeout(ctx, stepTimeout)
		defer rcancel()
		res, err := c.link.Acquire(rctx, c.agent.SaleID, "storage-lost-1", o)
		if err != nil {
			t.Fatalf("CardAcquisition with storage lost: %v (no refusal before the customer was asked)", err)
		}
		if res.Approved || res.Condition == poslink.CondAborted {
			t.Fatalf("CardAcquisition with storage lost: %+v; want a Failure refusing it", res)
		}
		if !strings.Contains(strings.ToLower(res.Reason), "storage") && !strings.Contains(res.Reason, why) {
			t.Errorf("refusal reason %q does not name the storage (%q)", res.Reason, why)
		}
		h := newHost(t)
		orderImg, _ := h.render(checkout.View{Screen: checkout.ScreenOrder, Order: &o})
		got, err := g.screendump(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if mean, off, err := screenDiff(got, orderImg); err == nil && sameScreen(mean, off) {
			t.Error("the customer is shown the order to pay although storage is lost")
		}
	})
}
