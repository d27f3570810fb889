package region

import (
	"encoding/json"
	"fmt"
	"image"
	"os"
	"path/filepath"
)

// Saved is the rectangle the cashier chose, kept as JSON in the POS
// agent's config directory and reused for every read. Screen is the
// screen size it was chosen on: on another size the rectangle no longer
// frames the order and the cashier must choose again.
type Saved struct {
	X      int         `json:"x"`
	Y      int         `json:"y"`
	Width  int         `json:"width"`
	Height int         `json:"height"`
	Screen image.Point `json:"screen"`
}

// Rect is the rectangle in screen coordinates.
func (s Saved) Rect() image.Rectangle { return image.Rect(s.X, s.Y, s.X+s.Width, s.Y+s.Height) }

// Check says whether the rectangle still fits a screen of size.
func (s Saved) Check(size image.Point) error {
	if s.Screen != size {
		return fmt.Errorf("region: chosen on a %dx%d screen, this one is %dx%d: choose the region again", s.Screen.X, s.Screen.Y, size.X, size.Y)
	}
	if r := s.Rect(); r.Dx() < MinSide || r.Dy() < MinSide || !r.In(image.Rectangle{Max: size}) {
		return fmt.Errorf("region: %v is not a region of the %dx%d screen", r, size.X, size.Y)
	}
	return nil
}

// MinSide is the smallest width or height of a region, in pixels.
const MinSide = 16

// DefaultPath is region.json under payterm/ in the user config directory.
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("region: no user config directory: %w", err)
	}
	return filepath.Join(dir, "payterm", "region.json"), nil
}

// Load reads a saved region.
func Load(path string) (Saved, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Saved{}, fmt.Errorf("region: %w", err)
	}
	var s Saved
	if err := json.Unmarshal(data, &s); err != nil {
		return Saved{}, fmt.Errorf("region: %s: %w", path, err)
	}
	return s, nil
}

// Save writes s to path atomically (temp file, fsync, rename).
func Save(path string, s Saved) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("region: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("region: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".region-*")
	if err != nil {
		return fmt.Errorf("region: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("region: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("region: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("region: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("region: %w", err)
	}
	return nil
}
