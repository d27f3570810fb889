package evdev

import (
	"bytes"
	"errors"
	"image"
	"io"
	"slices"
	"testing"
	"testing/iotest"

	"payterm/drivers/touch"
	"payterm/internal/readertest"
)

func down(x, y int) touch.Event { return touch.Event{Kind: touch.Down, At: image.Pt(x, y)} }
func move(x, y int) touch.Event { return touch.Event{Kind: touch.Move, At: image.Pt(x, y)} }
func up(x, y int) touch.Event   { return touch.Event{Kind: touch.Up, At: image.Pt(x, y)} }

// testConfig: a 1280×800 panel; single-touch raw values are pixels,
// multi-touch raw values are twice the pixels.
func testConfig() Config {
	return Config{
		Panel:  image.Pt(1280, 800),
		Single: Calibration{X: Axis{0, 1279}, Y: Axis{0, 799}},
		Multi:  Calibration{X: Axis{0, 2558}, Y: Axis{0, 1598}},
	}
}

type decodeCase struct {
	name    string
	cfg     func(*Config)
	input   []byte
	want    []touch.Event
	wantErr error
}

var decodeCases = []decodeCase{
	{
		name: "virtio tablet tap",
		cfg: func(c *Config) {
			c.Single = Calibration{X: Axis{0, 32767}, Y: Axis{0, 32767}}
		},
		input: stream(
			abs(absX, 0), abs(absY, 0), syn(), // hovering: no button
			abs(absX, 32767), abs(absY, 16384), syn(),
			key(btnLeft, 1), syn(),
			key(btnLeft, 0), syn(),
		),
		// 16384/32767 of the way down 799 pixel steps is 399.51.
		want:    []touch.Event{down(1279, 400), up(1279, 400)},
		wantErr: io.EOF,
	},
	{
		name: "single touch drag",
		input: stream(
			abs(absX, 100), abs(absY, 200), key(btnTouch, 1), syn(),
			abs(absX, 110), syn(),
			abs(absY, 210), syn(),
			syn(),                   // nothing changed
			key(btnTouch, 2), syn(), // autorepeat: still held
			abs(absX, 115), key(btnTouch, 0), syn(), // lifted after a last nudge
		),
		want:    []touch.Event{down(100, 200), move(110, 200), move(110, 210), up(115, 210)},
		wantErr: io.EOF,
	},
	{
		name: "unfinished frame is not reported",
		input: stream(
			abs(absX, 5), abs(absY, 6), key(btnTouch, 1),
		),
		wantErr: io.EOF,
	},
	{
		name: "other event types ignored",
		input: stream(
			in{Type: 0x04, Code: 0x04, Value: 7}, // EV_MSC MSC_SCAN
			in{Type: 0x02, Code: 0x00, Value: 3}, // EV_REL REL_X
			key(0x14d, 1),                        // BTN_TOOL_DOUBLETAP
			abs(0x18, 40),                        // ABS_PRESSURE
			syn(),
			abs(absX, 1), abs(absY, 2), key(btnTouch, 1), syn(),
			in{Type: evSyn, Code: 2}, // SYN_MT_REPORT (protocol A)
			key(btnTouch, 0), syn(),
		),
		want:    []touch.Event{down(1, 2), up(1, 2)},
		wantErr: io.EOF,
	},
	{
		name: "multi touch protocol B two fingers",
		input: stream(
			// First finger in slot 0, with the kernel's single-touch emulation.
			abs(absMTTrackingID, 10), abs(absMTPositionX, 200), abs(absMTPositionY, 400),
			key(btnTouch, 1), abs(absX, 100), abs(absY, 200), syn(),
			// Second finger lands and moves: not the customer's.
			abs(absMTSlot, 1), abs(absMTTrackingID, 11), abs(absMTPositionX, 1000), abs(absMTPositionY, 1000), syn(),
			abs(absMTPositionX, 1100), syn(),
			// First finger moves, then lifts.
			abs(absMTSlot, 0), abs(absMTPositionX, 300), abs(absX, 150), syn(),
			abs(absMTTrackingID, -1), syn(),
			// The second finger is still down and moving: still ignored.
			abs(absMTSlot, 1), abs(absMTPositionX, 1200), syn(),
			abs(absMTTrackingID, -1), key(btnTouch, 0), syn(),
			// A new finger is followed again.
			abs(absMTSlot, 0), abs(absMTTrackingID, 12), abs(absMTPositionX, 600), abs(absMTPositionY, 600),
			key(btnTouch, 1), syn(),
			abs(absMTTrackingID, -1), key(btnTouch, 0), syn(),
		),
		want:    []touch.Event{down(100, 200), move(150, 200), up(150, 200), down(300, 300), up(300, 300)},
		wantErr: io.EOF,
	},
	{
		name: "multi touch first finger in slot 1",
		input: stream(
			abs(absMTSlot, 1), abs(absMTTrackingID, 5), abs(absMTPositionX, 40), abs(absMTPositionY, 60), syn(),
			abs(absMTTrackingID, -1), syn(),
		),
		want:    []touch.Event{down(20, 30), up(20, 30)},
		wantErr: io.EOF,
	},
	{
		name: "multi touch contact replaced within a frame",
		input: stream(
			abs(absMTTrackingID, 1), abs(absMTPositionX, 10), abs(absMTPositionY, 10), syn(),
			abs(absMTTrackingID, 2), abs(absMTPositionX, 500), abs(absMTPositionY, 500), syn(),
			abs(absMTTrackingID, -1), syn(),
		),
		want:    []touch.Event{down(5, 5), up(5, 5), down(250, 250), up(250, 250)},
		wantErr: io.EOF,
	},
	{
		name: "multi touch slot out of range ignored",
		input: stream(
			abs(absMTSlot, 99), abs(absMTTrackingID, 1), abs(absMTPositionX, 10), syn(),
			abs(absMTSlot, -1), abs(absMTTrackingID, 2), syn(),
			abs(absMTTrackingID, -1), syn(),
		),
		wantErr: io.EOF,
	},
	{
		name: "SYN_DROPPED without resync drops up to SYN_REPORT",
		input: stream(
			abs(absX, 10), abs(absY, 20), key(btnTouch, 1), syn(),
			dropped(), abs(absX, 999), key(btnTouch, 0), syn(), // all discarded
			abs(absX, 50), syn(), // still down: a move
			key(btnTouch, 0), syn(),
		),
		want:    []touch.Event{down(10, 20), move(50, 20), up(50, 20)},
		wantErr: io.EOF,
	},
	{
		name: "SYN_DROPPED resync finds the finger lifted",
		cfg: func(c *Config) {
			c.Resync = func() (Snapshot, error) { return Snapshot{Touching: false, X: 70, Y: 80}, nil }
		},
		input: stream(
			abs(absX, 10), abs(absY, 20), key(btnTouch, 1), syn(),
			dropped(), abs(absX, 30), syn(),
			abs(absX, 90), abs(absY, 90), syn(), // hover: nothing
		),
		want:    []touch.Event{down(10, 20), up(70, 80)},
		wantErr: io.EOF,
	},
	{
		name: "SYN_DROPPED resync finds a new contact",
		cfg: func(c *Config) {
			c.Resync = func() (Snapshot, error) {
				return Snapshot{Touching: true, Slot: 1, Slots: []SlotState{{-1, 0, 0}, {42, 800, 400}}}, nil
			}
		},
		input: stream(
			abs(absMTTrackingID, 7), abs(absMTPositionX, 100), abs(absMTPositionY, 100), syn(),
			dropped(), syn(),
			abs(absMTPositionX, 820), syn(), // slot 1 is current now
			abs(absMTTrackingID, -1), syn(),
		),
		want:    []touch.Event{down(50, 50), up(50, 50), down(400, 200), move(410, 200), up(410, 200)},
		wantErr: io.EOF,
	},
	{
		name: "SYN_DROPPED resync failure keeps state",
		cfg: func(c *Config) {
			c.Resync = func() (Snapshot, error) { return Snapshot{}, errors.New("ENODEV") }
		},
		input: stream(
			abs(absX, 10), abs(absY, 20), key(btnTouch, 1), syn(),
			dropped(), syn(),
			key(btnTouch, 0), syn(),
		),
		want:    []touch.Event{down(10, 20), up(10, 20)},
		wantErr: io.EOF,
	},
	{
		name: "rotation 90",
		cfg: func(c *Config) {
			c.Rotation = 90
			// The sensor's x axis runs down the panel's 800 pixels.
			c.Single = Calibration{X: Axis{0, 799}, Y: Axis{0, 1279}}
		},
		input: stream(
			abs(absX, 0), abs(absY, 0), key(btnTouch, 1), syn(), // sensor origin: top-right
			abs(absX, 799), syn(), // along sensor x: down the right edge
			abs(absY, 1279), syn(), // along sensor y: to the left edge
			abs(absX, 100), abs(absY, 200), key(btnTouch, 0), syn(),
		),
		want:    []touch.Event{down(1279, 0), move(1279, 799), move(0, 799), up(1079, 100)},
		wantErr: io.EOF,
	},
	{
		name: "calibration with an inverted axis",
		cfg: func(c *Config) {
			c.Single = Calibration{X: Axis{4000, 100}, Y: Axis{100, 4000}}
		},
		input: stream(
			abs(absX, 4000), abs(absY, 100), key(btnTouch, 1), syn(), // raw X max is the left edge
			abs(absX, 100), abs(absY, 4000), syn(),
			abs(absX, 5000), abs(absY, -7), syn(), // beyond the range: clamped
			key(btnTouch, 0), syn(),
		),
		want:    []touch.Event{down(0, 0), move(1279, 799), move(0, 0), up(0, 0)},
		wantErr: io.EOF,
	},
	{
		name: "end of stream with the finger down lifts it",
		input: stream(
			abs(absX, 3), abs(absY, 4), key(btnTouch, 1), syn(),
			abs(absX, 5), syn(),
		),
		want:    []touch.Event{down(3, 4), move(5, 4), up(5, 4)},
		wantErr: io.EOF,
	},
	{
		name: "event cut short",
		input: concat(
			stream(abs(absX, 3), abs(absY, 4), key(btnTouch, 1), syn()),
			stream(key(btnTouch, 0))[:10],
		),
		want:    []touch.Event{down(3, 4), up(3, 4)},
		wantErr: io.ErrUnexpectedEOF,
	},
}

// decodeAll runs a decoder to its error.
func decodeAll(t *testing.T, r io.Reader, cfg Config) ([]touch.Event, error) {
	t.Helper()
	d, err := NewDecoder(r, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var out []touch.Event
	for range 10000 {
		ev, err := d.Next()
		if err != nil {
			if _, again := d.Next(); !errors.Is(again, err) && again.Error() != err.Error() {
				t.Errorf("second Next after failure: %v, first %v", again, err)
			}
			return out, err
		}
		out = append(out, ev)
	}
	t.Fatal("decoder never ended")
	return nil, nil
}

func TestDecoder(t *testing.T) {
	for _, tc := range decodeCases {
		for _, rd := range readertest.Readers(tc.input) {
			t.Run(tc.name+"/"+rd.Name, func(t *testing.T) {
				cfg := testConfig()
				if tc.cfg != nil {
					tc.cfg(&cfg)
				}
				got, err := decodeAll(t, rd.R, cfg)
				if !slices.Equal(got, tc.want) {
					t.Errorf("events\n got %v\nwant %v", got, tc.want)
				}
				if !errors.Is(err, tc.wantErr) {
					t.Errorf("error %v, want %v", err, tc.wantErr)
				}
			})
		}
	}
}

func TestDecoderReadError(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(
		bytes.NewReader(stream(abs(absX, 1), abs(absY, 1), key(btnTouch, 1), syn())),
		iotest.ErrReader(boom),
	)
	got, err := decodeAll(t, r, testConfig())
	if want := []touch.Event{down(1, 1), up(1, 1)}; !slices.Equal(got, want) {
		t.Errorf("events %v, want %v", got, want)
	}
	if !errors.Is(err, boom) {
		t.Errorf("error %v, want it to wrap %v", err, boom)
	}
}

// TestDecoderIgnoresContactsBeforeStart: a finger already down when the
// device was opened (the snapshot says so) is not reported, not even its
// lift; the next touch is.
func TestDecoderIgnoresContactsBeforeStart(t *testing.T) {
	tests := []struct {
		name  string
		snap  Snapshot
		input []byte
		want  []touch.Event
	}{
		{
			name: "single touch",
			snap: Snapshot{Touching: true, X: 9, Y: 9},
			input: stream(
				abs(absX, 10), syn(),
				key(btnTouch, 0), syn(),
				abs(absX, 20), abs(absY, 30), key(btnTouch, 1), syn(),
			),
			want: []touch.Event{down(20, 30), up(20, 30)},
		},
		{
			name: "multi touch in the current slot",
			snap: Snapshot{Touching: true, Slot: 2, Slots: []SlotState{{-1, 0, 0}, {-1, 0, 0}, {3, 100, 100}}},
			input: stream(
				abs(absMTPositionX, 120), syn(), // slot 2's contact: ignored
				abs(absMTTrackingID, -1), syn(),
				abs(absMTTrackingID, 4), abs(absMTPositionX, 60), abs(absMTPositionY, 80), syn(), // still slot 2
			),
			want: []touch.Event{down(30, 40), up(30, 40)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := NewDecoder(bytes.NewReader(tt.input), testConfig())
			if err != nil {
				t.Fatal(err)
			}
			d.load(tt.snap, false)
			var got []touch.Event
			for {
				ev, err := d.Next()
				if err != nil {
					break
				}
				got = append(got, ev)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("events %v, want %v", got, tt.want)
			}
		})
	}
}

func TestConfigRejects(t *testing.T) {
	good := Calibration{X: Axis{0, 10}, Y: Axis{0, 10}}
	tests := []struct {
		name string
		cfg  Config
	}{
		{"no panel", Config{Single: good}},
		{"negative panel", Config{Panel: image.Pt(-1, 10), Single: good}},
		{"odd rotation", Config{Panel: image.Pt(10, 10), Rotation: 45, Single: good}},
		{"no calibration", Config{Panel: image.Pt(10, 10)}},
		{"empty x axis", Config{Panel: image.Pt(10, 10), Single: Calibration{X: Axis{5, 5}, Y: Axis{0, 10}}}},
		{"empty multi axis", Config{Panel: image.Pt(10, 10), Single: good, Multi: Calibration{X: Axis{0, 10}}}},
	}
	for _, tt := range tests {
		if _, err := NewDecoder(bytes.NewReader(nil), tt.cfg); err == nil {
			t.Errorf("%s: accepted", tt.name)
		}
	}
}

func TestMapperCorners(t *testing.T) {
	cal := Calibration{X: Axis{0, 1000}, Y: Axis{0, 1000}}
	// A 100×50 panel; sensor points: origin, far end of x, far end of y,
	// and an inner point.
	raw := [][2]int32{{0, 0}, {1000, 0}, {0, 1000}, {250, 750}}
	tests := []struct {
		rotation int
		cal      Calibration
		want     []image.Point
	}{
		{0, cal, []image.Point{{0, 0}, {99, 0}, {0, 49}, {25, 37}}},
		{90, cal, []image.Point{{99, 0}, {99, 49}, {0, 0}, {25, 12}}},
		{180, cal, []image.Point{{99, 49}, {0, 49}, {99, 0}, {74, 12}}},
		{270, cal, []image.Point{{0, 49}, {0, 0}, {99, 49}, {74, 37}}},
		{0, Calibration{X: Axis{1000, 0}, Y: Axis{500, -500}}, []image.Point{{99, 25}, {0, 25}, {99, 0}, {74, 0}}},
	}
	for _, tt := range tests {
		cfg := Config{Panel: image.Pt(100, 50), Rotation: tt.rotation, Single: tt.cal}
		m, _, err := cfg.mappers()
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range raw {
			if got := m.point(r[0], r[1]); got != tt.want[i] {
				t.Errorf("rotation %d cal %v: raw %v → %v, want %v", tt.rotation, tt.cal, r, got, tt.want[i])
			}
		}
	}
}
