package pinn

import (
	"fmt"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pinn/internal/runio"
)

// engd is energy natural gradient descent (Mueller & Zeinhofer, "Achieving
// high accuracy with PINNs via energy natural gradient descent", ICML 2023).
//
// Each step, with the current points of every term:
//
//	G = sum_t (w_t / P_t) J_t^T J_t      (the energy Gram matrix; for a linear
//	                                      operator, G_ij = <L d_i u, L d_j u>
//	                                      + boundary, as in the paper)
//	s = G^+ (grad L / 2)                 (grad L = sum_t (2 w_t / P_t) J_t^T r_t)
//	theta <- theta - 0.5^k s,  k in 0..engdLineSearch, the k of least loss
//
// The factor 2: the loss has no 1/2, so its Gauss-Newton Hessian is 2G and
// s is the full Gauss-Newton step (k = 0 is the step of the paper, whose
// loss carries the 1/2).
//
// Least squares: G s = grad L / 2 is solved as min |A s - b| with
// A = [sqrt(w_t/P_t) J_t], b = [sqrt(w_t/P_t) r_t] (G = A^T A,
// A^T b = grad L / 2) by a thin SVD of A, dropping singular values below
// rcond * sigma_max (see engdRcond0). This is the paper's least-squares
// solve with a cutoff, but it never squares the condition number
// (kappa(A) = sqrt(kappa(G))). There is no damping; truncation
// regularises.
//
// The learning rate of the stage is not used (the line search picks the
// step). Points stay fixed during the stage (resamples() is false): the
// line search compares losses on the same points.
type engd struct {
	jac   *jacobian
	k     int     // steps done
	alpha float64 // step size taken at the latest step (0: none)
	kept  int     // singular values kept at the latest step
	rcond float64 // current singular-value cutoff
}

// engdLineSearch is K of the step sizes 0.5^k, k = 0..K (the paper's grid).
const engdLineSearch = 30

// engdRcond is the relative singular-value cutoff of the least-squares solve.
// The singular-value cutoff of the least-squares solve, relative to
// sigma_max(A). It starts at engdRcond0: the paper's solve,
// jnp.linalg.lstsq(G, grad) with its default cutoff eps * n on G's
// spectrum, is a cutoff of sqrt(eps * n) ~ 1.7e-7 on A's for n = 129.
// Measured on the 2-D Poisson problem (seeds 1..3, 100 steps): starting
// cutoffs 1e-4 / 1e-5 stall at relative L2 5e-5 / 6e-6, 1e-7 often stays
// on the initial plateau; 1e-6 reaches 7e-7..1.2e-6. When a step lowers the
// loss by less than engdStall (relative), the step is solved again with a
// tenth of the cutoff (down to engdRcondMin) and the smaller cutoff is
// kept: continuation once the well-conditioned subspace is fitted.
// Tikhonov damping lambda proportional to the loss converged only linearly
// (1e-4 relative L2 after 100 steps) and is not used.
var (
	engdRcond0   = 1e-6
	engdRcondMin = 1e-11
	engdStall    = 1e-9
)

func init() {
	registerOptimizer("engd", 1, func(int, pde.Stage) optimizer { return &engd{} })
}

func (o *engd) resamples() bool { return false }

func (o *engd) step(c *stepContext) (float64, error) {
	if o.jac == nil {
		jc, err := newJacobian(c.prog)
		if err != nil {
			return 0, fmt.Errorf("engd: %w", err)
		}
		o.jac = jc
	}
	tjs, err := o.jac.assemble(c.theta, c.prog)
	if err != nil {
		return 0, fmt.Errorf("engd: %w", err)
	}
	A, b := stacked(tjs)
	loss0 := dot(b, b)
	svd, err := newLstsq(A, b)
	if err != nil {
		return 0, fmt.Errorf("engd: %w", err)
	}
	if o.rcond == 0 {
		o.rcond = engdRcond0
	}
	// The cutoff only decreases: while a step with the current cutoff
	// lowers the loss by less than engdStall (relative), try a tenth of it.
	best, bestA, kept := loss0, 0.0, 0
	var bestS []float64
	for {
		s, k := svd.solve(o.rcond, 0)
		a, f, err := gridSearch(o.jac, c, s, loss0, engdLineSearch)
		if err != nil {
			return 0, fmt.Errorf("engd: %w", err)
		}
		if a > 0 && f < best {
			best, bestA, bestS, kept = f, a, s, k
		}
		if f <= loss0*(1-engdStall) || o.rcond/10 < engdRcondMin {
			break
		}
		o.rcond /= 10
	}
	if bestA > 0 {
		for i := range c.theta {
			c.theta[i] -= bestA * bestS[i]
		}
	}
	o.alpha, o.kept = bestA, kept
	o.k++
	return refresh(c)
}

// gridSearch evaluates the loss at theta - 0.5^k s for k = 0..K and
// returns the step size of least loss and that loss, or 0 and loss0 if no
// step lowers the loss below loss0.
func gridSearch(jc *jacobian, c *stepContext, s []float64, loss0 float64, K int) (float64, float64, error) {
	x := make([]float64, len(c.theta))
	best, bestA := loss0, 0.0
	a := 1.0
	for k := 0; k <= K; k++ {
		for i := range x {
			x[i] = c.theta[i] - a*s[i]
		}
		f, err := jc.lossAt(x, c.prog)
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

// refresh runs the training program at the new theta so that the loss and
// per-term losses the trainer reports are those of the new parameters.
func refresh(c *stepContext) (float64, error) {
	g := make([]float64, len(c.theta))
	return c.eval(c.theta, g)
}

func (o *engd) save() map[string]runio.Array {
	return map[string]runio.Array{"k": scalarArr(float64(o.k)), "alpha": scalarArr(o.alpha), "kept": scalarArr(float64(o.kept)), "rcond": scalarArr(o.rcond)}
}

func (o *engd) load(a map[string]runio.Array) error {
	if _, ok := a["k"]; !ok {
		return fmt.Errorf("engd state has no %q", "k")
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
