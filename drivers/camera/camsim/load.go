package camsim

import (
	"fmt"
	"image"
	_ "image/jpeg" // the decoders LoadImages accepts
	_ "image/png"
	"os"
)

// LoadImages decodes JPEG or PNG files for Options.Images.
func LoadImages(paths ...string) ([]image.Image, error) {
	var imgs []image.Image
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("camsim: %w", err)
		}
		img, _, err := image.Decode(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("camsim: %s: %w", p, err)
		}
		imgs = append(imgs, img)
	}
	return imgs, nil
}
