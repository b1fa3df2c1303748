package ode

import (
	"errors"
	"math"
	"testing"
)

// probe returns the step ends and, between every pair, three interior
// points where only the dense output is available.
func probe(s *Solution) (ends, inner []float64) {
	ts := s.Times()
	for k := 0; k+1 < len(ts); k++ {
		a, b := ts[k], ts[k+1]
		inner = append(inner, a+0.25*(b-a), a+0.5*(b-a), a+0.8*(b-a))
	}
	return ts, inner
}

func TestClosedForms(t *testing.T) {
	// Tolerance: at the default RelTol 1e-10, AbsTol 1e-12 the global error
	// of these non-stiff problems must stay below tol, at step ends and in
	// between. The controller bounds the error of the steps, not of the
	// interpolant; on exp(sin t) the dense output error is ~10x the step
	// error, hence its looser bound.
	cases := []struct {
		name   string
		f      Func
		t0, t1 float64
		y0     []float64
		exact  func(t float64) []float64
		tol    float64
	}{
		{
			name: "decay",
			f: func(t float64, y, dy []float64) {
				dy[0] = -y[0]
				dy[1] = -3 * y[1]
			},
			t0: 0, t1: 10, y0: []float64{1, 2},
			exact: func(t float64) []float64 { return []float64{math.Exp(-t), 2 * math.Exp(-3*t)} },
		},
		{
			name: "oscillator",
			f: func(t float64, y, dy []float64) {
				dy[0] = y[1]
				dy[1] = -y[0]
			},
			t0: 0, t1: 20, y0: []float64{1, 0},
			exact: func(t float64) []float64 { return []float64{math.Cos(t), -math.Sin(t)} },
		},
		{
			name: "oscillator backwards",
			f: func(t float64, y, dy []float64) {
				dy[0] = y[1]
				dy[1] = -y[0]
			},
			t0: 5, t1: -15, y0: []float64{math.Cos(5), -math.Sin(5)},
			exact: func(t float64) []float64 { return []float64{math.Cos(t), -math.Sin(t)} },
		},
		{
			name: "non-autonomous",
			// y' = cos(t) y, y = exp(sin t).
			f:  func(t float64, y, dy []float64) { dy[0] = math.Cos(t) * y[0] },
			t0: 0, t1: 12, y0: []float64{1},
			exact: func(t float64) []float64 { return []float64{math.Exp(math.Sin(t))} },
			tol:   5e-9,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tol := c.tol
			if tol == 0 {
				tol = 1e-9
			}
			s, err := Solve(c.f, c.t0, c.t1, c.y0, Options{})
			if err != nil {
				t.Fatal(err)
			}
			ends, inner := probe(s)
			maxErr := func(ts []float64) float64 {
				var m float64
				for _, tt := range ts {
					got, want := s.At(tt), c.exact(tt)
					for i := range got {
						m = math.Max(m, math.Abs(got[i]-want[i]))
					}
				}
				return m
			}
			eEnd, eIn := maxErr(ends), maxErr(inner)
			t.Logf("%d steps, %d evaluations; max error at step ends %.2e, dense %.2e",
				s.Steps(), s.Evaluations(), eEnd, eIn)
			if eEnd > tol || eIn > tol {
				t.Errorf("max error %.2e at ends, %.2e dense; want <= %g", eEnd, eIn, tol)
			}
			if got := s.Times()[len(s.Times())-1]; got != c.t1 {
				t.Errorf("last step ends at %v, want %v", got, c.t1)
			}
			// FSAL: 6 evaluations per attempted step, plus the first
			// stage and the initial-step probe.
			if (s.Evaluations()-2)%6 != 0 {
				t.Errorf("%d evaluations: not 6 per step + 2", s.Evaluations())
			}
		})
	}
}

// TestFixedStepOrder checks the order of the method itself: with the step
// forced constant (MaxStep = InitialStep, a tolerance so loose nothing is
// rejected), halving h must divide the error at the end by about 2^5, and
// the error of the dense output between steps by at least 2^4.
func TestFixedStepOrder(t *testing.T) {
	f := func(t float64, y, dy []float64) { dy[0] = y[1]; dy[1] = -y[0] }
	errs := func(h float64) (end, mid float64) {
		s, err := Solve(f, 0, 4, []float64{1, 0}, Options{RelTol: 1e3, AbsTol: 1e3, InitialStep: h, MaxStep: h})
		if err != nil {
			t.Fatal(err)
		}
		end = math.Abs(s.At(4)[0] - math.Cos(4))
		for tt := h / 2; tt < 4; tt += h {
			mid = math.Max(mid, math.Abs(s.At(tt)[0]-math.Cos(tt)))
		}
		return end, mid
	}
	hs := []float64{0.4, 0.2, 0.1, 0.05}
	var prevEnd, prevMid float64
	for i, h := range hs {
		end, mid := errs(h)
		if i > 0 {
			pEnd, pMid := math.Log2(prevEnd/end), math.Log2(prevMid/mid)
			t.Logf("h = %.3f: end error %.2e (order %.2f), dense error %.2e (order %.2f)", h, end, pEnd, mid, pMid)
			if pEnd < 4.6 || pEnd > 5.6 {
				t.Errorf("h = %g: observed order %.2f at step ends, want 5 +- 0.5", h, pEnd)
			}
			if pMid < 3.7 {
				t.Errorf("h = %g: observed dense output order %.2f, want >= 4 - 0.3", h, pMid)
			}
		}
		prevEnd, prevMid = end, mid
	}
}

// TestToleranceProportionality checks the adaptive controller: the global
// error must fall roughly in proportion to the tolerance (slope of log error
// against log tolerance between 0.7 and 1.3) and the number of steps must
// grow like tol^(-1/5) for a fifth-order method (slope between -0.25 and
// -0.15).
func TestToleranceProportionality(t *testing.T) {
	f := func(t float64, y, dy []float64) { dy[0] = y[1]; dy[1] = -y[0] }
	tols := []float64{1e-6, 1e-8, 1e-10, 1e-12}
	var le, ls []float64
	for _, tol := range tols {
		s, err := Solve(f, 0, 10, []float64{1, 0}, Options{RelTol: tol, AbsTol: tol})
		if err != nil {
			t.Fatal(err)
		}
		e := math.Hypot(s.At(10)[0]-math.Cos(10), s.At(10)[1]+math.Sin(10))
		t.Logf("tol %.0e: error %.2e, %d steps", tol, e, s.Steps())
		le = append(le, math.Log10(e))
		ls = append(ls, math.Log10(float64(s.Steps())))
	}
	n := float64(len(tols) - 1)
	slopeErr := (le[0] - le[len(le)-1]) / (2 * n)
	slopeSteps := (ls[len(ls)-1] - ls[0]) / (-2 * n)
	t.Logf("d log(error)/d log(tol) = %.3f, d log(steps)/d log(tol) = %.3f", slopeErr, slopeSteps)
	if slopeErr < 0.7 || slopeErr > 1.3 {
		t.Errorf("error slope %.3f, want 1 +- 0.3", slopeErr)
	}
	if slopeSteps < -0.25 || slopeSteps > -0.15 {
		t.Errorf("step-count slope %.3f, want -0.2 +- 0.05", slopeSteps)
	}
}

// TestLotkaVolterraInvariant uses the parameters of PAPERS.md §3. For
// x' = alpha x - beta x y, y' = -delta y + gamma x y the first integral is
// V = gamma x - delta ln x + beta y - alpha ln y (dV/dt = (gamma - delta/x) x'
// + (beta - alpha/y) y' = 0); it must stay constant to 1e-8 over [0, 30],
// sampled every 0.01 through the dense output.
func TestLotkaVolterraInvariant(t *testing.T) {
	const alpha, beta, gamma, delta = 1.3, 0.9, 0.8, 1.8
	f := func(t float64, y, dy []float64) {
		dy[0] = alpha*y[0] - beta*y[0]*y[1]
		dy[1] = -delta*y[1] + gamma*y[0]*y[1]
	}
	V := func(y []float64) float64 {
		return gamma*y[0] - delta*math.Log(y[0]) + beta*y[1] - alpha*math.Log(y[1])
	}
	y0 := []float64{0.44249296, 4.6280594}
	s, err := Solve(f, 0, 30, y0, Options{})
	if err != nil {
		t.Fatal(err)
	}
	v0 := V(y0)
	var drift float64
	for tt := 0.0; tt <= 30; tt += 0.01 {
		drift = math.Max(drift, math.Abs(V(s.At(tt))-v0))
	}
	t.Logf("%d steps; max |V(t) - V(0)| = %.2e", s.Steps(), drift)
	if drift > 1e-8 {
		t.Errorf("invariant drift %.2e, want <= 1e-8", drift)
	}
}

func TestFailures(t *testing.T) {
	cases := []struct {
		name string
		f    Func
		t1   float64
		y0   []float64
		opts Options
		want error
	}{
		{
			// Stiff: the explicit method's stability limit h < 3.3e-7
			// needs ~1e7 steps over [0, 3]; MaxSteps stops it.
			name: "stiff",
			f:    func(t float64, y, dy []float64) { dy[0] = -1e7 * (y[0] - math.Cos(t)) },
			t1:   3, y0: []float64{0},
			opts: Options{MaxSteps: 2000},
			want: ErrMaxSteps,
		},
		{
			// y' = y^2, y(0) = 1 blows up at t = 1.
			name: "blow-up",
			f:    func(t float64, y, dy []float64) { dy[0] = y[0] * y[0] },
			t1:   2, y0: []float64{1},
			want: ErrStepSize,
		},
		{
			name: "nan",
			f:    func(t float64, y, dy []float64) { dy[0] = math.NaN() },
			t1:   1, y0: []float64{1},
			want: ErrNonFinite,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := Solve(c.f, 0, c.t1, c.y0, c.opts)
			if !errors.Is(err, c.want) {
				t.Fatalf("error %v, want %v", err, c.want)
			}
			t.Logf("%v (%d accepted steps)", err, s.Steps())
		})
	}
}

func TestZeroLengthInterval(t *testing.T) {
	s, err := Solve(func(t float64, y, dy []float64) { dy[0] = 1 }, 2, 2, []float64{3}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.At(2)[0]; got != 3 {
		t.Errorf("At(2) = %v, want 3", got)
	}
}
