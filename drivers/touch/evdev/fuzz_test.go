package evdev

import (
	"bytes"
	"image"
	"testing"

	"payterm/drivers/touch"
)

// FuzzDecoder feeds arbitrary bytes and checks the decoder's promises: no
// panic, every point on the panel, Down/Move/Up well nested, and the
// finger lifted before the stream's error.
func FuzzDecoder(f *testing.F) {
	for _, tc := range decodeCases {
		f.Add(tc.input, uint8(0))
	}
	f.Add(stream(dropped(), abs(absMTTrackingID, 1), syn(), syn()), uint8(7))
	f.Add(stream(abs(absMTSlot, 15), abs(absMTTrackingID, 0), syn(), abs(absMTSlot, 16), syn()), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, mode uint8) {
		cfg := Config{
			Panel:    image.Pt(1+int(mode>>4), 1+int(mode&0x0f)),
			Rotation: 90 * int(mode%4),
			Single:   Calibration{X: Axis{-5, 5}, Y: Axis{1 << 30, -1 << 30}},
		}
		if mode&4 != 0 {
			cfg.Resync = func() (Snapshot, error) {
				return Snapshot{Touching: mode&8 != 0, Slot: 3, Slots: []SlotState{{1, 2, 3}, {-5, 0, 0}}}, nil
			}
		}
		d, err := NewDecoder(bytes.NewReader(data), cfg)
		if err != nil {
			t.Fatal(err)
		}
		panel := image.Rectangle{Max: cfg.Panel}
		isDown := false
		for i := 0; ; i++ {
			ev, err := d.Next()
			if err != nil {
				if isDown {
					t.Fatal("stream ended with the finger down")
				}
				return
			}
			if i > len(data) {
				t.Fatalf("%d events from %d bytes", i, len(data))
			}
			if !ev.At.In(panel) {
				t.Fatalf("event %v outside %v", ev, panel)
			}
			switch ev.Kind {
			case touch.Down:
				if isDown {
					t.Fatal("Down while down")
				}
				isDown = true
			case touch.Move:
				if !isDown {
					t.Fatal("Move while up")
				}
			case touch.Up:
				if !isDown {
					t.Fatal("Up while up")
				}
				isDown = false
			default:
				t.Fatalf("kind %v", ev.Kind)
			}
		}
	})
}
