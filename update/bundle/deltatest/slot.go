package deltatest

import "math/rand/v2"

// SlotImage is n bytes that look like a boot slot, from seed: runs of
// zeros (free FAT clusters), text-like runs and incompressible runs — or
// incompressible everywhere when random is set.
func SlotImage(n int, seed uint64, random bool) []byte {
	r := rand.New(rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8)}))
	b := make([]byte, n)
	for i := 0; i < n; {
		run := min(n-i, 1+r.IntN(64<<10))
		kind := r.IntN(3)
		if random {
			kind = 2
		}
		switch kind {
		case 1:
			for j := range run {
				b[i+j] = "payterm firmware "[j%17]
			}
		case 2:
			for j := range run {
				b[i+j] = byte(r.Uint32())
			}
		}
		i += run
	}
	return b
}
