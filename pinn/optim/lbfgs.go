package optim

import (
	"fmt"
	"math"

	"github.com/gopinn/gopinn/pinn/internal/runio"
)

// LBFGS is limited-memory BFGS (Nocedal & Wright, Numerical Optimization,
// 2nd ed., Alg. 7.4 two-loop recursion, Alg. 3.5/3.6 strong-Wolfe line
// search). It is written here rather than taken from gonum's optimize
// because its whole state (x, f, g and the curvature pairs) must go into a
// checkpoint so that a resumed run continues mid-L-BFGS exactly. The
// stage's learning rate is not used (the line search picks the step).
type LBFGS struct {
	mem  int
	x, g []float64
	f    float64
	S, Y [][]float64 // oldest first
	k    int         // iterations done
	done bool        // converged or line search failed: later steps do nothing
	has  bool        // x, f, g valid
}

var _ Method = (*LBFGS)(nil)

// LBFGSMemory is the number of curvature pairs kept. PINN losses are badly
// conditioned and a long history pays: on the acceptance Poisson problem
// (3000 Adam + 200 L-BFGS steps) memories 20 / 50 / 100 gave relative L2
// errors 1.9e-2 / 7.1e-3 / 4.6e-3. 100 is also PyTorch's default.
const LBFGSMemory = 100

func init() {
	Register("lbfgs", 1, func(int) Method { return NewLBFGS(LBFGSMemory) })
}

// NewLBFGS returns L-BFGS keeping mem curvature pairs.
func NewLBFGS(mem int) *LBFGS { return &LBFGS{mem: mem} }

// Needs: a fixed objective (curvature pairs and line searches compare
// values across evaluations).
func (o *LBFGS) Needs() Needs { return Needs{FixedObjective: true} }

// Step performs one iteration and returns the loss at the new x.
func (o *LBFGS) Step(obj Objective, x []float64, _ float64) (float64, error) {
	if err := o.Iterate(x, obj.LossGrad); err != nil {
		return 0, err
	}
	return o.f, nil
}

// Loss is the loss at the current iterate; Done reports whether the method
// has converged or its line search failed (later steps do nothing).
func (o *LBFGS) Loss() float64 { return o.f }
func (o *LBFGS) Done() bool    { return o.done }

// Iterate performs one L-BFGS iteration on f; theta is updated in place.
func (o *LBFGS) Iterate(theta []float64, f func(x, g []float64) (float64, error)) error {
	n := len(theta)
	if !o.has {
		o.x = append([]float64(nil), theta...)
		o.g = make([]float64, n)
		v, err := f(o.x, o.g)
		if err != nil {
			return err
		}
		o.f, o.has = v, true
	}
	if o.done {
		copy(theta, o.x)
		return nil
	}
	// d = -H g by the two-loop recursion.
	d := make([]float64, n)
	for i := range d {
		d[i] = -o.g[i]
	}
	alpha := make([]float64, len(o.S))
	for i := len(o.S) - 1; i >= 0; i-- {
		rho := 1 / dot(o.Y[i], o.S[i])
		alpha[i] = rho * dot(o.S[i], d)
		for j := range d {
			d[j] -= alpha[i] * o.Y[i][j]
		}
	}
	if m := len(o.S); m > 0 {
		gamma := dot(o.S[m-1], o.Y[m-1]) / dot(o.Y[m-1], o.Y[m-1])
		for j := range d {
			d[j] *= gamma
		}
	}
	for i := range o.S {
		rho := 1 / dot(o.Y[i], o.S[i])
		beta := rho * dot(o.Y[i], d)
		for j := range d {
			d[j] += (alpha[i] - beta) * o.S[i][j]
		}
	}
	dg := dot(d, o.g)
	if !(dg < 0) {
		// Not a descent direction: forget the memory and use steepest descent.
		o.S, o.Y = nil, nil
		for i := range d {
			d[i] = -o.g[i]
		}
		dg = dot(d, o.g)
	}
	step := 1.0
	if len(o.S) == 0 {
		step = math.Min(1, 1/math.Sqrt(dot(o.g, o.g)))
	}
	xn, gn, fn, ok, err := wolfe(o.x, o.f, o.g, d, dg, step, f)
	if err != nil {
		return err
	}
	o.k++
	if !ok || !(fn < o.f || (fn == o.f && dot(gn, gn) < dot(o.g, o.g))) {
		o.done = true
		copy(theta, o.x)
		return nil
	}
	s := make([]float64, n)
	y := make([]float64, n)
	for i := range s {
		s[i] = xn[i] - o.x[i]
		y[i] = gn[i] - o.g[i]
	}
	if sy := dot(s, y); sy > 1e-12*math.Sqrt(dot(s, s)*dot(y, y)) {
		o.S = append(o.S, s)
		o.Y = append(o.Y, y)
		if len(o.S) > o.mem {
			o.S, o.Y = o.S[1:], o.Y[1:]
		}
	}
	o.x, o.g, o.f = xn, gn, fn
	copy(theta, o.x)
	return nil
}

// wolfe finds a step satisfying the strong Wolfe conditions (c1 = 1e-4,
// c2 = 0.9) by bracketing and zoom with bisection-safeguarded cubic
// interpolation replaced by plain bisection for robustness.
func wolfe(x []float64, f0 float64, g0, d []float64, dg0, a1 float64, obj func(x, g []float64) (float64, error)) ([]float64, []float64, float64, bool, error) {
	const c1, c2, maxEval = 1e-4, 0.9, 25
	n := len(x)
	xt := make([]float64, n)
	gt := make([]float64, n)
	eval := func(a float64) (float64, float64, error) {
		for i := range xt {
			xt[i] = x[i] + a*d[i]
		}
		f, err := obj(xt, gt)
		return f, dot(gt, d), err
	}
	snap := func() ([]float64, []float64) {
		return append([]float64(nil), xt...), append([]float64(nil), gt...)
	}
	aPrev, fPrev, dPrev := 0.0, f0, dg0
	a := a1
	evals := 0
	zoom := func(lo, hi, flo float64) ([]float64, []float64, float64, bool, error) {
		for evals < maxEval {
			aj := 0.5 * (lo + hi)
			fj, dj, err := eval(aj)
			evals++
			if err != nil {
				return nil, nil, 0, false, err
			}
			if math.IsNaN(fj) || fj > f0+c1*aj*dg0 || fj >= flo {
				hi = aj
				continue
			}
			if math.Abs(dj) <= -c2*dg0 {
				xs, gs := snap()
				return xs, gs, fj, true, nil
			}
			if dj*(hi-lo) >= 0 {
				hi = lo
			}
			lo, flo = aj, fj
		}
		// Out of evaluations: accept the best sufficient-decrease point.
		if lo > 0 {
			fj, _, err := eval(lo)
			if err != nil {
				return nil, nil, 0, false, err
			}
			xs, gs := snap()
			return xs, gs, fj, true, nil
		}
		return nil, nil, 0, false, nil
	}
	for evals < maxEval {
		fa, da, err := eval(a)
		evals++
		if err != nil {
			return nil, nil, 0, false, err
		}
		if math.IsNaN(fa) || fa > f0+c1*a*dg0 || (evals > 1 && fa >= fPrev) {
			return zoom(aPrev, a, fPrev)
		}
		if math.Abs(da) <= -c2*dg0 {
			xs, gs := snap()
			return xs, gs, fa, true, nil
		}
		if da >= 0 {
			return zoom(a, aPrev, fa)
		}
		aPrev, fPrev, dPrev = a, fa, da
		a *= 2
	}
	_ = dPrev
	return nil, nil, 0, false, nil
}

// Save returns the iterate and the curvature pairs. An empty history (a
// stage whose line search failed at once) saves no pairs: an array with a
// leading zero dimension cannot be written to a checkpoint.
func (o *LBFGS) Save() State {
	a := State{"k": runio.Scalar(float64(o.k)), "done": flag(o.done), "has": flag(o.has)}
	if o.has {
		a["x"], a["g"], a["f"] = runio.Vector(o.x), runio.Vector(o.g), runio.Scalar(o.f)
		if len(o.S) > 0 {
			n := len(o.x)
			S := runio.Array{Shape: []int{len(o.S), n}, Data: make([]float64, 0, len(o.S)*n)}
			Y := runio.Array{Shape: []int{len(o.Y), n}, Data: make([]float64, 0, len(o.Y)*n)}
			for i := range o.S {
				S.Data = append(S.Data, o.S[i]...)
				Y.Data = append(Y.Data, o.Y[i]...)
			}
			a["S"], a["Y"] = S, Y
		}
	}
	return a
}

// Load restores what Save returned.
func (o *LBFGS) Load(a State) error {
	if err := require(a, "lbfgs", "k", "done", "has"); err != nil {
		return err
	}
	o.k = int(a["k"].Data[0])
	o.done = a["done"].Data[0] != 0
	o.has = a["has"].Data[0] != 0
	o.S, o.Y = nil, nil
	if !o.has {
		return nil
	}
	if err := require(a, "lbfgs", "x", "g", "f"); err != nil {
		return err
	}
	o.x = append([]float64(nil), a["x"].Data...)
	o.g = append([]float64(nil), a["g"].Data...)
	o.f = a["f"].Data[0]
	S, hasS := a["S"]
	Y, hasY := a["Y"]
	if hasS != hasY || len(S.Data) != len(Y.Data) {
		return fmt.Errorf("lbfgs state: curvature pairs S and Y do not match")
	}
	n := len(o.x)
	if n == 0 {
		return nil
	}
	for i := 0; i+n <= len(S.Data); i += n {
		o.S = append(o.S, append([]float64(nil), S.Data[i:i+n]...))
		o.Y = append(o.Y, append([]float64(nil), Y.Data[i:i+n]...))
	}
	return nil
}
