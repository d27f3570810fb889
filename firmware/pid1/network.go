package pid1

import (
	"fmt"
	"net"
	"net/netip"

	"golang.org/x/sys/unix"
)

// LoopbackUp sets the loopback interface up, so services listening on
// 127.0.0.1 work (the kernel configures its address but leaves it down).
func LoopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("pid1: lo: %w", err)
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return fmt.Errorf("pid1: lo: %w", err)
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return fmt.Errorf("pid1: lo: %w", err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		return fmt.Errorf("pid1: lo up: %w", err)
	}
	return nil
}

// Interface is a static IPv4 address for a network interface.
type Interface struct {
	Name string       // e.g. "eth0"
	Addr netip.Prefix // e.g. 10.0.2.15/24 (QEMU's user-mode network)
}

// ConfigureInterface gives the interface its address and netmask and sets
// it up. Hosts on its subnet are then reachable without a route; nothing
// else is (no default route).
func ConfigureInterface(i Interface) error {
	if !i.Addr.Addr().Is4() {
		return fmt.Errorf("pid1: %s: only IPv4 addresses, got %v", i.Name, i.Addr)
	}
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("pid1: %s: %w", i.Name, err)
	}
	defer unix.Close(fd)
	set := func(req uint, what string, fill func(*unix.Ifreq) error) error {
		ifr, err := unix.NewIfreq(i.Name)
		if err != nil {
			return fmt.Errorf("pid1: %s: %w", i.Name, err)
		}
		if err := fill(ifr); err != nil {
			return fmt.Errorf("pid1: %s %s: %w", i.Name, what, err)
		}
		if err := unix.IoctlIfreq(fd, req, ifr); err != nil {
			return fmt.Errorf("pid1: %s %s: %w", i.Name, what, err)
		}
		return nil
	}
	if err := set(unix.SIOCSIFADDR, "address", func(r *unix.Ifreq) error {
		return r.SetInet4Addr(i.Addr.Addr().AsSlice())
	}); err != nil {
		return err
	}
	mask := net.CIDRMask(i.Addr.Bits(), 32)
	if err := set(unix.SIOCSIFNETMASK, "netmask", func(r *unix.Ifreq) error {
		return r.SetInet4Addr(mask)
	}); err != nil {
		return err
	}
	ifr, err := unix.NewIfreq(i.Name)
	if err != nil {
		return fmt.Errorf("pid1: %s: %w", i.Name, err)
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return fmt.Errorf("pid1: %s flags: %w", i.Name, err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		return fmt.Errorf("pid1: %s up: %w", i.Name, err)
	}
	return nil
}
