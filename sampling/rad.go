package sampling

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// RADWeights returns the residual-based adaptive distribution of Wu, Zhu,
// Tan, Kartha & Lu ("A comprehensive study of non-adaptive and residual-based
// adaptive sampling for PINNs", CMAME 403, 2023, eq. 2) over a candidate
// pool: p_i ∝ |eps_i|^k / mean(|eps|^k) + c, normalised to sum 1. k = 0 or a
// large c give uniform sampling; c = 0 samples in proportion to |eps|^k.
// If every eps is zero the first term is taken as 1, i.e. uniform.
//
// The residuals are rescaled by their maximum first, which leaves p
// unchanged but keeps |eps|^k from overflowing for large k. It panics on an
// empty pool, k < 0, c < 0, or a non-finite residual: those are bugs (or a
// diverged model) that a weighted draw would hide.
func RADWeights(eps []float64, k, c float64) []float64 {
	if len(eps) == 0 {
		panic("sampling: RADWeights: empty candidate pool")
	}
	if !(k >= 0) || math.IsInf(k, 0) || !(c >= 0) || math.IsInf(c, 0) {
		panic(fmt.Sprintf("sampling: RADWeights: need finite k >= 0 and c >= 0, have k=%g c=%g", k, c))
	}
	emax := 0.0
	for i, e := range eps {
		if math.IsNaN(e) || math.IsInf(e, 0) {
			panic(fmt.Sprintf("sampling: RADWeights: non-finite residual %g at index %d", e, i))
		}
		emax = math.Max(emax, math.Abs(e))
	}
	p := make([]float64, len(eps))
	if emax == 0 {
		for i := range p {
			p[i] = 1 / float64(len(p))
		}
		return p
	}
	mean := 0.0
	for i, e := range eps {
		p[i] = math.Pow(math.Abs(e)/emax, k)
		mean += p[i]
	}
	mean /= float64(len(p))
	sum := 0.0
	for i := range p {
		p[i] = p[i]/mean + c
		sum += p[i]
	}
	for i := range p {
		p[i] /= sum
	}
	return p
}

// SampleWithoutReplacement draws m distinct indices of w with probabilities
// proportional to the weights, in the order a sequential draw would pick
// them (so the first index has probability w_i / sum(w)). It uses the
// exponential-key form of Efraimidis & Spirakis ("Weighted random sampling
// with a reservoir", Inf. Process. Lett. 97, 2006): key_i = log(U_i)/w_i, and
// the m largest keys win, in O(len(w) log m) time with one uniform per
// weight, so the draw is a deterministic function of rng.
//
// Zero-weight indices are chosen only when fewer than m weights are positive,
// and then uniformly at random among themselves. It panics if m is outside
// [0, len(w)] or a weight is negative or not finite.
func SampleWithoutReplacement(w []float64, m int, rng *rand.Rand) []int {
	if m < 0 || m > len(w) {
		panic(fmt.Sprintf("sampling: SampleWithoutReplacement: m=%d outside [0, %d]", m, len(w)))
	}
	h := make([]key, 0, m) // min-heap: h[0] is the weakest of the kept keys
	for i, wi := range w {
		if !(wi >= 0) || math.IsInf(wi, 0) {
			panic(fmt.Sprintf("sampling: SampleWithoutReplacement: weight %g at index %d", wi, i))
		}
		u := rng.Float64()
		k := key{i: i, tie: u}
		if wi > 0 {
			// log(U)/w orders like U^(1/w) but keeps precision for tiny w;
			// 1-U is in (0,1], so the log is finite.
			k.k = math.Log1p(-u) / wi
		} else {
			k.k = math.Inf(-1)
		}
		if len(h) < m {
			h = append(h, k)
			siftUp(h, len(h)-1)
		} else if m > 0 && h[0].less(k) {
			h[0] = k
			siftDown(h, 0)
		}
	}
	// Pop the weakest key repeatedly: the indices come out strongest last.
	out := make([]int, len(h))
	for j := len(h) - 1; j >= 0; j-- {
		out[j] = h[0].i
		h[0] = h[j]
		h = h[:j]
		siftDown(h, 0)
	}
	return out
}

type key struct {
	k, tie float64
	i      int
}

// less orders keys by k, then (among the -Inf keys of zero weights) by an
// independent uniform, then by index so the order is total.
func (a key) less(b key) bool {
	if a.k != b.k {
		return a.k < b.k
	}
	if a.tie != b.tie {
		return a.tie < b.tie
	}
	return a.i < b.i
}

// siftUp and siftDown maintain a binary min-heap of keys; written out rather
// than through container/heap to avoid boxing every key in an interface.
func siftUp(h []key, i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h[i].less(h[p]) {
			return
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func siftDown(h []key, i int) {
	for {
		c := 2*i + 1
		if c >= len(h) {
			return
		}
		if c+1 < len(h) && h[c+1].less(h[c]) {
			c++
		}
		if !h[c].less(h[i]) {
			return
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
}
