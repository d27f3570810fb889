package face

import (
	"image"
	"slices"
)

// cluster is one face after suppression: the strongest window of a
// group of overlapping ones, scored by the group's summed score.
type cluster struct {
	candidate
	score float32
	n     int
}

// suppress groups windows that overlap by IoU > iou around the
// strongest window not yet taken, and keeps that window for each group,
// strongest group first. pigo's own ClusterDetections averages the
// windows of a group and allocates; averaging a strong window with weak
// shifted ones moves the box off the face. cands is reordered; out is
// filled up to its capacity.
func suppress(cands []candidate, iou float64, out []cluster) []cluster {
	slices.SortFunc(cands, func(a, b candidate) int {
		switch {
		case a.Q > b.Q:
			return -1
		case a.Q < b.Q:
			return 1
		}
		return 0
	})
	out = out[:0]
	taken := 0 // cands[:taken] are assigned; the rest are moved past them
	for taken < len(cands) && len(out) < cap(out) {
		head := cands[taken]
		cl := cluster{candidate: head}
		// Partition the untaken windows: members of head's group to the front.
		for i := taken; i < len(cands); i++ {
			if overlap(head, cands[i]) > iou {
				cl.score += cands[i].Q
				cl.n++
				cands[taken], cands[i] = cands[i], cands[taken]
				taken++
			}
		}
		// The partition swapped windows, so keep the rest sorted for the
		// next head.
		slices.SortFunc(cands[taken:], func(a, b candidate) int {
			switch {
			case a.Q > b.Q:
				return -1
			case a.Q < b.Q:
				return 1
			}
			return 0
		})
		out = append(out, cl)
	}
	slices.SortFunc(out, func(a, b cluster) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return 0
	})
	return out
}

// overlap is the intersection over union of two square windows.
func overlap(a, b candidate) float64 {
	ar, br := a.rect(), b.rect()
	in := ar.Intersect(br)
	if in.Empty() {
		return 0
	}
	i := float64(in.Dx() * in.Dy())
	return i / (float64(a.Size*a.Size+b.Size*b.Size) - i)
}

func (c candidate) rect() image.Rectangle {
	h := c.Size / 2
	return image.Rect(c.Col-h, c.Row-h, c.Col-h+c.Size, c.Row-h+c.Size)
}
