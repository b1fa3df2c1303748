package sampling

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// A Domain is a closed region of R^Dim() that can be sampled. Points and
// normals are row-major: point i is x[i*Dim() : (i+1)*Dim()]. Samplers may
// return a different count than asked for (grid), so callers take
// len(pts)/Dim() as the count.
type Domain interface {
	// Dim is the dimension of the ambient space.
	Dim() int
	// Contains reports whether x lies in the domain enlarged by tol.
	Contains(x []float64, tol float64) bool
	// Bounds returns the bounding box (fresh slices).
	Bounds() (lo, hi []float64)
	// Interior draws n interior points: unit-cube points from s mapped onto
	// the domain by a measure-preserving map, so a uniform s gives uniform
	// points and a QMC s keeps most of its stratification.
	Interior(n int, s UnitSampler, rng *rand.Rand) ([]float64, error)
	// Boundary draws n boundary points, shared out in proportion to boundary
	// measure, and their outward unit normals.
	Boundary(n int, s UnitSampler, rng *rand.Rand) (pts, normals []float64, err error)
}

// Compile-time interface checks.
var (
	_ Domain = Box{}
	_ Domain = Ball{}
)

// unitPoints draws n unit points of dimension dim from s and returns them
// with the count actually drawn. dim 0 needs no sampler call: n empty points.
func unitPoints(s UnitSampler, n, dim int, rng *rand.Rand) ([]float64, int, error) {
	if dim == 0 {
		return nil, n, nil
	}
	if s == nil {
		return nil, 0, fmt.Errorf("sampling: nil sampler")
	}
	u, err := s.Unit(n, dim, rng)
	if err != nil {
		return nil, 0, err
	}
	if len(u)%dim != 0 {
		return nil, 0, fmt.Errorf("sampling: sampler %q returned %d coordinates, not a multiple of dimension %d", s.Name(), len(u), dim)
	}
	return u, len(u) / dim, nil
}

// apportion splits n among parts in proportion to weights by the largest-
// remainder (Hamilton) method, so counts are within one of their exact
// share and sum to n. Ties in the remainders, common for equal faces, are
// broken in a random order drawn from rng; a fixed order would always starve
// the same faces when n is smaller than the number of parts.
func apportion(weights []float64, n int, rng *rand.Rand) []int {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	counts := make([]int, len(weights))
	frac := make([]float64, len(weights))
	left := n
	for i, w := range weights {
		q := float64(n) * w / total
		counts[i] = int(q)
		frac[i] = q - float64(counts[i])
		left -= counts[i]
	}
	order := rng.Perm(len(weights))
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case frac[a] > frac[b]:
			return -1
		case frac[a] < frac[b]:
			return 1
		}
		return 0
	})
	for k := 0; left > 0; k = (k + 1) % len(order) {
		counts[order[k]]++
		left--
	}
	return counts
}
