// Command qemu boots the image from mkimage in QEMU's arm64 virt machine:
// through U-Boot from disk.img, or directly (-direct) from Image and
// initrd.img. The console is this terminal (Ctrl-A X quits); the POS and
// scanner UARTs are unix sockets in the image directory, the nexo port is
// forwarded to 127.0.0.1, and QMP listens on qmp.sock.
//
//	go run ./rootfs/cmd/qemu -dir out/image
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"

	"payterm/rootfs"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "qemu:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("qemu", flag.ContinueOnError)
	dir := fs.String("dir", "out/image", "image directory (from mkimage)")
	direct := fs.Bool("direct", false, "boot Image and initrd.img directly, skipping U-Boot")
	kargs := fs.String("args", rootfs.DefaultArgs, "kernel command line for -direct")
	display := fs.String("display", "none", "QEMU display: none, gtk, vnc=:1")
	https := fs.Int("https", 8443, "host port forwarded to the guest's nexo port (0: none)")
	mem := fs.Int("m", 512, "memory in MiB")
	persist := fs.Bool("persist", false, "keep the guest's disk writes (default: discard them)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	abs, err := filepath.Abs(*dir)
	if err != nil {
		return err
	}
	m := rootfs.Machine{
		MemoryMiB:     *mem,
		Disk:          filepath.Join(abs, rootfs.OutDisk),
		Display:       *display,
		QMP:           filepath.Join(abs, "qmp.sock"),
		SerialPOS:     filepath.Join(abs, "pos.sock"),
		SerialScanner: filepath.Join(abs, "scanner.sock"),
		HTTPSPort:     *https,
		Snapshot:      !*persist,
		Interactive:   true,
	}
	// U-Boot's stored environment (no autoboot delay), when mkimage made it.
	if env := filepath.Join(abs, rootfs.OutUBootEnv); !*direct {
		if _, err := os.Stat(env); err == nil {
			m.UBootEnv = env
		}
	}
	if *direct {
		m.Kernel = filepath.Join(abs, rootfs.OutImage)
		m.Initrd = filepath.Join(abs, rootfs.OutInitrd)
		m.Append = *kargs
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	fmt.Fprintf(os.Stderr, "qemu: QMP %s, POS UART %s, scanner UART %s, nexo https://127.0.0.1:%d/nexo\n",
		m.QMP, m.SerialPOS, m.SerialScanner, *https)
	vm, err := m.Start(ctx, nil)
	if err != nil {
		return err
	}
	return vm.Wait()
}
