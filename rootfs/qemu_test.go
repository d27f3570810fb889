package rootfs

import (
	"strings"
	"testing"
)

func TestMachineArgs(t *testing.T) {
	for _, c := range []struct {
		name    string
		m       Machine
		want    []string // substrings of the joined command line
		notWant []string
	}{
		{"u-boot disk", Machine{Disk: "/tmp/d.img"}, []string{
			"-M virt,acpi=off -cpu cortex-a57 -m 512 -smp 1",
			"-no-reboot", "-display none", "-serial stdio -monitor none",
			"-bios " + UBootQEMU,
			"-drive if=none,id=disk,format=raw,file=/tmp/d.img -device virtio-blk-pci,drive=disk",
			"-device virtio-gpu-pci -device virtio-tablet-pci",
			"-chardev null,id=pos -device pci-serial,chardev=pos -chardev null,id=scanner -device pci-serial,chardev=scanner",
			"-netdev user,id=net,restrict=on -device virtio-net-pci,netdev=net,romfile=",
		}, []string{"-kernel", "-qmp", "hostfwd", "-snapshot", "i6300esb"}},
		{"direct with everything", Machine{
			Kernel: "/i/Image", Initrd: "/i/initrd.img", Append: "console=ttyAMA0", MemoryMiB: 1024, CPU: "max", CPUs: 2,
			QMP: "/s/q,mp.sock", SerialPOS: "/s/pos.sock", SerialScanner: "/s/scan.sock", HTTPSPort: 18443,
			Watchdog: true, Snapshot: true, Display: "vnc=:1", Interactive: true, Disk: "/d.img",
		}, []string{
			"-cpu max -m 1024 -smp 2", "-display vnc=:1", "-serial mon:stdio",
			"-kernel /i/Image -initrd /i/initrd.img -append console=ttyAMA0",
			"-qmp unix:/s/q,,mp.sock,server=on,wait=off",
			"-chardev socket,id=pos,path=/s/pos.sock,server=on,wait=off -device pci-serial,chardev=pos",
			"-chardev socket,id=scanner,path=/s/scan.sock,server=on,wait=off",
			"hostfwd=tcp:127.0.0.1:18443-:8443",
			"-device i6300esb -action watchdog=reset", "-snapshot", "file=/d.img",
		}, []string{"-bios", "-monitor none", "pflash"}},
		{"u-boot environment, no tablet, no scanner", Machine{Disk: "/d.img", UBootEnv: "/i/env,1.img", NoTablet: true, NoScanner: true, SerialScanner: "/s/scan.sock"}, []string{
			"-bios " + UBootQEMU + " -drive if=pflash,unit=1,format=raw,readonly=on,file=/i/env,,1.img",
			"-device virtio-gpu-pci -chardev null,id=pos -device pci-serial,chardev=pos -netdev",
		}, []string{"virtio-tablet", "scanner"}},
		{"a watchdog that restarts the guest", Machine{Kernel: "/i/Image", Watchdog: true, Reboot: true},
			[]string{"-device i6300esb -action watchdog=reset"}, []string{"-no-reboot"}},
		{"environment ignored for a direct boot", Machine{Kernel: "/i/Image", UBootEnv: "/i/env.img"}, []string{"-kernel /i/Image"}, []string{"pflash", "-bios"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			args, err := c.m.Args()
			if err != nil {
				t.Fatal(err)
			}
			line := strings.Join(args, " ")
			for _, w := range c.want {
				if !strings.Contains(line, w) {
					t.Errorf("lacks %q:\n%s", w, line)
				}
			}
			for _, w := range c.notWant {
				if strings.Contains(line, w) {
					t.Errorf("has %q:\n%s", w, line)
				}
			}
		})
	}
	if _, err := (Machine{}).Args(); err == nil {
		t.Error("a machine with nothing to boot was accepted")
	}
}

func TestTabletPoint(t *testing.T) {
	for _, c := range []struct{ x, y, w, h, ax, ay int }{
		{0, 0, 1280, 800, 0, 0},
		{1279, 799, 1280, 800, TabletMax, TabletMax},
		{640, 400, 1281, 801, TabletMax / 2, TabletMax / 2},
		{-5, 5000, 1280, 800, 0, TabletMax},
	} {
		ax, ay := TabletPoint(c.x, c.y, c.w, c.h)
		if ax != c.ax || ay != c.ay {
			t.Errorf("TabletPoint(%d,%d on %dx%d) = %d,%d want %d,%d", c.x, c.y, c.w, c.h, ax, ay, c.ax, c.ay)
		}
	}
}
