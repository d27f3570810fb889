// Package board describes the hardware of each terminal model as data:
// which device nodes, GPIO lines, UARTs and kernel modules the firmware
// uses for each logical part. Adding a board is adding a table entry.
package board

import (
	"fmt"
	"sort"
)

// Board is one terminal model. A zero field means the part is absent.
type Board struct {
	Name    string
	Display Display
	Touch   Touch
	Camera  Camera
	Scanner Scanner
	Link    Link
	// Modules are kernel modules to load at boot, by name; their
	// dependencies come from modules.dep.
	Modules []string
	// Network is the static address of the link interface; zero for none.
	Network Network
}

// Network is one interface with a static IPv4 address.
type Network struct {
	Interface string // e.g. eth0
	Address   string // CIDR, e.g. 10.0.2.15/24
}

// Display is the panel.
type Display struct {
	Device   string // framebuffer node, e.g. /dev/fb0; "sim" for the virtual terminal
	Width    int    // logical size the ui lays out for, before rotation
	Height   int
	Rotation int // degrees clockwise the panel is mounted: 0, 90, 270
}

// Touch is the touch panel.
type Touch struct {
	Device string // evdev node or "sim"; "auto" finds the first absolute pointer
}

// Camera is the V4L2 capture device, or "sim" for the simulated one.
type Camera struct {
	Device string
}

// Scanner is the code reader on a UART with a trigger line.
type Scanner struct {
	UART        string // e.g. /dev/ttyS1, or "sim"
	Baud        int
	GPIOChip    string // e.g. /dev/gpiochip0; "" when the module has no trigger line
	TriggerLine int
	// TriggerActiveLow: the module reads while the line is low (most
	// hardware trigger inputs are).
	TriggerActiveLow bool
	Protocol         string // "plain" (code + CR) or "honeywell"
}

// Link is how the POS reaches the terminal.
type Link struct {
	HTTPS      string // listen address for nexo over HTTPS, e.g. :8443
	SerialPort string // POS serial port, "" for none
	SerialBaud int
}

// Sim is the virtual terminal: every part simulated, HTTPS on loopback.
var Sim = Board{
	Name:    "sim",
	Display: Display{Device: "sim", Width: 1280, Height: 800},
	Touch:   Touch{Device: "sim"},
	Camera:  Camera{Device: "sim"},
	Scanner: Scanner{UART: "sim", Protocol: "plain"},
	Link:    Link{HTTPS: "127.0.0.1:8443"},
}

// QEMUVirt is QEMU's arm64 "virt" machine with virtio-gpu, a virtio
// tablet, two PCI 16550 UARTs (the first for the POS, the second for the
// scanner: they enumerate as ttyS0 and ttyS1), PL061 GPIO and vivid as the
// camera. PL061 line 3 is the virt machine's power button (QMP
// system_powerdown pulses it; the device tree makes it a gpio-keys
// KEY_POWER, which needs the gpio_keys module), so the trigger uses line 4.
var QEMUVirt = Board{
	Name:    "qemu-virt",
	Display: Display{Device: "/dev/fb0", Width: 1280, Height: 800},
	Touch:   Touch{Device: "auto"},
	Camera:  Camera{Device: "/dev/video0"},
	Scanner: Scanner{UART: "/dev/ttyS1", Baud: 9600, GPIOChip: "/dev/gpiochip0", TriggerLine: 4, Protocol: "plain"},
	Link:    Link{HTTPS: ":8443", SerialPort: "/dev/ttyS0", SerialBaud: 115200},
	Modules: []string{
		"virtio_pci", "virtio_blk", "crc32c_generic", "ext4", "evdev",
		"drm", "drm_kms_helper", "drm_shmem_helper", "virtio_dma_buf", "virtio-gpu",
		"virtio_input", "virtio_net", "vivid", "gpio_keys",
		"i6300esb", // QEMU's watchdog (-device i6300esb), fed by PID 1
	},
	Network: Network{Interface: "eth0", Address: "10.0.2.15/24"},
}

// all is the board table. Read only.
func all() []Board { return []Board{Sim, QEMUVirt} }

// Lookup returns the board called name.
func Lookup(name string) (Board, error) {
	for _, b := range all() {
		if b.Name == name {
			return b, nil
		}
	}
	return Board{}, fmt.Errorf("board: unknown board %q (known: %v)", name, Names())
}

// Names lists the known boards.
func Names() []string {
	var n []string
	for _, b := range all() {
		n = append(n, b.Name)
	}
	sort.Strings(n)
	return n
}
