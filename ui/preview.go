package ui

import (
	"image"
	"image/color"
	"image/draw"

	"payterm/firmware/checkout"
)

// preview is the face screen's live camera picture: the latest frame,
// scaled and mirrored (the customer sees themselves as in a mirror) into
// a buffer the size of the preview block. It is the only picture of a
// face the ui holds, and it is wiped as soon as the face screen leaves.
type preview struct {
	buf  *image.RGBA // nil until the first frame; kept for reuse, wiped when unused
	have bool        // buf holds a frame for the current face screen
	xmap []int       // source column (from the source's left edge) of each buffer column

	srcW int
	// damage is what Preview returns, kept to allocate nothing a frame.
	damage [1]image.Rectangle
	// bgra: the buffer holds B, G, R, A (the canvas's FormatBGRA).
	bgra bool
}

// wipe zeroes the picture so no face outlives the screen that showed it.
func (p *preview) wipe() {
	if p.buf != nil {
		clear(p.buf.Pix)
	}
	p.have = false
}

// scale copies src into the buffer, sized to size, mirrored left to
// right, by nearest neighbour. Gray, RGBA and YCbCr sources take fast
// paths; nothing is allocated once the buffer and column map exist.
func (p *preview) scale(src image.Image, size image.Point) {
	if p.buf == nil || p.buf.Rect.Size() != size {
		p.buf = image.NewRGBA(image.Rectangle{Max: size})
		p.srcW = -1
	}
	sb := src.Bounds()
	w, h := size.X, size.Y
	if p.srcW != sb.Dx() || len(p.xmap) != w {
		p.xmap = p.xmap[:0]
		for x := range w {
			p.xmap = append(p.xmap, (w-1-x)*sb.Dx()/w) // from sb.Min.X
		}
		p.srcW = sb.Dx()
	}
	dst := p.buf
	ri, bi := 0, 2 // where red and blue go in a buffer pixel
	if p.bgra {
		ri, bi = 2, 0
	}
	for y := range h {
		sy := sb.Min.Y + y*sb.Dy()/h
		row := dst.Pix[y*dst.Stride : y*dst.Stride+4*w]
		switch s := src.(type) {
		case *image.Gray:
			srow := s.Pix[s.PixOffset(sb.Min.X, sy):]
			for x, sx := range p.xmap {
				v := srow[sx]
				row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = v, v, v, 255
			}
		case *image.RGBA:
			srow := s.Pix[s.PixOffset(sb.Min.X, sy):]
			for x, sx := range p.xmap {
				o := 4 * sx
				row[4*x+ri], row[4*x+1], row[4*x+bi], row[4*x+3] = srow[o], srow[o+1], srow[o+2], 255
			}
		case *image.YCbCr:
			for x, sx := range p.xmap {
				yi, ci := s.YOffset(sb.Min.X+sx, sy), s.COffset(sb.Min.X+sx, sy)
				r, g, b := color.YCbCrToRGB(s.Y[yi], s.Cb[ci], s.Cr[ci])
				row[4*x+ri], row[4*x+1], row[4*x+bi], row[4*x+3] = r, g, b, 255
			}
		default:
			for x, sx := range p.xmap {
				c := color.RGBAModel.Convert(src.At(sb.Min.X+sx, sy)).(color.RGBA)
				row[4*x+ri], row[4*x+1], row[4*x+bi], row[4*x+3] = c.R, c.G, c.B, 255
			}
		}
	}
	p.have = true
}

// previewBlock is the camera picture with the face frame over it. The
// picture is not part of the block's value (it changes every frame, the
// block only when the frame or its colour does): Preview repaints the
// block for each camera frame.
type previewBlock struct {
	r   image.Rectangle
	box image.Rectangle // face frame in r's coordinates (mirrored); empty for none
	col color.RGBA
	pic *preview
}

func (b previewBlock) bounds() image.Rectangle { return b.r }

func (b previewBlock) paint(c *canvas) {
	if b.pic.have && b.pic.buf.Rect.Size() == b.r.Size() {
		draw.Draw(c.img, b.r, b.pic.buf, image.Point{}, draw.Src)
	} else {
		c.fill(b.r, colHeader) // no picture yet: a dark window
	}
	if b.box.Empty() {
		return
	}
	t := max(3, b.r.Dx()/120)
	box := b.box.Add(b.r.Min).Intersect(b.r)
	edges := [4]image.Rectangle{
		image.Rect(box.Min.X, box.Min.Y, box.Max.X, box.Min.Y+t),
		image.Rect(box.Min.X, box.Max.Y-t, box.Max.X, box.Max.Y),
		image.Rect(box.Min.X, box.Min.Y, box.Min.X+t, box.Max.Y),
		image.Rect(box.Max.X-t, box.Min.Y, box.Max.X, box.Max.Y),
	}
	for _, e := range edges {
		c.fill(e.Intersect(box), b.col)
	}
}

// previewBox maps the face found in a camera frame of size frame into a
// preview of size size, mirrored as the picture is.
func previewBox(f checkout.FaceView, size image.Point) image.Rectangle {
	if f.Box.Empty() || f.Frame.X <= 0 || f.Frame.Y <= 0 {
		return image.Rectangle{}
	}
	sx := func(x int) int { return size.X - x*size.X/f.Frame.X }
	sy := func(y int) int { return y * size.Y / f.Frame.Y }
	r := image.Rect(sx(f.Box.Max.X), sy(f.Box.Min.Y), sx(f.Box.Min.X), sy(f.Box.Max.Y))
	return r.Intersect(image.Rectangle{Max: size})
}

// Preview draws a camera frame into the face screen's preview and
// returns the panel image and the rectangles of it that changed: the
// preview alone, or none when the face screen is not shown (the frame is
// then ignored). img is not kept: its pixels are scaled into the
// Renderer's own buffer, which Render wipes when the face screen leaves.
// The rectangles are valid until the next Preview. Like Render, on a
// FormatBGRA Renderer the image is a converted copy: use PreviewBGRA.
func (r *Renderer) Preview(img image.Image) (*image.RGBA, []image.Rectangle) {
	damage := r.preview(img)
	if r.format == FormatBGRA {
		return &image.RGBA{Pix: r.other(), Stride: r.panel.Stride, Rect: r.panel.Rect}, damage
	}
	return r.panel, damage
}

// PreviewBGRA is Preview with the panel as B, G, R, A bytes (see
// RenderBGRA).
func (r *Renderer) PreviewBGRA(img image.Image) (*BGRA, []image.Rectangle) {
	damage := r.preview(img)
	pix := r.panel.Pix
	if r.format != FormatBGRA {
		pix = r.other()
	}
	return &BGRA{Pix: pix, Stride: r.panel.Stride, Rect: r.panel.Rect}, damage
}

func (r *Renderer) preview(img image.Image) []image.Rectangle {
	if r.cur == nil || r.cur.screen != checkout.ScreenFace || img == nil || img.Bounds().Empty() {
		return nil
	}
	for _, bl := range r.cur.blocks {
		pb, ok := bl.(previewBlock)
		if !ok {
			continue
		}
		r.pic.scale(img, pb.r.Size())
		c := r.canvas
		c.clip = pb.r
		pb.paint(c)
		r.rotate(pb.r)
		r.pic.damage[0] = r.layout.toPanel(pb.r)
		r.lagConv(r.pic.damage[:])
		return r.pic.damage[:]
	}
	return nil
}
