package rootfs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// UBootQEMU is Debian's U-Boot for QEMU's arm64 virt machine (u-boot-qemu).
const UBootQEMU = "/usr/lib/u-boot/qemu_arm64/u-boot.bin"

// QEMUBaseModules are the modules PID 1 needs on QEMU's virt machine
// before any board driver: the PCI virtio transport, the disk, ext4 (with
// the crc32c its metadata checksums use; a soft dependency modules.dep
// does not list) for the data partition, and evdev for /dev/input/event*.
func QEMUBaseModules() []string {
	return []string{"virtio_pci", "virtio_blk", "crc32c_generic", "ext4", "evdev"}
}

// Machine is a QEMU arm64 "virt" machine for the terminal: virtio-gpu as
// the display, a virtio tablet as the touch panel (absolute axes
// 0–32767), two PCI 16550 UARTs (POS link, then scanner) on host unix
// sockets, user-mode networking with the nexo port forwarded, and a QMP
// socket to read the screen and touch it. Zero fields take the defaults
// noted.
type Machine struct {
	QEMU      string // "": qemu-system-aarch64
	CPU       string // "": cortex-a57
	MemoryMiB int    // 0: 512
	CPUs      int    // 0: 1

	// Disk is the image U-Boot boots from (virtio-blk). BIOS is the
	// firmware run first; "" is UBootQEMU. Both are ignored when Kernel
	// is set.
	Disk, BIOS string
	// UBootEnv is the second flash bank, holding U-Boot's stored
	// environment (Build's OutUBootEnv), attached read-only; "" leaves
	// U-Boot on its built-in defaults (a 2 s autoboot delay).
	UBootEnv string
	// Kernel, Initrd and Append boot a kernel directly (-kernel, -initrd,
	// -append), skipping U-Boot: quicker while iterating. Disk is still
	// attached when set.
	Kernel, Initrd, Append string

	// Display is QEMU's -display: "none" (default), "gtk", "vnc=:1".
	Display string
	// QMP is the path of the QMP unix socket QEMU listens on; "" for none.
	QMP string
	// SerialPOS and SerialScanner are unix socket paths QEMU listens on
	// for the two PCI UARTs; "" leaves that UART unconnected.
	SerialPOS, SerialScanner string
	// HTTPSPort forwards 127.0.0.1:HTTPSPort on the host to the guest's
	// 8443; 0 for none. The guest reaches nothing else (restrict=on).
	HTTPSPort int
	// Watchdog adds an i6300esb watchdog that resets the guest when PID 1
	// stops feeding it.
	Watchdog bool
	// Reboot lets a guest reset (a reboot, the watchdog) start the
	// machine again instead of making QEMU exit (-no-reboot): for tests
	// that watch a terminal come back.
	Reboot bool
	// Snapshot discards the guest's disk writes (-snapshot).
	Snapshot bool
	// Interactive gives the console to the terminal (mon:stdio: Ctrl-A X
	// quits); otherwise console output goes to Start's writer.
	Interactive bool
	// NoTablet leaves out the virtio tablet and NoScanner the scanner's
	// UART: a terminal built without a touch panel or code scanner.
	NoTablet, NoScanner bool
	// Extra is appended to the command line as is.
	Extra []string
}

// Args is QEMU's command line for m, without the program name. A guest
// reboot or panic makes QEMU exit (-no-reboot) unless m.Reboot, so a run
// always ends.
func (m Machine) Args() ([]string, error) {
	if m.Kernel == "" && m.Disk == "" {
		return nil, errors.New("rootfs: qemu: neither a disk nor a kernel to boot")
	}
	a := []string{
		// acpi=off: with firmware (U-Boot) loaded, virt otherwise swaps the
		// PL061 GPIO controller, whose line 4 is the scanner's trigger,
		// for an ACPI event device; the kernel boots from the device tree.
		"-M", "virt,acpi=off", "-cpu", or(m.CPU, "cortex-a57"),
		"-m", fmt.Sprint(orInt(m.MemoryMiB, 512)), "-smp", fmt.Sprint(orInt(m.CPUs, 1)),
		"-nodefaults", "-no-user-config",
		"-display", or(m.Display, "none"),
	}
	if !m.Reboot {
		a = append(a, "-no-reboot")
	}
	if m.Interactive {
		a = append(a, "-serial", "mon:stdio")
	} else {
		a = append(a, "-serial", "stdio", "-monitor", "none")
	}
	if m.Kernel != "" {
		a = append(a, "-kernel", m.Kernel)
		if m.Initrd != "" {
			a = append(a, "-initrd", m.Initrd)
		}
		if m.Append != "" {
			a = append(a, "-append", m.Append)
		}
	} else {
		a = append(a, "-bios", or(m.BIOS, UBootQEMU))
		if m.UBootEnv != "" {
			a = append(a, "-drive", "if=pflash,unit=1,format=raw,readonly=on,file="+qemuOpt(m.UBootEnv))
		}
	}
	if m.Disk != "" {
		a = append(a, "-drive", "if=none,id=disk,format=raw,file="+qemuOpt(m.Disk), "-device", "virtio-blk-pci,drive=disk")
	}
	if m.Snapshot {
		a = append(a, "-snapshot")
	}
	a = append(a, "-device", "virtio-gpu-pci")
	if !m.NoTablet {
		a = append(a, "-device", "virtio-tablet-pci")
	}
	for _, s := range []struct {
		id, path string
		absent   bool
	}{{"pos", m.SerialPOS, false}, {"scanner", m.SerialScanner, m.NoScanner}} {
		if s.absent {
			continue
		}
		if s.path == "" {
			a = append(a, "-chardev", "null,id="+s.id)
		} else {
			a = append(a, "-chardev", "socket,id="+s.id+",path="+qemuOpt(s.path)+",server=on,wait=off")
		}
		a = append(a, "-device", "pci-serial,chardev="+s.id)
	}
	net := "user,id=net,restrict=on"
	if m.HTTPSPort != 0 {
		net += fmt.Sprintf(",hostfwd=tcp:127.0.0.1:%d-:8443", m.HTTPSPort)
	}
	a = append(a, "-netdev", net, "-device", "virtio-net-pci,netdev=net,romfile=")
	if m.Watchdog {
		a = append(a, "-device", "i6300esb", "-action", "watchdog=reset")
	}
	if m.QMP != "" {
		a = append(a, "-qmp", "unix:"+qemuOpt(m.QMP)+",server=on,wait=off")
	}
	return append(a, m.Extra...), nil
}

func orInt(n, def int) int {
	if n == 0 {
		return def
	}
	return n
}

// qemuOpt escapes a value for QEMU's comma-separated option syntax.
func qemuOpt(s string) string { return strings.ReplaceAll(s, ",", ",,") }

// VM is a running QEMU.
type VM struct {
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

// Start launches m. Console output (U-Boot, the kernel, PID 1) goes to
// console unless m is Interactive. The process is killed when ctx ends;
// Stop ends it sooner.
func (m Machine) Start(ctx context.Context, console io.Writer) (*VM, error) {
	args, err := m.Args()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, or(m.QEMU, "qemu-system-aarch64"), args...)
	if m.Interactive {
		cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	} else {
		cmd.Stdout, cmd.Stderr = console, console
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlive the launcher
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("rootfs: qemu (rootfs/deps.sh installs it): %w", err)
	}
	vm := &VM{cmd: cmd, done: make(chan struct{})}
	go func() {
		vm.err = cmd.Wait()
		close(vm.done)
	}()
	return vm, nil
}

// Done is closed when QEMU has exited.
func (v *VM) Done() <-chan struct{} { return v.done }

// Wait waits for QEMU to exit and returns how it ended.
func (v *VM) Wait() error {
	<-v.done
	if v.err != nil {
		return fmt.Errorf("rootfs: qemu: %w", v.err)
	}
	return nil
}

// Stop kills QEMU (if still running) and waits for it.
func (v *VM) Stop() {
	select {
	case <-v.done:
		return
	default:
	}
	v.cmd.Process.Kill()
	<-v.done
}
