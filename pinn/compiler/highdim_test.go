package compiler

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pde/expr"
	"github.com/gopinn/gopinn/pinn/internal/tensors"
	"github.com/gopinn/gopinn/pinn/internal/testprob"
)

// TestHighDimLaplacian: with method taylor the graph's Laplacian of
// u = (1 - |x|²)·N equals central finite differences of the float64
// predictor at the training points (to the FD floor), and each stochastic
// estimate — sparse (d/B)Σ_J u_jj, dense Rademacher and Gaussian
// (1/B)Σ vᵀH_u v with the transform's own Laplacians exact — averages to it
// over 400 steps' draws within 4 standard errors of that mean.
func TestHighDimLaplacian(t *testing.T) {
	for _, method := range []string{"taylor", "stde", "stde, estimator: rademacher", "stde, estimator: gaussian"} {
		prog, pred, theta := hdProgram(t, testprob.HD(t, "8", method), 1)
		grad := make([]float64, len(theta))
		tm := prog.terms[0]
		h := hdOf(tm)
		d := h.d
		// u at points and its FD Laplacian
		fd := make([]float64, h.P)
		uPred := make([]float64, h.P)
		const step = 1e-4
		for p := 0; p < h.P; p++ {
			x := append([]float64(nil), h.pts[p*d:(p+1)*d]...)
			eval := func(y []float64) float64 { return hdPredOf(pred).point(pred.m, theta, y) }
			u0 := eval(x)
			uPred[p] = u0
			for j := 0; j < d; j++ {
				y := append([]float64(nil), x...)
				y[j] += step
				up := eval(y)
				y[j] -= 2 * step
				fd[p] += (up - 2*u0 + eval(y)) / (step * step)
			}
		}
		// average the estimate over many steps (new coordinates each step)
		runs := 1
		if method != "taylor" {
			runs = 400
		}
		mean, sq := make([]float64, h.P), make([]float64, h.P)
		for r := 0; r < runs; r++ {
			// new coordinates, same points (every = 1 would move them):
			// draw the step's coordinates with the points of epoch 0 kept
			h.every = math.MaxInt32
			if err := h.draw(r); err != nil {
				t.Fatal(err)
			}
			h.feedInputs()
			if _, err := prog.Run(theta, grad); err != nil {
				t.Fatal(err)
			}
			l := tensors.Get(h.lapVal, nil)
			for p := range mean {
				mean[p] += l[p] / float64(runs)
				sq[p] += l[p] * l[p] / float64(runs)
			}
			if r == 0 {
				u := tensors.Get(h.uVal, nil)
				for p := range u {
					if math.Abs(u[p]-uPred[p]) > 1e-12 {
						t.Fatalf("%s: u graph %v, float64 %v", method, u[p], uPred[p])
					}
				}
			}
		}
		checkEstimates(t, method, mean, sq, fd, runs, 0.2)
	}
}

// TestHDTestSetStreamed: a test set too large to keep is redrawn block by
// block and gives the same points, exact values and errors as the kept
// one (1300 points: three blocks, the last one short).
func TestHDTestSetStreamed(t *testing.T) {
	spec := testprob.HD(t, "20", "stde")
	set := specSettings(spec)
	set.Evaluation.Points = 1300
	cfg := NewConfig(set)
	run := func() (*Evaluation, [][]float64) {
		ev, err := newHDEvaluation(spec.Problem, cfg)
		if err != nil {
			t.Fatal(err)
		}
		pr, err := newHDPredictor(spec.Problem, cfg)
		if err != nil {
			t.Fatal(err)
		}
		theta := make([]float64, pr.m.net.NumParams())
		pr.m.net.Glorot(theta, rand.New(rand.NewPCG(1, 2)))
		f, _, _, err := pr.PredictEvaluation(theta, ev)
		if err != nil {
			t.Fatal(err)
		}
		return ev, f
	}
	kept, fk := run()
	if set := kept.set; set == nil || set.full == nil {
		t.Fatal("the small test set is not kept")
	}
	saved := hdTestKeep
	hdTestKeep = 100
	defer func() { hdTestKeep = saved }()
	streamed, fs := run()
	if set := streamed.set; set == nil || set.full != nil {
		t.Fatal("the test set is kept although larger than hdTestKeep")
	}
	for i := range kept.Pts {
		if kept.Pts[i] != streamed.Pts[i] || kept.Exact["u"][i] != streamed.Exact["u"][i] || fk[0][i] != fs[0][i] {
			t.Fatalf("point %d: radius %v / %v, exact %v / %v, prediction %v / %v", i,
				kept.Pts[i], streamed.Pts[i], kept.Exact["u"][i], streamed.Exact["u"][i], fk[0][i], fs[0][i])
		}
	}
}

// hdProgram builds the training program and the float64 predictor of a
// vector spec, with the initial parameters scaled by scale (a network far
// from linear for scale > 1).
func hdProgram(t *testing.T, spec *pde.Spec, scale float64) (*Program, *Predictor, []float64) {
	t.Helper()
	cfg := NewConfig(specSettings(spec))
	prog, err := New(spec.Problem, cfg)
	if err != nil {
		t.Fatal(err)
	}
	pred, err := NewPredictor(spec.Problem, cfg, 16)
	if err != nil {
		t.Fatal(err)
	}
	theta := prog.InitTheta()
	for i := range theta {
		theta[i] *= scale
	}
	return prog, pred, theta
}

// checkEstimates compares the mean over runs of an estimate (mean, and the
// mean of its squares sq, per point) with reference values want: within the
// finite-difference floor 2e-5 (relative) plus, for runs > 1, 4 standard
// errors of the mean. A stochastic estimate must vary, and by no more than
// maxSE (relative to max(1, |want|)), or the check would mean nothing.
func checkEstimates(t *testing.T, label string, mean, sq, want []float64, runs int, maxSE float64) {
	t.Helper()
	for p := range mean {
		scale := math.Max(1, math.Abs(want[p]))
		tol := 2e-5 * scale
		if runs > 1 {
			se := math.Sqrt(max(0, sq[p]-mean[p]*mean[p]) / float64(runs-1))
			if se == 0 || se > maxSE*scale {
				t.Errorf("%s point %d: standard error %v: the estimate does not vary, or too much for the check to mean anything", label, p, se)
			}
			tol += 4 * se
		}
		t.Logf("%s point %d: estimate %.8f, finite differences %.8f (tolerance %.2g)", label, p, mean[p], want[p], tol)
		if math.Abs(mean[p]-want[p]) > tol {
			t.Errorf("%s point %d: estimate %v, finite differences %v", label, p, mean[p], want[p])
		}
	}
}

// TestHighDimTimeDerivatives: with a time interval on a vector domain, the
// graph's u_t, u_tt and exact Laplacian of u = A(x,t)·N + C(x,t) — A and C
// depending on both x and t, so that every product-rule term of the
// transform is exercised — equal central finite differences of the float64
// predictor at the training points (FD floor ~1e-5 at step 1e-4), for both
// samplers of the time-dependent path.
func TestHighDimTimeDerivatives(t *testing.T) {
	for _, sampler := range []string{"uniform", "gaussian-time"} {
		spec := testprob.SpecText(t, `name: hd-time
seed: 2
domain: {type: box, dim: 5, range: [-1, 1], variable: x, time: [0, 0.5]}
fields: [u]
equations:
  - name: pde
    residual: "u_t + u_tt - lap(u)"
    points: 6
    sampler: `+sampler+`
model:
  layers: [12, 12]
  output: "(1 + t^2)*(2 - norm2(x)/8)*N + exp(-t)*sum(sin(x)) + t*x[2]^2"
derivatives: {method: taylor}
training: {steps: 5}
`)
		prog, pred, theta := hdProgram(t, spec, 3)
		h := hdOf(prog.terms[0])
		if err := h.draw(0); err != nil {
			t.Fatal(err)
		}
		h.feedInputs()
		if _, err := prog.Run(theta, make([]float64, len(theta))); err != nil {
			t.Fatal(err)
		}
		utD, uttD, lap := tensors.Get(h.utVal, nil), tensors.Get(h.uttVal, nil), tensors.Get(h.lapVal, nil)
		st, d := h.lay.stride(), h.d
		const step = 1e-4
		for p := 0; p < h.P; p++ {
			x := append([]float64(nil), h.pts[p*st:(p+1)*st]...)
			if sampler == "gaussian-time" && (x[d] < 0 || x[d] > 0.5) {
				t.Fatalf("gaussian-time: t = %v outside [0, 0.5]", x[d])
			}
			f := func(y []float64) float64 { return hdPredOf(pred).point(pred.m, theta, y) }
			second := func(j int) (d1, d2 float64) { return centralDiff(f, x, j, step) }
			fdLap := 0.0
			for j := 0; j < d; j++ {
				_, d2 := second(j)
				fdLap += d2
			}
			fdT, fdTT := second(d)
			for _, c := range []struct {
				name      string
				got, want float64
			}{{"u_t", utD[p], fdT}, {"u_tt", uttD[p], fdTT}, {"lap", lap[p], fdLap}} {
				if math.Abs(c.got-c.want) > 2e-5*math.Max(1, math.Abs(c.want)) {
					t.Errorf("%s point %d: %s %v, finite differences %v", sampler, p, c.name, c.got, c.want)
				}
			}
		}
	}
}

// TestDiffScalar: d/dt of transform expressions with vector forms (kept as
// constants where they do not mention t), checked numerically.
func TestDiffScalar(t *testing.T) {
	scope := &expr.Scope{VectorVars: map[string]int{"x": 3}, Dim: 3, Variables: []string{"t"}}
	for _, src := range []string{"(1 + t^2)*(2 - norm2(x))", "exp(-t)*sum(sin(x)) + t*x[2]^2", "sin(t*norm2(x))", "sum(i, 1, d, t*x[i])"} {
		e, _ := expr.Parse(src)
		re, err := expr.Resolve(e, scope)
		if err != nil {
			t.Fatal(err)
		}
		de, err := diffScalar(re, "t")
		if src == "sum(i, 1, d, t*x[i])" {
			if err == nil {
				t.Errorf("%s: d/dt of a vector form that mentions t: no error (got %s)", src, de)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		f, _ := expr.CompileVector(re, []string{"t"}, "x", 3, nil)
		g, err := expr.CompileVector(de, []string{"t"}, "x", 3, nil)
		if err != nil {
			t.Fatal(err)
		}
		x := []float64{0.3, -0.2, 0.5}
		const h = 1e-6
		fp, _ := f.Value([]float64{0.4 + h}, x)
		fm, _ := f.Value([]float64{0.4 - h}, x)
		got, _ := g.Value([]float64{0.4}, x)
		if want := (fp - fm) / (2 * h); math.Abs(got-want) > 1e-8 {
			t.Errorf("d/dt %s = %s: %v, finite differences %v", src, de, got, want)
		}
	}
}

// TestHighDimCoordSums: coordinate sums in a residual — Σ x_j² u_jj,
// Σ x_j u_j, Σ |u_j|^1.75, Σ t·u_j, Σ u_t cos(x_j) u_j — through the
// transform u = A(x,t)·N + C(x,t): with method taylor (every coordinate)
// the residual equals its float64 evaluation from central finite
// differences of the predictor (FD floor ~1e-5), and with sparse STDE (3 of
// 6 coordinates) its mean over 400 draws is within 4 standard errors of it.
func TestHighDimCoordSums(t *testing.T) {
	const res = "sum(x^2*d(u, x, x)) + 0.5*sum(x*d(u, x)) + sum(abs(d(u, x))^1.75) + sum(t*d(u, x)) + sum(u_t*cos(x)*d(u, x))"
	for _, method := range []string{"taylor", "stde, samples: 3"} {
		spec := testprob.SpecText(t, `name: hd-coord
seed: 4
domain: {type: ball, dim: 6, radius: 1, variable: x, time: [0, 1]}
fields: [u]
equations:
  - name: pde
    residual: "`+res+`"
    points: 5
    sampler: ball-radial
model:
  layers: [12, 12]
  output: "(1 + t)*(1 - norm2(x))*N + t*sum(sin(x)) + norm2(x)"
derivatives: {method: `+method+`}
training: {steps: 5}
`)
		prog, pred, theta := hdProgram(t, spec, 2)
		h := hdOf(prog.terms[0])
		st, d := h.lay.stride(), h.d
		// float64 reference from finite differences
		want := make([]float64, h.P)
		const step = 1e-4
		for p := 0; p < h.P; p++ {
			x := append([]float64(nil), h.pts[p*st:(p+1)*st]...)
			f := func(y []float64) float64 { return hdPredOf(pred).point(pred.m, theta, y) }
			diff := func(j int) (d1, d2 float64) { return centralDiff(f, x, j, step) }
			ut, _ := diff(d)
			tt := x[d]
			for j := 0; j < d; j++ {
				uj, ujj := diff(j)
				want[p] += x[j]*x[j]*ujj + 0.5*x[j]*uj + math.Pow(math.Abs(uj), 1.75) + tt*uj + ut*math.Cos(x[j])*uj
			}
		}
		runs := 1
		if method != "taylor" {
			runs = 400
		}
		mean, sq := make([]float64, h.P), make([]float64, h.P)
		h.every = math.MaxInt32 // the points of epoch 0, new coordinates every run
		for r := 0; r < runs; r++ {
			if err := h.draw(r); err != nil {
				t.Fatal(err)
			}
			h.feedInputs()
			if _, err := prog.Run(theta, make([]float64, len(theta))); err != nil {
				t.Fatal(err)
			}
			v := tensors.Get(h.resVal, nil)
			for p := range mean {
				mean[p] += v[p] / float64(runs)
				sq[p] += v[p] * v[p] / float64(runs)
			}
		}
		checkEstimates(t, method, mean, sq, want, runs, math.Inf(1))
	}
}

// centralDiff returns the central first and second differences of f at x
// in coordinate j with step h.
func centralDiff(f func([]float64) float64, x []float64, j int, h float64) (d1, d2 float64) {
	y := append([]float64(nil), x...)
	u0 := f(y)
	y[j] += h
	up := f(y)
	y[j] -= 2 * h
	um := f(y)
	return (up - um) / (2 * h), (up - 2*u0 + um) / (h * h)
}

// TestHighDimConditionValues: the condition terms of a vector problem draw
// their points on their faces — the slice t == 0.5 (gaussian-time there:
// x ~ N(0, 2·0.5·I), coordinate variance within 5 % of 1 over 1200·4
// draws), the sphere |x| = 1 of a ball, one coordinate at ±1.5 on a vector
// box — and their residual u - g equals the float64 predictor's u minus g
// at those points (1e-10), through the output transform.
func TestHighDimConditionValues(t *testing.T) {
	for _, c := range []struct {
		domain, on, sampler string
		onFace              func(x []float64, tt float64) bool
	}{
		{"{type: ball, dim: 4, radius: 1, variable: x, time: [0, 0.5]}", "t == 0.5", "gaussian-time",
			func(_ []float64, tt float64) bool { return tt == 0.5 }},
		{"{type: ball, dim: 4, radius: 1, variable: x, time: [0, 0.5]}", "boundary", "",
			func(x []float64, tt float64) bool {
				r := 0.0
				for _, v := range x {
					r += v * v
				}
				return math.Abs(math.Sqrt(r)-1) < 1e-12 && tt >= 0 && tt <= 0.5
			}},
		{"{type: box, dim: 4, range: [-1.5, 1.5], variable: x}", "boundary", "",
			func(x []float64, _ float64) bool {
				on := 0
				for _, v := range x {
					if math.Abs(v) == 1.5 {
						on++
					}
					if math.Abs(v) > 1.5 {
						return false
					}
				}
				return on == 1
			}},
	} {
		sampler := ""
		if c.sampler != "" {
			sampler = ", sampler: " + c.sampler
		}
		residual, g := "u_t - lap(u)", "sum(sin(x)) + t"
		output := "(1 + t)*(1 - norm2(x)/4)*N + t*x[1]"
		if !strings.Contains(c.domain, "time") {
			residual, g, output = "lap(u)", "sum(sin(x))", "(1 - norm2(x)/4)*N + x[1]"
		}
		spec := testprob.SpecText(t, `name: hd-cond
seed: 3
domain: `+c.domain+`
fields: [u]
equations:
  - {name: pde, residual: "`+residual+`", points: 5}
conditions:
  - {name: face, on: "`+c.on+`", residual: "u - (`+g+`)", points: 1200`+sampler+`}
model: {layers: [10, 10], output: "`+output+`"}
derivatives: {method: taylor}
training: {steps: 3}
`)
		prog, pred, theta := hdProgram(t, spec, 2)
		if len(prog.terms) != 2 || prog.terms[1].name != "face" {
			t.Fatalf("%s: terms %d, want the equation and the condition", c.on, len(prog.terms))
		}
		h := hdOf(prog.terms[1])
		if _, err := prog.Run(theta, make([]float64, len(theta))); err != nil {
			t.Fatal(err)
		}
		res := tensors.Get(h.resVal, nil)
		st, d := h.lay.stride(), h.d
		ge, err := expr.Parse(g)
		if err != nil {
			t.Fatal(err)
		}
		scope := &expr.Scope{VectorVars: map[string]int{"x": d}, Dim: d, Variables: h.lay.scalars()}
		rg, err := expr.Resolve(ge, scope)
		if err != nil {
			t.Fatal(err)
		}
		gv, err := expr.CompileVector(rg, h.lay.scalars(), "x", d, nil)
		if err != nil {
			t.Fatal(err)
		}
		varSum := 0.0
		for p := 0; p < h.P; p++ {
			x, sc := h.lay.split(h.pts, p)
			tt := 0.0
			if len(sc) > 0 {
				tt = sc[0]
			}
			if !c.onFace(x, tt) {
				t.Fatalf("%s %s: point %d (x %v, t %v) is not on the face", c.domain, c.on, p, x, tt)
			}
			for _, v := range x {
				varSum += v * v
			}
			gp, err := gv.Value(sc, x)
			if err != nil {
				t.Fatal(err)
			}
			want := hdPredOf(pred).point(pred.m, theta, h.pts[p*st:(p+1)*st]) - gp
			if math.Abs(res[p]-want) > 1e-10*math.Max(1, math.Abs(want)) {
				t.Errorf("%s %s: residual at point %d %v, predictor %v", c.domain, c.on, p, res[p], want)
			}
		}
		if c.sampler == "gaussian-time" {
			if v := varSum / float64(h.P*d); math.Abs(v-1) > 0.05 {
				t.Errorf("gaussian-time on t == 0.5: coordinate variance %v, want 2·0.5 = 1", v)
			}
		}
	}
}
