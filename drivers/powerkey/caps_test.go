package powerkey

import (
	"testing"

	"payterm/drivers/internal/evdevio"
	"payterm/drivers/internal/evdevio/evdevtest"
)

// bitmap builds a kernel key bitmap with the given bits set.
func bitmap(set ...int) evdevio.Bits {
	return evdevio.BitsFrom(evdevtest.Bitmap(evdevio.KeyCnt, set...))
}

func TestFindIn(t *testing.T) {
	gpioKeys := bitmap(KeyPower)
	pmic := bitmap(KeyPower)
	tablet := bitmap(0x110, 0x111, 0x112)
	keyboard := bitmap(1, 2, 30, KeyPower)
	remote := bitmap(KeyPower, 0x160, 0x161, 0x162, 0x163) // vivid's rc device
	tests := []struct {
		name    string
		devices map[string]evdevio.Bits // a file without an entry: the ioctl fails
		files   []string
		want    string
	}{
		{"gpio-keys after the tablet", map[string]evdevio.Bits{"event0": tablet, "event1": gpioKeys}, []string{"event0", "event1"}, "event1"},
		// QEMU virt with vivid: the tablet, vivid's two remote
		// controls, then gpio-keys.
		{"button after remote controls", map[string]evdevio.Bits{"event0": tablet, "event1": remote, "event2": remote, "event3": gpioKeys},
			[]string{"event0", "event1", "event2", "event3"}, "event3"},
		{"keyboard alone", map[string]evdevio.Bits{"event0": tablet, "event1": keyboard}, []string{"event0", "event1"}, "event1"},
		{"fewest keys, then numeric order", map[string]evdevio.Bits{"event2": pmic, "event10": gpioKeys, "event1": keyboard},
			[]string{"event10", "event2", "event1"}, "event2"},
		{"failing device skipped", map[string]evdevio.Bits{"event1": gpioKeys}, []string{"event0", "event1"}, "event1"},
		{"none", map[string]evdevio.Bits{"event0": tablet}, []string{"event0", "mice"}, ""},
		{"not event devices", map[string]evdevio.Bits{"mouse0": gpioKeys}, []string{"mouse0"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evdevtest.CheckFind(t, findIn, tt.files, tt.devices, tt.want, "no power key")
		})
	}
	evdevtest.CheckFindMissingDir(t, findIn)
}
