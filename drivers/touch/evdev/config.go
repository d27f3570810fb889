package evdev

import (
	"errors"
	"fmt"
	"image"
	"math"
)

// Axis is the raw range of one sensor axis: Min is what the sensor reports
// at its origin edge, Max at the far edge. Min > Max inverts the axis.
type Axis struct{ Min, Max int32 }

// Calibration is the raw range of both sensor axes. The zero Calibration
// means "not set".
type Calibration struct{ X, Y Axis }

// IsZero reports whether c is unset.
func (c Calibration) IsZero() bool { return c == Calibration{} }

func (c Calibration) validate() error {
	if c.X.Min == c.X.Max || c.Y.Min == c.Y.Max {
		return fmt.Errorf("calibration %v has an empty axis", c)
	}
	return nil
}

// Config tells a Decoder how raw values become panel pixels.
type Config struct {
	// Panel is the panel size in pixels (the display's Bounds().Size());
	// events land in [0,Panel.X)×[0,Panel.Y).
	Panel image.Point
	// Rotation is how the sensor sits on the panel, in degrees clockwise:
	// 0, 90, 180 or 270. The sensor's frame, turned clockwise by Rotation,
	// lies on the panel: with 90 the sensor's origin is the panel's
	// top-right corner and the sensor's x axis runs down the panel.
	Rotation int
	// Single is the range of ABS_X/ABS_Y, Multi that of
	// ABS_MT_POSITION_X/Y. A zero one borrows the other; not both.
	Single, Multi Calibration
	// Resync, if set, reads the device's current state; the decoder calls
	// it after the kernel dropped events (SYN_DROPPED). With nil the
	// decoder carries on from the events that follow.
	Resync func() (Snapshot, error)
}

// mapper turns raw sensor coordinates into panel pixels.
type mapper struct {
	w, h     int
	rotation int
	cal      Calibration
}

// mappers validates c and returns the single- and multi-touch mappers.
func (c *Config) mappers() (single, multi mapper, err error) {
	if c.Panel.X <= 0 || c.Panel.Y <= 0 {
		return mapper{}, mapper{}, fmt.Errorf("panel size %v not positive", c.Panel)
	}
	switch c.Rotation {
	case 0, 90, 180, 270:
	default:
		return mapper{}, mapper{}, fmt.Errorf("rotation %d not one of 0, 90, 180, 270", c.Rotation)
	}
	s, m := c.Single, c.Multi
	switch {
	case s.IsZero() && m.IsZero():
		return mapper{}, mapper{}, errors.New("no calibration")
	case s.IsZero():
		s = m
	case m.IsZero():
		m = s
	}
	if err := s.validate(); err != nil {
		return mapper{}, mapper{}, err
	}
	if err := m.validate(); err != nil {
		return mapper{}, mapper{}, err
	}
	return mapper{c.Panel.X, c.Panel.Y, c.Rotation, s}, mapper{c.Panel.X, c.Panel.Y, c.Rotation, m}, nil
}

// point maps a raw (x, y) to a panel pixel. Values outside the calibrated
// range clamp to the panel's edge.
func (m *mapper) point(x, y int32) image.Point {
	u, v := unit(x, m.cal.X), unit(y, m.cal.Y)
	switch m.rotation {
	case 90:
		u, v = 1-v, u
	case 180:
		u, v = 1-u, 1-v
	case 270:
		u, v = v, 1-u
	}
	return image.Pt(pixel(u, m.w), pixel(v, m.h))
}

// unit places raw on axis a: 0 at Min, 1 at Max, clamped.
func unit(raw int32, a Axis) float64 {
	t := float64(int64(raw)-int64(a.Min)) / float64(int64(a.Max)-int64(a.Min))
	return min(max(t, 0), 1)
}

// pixel spreads t in [0,1] over n pixels: 0 is the first, 1 the last.
func pixel(t float64, n int) int { return int(math.Round(t * float64(n-1))) }
