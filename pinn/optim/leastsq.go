package optim

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Least-squares algebra shared by the Gauss-Newton-type methods. With the
// loss L = sum_t s_t |r_t|² over blocks (s_t = Block.Scale), stacking
// A = [sqrt(s_t) J_t] and b = [sqrt(s_t) r_t]:
//
//	L = |b|²,  grad L = 2 Aᵀb,  Gauss-Newton Hessian 2 AᵀA = 2 G,
//	G = sum_t s_t J_tᵀ J_t
//
// and the Gauss-Newton step (for linear PDE operators, the energy natural
// gradient) is s = G⁺ (grad L / 2) = A⁺ b.

// Stacked returns A = [sqrt(s_t) J_t] and b = [sqrt(s_t) r_t] (L = |b|²).
func Stacked(blocks []Block) (*mat.Dense, []float64) {
	rows, n := 0, 0
	for _, bl := range blocks {
		r, c := bl.J.Dims()
		rows, n = rows+r, c
	}
	A := mat.NewDense(rows, n, nil)
	b := make([]float64, 0, rows)
	off := 0
	for _, bl := range blocks {
		r, _ := bl.J.Dims()
		q := math.Sqrt(bl.Scale)
		blk := A.Slice(off, off+r, 0, n).(*mat.Dense)
		blk.Scale(q, bl.J)
		for _, v := range bl.R {
			b = append(b, q*v)
		}
		off += r
	}
	return A, b
}

// Gram returns G = sum_t s_t J_tᵀ J_t (half the Gauss-Newton Hessian of L),
// g = sum_t s_t J_tᵀ r_t (half the gradient of L), and L itself.
func Gram(blocks []Block) (*mat.SymDense, []float64, float64) {
	var n int
	if len(blocks) > 0 {
		_, n = blocks[0].J.Dims()
	}
	G := mat.NewSymDense(n, nil)
	g := mat.NewVecDense(n, nil)
	loss := 0.0
	for _, bl := range blocks {
		G.SymRankK(G, bl.Scale, bl.J.T())
		tmp := mat.NewVecDense(n, nil)
		tmp.MulVec(bl.J.T(), mat.NewVecDense(len(bl.R), bl.R))
		g.AddScaledVec(g, bl.Scale, tmp)
		for _, v := range bl.R {
			loss += bl.Scale * v * v
		}
	}
	return G, g.RawVector().Data, loss
}

// lstsq is a thin SVD of A with Uᵀb, for least-squares solves of A x = b
// with several cutoffs or dampings.
type lstsq struct {
	sv []float64
	ub []float64 // Uᵀb
	V  mat.Dense
}

func newLstsq(A *mat.Dense, b []float64) (*lstsq, error) {
	var svd mat.SVD
	if !svd.Factorize(A, mat.SVDThin) {
		return nil, fmt.Errorf("SVD did not converge")
	}
	l := &lstsq{sv: svd.Values(nil)}
	var U mat.Dense
	svd.UTo(&U)
	svd.VTo(&l.V)
	ub := mat.NewVecDense(len(l.sv), nil)
	ub.MulVec(U.T(), mat.NewVecDense(len(b), b))
	l.ub = ub.RawVector().Data
	return l, nil
}

// solve returns the damped minimum-norm least-squares solution
// x = sum_i sigma_i / (sigma_i² + lambda) (u_i·b) v_i over the singular
// values above rcond·sigma_max (lambda = 0: the truncated pseudo-inverse),
// and the number of singular values kept.
func (l *lstsq) solve(rcond, lambda float64) ([]float64, int) {
	c := make([]float64, len(l.sv))
	kept := 0
	for i, s := range l.sv {
		if s > rcond*l.sv[0] && s > 0 {
			c[i] = l.ub[i] * s / (s*s + lambda)
			kept++
		}
	}
	n, _ := l.V.Dims() // V is parameters x min(rows, parameters)
	x := mat.NewVecDense(n, nil)
	x.MulVec(&l.V, mat.NewVecDense(len(c), c))
	return x.RawVector().Data, kept
}

// residualsAt asserts that a method needing residuals (name) got a
// LeastSquares objective and evaluates its blocks at x.
func residualsAt(name string, obj Objective, x []float64) (LeastSquares, []Block, error) {
	ls, ok := obj.(LeastSquares)
	if !ok {
		return nil, nil, fmt.Errorf("%s: the objective offers no residuals", name)
	}
	blocks, err := ls.Residuals(x)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	return ls, blocks, nil
}

// refresh evaluates the objective at the new x so that the loss (and
// whatever the objective reports beside it) are those of the step's result.
func refresh(obj Objective, x []float64) (float64, error) {
	return obj.LossGrad(x, make([]float64, len(x)))
}
