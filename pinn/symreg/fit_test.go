package symreg

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gopinn/gopinn/pde/expr"
	"github.com/gopinn/gopinn/pde/ode"
)

// lotkaVolterra samples the trajectory of PAPERS.md §3 (alpha 1.3, beta
// 0.9, gamma 0.8, delta 1.8) at m equispaced times in [0, 3].
func lotkaVolterra(t *testing.T, m int) (x, y []float64) {
	t.Helper()
	f := func(_ float64, y, dy []float64) {
		dy[0] = 1.3*y[0] - 0.9*y[0]*y[1]
		dy[1] = -1.8*y[1] + 0.8*y[0]*y[1]
	}
	s, err := ode.Solve(f, 0, 3, []float64{0.44249296, 4.6280594}, ode.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range m {
		v := s.At(3 * float64(i) / float64(m-1))
		x, y = append(x, v[0]), append(y, v[1])
	}
	return x, y
}

func uniform(r *rand.Rand, m int, lo, hi float64) []float64 {
	v := make([]float64, m)
	for i := range v {
		v[i] = lo + (hi-lo)*r.Float64()
	}
	return v
}

// eval evaluates src at every sample.
func eval(t *testing.T, src string, names []string, inputs [][]float64) []float64 {
	t.Helper()
	e, err := expr.Parse(src)
	if err != nil {
		t.Fatalf("parse %q: %v", src, err)
	}
	f, err := expr.Compile(e, names)
	if err != nil {
		t.Fatalf("compile %q: %v", src, err)
	}
	out := make([]float64, len(inputs[0]))
	row := make([]float64, len(names))
	for r := range out {
		for i := range names {
			row[i] = inputs[i][r]
		}
		out[r] = f(row)
	}
	return out
}

// fitted evaluates a candidate from its full-precision terms.
func fitted(t *testing.T, c Candidate, names []string, inputs [][]float64) []float64 {
	out := make([]float64, len(inputs[0]))
	for _, term := range c.Terms {
		v := eval(t, term.Expr, names, inputs)
		for r := range out {
			out[r] += term.Coef * v[r]
		}
	}
	return out
}

func relDiff(a, b []float64) float64 {
	var num, den float64
	for i := range a {
		num += (a[i] - b[i]) * (a[i] - b[i])
		den += b[i] * b[i]
	}
	return math.Sqrt(num / den)
}

func checkFront(t *testing.T, front []Candidate) {
	t.Helper()
	sel := 0
	for i, c := range front {
		if c.Selected {
			sel++
		}
		if i > 0 && !(c.Complexity > front[i-1].Complexity && c.RelError < front[i-1].RelError) {
			t.Errorf("front not monotone at %d: (%d, %.3e) after (%d, %.3e)",
				i, c.Complexity, c.RelError, front[i-1].Complexity, front[i-1].RelError)
		}
	}
	if sel != 1 {
		t.Errorf("%d candidates marked selected, want 1", sel)
	}
}

// wantTerms checks that c has exactly the given terms with coefficients
// within relTol of the given values.
func wantTerms(t *testing.T, c Candidate, want map[string]float64, relTol float64) {
	t.Helper()
	if len(c.Terms) != len(want) {
		t.Fatalf("selected %q (%d terms), want terms %v", c.Expression, len(c.Terms), want)
	}
	for _, term := range c.Terms {
		w, ok := want[term.Expr]
		if !ok {
			t.Fatalf("selected %q: unexpected term %q", c.Expression, term.Expr)
		}
		if e := math.Abs(term.Coef-w) / math.Abs(w); e > relTol {
			t.Errorf("coefficient of %s = %.10g, want %g (relative error %.2e > %g)", term.Expr, term.Coef, w, e, relTol)
		} else {
			t.Logf("coefficient of %s = %.10g (relative error %.2e)", term.Expr, term.Coef, e)
		}
	}
}

func TestRecover(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	x, y := lotkaVolterra(t, 300)
	lv := make([]float64, len(x))
	for i := range x {
		lv[i] = 0.9 * x[i] * y[i]
	}
	// PAPERS.md §3 noise model: h + eps * mean(|h|) * N(0, 1).
	noisy := func(h []float64, eps float64) []float64 {
		var mean float64
		for _, v := range h {
			mean += math.Abs(v) / float64(len(h))
		}
		out := make([]float64, len(h))
		for i, v := range h {
			out[i] = v + eps*mean*r.NormFloat64()
		}
		return out
	}
	u := uniform(r, 400, -1, 1)
	ux := uniform(r, 400, -5, 5)
	ac := make([]float64, len(u))
	burgers := make([]float64, len(u))
	for i := range u {
		ac[i] = u[i] - u[i]*u[i]*u[i]
		burgers[i] = -u[i] * ux[i]
	}
	// Cell-apoptosis-like kinetics: k0 - k2 x/(j2 + x) - kd x.
	xa := uniform(r, 200, 0.01, 1)
	mm := make([]float64, len(xa))
	for i, v := range xa {
		mm[i] = 0.1 - 0.4*v/(0.1+v) - 0.05*v
	}

	cases := []struct {
		name     string
		names    []string
		inputs   [][]float64
		target   []float64
		opts     Options
		want     map[string]float64
		relTol   float64 // on each coefficient
		wantExpr string  // "" to skip
	}{
		{name: "LV noiseless", names: []string{"x", "y"}, inputs: [][]float64{x, y}, target: lv,
			want: map[string]float64{"x*y": 0.9}, relTol: 1e-6, wantExpr: "0.9*x*y"},
		{name: "LV 1% noise", names: []string{"x", "y"}, inputs: [][]float64{x, y}, target: noisy(lv, 0.01),
			want: map[string]float64{"x*y": 0.9}, relTol: 0.01},
		{name: "LV 1% noise normalized", names: []string{"x", "y"}, inputs: [][]float64{x, y}, target: noisy(lv, 0.01),
			opts: Options{Normalize: true}, want: map[string]float64{"x*y": 0.9}, relTol: 0.01},
		{name: "Allen-Cahn", names: []string{"u"}, inputs: [][]float64{u}, target: ac,
			opts: Options{MaxDegree: 5}, want: map[string]float64{"u": 1, "u^3": -1}, relTol: 1e-9, wantExpr: "u - u^3"},
		{name: "Burgers advection", names: []string{"u", "u_x"}, inputs: [][]float64{u, ux}, target: burgers,
			want: map[string]float64{"u*u_x": -1}, relTol: 1e-9, wantExpr: "-u*u_x"},
		{name: "Burgers advection 1% noise", names: []string{"u", "u_x"}, inputs: [][]float64{u, ux}, target: noisy(burgers, 0.01),
			want: map[string]float64{"u*u_x": -1}, relTol: 0.01},
		{name: "Michaelis-Menten extra", names: []string{"x"}, inputs: [][]float64{xa}, target: mm,
			opts: Options{Extra: []string{"x/(0.1 + x)"}},
			want: map[string]float64{"1": 0.1, "x": -0.05, "x/(0.1 + x)": -0.4}, relTol: 1e-8,
			wantExpr: "0.1 - 0.05*x - 0.4*x/(0.1 + x)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			best, front, err := Fit(c.names, c.inputs, c.target, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := WriteFront(&buf, front); err != nil {
				t.Fatal(err)
			}
			t.Logf("selected %q, relative error %.3e; front:\n%s", best.Expression, best.RelError, buf.String())
			checkFront(t, front)
			wantTerms(t, best, c.want, c.relTol)
			if c.wantExpr != "" && best.Expression != c.wantExpr {
				t.Errorf("expression %q, want %q", best.Expression, c.wantExpr)
			}
		})
	}
}

// TestRoundTrip: every formula on the front parses and evaluates to the
// fitted values, to the precision of its printed coefficients (4
// significant digits: relative 5e-4 per coefficient, so 1e-3 overall) and
// to 1e-12 with 17 digits. The library includes extra terms that need
// parentheses.
func TestRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	x := uniform(r, 300, 0.1, 2)
	y := uniform(r, 300, -1, 1)
	h := make([]float64, len(x))
	for i := range x {
		h[i] = -1.7*x[i]*y[i] + 0.3*(math.Exp(-x[i])-y[i]) - 2.5*x[i]/(0.1+x[i]) + 0.02*r.NormFloat64()
	}
	names := []string{"x", "y"}
	inputs := [][]float64{x, y}
	extra := []string{"exp(-x) - y", "x/(0.1 + x)", "-x", "sin(y)"}
	for _, digits := range []int{0, 17} {
		tol := 1e-3
		if digits == 17 {
			tol = 1e-12
		}
		_, front, err := Fit(names, inputs, h, Options{Extra: extra, Digits: digits})
		if err != nil {
			t.Fatal(err)
		}
		checkFront(t, front)
		for _, c := range front {
			got := eval(t, c.Expression, names, inputs)
			want := fitted(t, c, names, inputs)
			if d := relDiff(got, want); d > tol {
				t.Errorf("digits %d: %q evaluates %.2e away from its fit, want <= %g", digits, c.Expression, d, tol)
			}
			// RelError must be what it says.
			if d := relDiff(want, h); math.Abs(d-c.RelError) > 1e-9 {
				t.Errorf("%q: RelError %.12g, recomputed %.12g", c.Expression, c.RelError, d)
			}
			// And Eval, the single-point entry, agrees.
			e, _ := expr.Parse(c.Expression)
			v, err := expr.Eval(e, names, []float64{x[0], y[0]})
			if err != nil || math.Abs(v-got[0]) > 1e-15*math.Max(1, math.Abs(v)) {
				t.Errorf("Eval(%q) = %v, %v; want %v", c.Expression, v, err, got[0])
			}
		}
	}
}

// TestThreshold: h = 2x + 0.05x^3 on [-2, 2]. The raw coefficient of x^3
// is 0.05, its normalised contribution 0.05*||x^3||/||h|| ~ 0.062, so a
// threshold of 0.055 keeps it only with Normalize. Alone, x gets the
// least-squares coefficient 2 + 0.05*E[x^4]/E[x^2] = 2.12.
func TestThreshold(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	x := uniform(r, 400, -2, 2)
	h := make([]float64, len(x))
	for i, v := range x {
		h[i] = 2*v + 0.05*v*v*v
	}
	both := map[string]float64{"x": 2, "x^3": 0.05}
	cases := []struct {
		thr       float64
		normalize bool
		want      map[string]float64
		relTol    float64
	}{
		{thr: 0.01, want: both, relTol: 1e-9},
		{thr: 0.055, want: map[string]float64{"x": 2.12}, relTol: 0.02},
		{thr: 0.055, normalize: true, want: both, relTol: 1e-9},
		{thr: 0.1, normalize: true, want: map[string]float64{"x": 2.12}, relTol: 0.02},
	}
	for _, c := range cases {
		best, front, err := Fit([]string{"x"}, [][]float64{x}, h, Options{Threshold: c.thr, Normalize: c.normalize})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("threshold %g, normalize %v: %q", c.thr, c.normalize, best.Expression)
		wantTerms(t, best, c.want, c.relTol)
		checkFront(t, front)
	}
}

func TestErrors(t *testing.T) {
	one := []float64{1, 2, 3, 4, 5, 6}
	cases := []struct {
		name   string
		names  []string
		inputs [][]float64
		target []float64
		opts   Options
		want   string
	}{
		{"names", []string{"x", "y"}, [][]float64{one}, one, Options{}, "names"},
		{"bad name", []string{"x+y"}, [][]float64{one}, one, Options{}, "not a plain name"},
		{"reserved", []string{"sin"}, [][]float64{one}, one, Options{}, "reserved"},
		{"length", []string{"x"}, [][]float64{one[:5]}, one, Options{}, "samples"},
		{"nan", []string{"x"}, [][]float64{{1, 2, 3, math.NaN(), 5, 6}}, one, Options{}, "NaN"},
		{"extra syntax", []string{"x"}, [][]float64{one}, one, Options{MaxDegree: 1, Extra: []string{"x/(1+"}}, "extra term"},
		{"extra name", []string{"x"}, [][]float64{one}, one, Options{MaxDegree: 1, Extra: []string{"z*x"}}, "unknown name"},
		{"extra inf", []string{"x"}, [][]float64{{0, 1, 2, 3, 4, 5}}, one, Options{MaxDegree: 1, Extra: []string{"1/x"}}, "+Inf"},
		{"too few samples", []string{"x"}, [][]float64{one}, one, Options{MaxDegree: 6}, "need at least"},
	}
	for _, c := range cases {
		_, _, err := Fit(c.names, c.inputs, c.target, c.opts)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

func TestZeroTarget(t *testing.T) {
	best, front, err := Fit([]string{"x"}, [][]float64{{1, 2, 3, 4, 5}}, make([]float64, 5), Options{})
	if err != nil || best.Expression != "0" || len(front) != 1 {
		t.Errorf("Fit(0) = %q, %d, %v; want \"0\"", best.Expression, len(front), err)
	}
}

// TestSelectionRate measures how often the default rule selects exactly
// the true terms over 40 noise draws (PAPERS.md §3 noise model, relative
// noise 1%, 100 samples): the Lotka–Volterra interaction 0.9*x*y on the
// trajectory, and 0.1 - 0.05*x - 0.4*x/(0.1 + x) with the rational term in
// Extra. Measured: 39/40 and 40/40; required: at least 36/40 each. (With 30
// samples along the trajectory the LV rate falls to ~28/40: over-fitted
// polynomials then cross-validate about as well as the truth.)
func TestSelectionRate(t *testing.T) {
	const m, eps, draws = 100, 0.01, 40
	x, y := lotkaVolterra(t, m)
	okLV, okMM := 0, 0
	for seed := range draws {
		r := rand.New(rand.NewPCG(uint64(seed), 9))
		h := make([]float64, m)
		for i := range x {
			h[i] = 0.9 * x[i] * y[i] * (1 + eps*r.NormFloat64())
		}
		best, _, err := Fit([]string{"x", "y"}, [][]float64{x, y}, h, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(best.Terms) == 1 && best.Terms[0].Expr == "x*y" {
			okLV++
		}
		xa := uniform(r, m, 0.01, 1)
		for i, v := range xa {
			h[i] = (0.1 - 0.4*v/(0.1+v) - 0.05*v) * (1 + eps*r.NormFloat64())
		}
		best, _, err = Fit([]string{"x"}, [][]float64{xa}, h, Options{Extra: []string{"x/(0.1 + x)"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(best.Terms) == 3 && best.Terms[0].Expr == "1" && best.Terms[1].Expr == "x" && best.Terms[2].Expr == "x/(0.1 + x)" {
			okMM++
		}
	}
	t.Logf("true terms selected: Lotka-Volterra %d/%d, Michaelis-Menten %d/%d", okLV, draws, okMM, draws)
	if okLV < 36 || okMM < 36 {
		t.Errorf("selection rate LV %d/%d, MM %d/%d; want >= 36 each", okLV, draws, okMM, draws)
	}
}

// TestMaxRelErrorFromBest: a network that is u·u_x up to a 6 % systematic
// error that no library term fits (a narrow bump, like a hidden network's
// error at a steep front). MaxRelError 0.05 is measured from the best model
// on the front, so the one-term model is selected (measured from zero no
// model would qualify and the most complex one was chosen); 0.001 keeps
// the terms that shave the last tenths of a per cent.
func TestMaxRelErrorFromBest(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	u := uniform(r, 2000, -1, 1)
	ux := uniform(r, 2000, -3, 3)
	h := make([]float64, len(u))
	var norm, dev float64
	for i := range u {
		h[i] = u[i] * ux[i]
		norm += h[i] * h[i]
	}
	bump := make([]float64, len(u))
	for i := range u {
		bump[i] = math.Exp(-200 * u[i] * u[i])
		dev += bump[i] * bump[i]
	}
	scale := 0.06 * math.Sqrt(norm/dev)
	for i := range h {
		h[i] += scale * bump[i]
	}
	opts := Options{MaxDegree: 2, MaxRelError: 0.05}
	best, front, err := Fit([]string{"u", "u_x"}, [][]float64{u, ux}, h, opts)
	if err != nil {
		t.Fatal(err)
	}
	if last := front[len(front)-1].RelError; last < 0.03 {
		t.Fatalf("the bump should be outside the library: best front error %.3g", last)
	}
	t.Logf("max_rel_error 0.05: %q (front best %.3g)", best.Expression, front[len(front)-1].RelError)
	wantTerms(t, best, map[string]float64{"u*u_x": 1}, 0.02)
	opts.MaxRelError = 0.001
	if best, _, err = Fit([]string{"u", "u_x"}, [][]float64{u, ux}, h, opts); err != nil {
		t.Fatal(err)
	}
	if len(best.Terms) < 2 {
		t.Errorf("max_rel_error 0.001 selected %q; want the bump's constant and u^2 terms kept", best.Expression)
	}
}

// TestTransform: a weak-form fit. h = 0.9·x·y along a curve, observed only
// through its integrals from 0 to 30 times, with noise (5 % of the first
// integral's size); the library columns are integrated the same way
// (trapezoid rule) and the fit recovers 0.9·x·y within 2 %.
func TestTransform(t *testing.T) {
	const n, per = 30, 20 // observations, grid intervals per observation
	tt := make([]float64, n*per+1)
	x, y := make([]float64, len(tt)), make([]float64, len(tt))
	for i := range tt {
		tt[i] = 3 * float64(i) / float64(n*per)
		x[i] = 1 + 0.5*math.Sin(2*tt[i])
		y[i] = 2 + math.Cos(3*tt[i])
	}
	integrate := func(col []float64) []float64 {
		out := make([]float64, n)
		acc := 0.0
		for i := 1; i < len(col); i++ {
			acc += 0.5 * (col[i] + col[i-1]) * (tt[i] - tt[i-1])
			if i%per == 0 {
				out[i/per-1] = acc
			}
		}
		return out
	}
	h := make([]float64, len(tt))
	for i := range h {
		h[i] = 0.9 * x[i] * y[i]
	}
	r := rand.New(rand.NewPCG(3, 3))
	target := integrate(h)
	for i := range target {
		target[i] += 0.05 * target[i] / float64(i+1) * r.NormFloat64()
	}
	best, _, err := Fit([]string{"x", "y"}, [][]float64{x, y}, target, Options{MaxDegree: 2, MaxRelError: 0.05, Transform: integrate})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("weak form: %q", best.Expression)
	wantTerms(t, best, map[string]float64{"x*y": 0.9}, 0.02)
	if _, _, err := Fit([]string{"x", "y"}, [][]float64{x, y}, target[:5], Options{Transform: integrate}); err == nil {
		t.Error("a target of the wrong length was accepted")
	}
}
