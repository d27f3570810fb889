package main

import (
	"os"
	"testing"

	"golang.org/x/sys/unix"

	"payterm/firmware/pid1"
)

func TestShutdownFor(t *testing.T) {
	tests := []struct {
		sig  os.Signal
		want int // 0: not a request
	}{
		{unix.SIGTERM, pid1.PowerOff},
		{unix.SIGPWR, pid1.PowerOff},
		{unix.SIGINT, pid1.Restart},
		{unix.SIGHUP, 0},
		{unix.SIGUSR1, 0},
		{unix.SIGCHLD, 0},
	}
	for _, tt := range tests {
		req, ok := shutdownFor(tt.sig)
		if ok != (tt.want != 0) || ok && (req.mode != tt.want || req.reason == "") {
			t.Errorf("%v: %+v, %v; want mode %#x", tt.sig, req, ok, tt.want)
		}
	}
	for _, sig := range shutdownSignals() {
		if _, ok := shutdownFor(sig); !ok {
			t.Errorf("%v is listened for but asks for nothing", sig)
		}
	}
}

func TestShutdownThen(t *testing.T) {
	if got := (shutdown{mode: pid1.Restart}).then(); got != "restart" {
		t.Errorf("Restart: %q", got)
	}
	if got := (shutdown{mode: pid1.PowerOff}).then(); got != "power off" {
		t.Errorf("PowerOff: %q", got)
	}
}
