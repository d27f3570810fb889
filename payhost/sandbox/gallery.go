package sandbox

import (
	"slices"
	"sync"

	"payterm/payhost/facerec"
)

// Identification rules (CONTRACT: face recognition): a face is its
// account's when the best distance is below FaceThreshold, below
// FaceConfident, and every other account is at least FaceMargin further;
// a match below FaceThreshold that misses the other two is a close call
// settled by the phone's last four digits.
const (
	FaceThreshold = facerec.Threshold // dlib's 0.6
	FaceConfident = 0.5
	FaceMargin    = 0.06
)

// gallery is every enrolled descriptor in one flat float32 matrix, row i
// belonging to accounts[i], searched by brute force: 10 000 faces are
// 5 MiB and one pass over them is far cheaper than the network. Loaded
// from the database at Open, appended to after each enrolment commits.
type gallery struct {
	mu       sync.RWMutex
	vecs     []float32 // len(accounts) × 128
	accounts []string
	count    map[string]int // faces per account
}

// add appends d for account and returns the account's number of faces.
func (g *gallery) add(account string, d facerec.Descriptor) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.count == nil {
		g.count = map[string]int{}
	}
	g.vecs = append(g.vecs, d[:]...)
	g.accounts = append(g.accounts, account)
	g.count[account]++
	return g.count[account]
}

// candidate is an account's nearest enrolled face.
type candidate struct {
	account  string
	distance float64
}

// nearest returns, nearest first, each account with a face closer than
// FaceThreshold+FaceMargin (the runner-ups that can make a close call),
// with its best distance.
func (g *gallery) nearest(d facerec.Descriptor) []candidate {
	const n = len(facerec.Descriptor{})
	limit := float32((FaceThreshold + FaceMargin) * (FaceThreshold + FaceMargin))
	g.mu.RLock()
	defer g.mu.RUnlock()
	// A float32 pass finds the accounts near enough; their distances are
	// then recomputed exactly (facerec.Distance) for the decision.
	near := map[string]bool{}
	for i, acct := range g.accounts {
		row := g.vecs[i*n : (i+1)*n : (i+1)*n]
		var s float32
		for j, v := range row {
			e := v - d[j]
			s += e * e
		}
		if s < limit {
			near[acct] = true
		}
	}
	out := make([]candidate, 0, len(near))
	for acct := range near {
		out = append(out, candidate{account: acct, distance: g.exact(acct, d)})
	}
	slices.SortFunc(out, func(a, b candidate) int {
		if a.distance != b.distance {
			if a.distance < b.distance {
				return -1
			}
			return 1
		}
		if a.account < b.account {
			return -1
		}
		return 1
	})
	return out
}

// exact is account's best distance to d by facerec.Distance; the caller
// holds g.mu.
func (g *gallery) exact(account string, d facerec.Descriptor) float64 {
	const n = len(facerec.Descriptor{})
	best := -1.0
	for i, acct := range g.accounts {
		if acct != account {
			continue
		}
		dist := facerec.Distance(facerec.Descriptor(g.vecs[i*n:(i+1)*n]), d)
		if best < 0 || dist < best {
			best = dist
		}
	}
	return best
}
