package stream

// recentWindow is how many delivered sequence numbers are remembered. A
// serial line neither reorders nor delays frames, so a repeat is almost
// always of the last one; a few more cover a duplicate held up by a
// buffering adapter.
const recentWindow = 16

// recentSeqs remembers the sequence numbers of the last data frames
// delivered, so that a retransmission of one is not delivered twice.
type recentSeqs struct {
	seqs [recentWindow]uint32
	n    int // how many of seqs are filled
	next int // where the next one goes
}

func newRecentSeqs() *recentSeqs { return &recentSeqs{} }

func (r *recentSeqs) has(seq uint32) bool {
	for _, s := range r.seqs[:r.n] {
		if s == seq {
			return true
		}
	}
	return false
}

func (r *recentSeqs) add(seq uint32) {
	r.seqs[r.next] = seq
	r.next = (r.next + 1) % recentWindow
	r.n = min(r.n+1, recentWindow)
}
