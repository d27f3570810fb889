package uart_test

import (
	"errors"
	"strings"
	"testing"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/physic"

	"payterm/drivers/scanner/uart"
)

// fakePin is a gpio.PinOut that records levels.
type fakePin struct {
	levels []gpio.Level
	halted bool
	fail   error
}

var _ gpio.PinOut = (*fakePin)(nil)

func (p *fakePin) String() string   { return "GPIO3" }
func (p *fakePin) Halt() error      { p.halted = true; return nil }
func (p *fakePin) Name() string     { return "GPIO3" }
func (p *fakePin) Number() int      { return 3 }
func (p *fakePin) Function() string { return "Out" }
func (p *fakePin) PWM(gpio.Duty, physic.Frequency) error {
	return errors.New("fakePin: no PWM")
}
func (p *fakePin) Out(l gpio.Level) error {
	if p.fail != nil {
		return p.fail
	}
	p.levels = append(p.levels, l)
	return nil
}

func TestPinTriggerLevels(t *testing.T) {
	for _, activeLow := range []bool{false, true} {
		pin := &fakePin{}
		released := false
		trig := uart.PinTrigger{Pin: pin, ActiveLow: activeLow, Release: func() error { released = true; return nil }}
		if err := trig.Set(true); err != nil {
			t.Fatal(err)
		}
		if err := trig.Set(false); err != nil {
			t.Fatal(err)
		}
		if err := trig.Halt(); err != nil {
			t.Fatal(err)
		}
		active, inactive := gpio.High, gpio.Low
		if activeLow {
			active, inactive = gpio.Low, gpio.High
		}
		want := []gpio.Level{active, inactive, inactive}
		if len(pin.levels) != len(want) {
			t.Fatalf("activeLow %v: levels %v, want %v", activeLow, pin.levels, want)
		}
		for i := range want {
			if pin.levels[i] != want[i] {
				t.Fatalf("activeLow %v: levels %v, want %v", activeLow, pin.levels, want)
			}
		}
		if !pin.halted || !released {
			t.Fatalf("activeLow %v: Halt left pin halted=%v released=%v", activeLow, pin.halted, released)
		}
	}
}

func TestPinTriggerErrorNamesPin(t *testing.T) {
	pin := &fakePin{fail: errors.New("EBUSY")}
	err := uart.PinTrigger{Pin: pin}.Set(true)
	if err == nil || !strings.Contains(err.Error(), "GPIO3") || !strings.HasPrefix(err.Error(), "uart: ") {
		t.Fatalf("error %v, want one naming the pin", err)
	}
}

func TestOpenTriggerMissingChip(t *testing.T) {
	if _, err := uart.OpenTrigger("/dev/no-such-gpiochip", 3, true); err == nil {
		t.Fatal("OpenTrigger of a missing chip succeeded")
	}
}
