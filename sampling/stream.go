package sampling

import "math/rand/v2"

// Stream returns an independent, reproducible generator for (seed, labels):
// e.g. Stream(runSeed, termIndex, epoch) gives the points of one loss term at
// one resampling epoch without storing any generator state, so a resumed or
// replayed run regenerates them exactly. Different label lists (including
// lists that differ only in order or length) give unrelated streams.
//
// The labels are folded into a 64-bit state with the splitmix64 finaliser
// (Steele, Lea & Flood, "Fast splittable pseudorandom number generators",
// OOPSLA 2014; constants from Vigna's splitmix64.c), whose avalanche makes
// nearby labels such as epochs k and k+1 uncorrelated; two further outputs
// seed a PCG generator, whose output is fixed across Go versions.
func Stream(seed uint64, labels ...uint64) *rand.Rand {
	h := splitmix64(seed)
	for i, l := range labels {
		// Mixing the position in keeps (a, b) and (b, a) apart.
		h = splitmix64(h ^ splitmix64(l+uint64(i+1)*golden64))
	}
	return rand.New(rand.NewPCG(splitmix64(h), splitmix64(h+golden64)))
}

const golden64 = 0x9e3779b97f4a7c15

// splitmix64 is the output function of Vigna's splitmix64 generator applied
// to z + golden64.
func splitmix64(z uint64) uint64 {
	z += golden64
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}
