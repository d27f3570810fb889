//go:build nofitz

package document

import "image"

// Doc is never made in a build without MuPDF.
type Doc struct{ pages int }

// Open always fails: this build has no MuPDF.
func Open(pdf []byte) (*Doc, error) { return nil, ErrUnavailable }

func (d *Doc) Pages() int                                  { return d.pages }
func (d *Doc) Render(page, width int) (*image.RGBA, error) { return nil, ErrUnavailable }
func (d *Doc) Close() error                                { return nil }

func (d *Doc) loadPages() error { return ErrUnavailable }
