package evdev

import (
	"image"
	"log/slog"
	"time"
)

// Options configure Open and Watch.
type Options struct {
	// Panel is the panel size in pixels; required.
	Panel image.Point
	// Rotation is how the sensor sits on the panel in degrees clockwise
	// (0, 90, 180, 270); see Config.Rotation.
	Rotation int
	// Calibration overrides the device's axis ranges for both single- and
	// multi-touch axes. Zero: the ranges the device reports (EVIOCGABS).
	Calibration Calibration
	// Poll is how often Watch looks for a missing device. Zero: 1 s.
	Poll time.Duration
	// Logger receives unplug and replug notices. Nil: discarded.
	Logger *slog.Logger
}

func (o *Options) logger() *slog.Logger {
	if o.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return o.Logger
}

func (o *Options) poll() time.Duration {
	if o.Poll <= 0 {
		return time.Second
	}
	return o.Poll
}

// config builds the decoder configuration for a device with the given
// capabilities and ranges.
func (o *Options) config(info *deviceInfo) Config {
	cfg := Config{Panel: o.Panel, Rotation: o.Rotation, Single: info.single, Multi: info.multi}
	if !o.Calibration.IsZero() {
		cfg.Single, cfg.Multi = o.Calibration, o.Calibration
	}
	return cfg
}
