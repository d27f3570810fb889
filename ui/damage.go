package ui

import "image"

// repaint brings the upright image from the current frame to f and
// returns the upright rectangles it changed. A change of screen repaints
// everything. Otherwise blocks equal in both frames stay; blocks only in
// the old frame are cleared first, then blocks only in f are painted, so
// a block that moved is never wiped after it was drawn (blocks of one
// frame never overlap).
func (r *Renderer) repaint(f *frame) []image.Rectangle {
	c := r.canvas
	full := r.logical.Rect
	if r.cur == nil || r.cur.screen != f.screen {
		c.clip = full
		c.fill(full, colBg)
		for _, b := range f.blocks {
			c.clip = b.bounds()
			b.paint(c)
		}
		return []image.Rectangle{full}
	}
	var dirty []image.Rectangle
	for _, old := range r.cur.blocks {
		if !contains(f.blocks, old) {
			c.clip = old.bounds()
			c.fill(old.bounds(), colBg)
			dirty = addRect(dirty, old.bounds())
		}
	}
	for _, b := range f.blocks {
		if !contains(r.cur.blocks, b) {
			c.clip = b.bounds()
			c.fill(b.bounds(), colBg)
			b.paint(c)
			dirty = addRect(dirty, b.bounds())
		}
	}
	return dirty
}

// contains is a linear search: a frame has a few dozen blocks.
func contains(blocks []block, b block) bool {
	for _, x := range blocks {
		if x == b {
			return true
		}
	}
	return false
}

// addRect adds r to a list of disjoint rectangles, merging it with any it
// overlaps so the display copies no pixel twice.
func addRect(list []image.Rectangle, r image.Rectangle) []image.Rectangle {
	if r.Empty() {
		return list
	}
	for merged := true; merged; {
		merged = false
		for i, x := range list {
			if x.Overlaps(r) {
				r = r.Union(x)
				list = append(list[:i], list[i+1:]...)
				merged = true
				break
			}
		}
	}
	return append(list, r)
}
