package optim

import (
	"fmt"
	"math"

	"github.com/gopinn/gopinn/pinn/internal/runio"
	"gonum.org/v1/gonum/mat"
)

// LM is Levenberg-Marquardt for the nonlinear least-squares loss
// L = sum_t (w_t/P_t) |r_t|^2 (Madsen, Nielsen & Tingleff, "Methods for
// non-linear least squares problems", 2004, Alg. 3.16). With
// H = J^T W J and g = J^T W r (W = diag(w_t/P_t); H = G and g = grad L / 2
// of engd), each step solves
//
//	(H + mu I) h = g      (Cholesky of the damped normal equations)
//
// and tries theta - h. The gain ratio rho = (L(theta) - L(theta - h)) /
// (h . g + mu |h|^2) (actual over predicted decrease of the linear model)
// decides: rho > 0 accepts the step and mu *= max(1/3, 1 - (2 rho - 1)^3),
// nu = 2 (Nielsen's rule); otherwise mu *= nu, nu *= 2 and the step is
// solved again with the same Jacobian, up to LMTries times within one
// optimizer step. mu starts at LMTau * max diag(H). mu I rather than
// mu diag(H): parameters some term does not reach have zero columns.
//
// mu and nu are the state (saved in the checkpoint); the stage's learning
// rate is not used. Points stay fixed during the stage.
type LM struct {
	mu, nu float64
	has    bool // mu, nu initialised
	k      int  // steps done
}

var _ Method = (*LM)(nil)

const (
	LMTau   = 1e-3
	LMTries = 10
)

func init() {
	Register("lm", 1, func(int) Method { return &LM{} })
}

// Needs: the residuals' Jacobian, on fixed points.
func (o *LM) Needs() Needs { return Needs{Residuals: true, FixedObjective: true} }

// Bytes: the stacked Jacobian (rows x n), H and its Cholesky factor (n x n
// each).
func (o *LM) Bytes(n, rows int) float64 {
	return 8 * (float64(rows)*float64(n) + 2*float64(n)*float64(n))
}

// Step performs one LM step; the learning rate is not used.
func (o *LM) Step(obj Objective, theta []float64, _ float64) (float64, error) {
	ls, blocks, err := residualsAt("lm", obj, theta)
	if err != nil {
		return 0, err
	}
	H, g, loss0 := Gram(blocks)
	n := len(g)
	if !o.has {
		m := 0.0
		for i := 0; i < n; i++ {
			m = math.Max(m, H.At(i, i))
		}
		o.mu, o.nu, o.has = LMTau*math.Max(m, 1e-300), 2, true
	}
	o.k++
	x := make([]float64, n)
	gv := mat.NewVecDense(n, g)
	for try := 0; try < LMTries; try++ {
		D := mat.NewSymDense(n, nil)
		D.CopySym(H)
		for i := 0; i < n; i++ {
			D.SetSym(i, i, D.At(i, i)+o.mu)
		}
		var ch mat.Cholesky
		var h mat.VecDense
		ok := ch.Factorize(D)
		if ok {
			ok = ch.SolveVecTo(&h, gv) == nil
		}
		if !ok { // not positive definite in floating point: damp more
			o.mu *= o.nu
			o.nu *= 2
			continue
		}
		hd := h.RawVector().Data
		for i := range x {
			x[i] = theta[i] - hd[i]
		}
		f, err := ls.Loss(x)
		if err != nil {
			return 0, fmt.Errorf("lm: %w", err)
		}
		pred := dot(hd, g) + o.mu*dot(hd, hd)
		rho := (loss0 - f) / pred
		if pred > 0 && rho > 0 { // NaN compares false
			copy(theta, x)
			o.mu *= math.Max(1.0/3, 1-math.Pow(2*rho-1, 3))
			o.nu = 2
			break
		}
		o.mu *= o.nu
		o.nu *= 2
	}
	return refresh(obj, theta)
}

// Save returns mu, nu and the step count.
func (o *LM) Save() State {
	return State{"mu": runio.Scalar(o.mu), "nu": runio.Scalar(o.nu), "has": flag(o.has), "k": runio.Scalar(float64(o.k))}
}

// Load restores what Save returned.
func (o *LM) Load(a State) error {
	if err := require(a, "lm", "mu", "nu", "has", "k"); err != nil {
		return err
	}
	o.mu, o.nu = a["mu"].Data[0], a["nu"].Data[0]
	o.has = a["has"].Data[0] != 0
	o.k = int(a["k"].Data[0])
	return nil
}
