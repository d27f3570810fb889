package pid1

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// Sys is the handful of system calls PID 1 makes, so tests can run the
// boot sequence against a fake tree without privileges. RealSys makes
// them for real.
type Sys interface {
	Mount(source, target, fstype string, flags uintptr, data string) error
	Unmount(target string, flags int) error
	// FinitModule loads the kernel module in f with params (finit_module(2)).
	FinitModule(f *os.File, params string) error
	// Reboot performs cmd (unix.LINUX_REBOOT_CMD_*). It returns only on failure.
	Reboot(cmd int) error
	Sync()
	// Release is the running kernel's release (uname -r).
	Release() (string, error)
}

// RealSys is Sys on the running kernel.
type RealSys struct{}

var _ Sys = RealSys{}

func (RealSys) Mount(source, target, fstype string, flags uintptr, data string) error {
	return unix.Mount(source, target, fstype, flags, data)
}

func (RealSys) Unmount(target string, flags int) error { return unix.Unmount(target, flags) }

func (RealSys) FinitModule(f *os.File, params string) error {
	return unix.FinitModule(int(f.Fd()), params, 0)
}

func (RealSys) Reboot(cmd int) error { return unix.Reboot(cmd) }

func (RealSys) Sync() { unix.Sync() }

func (RealSys) Release() (string, error) {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return "", err
	}
	b := u.Release[:]
	for i, c := range b {
		if c == 0 {
			b = b[:i]
			break
		}
	}
	if len(b) == 0 {
		return "", errors.New("empty kernel release")
	}
	return string(b), nil
}
