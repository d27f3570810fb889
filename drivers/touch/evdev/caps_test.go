package evdev

import (
	"testing"

	"payterm/drivers/internal/evdevio"
	"payterm/drivers/internal/evdevio/evdevtest"
)

// bitmap builds a kernel bitmap with the given bits set, n bits long.
func bitmap(n int, set ...int) evdevio.Bits {
	return evdevio.BitsFrom(evdevtest.Bitmap(n, set...))
}

func TestIsTouch(t *testing.T) {
	tests := []struct {
		name string
		abs  []int
		keys []int
		want bool
	}{
		{"virtio tablet", []int{absX, absY}, []int{btnLeft, 0x111, 0x112}, true},
		{"single-touch screen", []int{absX, absY, 0x18}, []int{btnTouch}, true},
		{"protocol B screen", []int{absX, absY, absMTSlot, absMTPositionX, absMTPositionY, absMTTrackingID}, []int{btnTouch}, true},
		{"protocol B without emulation", []int{absMTSlot, absMTPositionX, absMTPositionY}, nil, true},
		{"joystick", []int{absX, absY, 0x02}, []int{0x120}, false},
		{"accelerometer", []int{absX, absY, 0x02}, nil, false},
		{"protocol A only", []int{absMTPositionX, absMTPositionY}, nil, false},
		{"keyboard", nil, []int{1, 2, 3}, false},
	}
	for _, tt := range tests {
		info := deviceInfo{abs: bitmap(absCnt, tt.abs...), keys: bitmap(keyCnt, tt.keys...)}
		if got := info.isTouch(); got != tt.want {
			t.Errorf("%s: isTouch %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestFindIn(t *testing.T) {
	touchInfo := &deviceInfo{abs: bitmap(absCnt, absX, absY), keys: bitmap(keyCnt, btnLeft)}
	keyboard := &deviceInfo{abs: bitmap(absCnt), keys: bitmap(keyCnt, 30)}
	tests := []struct {
		name    string
		files   []string
		devices map[string]*deviceInfo // missing: probe fails
		want    string
	}{
		{
			name:    "numeric order",
			files:   []string{"event10", "event9", "event1", "mouse0", "mice"},
			devices: map[string]*deviceInfo{"event1": keyboard, "event9": touchInfo, "event10": touchInfo},
			want:    "event9",
		},
		{
			name:    "probe failure skipped",
			files:   []string{"event0", "event1"},
			devices: map[string]*deviceInfo{"event1": touchInfo},
			want:    "event1",
		},
		{
			name:    "names that are not event devices",
			files:   []string{"eventX", "event", "event-1", "js0"},
			devices: map[string]*deviceInfo{"eventX": touchInfo, "event": touchInfo, "event-1": touchInfo, "js0": touchInfo},
		},
		{
			name:    "no touch device",
			files:   []string{"event0"},
			devices: map[string]*deviceInfo{"event0": keyboard},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evdevtest.CheckFind(t, findIn, tt.files, tt.devices, tt.want, "no touch device")
		})
	}
	evdevtest.CheckFindMissingDir(t, findIn)
}

func TestOptionsConfig(t *testing.T) {
	dev := &deviceInfo{
		single: Calibration{X: Axis{0, 32767}, Y: Axis{0, 32767}},
		multi:  Calibration{X: Axis{0, 4095}, Y: Axis{0, 4095}},
	}
	o := Options{Panel: testConfig().Panel, Rotation: 180}
	cfg := o.config(dev)
	if cfg.Single != dev.single || cfg.Multi != dev.multi || cfg.Rotation != 180 || cfg.Panel != o.Panel {
		t.Errorf("device ranges not used: %+v", cfg)
	}
	o.Calibration = Calibration{X: Axis{100, 3900}, Y: Axis{3900, 100}}
	cfg = o.config(dev)
	if cfg.Single != o.Calibration || cfg.Multi != o.Calibration {
		t.Errorf("override not applied to both: %+v", cfg)
	}
	if o.poll() <= 0 || o.logger() == nil {
		t.Error("zero Options have no poll interval or logger")
	}
}
