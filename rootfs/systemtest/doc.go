// Package systemtest boots the terminal's real image — the firmware as
// PID 1 on the Debian arm64 kernel — in qemu-system-aarch64 under TCG and
// drives it as a customer and a POS would: the POS's order over the
// emulated serial port, the screen read back with QMP's screendump and
// compared with the same view rendered on the host, taps on the virtio
// tablet, payment codes written into the scanner's UART, and the scanner's
// trigger line read from the PL061's registers. The package holds tests
// and benchmarks only (go test ./rootfs/systemtest); -short skips them.
package systemtest
