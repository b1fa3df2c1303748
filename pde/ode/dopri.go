package ode

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// Func evaluates the right-hand side of y' = f(t, y): it writes f(t, y) into
// dy. It must not retain or modify y.
type Func func(t float64, y, dy []float64)

// Options controls Solve. The zero value gives the defaults.
type Options struct {
	// RelTol and AbsTol are the relative and absolute local error
	// tolerances; component i of each step's error estimate is scaled by
	// AbsTol + RelTol*max(|y_old[i]|, |y_new[i]|). Defaults 1e-10 and 1e-12.
	RelTol, AbsTol float64
	// InitialStep is the size of the first trial step; zero chooses it from
	// f and the tolerances (HNW §II.4). MaxStep bounds every step; zero
	// means unbounded.
	InitialStep, MaxStep float64
	// MaxSteps bounds the number of steps attempted, accepted or rejected
	// (default 1e6).
	MaxSteps int
}

// Errors returned by Solve, wrapped with the time where integration stopped.
var (
	ErrMaxSteps  = errors.New("ode: maximum number of steps reached")
	ErrStepSize  = errors.New("ode: step size too small")
	ErrNonFinite = errors.New("ode: non-finite value")
)

// Dormand–Prince 5(4) coefficients (HNW Table II.5.2).
const (
	c2, c3, c4, c5 = 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9

	a21 = 1.0 / 5
	a31 = 3.0 / 40
	a32 = 9.0 / 40
	a41 = 44.0 / 45
	a42 = -56.0 / 15
	a43 = 32.0 / 9
	a51 = 19372.0 / 6561
	a52 = -25360.0 / 2187
	a53 = 64448.0 / 6561
	a54 = -212.0 / 729
	a61 = 9017.0 / 3168
	a62 = -355.0 / 33
	a63 = 46732.0 / 5247
	a64 = 49.0 / 176
	a65 = -5103.0 / 18656
	a71 = 35.0 / 384
	a73 = 500.0 / 1113
	a74 = 125.0 / 192
	a75 = -2187.0 / 6784
	a76 = 11.0 / 84

	// e_i = b_i - bhat_i: the difference of the 5th- and 4th-order weights.
	e1 = 71.0 / 57600
	e3 = -71.0 / 16695
	e4 = 71.0 / 1920
	e5 = -17253.0 / 339200
	e6 = 22.0 / 525
	e7 = -1.0 / 40

	// Shampine's dense output coefficients (DOPRI5, CONTD5).
	d1 = -12715105075.0 / 11282082432
	d3 = 87487479700.0 / 32700410799
	d4 = -10690763975.0 / 1880347072
	d5 = 701980252875.0 / 199316789632
	d6 = -1453857185.0 / 822651844
	d7 = 69997945.0 / 29380423
)

// Step-size control constants of DOPRI5.
const (
	safety  = 0.9
	facMin  = 0.2  // a step shrinks by at most 5x
	facMax  = 10.0 // and grows by at most 10x
	beta    = 0.04 // PI control: weight of the previous error
	expo1   = 0.2 - beta*0.75
	minPrev = 1e-4 // floor of the remembered previous error
)

// Solution is the result of Solve: the accepted steps, each with the
// coefficients of its order-4 interpolating polynomial.
type Solution struct {
	n      int
	t0, t1 float64
	dir    float64     // sign of t1 - t0
	ts     []float64   // ts[k] is the start of step k; ts[len] the end
	hs     []float64   // signed step sizes
	cont   [][]float64 // per step, 5*n coefficients
	nfev   int
}

// Solve integrates y' = f(t, y), y(t0) = y0, from t0 to t1 (t1 < t0
// integrates backwards). It returns the solution with dense output. On
// failure (too many steps, step size underflow, a non-finite value of f) it
// returns the solution up to the last accepted step together with an error
// wrapping ErrMaxSteps, ErrStepSize or ErrNonFinite.
func Solve(f Func, t0, t1 float64, y0 []float64, opts Options) (*Solution, error) {
	n := len(y0)
	if n == 0 {
		return nil, errors.New("ode: empty initial state")
	}
	if math.IsNaN(t0) || math.IsNaN(t1) || math.IsInf(t0, 0) || math.IsInf(t1, 0) {
		return nil, fmt.Errorf("ode: interval [%g, %g] is not finite", t0, t1)
	}
	rtol, atol := opts.RelTol, opts.AbsTol
	if rtol == 0 {
		rtol = 1e-10
	}
	if atol == 0 {
		atol = 1e-12
	}
	if rtol < 0 || atol < 0 {
		return nil, fmt.Errorf("ode: negative tolerance (RelTol %g, AbsTol %g)", rtol, atol)
	}
	hmax := math.Abs(opts.MaxStep)
	if hmax == 0 {
		hmax = math.Abs(t1 - t0)
	}
	maxSteps := opts.MaxSteps
	if maxSteps <= 0 {
		maxSteps = 1000000
	}
	for i, v := range y0 {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("y0[%d] = %g: %w", i, v, ErrNonFinite)
		}
	}
	dir := 1.0
	if t1 < t0 {
		dir = -1
	}
	s := &Solution{n: n, t0: t0, t1: t1, dir: dir, ts: []float64{t0}}
	y := append([]float64(nil), y0...)
	if t0 == t1 {
		s.cont = [][]float64{constCont(y)}
		s.hs = []float64{0}
		s.ts = append(s.ts, t1)
		return s, nil
	}

	k1, k2, k3, k4 := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	k5, k6, k7 := make([]float64, n), make([]float64, n), make([]float64, n)
	ys, y1 := make([]float64, n), make([]float64, n)
	eval := func(t float64, y, dy []float64) { f(t, y, dy); s.nfev++ }

	eval(t0, y, k1)
	if i := nonFinite(k1); i >= 0 {
		return s, fmt.Errorf("f(%g, y0)[%d] = %g: %w", t0, i, k1[i], ErrNonFinite)
	}
	h := math.Abs(opts.InitialStep)
	if h == 0 {
		h = initialStep(eval, t0, y, k1, dir, hmax, rtol, atol, ys, k2)
	}
	h = math.Min(h, hmax)

	t := t0
	facOld := minPrev
	rejected := false // the previous attempt was rejected: do not grow
	nanRetries := 0
	for steps := 0; ; steps++ {
		if steps >= maxSteps {
			return s, fmt.Errorf("at t = %g after %d steps: %w", t, steps, ErrMaxSteps)
		}
		if 0.1*h <= math.Abs(t)*0x1p-52 {
			return s, fmt.Errorf("at t = %g, h = %g: %w", t, h, ErrStepSize)
		}
		last := false
		if (t+1.01*dir*h-t1)*dir >= 0 {
			h = math.Abs(t1 - t)
			last = true
		}
		hs := dir * h
		for i := range y {
			ys[i] = y[i] + hs*a21*k1[i]
		}
		eval(t+c2*hs, ys, k2)
		for i := range y {
			ys[i] = y[i] + hs*(a31*k1[i]+a32*k2[i])
		}
		eval(t+c3*hs, ys, k3)
		for i := range y {
			ys[i] = y[i] + hs*(a41*k1[i]+a42*k2[i]+a43*k3[i])
		}
		eval(t+c4*hs, ys, k4)
		for i := range y {
			ys[i] = y[i] + hs*(a51*k1[i]+a52*k2[i]+a53*k3[i]+a54*k4[i])
		}
		eval(t+c5*hs, ys, k5)
		for i := range y {
			ys[i] = y[i] + hs*(a61*k1[i]+a62*k2[i]+a63*k3[i]+a64*k4[i]+a65*k5[i])
		}
		tNew := t + hs
		if last {
			tNew = t1
		}
		eval(tNew, ys, k6)
		for i := range y {
			y1[i] = y[i] + hs*(a71*k1[i]+a73*k3[i]+a74*k4[i]+a75*k5[i]+a76*k6[i])
		}
		eval(tNew, y1, k7)

		// Error norm, HNW (4.11).
		var sum float64
		for i := range y {
			sk := atol + rtol*math.Max(math.Abs(y[i]), math.Abs(y1[i]))
			ei := hs * (e1*k1[i] + e3*k3[i] + e4*k4[i] + e5*k5[i] + e6*k6[i] + e7*k7[i])
			sum += (ei / sk) * (ei / sk)
		}
		err := math.Sqrt(sum / float64(n))
		if math.IsNaN(err) || math.IsInf(err, 0) {
			// A blown-up trial step (overflow, or f undefined out there):
			// shrink hard and retry. 40 retries shrink h by 5^40 ~ 1e28.
			nanRetries++
			if nanRetries > 40 {
				return s, fmt.Errorf("at t = %g, h = %g: error estimate %g: %w", t, h, err, ErrNonFinite)
			}
			h *= facMin
			rejected = true
			continue
		}
		nanRetries = 0

		// PI control (DOPRI5): fac = err^expo1 / errOld^beta / safety, so
		// hNew = h / fac, clamped to [h*facMin, h*facMax].
		fac11 := math.Pow(err, expo1)
		if err <= 1 {
			fac := fac11 / math.Pow(facOld, beta) / safety
			fac = math.Max(1/facMax, math.Min(1/facMin, fac))
			facOld = math.Max(err, minPrev)

			s.cont = append(s.cont, dense(y, y1, k1, k3, k4, k5, k6, k7, hs))
			s.hs = append(s.hs, hs)
			s.ts = append(s.ts, tNew)
			copy(k1, k7) // FSAL
			copy(y, y1)
			t = tNew
			if last {
				return s, nil
			}
			hNew := h / fac
			if rejected {
				hNew = math.Min(hNew, h)
			}
			h = math.Min(hNew, hmax)
			rejected = false
		} else {
			h /= math.Min(1/facMin, fac11/safety)
			rejected = true
		}
	}
}

// dense returns the coefficients r1..r5 (concatenated) of the order-4
// continuous extension on [t, t+h] (DOPRI5's CONTD5): with theta = (s-t)/h,
// y(s) = r1 + theta*(r2 + (1-theta)*(r3 + theta*(r4 + (1-theta)*r5))).
func dense(y, y1, k1, k3, k4, k5, k6, k7 []float64, h float64) []float64 {
	n := len(y)
	r := make([]float64, 5*n)
	for i := range y {
		ydiff := y1[i] - y[i]
		bspl := h*k1[i] - ydiff
		r[i] = y[i]
		r[n+i] = ydiff
		r[2*n+i] = bspl
		r[3*n+i] = ydiff - h*k7[i] - bspl
		r[4*n+i] = h * (d1*k1[i] + d3*k3[i] + d4*k4[i] + d5*k5[i] + d6*k6[i] + d7*k7[i])
	}
	return r
}

func constCont(y []float64) []float64 {
	r := make([]float64, 5*len(y))
	copy(r, y)
	return r
}

func nonFinite(v []float64) int {
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return i
		}
	}
	return -1
}

// initialStep is HNW §II.4's starting step (DOPRI5's HINIT): a step whose
// explicit Euler error estimate is about the tolerance, using one extra
// evaluation of f to estimate the second derivative. f0 = f(t0, y0); ys and
// f1 are scratch.
func initialStep(f Func, t0 float64, y0, f0 []float64, dir, hmax, rtol, atol float64, ys, f1 []float64) float64 {
	n := float64(len(y0))
	var dnf, dny float64
	for i := range y0 {
		sk := atol + rtol*math.Abs(y0[i])
		dnf += (f0[i] / sk) * (f0[i] / sk)
		dny += (y0[i] / sk) * (y0[i] / sk)
	}
	dnf, dny = math.Sqrt(dnf/n), math.Sqrt(dny/n)
	h := 0.01 * dny / dnf
	if dnf <= 1e-10 || dny <= 1e-10 {
		h = 1e-6
	}
	h = math.Min(h, hmax)
	for i := range y0 {
		ys[i] = y0[i] + dir*h*f0[i]
	}
	f(t0+dir*h, ys, f1)
	var der2 float64
	for i := range y0 {
		sk := atol + rtol*math.Abs(y0[i])
		d := (f1[i] - f0[i]) / sk
		der2 += d * d
	}
	der2 = math.Sqrt(der2/n) / h
	der12 := math.Max(math.Abs(der2), math.Sqrt(dnf))
	// Order 5: h1 = (0.01 / der12)^(1/5).
	h1 := math.Max(1e-6, h*1e-3)
	if der12 > 1e-15 {
		h1 = math.Pow(0.01/der12, 1.0/5)
	}
	h = math.Min(math.Min(100*h, h1), hmax)
	if math.IsNaN(h) || h <= 0 {
		h = 1e-6
	}
	return h
}

// At returns the solution at t by the order-4 dense output of the step
// containing t (no evaluations of f); at a step boundary that is the
// step's end value to rounding. t outside the integrated interval is clamped to
// it; after a failed Solve that is the part computed before the failure.
func (s *Solution) At(t float64) []float64 {
	out := make([]float64, s.n)
	s.AtTo(out, t)
	return out
}

// AtTo is At writing into dst (len(dst) must be the system size).
func (s *Solution) AtTo(dst []float64, t float64) {
	n := s.n
	if len(dst) != n {
		panic(fmt.Sprintf("ode: AtTo: len(dst) = %d, system size %d", len(dst), n))
	}
	if len(s.cont) == 0 {
		panic("ode: At on a solution with no accepted step")
	}
	// Index of the step containing t, searching in the direction of
	// integration: the first step whose end lies at or beyond t.
	m := len(s.cont)
	k := sort.Search(m, func(k int) bool { return (s.ts[k+1]-t)*s.dir >= 0 })
	if k == m {
		k = m - 1
	}
	h := s.hs[k]
	var theta float64
	if h != 0 {
		theta = (t - s.ts[k]) / h
	}
	theta = math.Max(0, math.Min(1, theta))
	r := s.cont[k]
	th1 := 1 - theta
	for i := range dst {
		dst[i] = r[i] + theta*(r[n+i]+th1*(r[2*n+i]+theta*(r[3*n+i]+th1*r[4*n+i])))
	}
}

// Steps returns the number of accepted steps.
func (s *Solution) Steps() int { return len(s.hs) }

// Evaluations returns the number of evaluations of f Solve made.
func (s *Solution) Evaluations() int { return s.nfev }

// Times returns the step boundaries, t0 first; the last is t1 unless Solve
// failed. The slice is a copy.
func (s *Solution) Times() []float64 { return append([]float64(nil), s.ts...) }

// Final returns the state at the last accepted step boundary. Like At it
// panics if no step was accepted.
func (s *Solution) Final() []float64 { return s.At(s.ts[len(s.ts)-1]) }
