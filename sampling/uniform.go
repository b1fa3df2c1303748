package sampling

import (
	"math"
	"math/rand/v2"
)

// Uniform draws independent uniform points: plain Monte Carlo.
type Uniform struct{}

// Name implements UnitSampler.
func (Uniform) Name() string { return "uniform" }

// Unit implements UnitSampler.
func (Uniform) Unit(n, dim int, rng *rand.Rand) ([]float64, error) {
	if err := checkND("uniform", n, dim); err != nil {
		return nil, err
	}
	u := make([]float64, n*dim)
	for i := range u {
		u[i] = rng.Float64()
	}
	return u, nil
}

// LHS draws a Latin hypercube sample (McKay, Beckman, Conover, Technometrics
// 21, 1979): on every axis each of the n strata [k/n, (k+1)/n) holds exactly one
// point, placed uniformly inside its stratum, with the strata paired across
// axes by independent random permutations. Every point is marginally
// uniform, and one-dimensional projections are perfectly stratified.
type LHS struct{}

// Name implements UnitSampler.
func (LHS) Name() string { return "lhs" }

// Unit implements UnitSampler.
func (LHS) Unit(n, dim int, rng *rand.Rand) ([]float64, error) {
	if err := checkND("lhs", n, dim); err != nil {
		return nil, err
	}
	u := make([]float64, n*dim)
	inv := 1 / float64(n)
	for j := 0; j < dim; j++ {
		perm := rng.Perm(n)
		for i, k := range perm {
			u[i*dim+j] = clampUnit((float64(k) + rng.Float64()) * inv)
		}
	}
	return u, nil
}

// Grid places points at the centres of a regular lattice of m cells per
// axis, m = round(n^(1/dim)) (at least 1), so it returns m^dim points, not n:
// callers use len(u)/dim. The lattice is deterministic and ignores rng, so
// resampling a grid gives the same points. In high dimension m falls to 1
// and the grid degenerates to the single centre point; use a QMC sampler
// there.
type Grid struct{}

// Name implements UnitSampler.
func (Grid) Name() string { return "grid" }

// FixedSet implements FixedSet: the lattice is the same whatever the stream.
func (Grid) FixedSet() bool { return true }

// GridPerAxis is the number of lattice cells per axis the grid sampler uses
// for n requested points in dim dimensions.
func GridPerAxis(n, dim int) int {
	if n <= 0 || dim < 1 {
		return 0
	}
	m := int(math.Round(math.Pow(float64(n), 1/float64(dim))))
	return max(m, 1)
}

// Unit implements UnitSampler.
func (Grid) Unit(n, dim int, rng *rand.Rand) ([]float64, error) {
	if err := checkND("grid", n, dim); err != nil {
		return nil, err
	}
	m := GridPerAxis(n, dim)
	if m == 0 {
		return []float64{}, nil
	}
	total := 1
	for j := 0; j < dim; j++ {
		if total > math.MaxInt32/m {
			return nil, errTooMany("grid", n, dim)
		}
		total *= m
	}
	u := make([]float64, total*dim)
	idx := make([]int, dim) // mixed-radix counter over the lattice, last axis fastest
	for i := 0; i < total; i++ {
		for j := 0; j < dim; j++ {
			u[i*dim+j] = (float64(idx[j]) + 0.5) / float64(m)
		}
		for j := dim - 1; j >= 0; j-- {
			idx[j]++
			if idx[j] < m {
				break
			}
			idx[j] = 0
		}
	}
	return u, nil
}

// clampUnit keeps a value computed in floating point inside [0, 1): a sum
// such as (k + U)/n can round up to exactly 1.
func clampUnit(x float64) float64 {
	if x >= 1 {
		return math.Nextafter(1, 0)
	}
	if x < 0 {
		return 0
	}
	return x
}
