package camera

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
)

// JPEGDecoder decodes MJPEG frames with image/jpeg. Many UVC cameras
// leave the Huffman tables out of each frame and rely on the standard
// ones (ITU-T T.81 Annex K.3, as the AVI1 convention says); the decoder
// puts them back. The zero value is ready to use; not safe for
// concurrent use.
type JPEGDecoder struct {
	dht     []byte // the standard tables as DHT segments, made on first need
	patched []byte // scratch for a frame with the tables put in
}

// Decode decodes one frame. It allocates the image (image/jpeg does).
func (d *JPEGDecoder) Decode(src []byte) (image.Image, error) {
	img, err := jpeg.Decode(bytes.NewReader(src))
	if err == nil {
		return img, nil
	}
	sos, hasDHT := scanJPEG(src)
	if sos < 0 || hasDHT {
		return nil, err
	}
	if d.dht == nil {
		if d.dht, err = standardDHT(); err != nil {
			return nil, err
		}
	}
	d.patched = append(append(append(d.patched[:0], src[:sos]...), d.dht...), src[sos:]...)
	return jpeg.Decode(bytes.NewReader(d.patched))
}

// scanJPEG walks the marker segments before the scan and returns the
// offset of the SOS marker (-1 if the header is malformed) and whether
// a DHT segment came before it.
func scanJPEG(b []byte) (sos int, hasDHT bool) {
	if len(b) < 4 || b[0] != 0xff || b[1] != 0xd8 {
		return -1, false
	}
	i := 2
	for i+1 < len(b) {
		if b[i] != 0xff {
			return -1, hasDHT
		}
		m := b[i+1]
		switch {
		case m == 0xff: // fill byte
			i++
			continue
		case m == 0xda:
			return i, hasDHT
		case m == 0xc4:
			hasDHT = true
		case m == 0x01 || (m >= 0xd0 && m <= 0xd7):
			i += 2 // markers without a length
			continue
		}
		if i+3 >= len(b) {
			return -1, hasDHT
		}
		i += 2 + (int(b[i+2])<<8 | int(b[i+3]))
	}
	return -1, hasDHT
}

// standardDHT gets the Annex K tables from image/jpeg's encoder, which
// always writes them, rather than keeping a copy here.
func standardDHT() ([]byte, error) {
	var buf bytes.Buffer
	// Colour, so the chroma tables are written too.
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		return nil, err
	}
	b := buf.Bytes()
	sos, _ := scanJPEG(b)
	if sos < 0 {
		return nil, errors.New("camera: jpeg: cannot find the standard tables")
	}
	var dht []byte
	for i := 2; i < sos; {
		n := 2 + (int(b[i+2])<<8 | int(b[i+3]))
		if b[i+1] == 0xc4 {
			dht = append(dht, b[i:i+n]...)
		}
		i += n
	}
	if dht == nil {
		return nil, errors.New("camera: jpeg: encoder wrote no tables")
	}
	return dht, nil
}
