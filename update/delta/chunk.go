package delta

import "math/bits"

// Content-defined chunking (FastCDC with normalised chunking): a cut
// depends only on the 64 bytes before it, so an insertion moves the cuts
// near it and leaves the others where the content is. The encoder uses
// the chunks as anchors to find where a frame's content sits in the base.

// chunkSizes bound the chunks: small enough that a 1 MiB frame has
// hundreds of anchors, large enough that the index stays small.
const (
	chunkMin = 1 << 10
	chunkAvg = 4 << 10
	chunkMax = 32 << 10
)

// gear is FastCDC's table of 256 pseudo-random words, fixed (splitmix64
// from a constant seed) so cuts are the same in every run.
var gear = func() (g [256]uint64) {
	x := uint64(0x9e3779b97f4a7c15)
	for i := range g {
		x += 0x9e3779b97f4a7c15
		z := x
		z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
		z = (z ^ z>>27) * 0x94d049bb133111eb
		g[i] = z ^ z>>31
	}
	return g
}()

// The masks test the hash's top bits (those that depend on the most
// recent 64 bytes): harder before chunkAvg, easier after, which pulls
// chunk sizes towards chunkAvg.
var (
	maskHard = ^uint64(0) << (64 - (bits.Len(chunkAvg) - 1 + 2))
	maskEasy = ^uint64(0) << (64 - (bits.Len(chunkAvg) - 1 - 2))
)

// cut returns the length of the first chunk of b.
func cut(b []byte) int {
	n := len(b)
	if n <= chunkMin {
		return n
	}
	n = min(n, chunkMax)
	normal := min(n, chunkAvg)
	var h uint64
	i := chunkMin
	for ; i < normal; i++ {
		h = h<<1 + gear[b[i]]
		if h&maskHard == 0 {
			return i + 1
		}
	}
	for ; i < n; i++ {
		h = h<<1 + gear[b[i]]
		if h&maskEasy == 0 {
			return i + 1
		}
	}
	return n
}

// chunks returns the end offsets of b's chunks, in order; the last is
// len(b).
func chunks(b []byte) []int {
	var ends []int
	for off := 0; off < len(b); {
		off += cut(b[off:])
		ends = append(ends, off)
	}
	return ends
}
