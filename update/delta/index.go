package delta

import (
	"bytes"
	"hash/maphash"
	"slices"
)

// span is a range of the base: Off, Off+Len.
type span struct{ Off, Len int64 }

// index maps the base's chunks to where they are, so the encoder can ask
// where a piece of the target came from.
type index struct {
	base []byte
	seed maphash.Seed
	at   map[uint64]int64 // chunk hash → its first offset in base
}

func newIndex(base []byte) *index {
	ix := &index{base: base, seed: maphash.MakeSeed(), at: make(map[uint64]int64, len(base)/chunkAvg+1)}
	off := 0
	for _, end := range chunks(base) {
		h := maphash.Bytes(ix.seed, base[off:end])
		if _, dup := ix.at[h]; !dup {
			ix.at[h] = int64(off)
		}
		off = end
	}
	return ix
}

// find returns where c is in the base, verified byte for byte (a hash
// collision only loses an anchor, it never makes a wrong dictionary).
func (ix *index) find(c []byte) (int64, bool) {
	off, ok := ix.at[maphash.Bytes(ix.seed, c)]
	if !ok || !bytes.Equal(ix.base[off:off+int64(len(c))], c) {
		return 0, false
	}
	return off, true
}

// spans chooses the base ranges a frame is encoded against: around each
// chunk of frame, the base at that chunk's displacement (where it was
// found, or for a chunk not found — edited content — the displacement of
// the last found chunk before it, else of the first found, else last,
// the one the previous frame ended with), widened by slack on both sides so
// nearby moved or edited code still finds its old bytes. The ranges are
// merged, clipped to the base and, when they add up to more than
// maxDict, trimmed to the first maxDict bytes. at is frame's offset in
// the target; the displacement the frame ends with is returned for the
// next frame.
func (ix *index) spans(frame []byte, at, last, slack, maxDict int64) ([]span, int64) {
	ends := chunks(frame)
	disp := make([]int64, len(ends))
	found := make([]bool, len(ends))
	start := 0
	for i, end := range ends {
		if off, ok := ix.find(frame[start:end]); ok {
			disp[i], found[i] = off-(at+int64(start)), true
		}
		start = end
	}
	// A chunk not found takes the displacement of the last found one
	// before it; those before the first found take the first's.
	cur := last
	if i := slices.Index(found, true); i >= 0 {
		cur = disp[i]
	}
	for i := range ends {
		if found[i] {
			cur = disp[i]
		} else {
			disp[i] = cur
		}
	}
	var out []span
	start = 0
	size := int64(len(ix.base))
	for i, end := range ends {
		lo := at + int64(start) + disp[i] - slack
		hi := at + int64(end) + disp[i] + slack
		start = end
		lo, hi = max(lo, 0), min(hi, size)
		if lo < hi {
			out = append(out, span{lo, hi - lo})
		}
	}
	out = merge(out)
	var total int64
	for i, s := range out {
		if total+s.Len > maxDict {
			s.Len = maxDict - total
			out = out[:i]
			if s.Len > 0 {
				out = append(out, s)
			}
			break
		}
		total += s.Len
	}
	return out, cur
}

// merge sorts spans by offset and joins the overlapping and touching ones.
func merge(s []span) []span {
	slices.SortFunc(s, func(a, b span) int {
		switch {
		case a.Off < b.Off:
			return -1
		case a.Off > b.Off:
			return 1
		}
		return 0
	})
	var out []span
	for _, x := range s {
		if n := len(out); n > 0 && x.Off <= out[n-1].Off+out[n-1].Len {
			out[n-1].Len = max(out[n-1].Len, x.Off+x.Len-out[n-1].Off)
			continue
		}
		out = append(out, x)
	}
	return out
}
