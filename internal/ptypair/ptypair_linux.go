package ptypair

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// Open allocates a pty from /dev/ptmx, unlocks it, opens its tty and puts
// the tty in raw mode: 8 data bits, no echo, no line editing, no signals,
// no CR/NL translation, no output processing, reads return after 1 byte.
func Open() (*Pair, error) {
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		return nil, fmt.Errorf("ptypair: %w", err)
	}
	name, err := unlock(master)
	if err != nil {
		master.Close()
		return nil, err
	}
	slave, err := os.OpenFile(name, os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		master.Close()
		return nil, fmt.Errorf("ptypair: %w", err)
	}
	if err := makeRaw(slave); err != nil {
		slave.Close()
		master.Close()
		return nil, err
	}
	return &Pair{Master: master, Slave: slave, Name: name}, nil
}

// unlock is unlockpt(3) and ptsname(3). It goes through SyscallConn
// because File.Fd would switch the file to blocking mode.
func unlock(master *os.File) (name string, err error) {
	raw, err := master.SyscallConn()
	if err != nil {
		return "", fmt.Errorf("ptypair: %w", err)
	}
	var n int
	cerr := raw.Control(func(fd uintptr) {
		if err = unix.IoctlSetPointerInt(int(fd), unix.TIOCSPTLCK, 0); err != nil {
			err = fmt.Errorf("ptypair: unlockpt: %w", err)
			return
		}
		if n, err = unix.IoctlGetInt(int(fd), unix.TIOCGPTN); err != nil {
			err = fmt.Errorf("ptypair: ptsname: %w", err)
		}
	})
	if cerr != nil {
		return "", fmt.Errorf("ptypair: %w", cerr)
	}
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("/dev/pts/%d", n), nil
}

// makeRaw does what cfmakeraw(3) does, with VMIN 1 and VTIME 0.
func makeRaw(tty *os.File) error {
	raw, err := tty.SyscallConn()
	if err != nil {
		return fmt.Errorf("ptypair: %w", err)
	}
	cerr := raw.Control(func(fd uintptr) {
		var t *unix.Termios
		if t, err = unix.IoctlGetTermios(int(fd), unix.TCGETS); err != nil {
			err = fmt.Errorf("ptypair: get termios: %w", err)
			return
		}
		t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
		t.Oflag &^= unix.OPOST
		t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
		t.Cflag &^= unix.CSIZE | unix.PARENB
		t.Cflag |= unix.CS8
		t.Cc[unix.VMIN] = 1
		t.Cc[unix.VTIME] = 0
		if err = unix.IoctlSetTermios(int(fd), unix.TCSETS, t); err != nil {
			err = fmt.Errorf("ptypair: set termios: %w", err)
		}
	})
	if cerr != nil {
		return fmt.Errorf("ptypair: %w", cerr)
	}
	return err
}
