package optim

import (
	"fmt"

	"github.com/gopinn/gopinn/pinn/internal/runio"
)

// ENGD is energy natural gradient descent (Mueller & Zeinhofer, "Achieving
// high accuracy with PINNs via energy natural gradient descent", ICML 2023).
//
// Each step, with the current points of every term:
//
//	G = sum_t (w_t / P_t) J_t^T J_t      (the energy Gram matrix; for a linear
//	                                      operator, G_ij = <L d_i u, L d_j u>
//	                                      + boundary, as in the paper)
//	s = G^+ (grad L / 2)                 (grad L = sum_t (2 w_t / P_t) J_t^T r_t)
//	theta <- theta - 0.5^k s,  k in 0..ENGDLineSearch, the k of least loss
//
// The factor 2: the loss has no 1/2, so its Gauss-Newton Hessian is 2G and
// s is the full Gauss-Newton step (k = 0 is the step of the paper, whose
// loss carries the 1/2).
//
// Least squares: G s = grad L / 2 is solved as min |A s - b| with
// A = [sqrt(w_t/P_t) J_t], b = [sqrt(w_t/P_t) r_t] (G = A^T A,
// A^T b = grad L / 2) by a thin SVD of A, dropping singular values below
// rcond * sigma_max (see ENGDRcond0). This is the paper's least-squares
// solve with a cutoff, but it never squares the condition number
// (kappa(A) = sqrt(kappa(G))). There is no damping; truncation
// regularises.
//
// The learning rate of the stage is not used (the line search picks the
// step). Points stay fixed during the stage (Needs.FixedObjective): the
// line search compares losses on the same points.
type ENGD struct {
	k     int     // steps done
	alpha float64 // step size taken at the latest step (0: none)
	kept  int     // singular values kept at the latest step
	rcond float64 // current singular-value cutoff
}

var _ Method = (*ENGD)(nil)

// ENGDLineSearch is K of the step sizes 0.5^k, k = 0..K (the paper's grid).
const ENGDLineSearch = 30

// The singular-value cutoff of the least-squares solve, relative to
// sigma_max(A). It starts at ENGDRcond0: the paper's solve,
// jnp.linalg.lstsq(G, grad) with its default cutoff eps * n on G's
// spectrum, is a cutoff of sqrt(eps * n) ~ 1.7e-7 on A's for n = 129.
// Measured on the 2-D Poisson problem (seeds 1..3, 100 steps): starting
// cutoffs 1e-4 / 1e-5 stall at relative L2 5e-5 / 6e-6, 1e-7 often stays
// on the initial plateau; 1e-6 reaches 7e-7..1.2e-6. When a step lowers the
// loss by less than ENGDStall (relative), the step is solved again with a
// tenth of the cutoff (down to ENGDRcondMin) and the smaller cutoff is
// kept: continuation once the well-conditioned subspace is fitted.
// Tikhonov damping lambda proportional to the loss converged only linearly
// (1e-4 relative L2 after 100 steps) and is not used.
var (
	ENGDRcond0   = 1e-6
	ENGDRcondMin = 1e-11
	ENGDStall    = 1e-9
)

func init() {
	Register("engd", 1, func(int) Method { return &ENGD{} })
}

// Needs: the residuals' Jacobian, on fixed points (the line search compares
// losses on the same points).
func (o *ENGD) Needs() Needs { return Needs{Residuals: true, FixedObjective: true} }

// Bytes: the stacked Jacobian A (rows x n), its copy in the thin SVD and
// the factors U (rows x k) and V (n x k), k = min(rows, n).
func (o *ENGD) Bytes(n, rows int) float64 {
	k := float64(min(rows, n))
	return 8 * (2*float64(rows)*float64(n) + (float64(rows)+float64(n))*k)
}

// Step performs one ENGD step; the learning rate is not used.
func (o *ENGD) Step(obj Objective, x []float64, _ float64) (float64, error) {
	ls, blocks, err := residualsAt("engd", obj, x)
	if err != nil {
		return 0, err
	}
	A, b := Stacked(blocks)
	loss0 := dot(b, b)
	svd, err := newLstsq(A, b)
	if err != nil {
		return 0, fmt.Errorf("engd: %w", err)
	}
	if o.rcond == 0 {
		o.rcond = ENGDRcond0
	}
	// The cutoff only decreases: while a step with the current cutoff
	// lowers the loss by less than ENGDStall (relative), try a tenth of it.
	best, bestA, kept := loss0, 0.0, 0
	var bestS []float64
	for {
		s, k := svd.solve(o.rcond, 0)
		a, f, err := gridSearch(ls, x, s, loss0, ENGDLineSearch)
		if err != nil {
			return 0, fmt.Errorf("engd: %w", err)
		}
		if a > 0 && f < best {
			best, bestA, bestS, kept = f, a, s, k
		}
		if f <= loss0*(1-ENGDStall) || o.rcond/10 < ENGDRcondMin {
			break
		}
		o.rcond /= 10
	}
	if bestA > 0 {
		for i := range x {
			x[i] -= bestA * bestS[i]
		}
	}
	o.alpha, o.kept = bestA, kept
	o.k++
	return refresh(obj, x)
}

// gridSearch evaluates the loss at x - 0.5^k s for k = 0..K and returns
// the step size of least loss and that loss, or 0 and loss0 if no step
// lowers the loss below loss0.
func gridSearch(ls LeastSquares, x0, s []float64, loss0 float64, K int) (float64, float64, error) {
	x := make([]float64, len(x0))
	best, bestA := loss0, 0.0
	a := 1.0
	for k := 0; k <= K; k++ {
		for i := range x {
			x[i] = x0[i] - a*s[i]
		}
		f, err := ls.Loss(x)
		if err != nil {
			return 0, 0, err
		}
		if f < best { // NaN compares false
			best, bestA = f, a
		}
		a *= 0.5
	}
	return bestA, best, nil
}

// Save returns the step count, the latest step and the current cutoff.
func (o *ENGD) Save() State {
	return State{"k": runio.Scalar(float64(o.k)), "alpha": runio.Scalar(o.alpha), "kept": runio.Scalar(float64(o.kept)), "rcond": runio.Scalar(o.rcond)}
}

// Load restores what Save returned.
func (o *ENGD) Load(a State) error {
	if err := require(a, "engd", "k"); err != nil {
		return err
	}
	o.k = int(a["k"].Data[0])
	if v, ok := a["alpha"]; ok {
		o.alpha = v.Data[0]
	}
	if v, ok := a["kept"]; ok {
		o.kept = int(v.Data[0])
	}
	if v, ok := a["rcond"]; ok {
		o.rcond = v.Data[0] // the cutoff is state: a resumed run continues with it
	}
	return nil
}
