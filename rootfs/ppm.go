package rootfs

import (
	"bufio"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
)

// maxPPMSide bounds each side of a decoded PPM (QEMU's largest display is
// far below it).
const maxPPMSide = 16384

// DecodePPM reads a binary PPM (P6, maxval 255), the format of QEMU's
// screendump, into an RGBA image.
func DecodePPM(r io.Reader) (*image.RGBA, error) {
	br := bufio.NewReader(r)
	magic := make([]byte, 2)
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != "P6" {
		return nil, errors.New("rootfs: ppm: not a binary PPM (P6)")
	}
	var vals [3]int
	for i := range vals {
		v, err := ppmNumber(br)
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	w, h, maxval := vals[0], vals[1], vals[2]
	if w <= 0 || h <= 0 || w > maxPPMSide || h > maxPPMSide {
		return nil, fmt.Errorf("rootfs: ppm: size %dx%d out of range", w, h)
	}
	if maxval != 255 {
		return nil, fmt.Errorf("rootfs: ppm: maxval %d, only 255 supported", maxval)
	}
	// One whitespace byte ends the header (already read by ppmNumber).
	need := int64(w) * int64(h) * 3
	// Read before allocating the image, so a lying header costs nothing.
	pix, err := io.ReadAll(io.LimitReader(br, need))
	if err != nil {
		return nil, fmt.Errorf("rootfs: ppm: %w", err)
	}
	if int64(len(pix)) != need {
		return nil, fmt.Errorf("rootfs: ppm: %d bytes of pixels, want %d", len(pix), need)
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i, j := 0, 0; i < len(pix); i, j = i+3, j+4 {
		img.Pix[j], img.Pix[j+1], img.Pix[j+2], img.Pix[j+3] = pix[i], pix[i+1], pix[i+2], 0xff
	}
	return img, nil
}

// ppmNumber skips whitespace and '#' comments, reads a decimal number and
// consumes the one whitespace byte after it.
func ppmNumber(br *bufio.Reader) (int, error) {
	var c byte
	var err error
	for {
		if c, err = br.ReadByte(); err != nil {
			return 0, errors.New("rootfs: ppm: truncated header")
		}
		if c == '#' {
			if _, err := br.ReadString('\n'); err != nil {
				return 0, errors.New("rootfs: ppm: truncated header")
			}
			continue
		}
		if !isPPMSpace(c) {
			break
		}
	}
	n := 0
	for digits := 0; ; digits++ {
		if c < '0' || c > '9' {
			if digits == 0 || !isPPMSpace(c) {
				return 0, fmt.Errorf("rootfs: ppm: bad header byte %q", c)
			}
			return n, nil
		}
		if n > 1<<20 {
			return 0, errors.New("rootfs: ppm: header number too large")
		}
		n = n*10 + int(c-'0')
		if c, err = br.ReadByte(); err != nil {
			return 0, errors.New("rootfs: ppm: truncated header")
		}
	}
}

func isPPMSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// ReadPPMFile decodes the PPM file at path.
func ReadPPMFile(path string) (*image.RGBA, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("rootfs: %w", err)
	}
	defer f.Close()
	return DecodePPM(f)
}
