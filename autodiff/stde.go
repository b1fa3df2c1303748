package autodiff

import (
	"fmt"
	"math/rand/v2"

	G "gorgonia.org/gorgonia"
)

// Stochastic Taylor derivative estimators (STDE; Shi, Hu, Lin, Kawaguchi,
// NeurIPS 2024). Every estimator pushes B jets per point through the
// network as a StackedJet (rows p·B .. p·B+B-1 belong to point p) and
// combines their read-outs per point with GroupSum. The directions are drawn
// in float64 on the CPU and fed; RowGather makes coordinate directions cost
// O(width) in the first layer.
//
// Unbiasedness, for H the Hessian of u at x:
//   - sparse: E[(d/B) Σ_{j∈J} H_jj] = tr H for J uniform of size B without
//     replacement; Var = (d²/B) σ² (d-B)/(d-1), σ² the variance of the
//     diagonal entries H_jj over j (finite-population sampling);
//   - Hutchinson: E[vᵀHv] = tr H when E[v vᵀ] = I; per direction
//     Var = 2 Σ_{i≠j} H_ij² (Rademacher) or 2‖H‖_F² (Gaussian);
//   - biharmonic: for Gaussian v, E[∂⁴_v u] = Σ_{ijkl} E[v_i v_j v_k v_l]
//     ∂_ijkl u = 3 Δ²u (Isserlis), so the estimate is mean(C4)/3 (the paper's
//     Eq. 88 carries a spurious factor d).

// SparseSTDE estimates the Laplacian from B = Samples coordinate directions
// per point, drawn uniformly without replacement: (d/B) Σ_{j∈J} ∂²u/∂x_j².
// With Samples = Dim it is the exact Laplacian (every coordinate once).
type SparseSTDE struct{ Dim, Samples int }

// Scale is d/B.
func (s SparseSTDE) Scale() float64 { return float64(s.Dim) / float64(s.Samples) }

// Draw fills idx (len P·Samples) with each point's coordinates, 0-based,
// distinct within a point.
func (s SparseSTDE) Draw(rng *rand.Rand, P int, idx []int) {
	d, B := s.Dim, s.Samples
	if B > d || len(idx) != P*B {
		panic(fmt.Sprintf("autodiff: SparseSTDE.Draw: %d samples of %d dimensions into %d slots for %d points", B, d, len(idx), P))
	}
	if 4*B <= d {
		// rejection: O(B²) per point, independent of d
		for p := 0; p < P; p++ {
			row := idx[p*B : (p+1)*B]
			for k := 0; k < B; {
				j := rng.IntN(d)
				dup := false
				for _, q := range row[:k] {
					dup = dup || q == j
				}
				if !dup {
					row[k] = j
					k++
				}
			}
		}
		return
	}
	perm := make([]int, d)
	for p := 0; p < P; p++ {
		for j := range perm {
			perm[j] = j
		}
		for k := 0; k < B; k++ { // partial Fisher-Yates
			j := k + rng.IntN(d-k)
			perm[k], perm[j] = perm[j], perm[k]
		}
		copy(idx[p*B:(p+1)*B], perm[:B])
	}
}

// Laplacian reads the estimate (P × 1) out of the stacked second
// coefficients c2 (P·B × 1) of the jets along e_j.
func (s SparseSTDE) Laplacian(c2 *G.Node) (*G.Node, error) {
	return groupMean(c2, s.Samples, s.Scale())
}

// Hutchinson estimates the Laplacian (trace of the Hessian) as the mean of
// vᵀHv over B = Samples dense directions per point, v Rademacher (±1) or
// standard Gaussian (the dense STDE / HTE estimators).
type Hutchinson struct {
	Dim, Samples int
	Gaussian     bool // false: Rademacher
}

// Draw fills v (P·Samples × Dim, row-major) with directions.
func (h Hutchinson) Draw(rng *rand.Rand, P int, v []float64) {
	if len(v) != P*h.Samples*h.Dim {
		panic(fmt.Sprintf("autodiff: Hutchinson.Draw: %d values for %d×%d×%d", len(v), P, h.Samples, h.Dim))
	}
	drawDense(rng, v, h.Gaussian)
}

// Laplacian is the per-point mean of c2 (P·B × 1 → P × 1).
func (h Hutchinson) Laplacian(c2 *G.Node) (*G.Node, error) {
	return groupMean(c2, h.Samples, 1/float64(h.Samples))
}

// Biharmonic estimates Δ²u from Gaussian 4-jets: mean over B directions of
// ∂⁴_v u, divided by 3.
type Biharmonic struct{ Dim, Samples int }

// Draw fills v (P·Samples × Dim) with standard Gaussian directions.
func (b Biharmonic) Draw(rng *rand.Rand, P int, v []float64) {
	if len(v) != P*b.Samples*b.Dim {
		panic(fmt.Sprintf("autodiff: Biharmonic.Draw: %d values for %d×%d×%d", len(v), P, b.Samples, b.Dim))
	}
	drawDense(rng, v, true)
}

// Estimate reads Δ²u (P × 1) from the stacked fourth coefficients c4.
func (b Biharmonic) Estimate(c4 *G.Node) (*G.Node, error) {
	return groupMean(c4, b.Samples, 1/(3*float64(b.Samples)))
}

func drawDense(rng *rand.Rand, v []float64, gaussian bool) {
	for i := range v {
		if gaussian {
			v[i] = rng.NormFloat64()
		} else if rng.Uint64()&1 == 0 {
			v[i] = 1
		} else {
			v[i] = -1
		}
	}
}

func groupMean(c *G.Node, B int, scale float64) (*G.Node, error) {
	if c == nil {
		return nil, fmt.Errorf("autodiff: estimator read-out of a structural zero")
	}
	s, err := GroupSum(c, B)
	if err != nil {
		return nil, err
	}
	return scaleNode(s, scale)
}

// SeriesCoefficient is the factor by which the n-th jet output of an input
// path x + Σ_k v_k s^k/k! carries the mixed derivative D^{|m|}u[v_k^{m_k}...]
// (m[k] = how many times v_k enters): n!/Π_k (m_k! (k!)^{m_k}), with
// n = Σ_k k·m_k (Faà di Bruno; Comtet 1974, §3.4). It is the read-out divisor
// when the input series has no other partition of n into its nonzero orders
// (check with UniquePartition).
func SeriesCoefficient(m map[int]int) (n int, coef float64) {
	coef = 1
	for k, mk := range m {
		n += k * mk
		coef *= factorial(mk) * pow(factorial(k), mk)
	}
	return n, factorial(n) / coef
}

// UniquePartition reports whether n has exactly one partition into parts
// from orders (with multiplicity), so that the jet output n reads out one
// mixed derivative alone.
func UniquePartition(n int, orders []int) bool {
	var count func(n, i int) int
	count = func(n, i int) int {
		if n == 0 {
			return 1
		}
		if i == len(orders) || n < 0 {
			return 0
		}
		return count(n-orders[i], i) + count(n, i+1)
	}
	return count(n, 0) == 1
}

// MixedThird reads ∂³u/∂x_i²∂x_j (i ≠ j) from one 7-jet with input series
// v2 = e_i, v3 = e_j (all other v_k = 0): C7 = 105 u_iij; the same jet gives
// C4 = 3 u_ii and C3 = u_j (STDE paper, §4.3; divisors from
// SeriesCoefficient). MixedThirdJet builds that input jet from the point x
// and the two direction rows ei, ej (same shape as x).
func MixedThirdJet(x, ei, ej *G.Node) Jet {
	c := make([]*G.Node, 8)
	c[0], c[2], c[3] = x, ei, ej
	return Jet{C: c}
}

// MixedThirdReadout returns (u_iij, u_ii, u_j) from the output jet of
// MixedThirdJet.
func MixedThirdReadout(out Jet) (uiij, uii, uj *G.Node, err error) {
	if out.Order() != 7 {
		return nil, nil, nil, fmt.Errorf("autodiff.MixedThirdReadout: want a 7-jet, got order %d", out.Order())
	}
	_, c7 := SeriesCoefficient(map[int]int{2: 2, 3: 1})
	_, c4 := SeriesCoefficient(map[int]int{2: 2})
	if uiij, err = scaleNode(out.C[7], 1/c7); err != nil {
		return
	}
	if uii, err = scaleNode(out.C[4], 1/c4); err != nil {
		return
	}
	return uiij, uii, out.C[3], nil
}
