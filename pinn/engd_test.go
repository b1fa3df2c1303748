package pinn

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pde/expr"
	"github.com/gopinn/gopinn/pinn/optim"
	"gonum.org/v1/gonum/mat"
)

// poissonENGD is the 2-D Poisson problem of Mueller & Zeinhofer (ICML 2023):
// -lap(u) = 2 pi^2 sin(pi x) sin(pi y) on [0,1]^2, u = 0 on the boundary,
// on an n x n interior grid and nb boundary grid points, fixed.
func poissonENGD(t testing.TB, n, nb int) *pde.Problem {
	p := poisson2D(t, n*n, nb)
	p.Equations[0].Sampler = pde.SamplerConfig{Type: "grid"}
	p.Equations[0].ResampleEvery = 0
	p.Conditions[0].Sampler = pde.SamplerConfig{Type: "grid"}
	return p
}

// nonlinear1D is u_xx = u^3 + f on [0, 1], u(0) = u(1) = 0, with
// f = -pi^2 sin(pi x) - sin(pi x)^3: exact u = sin(pi x).
func nonlinear1D(t testing.TB, points int) *pde.Problem {
	sc := &expr.Scope{Variables: []string{"x"}, Fields: []string{"u"}}
	p := &pde.Problem{Name: "nonlinear1d", Variables: box([]string{"x"}, []float64{0}, []float64{1}), Fields: []string{"u"}}
	p.Equations = []pde.Term{{Name: "ode", Residual: mustResolve(t, "u_xx - u^3 + pi^2*sin(pi*x) + sin(pi*x)^3", sc),
		Points: points, Sampler: pde.SamplerConfig{Type: "grid"}, Weight: 1}}
	p.Conditions = []pde.Condition{{Term: pde.Term{Name: "ends", Residual: mustResolve(t, "u", sc), Points: 2, Weight: 1},
		On: []pde.Face{{Var: "x", Value: 0, Side: -1}, {Var: "x", Value: 1, Side: 1}}, Type: "dirichlet", Field: "u"}}
	p.Exact = map[string]expr.Expr{"u": mustResolve(t, "sin(pi*x)", &expr.Scope{Variables: []string{"x"}})}
	return p
}

func engdOpts(layers []int, opt string, steps int) Options {
	return Options{Seed: 1, Model: pde.Model{Layers: layers},
		Training:   pde.Training{Stage: pde.Stage{Optimizer: opt, Steps: steps, LR: 1}},
		Evaluation: pde.Evaluation{Points: 4096, Every: steps}}
}

// residualsAt returns every term's residual vectors at theta, stacked in
// the Jacobian's row order, from a forward-only program.
func residualsAt(t *testing.T, p *program, theta []float64) []float64 {
	t.Helper()
	g := make([]float64, len(theta))
	if _, err := p.run(theta, g); err != nil {
		t.Fatal(err)
	}
	var out []float64
	for _, tm := range p.terms {
		for _, r := range p.residualValues(tm) {
			out = append(out, r...)
		}
	}
	return out
}

// TestJacobianMatchesFiniteDifferences: the rows from one reverse pass per
// row of a residual program equal central differences of the residual
// vectors (Richardson-extrapolated) to 1e-6 relative.
func TestJacobianMatchesFiniteDifferences(t *testing.T) {
	for _, tc := range []struct {
		name string
		prob *pde.Problem
	}{
		{"poisson2d", poisson2D(t, 20, 12)},
		{"nonlinear1d", nonlinear1D(t, 15)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := newConfig(engdOpts([]int{6, 5}, "engd", 1))
			train, err := newProgram(tc.prob, cfg)
			if err != nil {
				t.Fatal(err)
			}
			theta := train.initTheta()
			jc, err := newJacobian(train)
			if err != nil {
				t.Fatal(err)
			}
			tjs, err := jc.assemble(theta, train)
			if err != nil {
				t.Fatal(err)
			}
			fwd, err := buildProgram(tc.prob, cfg, buildOptions{objective: objNone})
			if err != nil {
				t.Fatal(err)
			}
			r0 := residualsAt(t, fwd, theta)
			var J []*mat.Dense
			var rj []float64
			for _, tj := range tjs {
				J = append(J, tj.J)
				rj = append(rj, tj.R...)
			}
			for i := range r0 {
				if math.Abs(r0[i]-rj[i]) > 1e-12*(1+math.Abs(r0[i])) {
					t.Fatalf("residual %d: %.17g from the Jacobian programs, %.17g forward", i, rj[i], r0[i])
				}
			}
			n := len(theta)
			fd := func(h float64, col int) []float64 {
				x := append([]float64(nil), theta...)
				x[col] = theta[col] + h
				rp := residualsAt(t, fwd, x)
				x[col] = theta[col] - h
				rm := residualsAt(t, fwd, x)
				d := make([]float64, len(rp))
				for i := range d {
					d[i] = (rp[i] - rm[i]) / (2 * h)
				}
				return d
			}
			worst, scale := 0.0, 0.0
			for col := 0; col < n; col++ {
				d1, d2 := fd(2e-4, col), fd(1e-4, col)
				row := 0
				for _, Jt := range J {
					rows, _ := Jt.Dims()
					for i := 0; i < rows; i++ {
						want := (4*d2[row] - d1[row]) / 3 // Richardson: O(h^4)
						got := Jt.At(i, col)
						worst = math.Max(worst, math.Abs(got-want))
						scale = math.Max(scale, math.Abs(want))
						row++
					}
				}
			}
			t.Logf("%s: %d rows x %d params, max |J - J_fd| = %.2e, max |J| = %.2e", tc.name, len(r0), n, worst, scale)
			if worst > 1e-6*scale {
				t.Errorf("Jacobian differs from finite differences: %.3e relative", worst/scale)
			}
		})
	}
}

// TestGramSymmetricPSD: G = sum (w/P) J^T J is symmetric positive
// semidefinite, g = sum (w/P) J^T r is half the training gradient and
// sum (w/P) |r|^2 is the training loss.
func TestGramSymmetricPSD(t *testing.T) {
	prob := poisson2D(t, 30, 16)
	prob.Conditions[0].Weight = 3
	cfg := newConfig(engdOpts([]int{8}, "engd", 1))
	train, err := newProgram(prob, cfg)
	if err != nil {
		t.Fatal(err)
	}
	theta := train.initTheta()
	jc, err := newJacobian(train)
	if err != nil {
		t.Fatal(err)
	}
	tjs, err := jc.assemble(theta, train)
	if err != nil {
		t.Fatal(err)
	}
	G, g, loss := optim.Gram(tjs)
	n := G.SymmetricDim()
	var gd mat.Dense
	gd.CloneFrom(G)
	maxG := mat.Norm(&gd, math.Inf(1))
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			// SymDense is symmetric by construction; check the values agree
			// with J^T J computed independently.
			want := 0.0
			for _, tj := range tjs {
				rows, _ := tj.J.Dims()
				for k := 0; k < rows; k++ {
					want += tj.Scale * tj.J.At(k, i) * tj.J.At(k, j)
				}
			}
			if math.Abs(G.At(i, j)-want) > 1e-12*maxG {
				t.Fatalf("G[%d,%d] = %g, want %g", i, j, G.At(i, j), want)
			}
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(G, false) {
		t.Fatal("eigendecomposition failed")
	}
	ev := eig.Values(nil)
	if ev[0] < -1e-12*ev[n-1] {
		t.Errorf("G has eigenvalue %.3e (largest %.3e)", ev[0], ev[n-1])
	}
	grad := make([]float64, n)
	tl, err := train.run(theta, grad)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(loss-tl) > 1e-12*tl {
		t.Errorf("sum s_t |r_t|^2 = %.17g, training loss %.17g", loss, tl)
	}
	for i := range grad {
		if math.Abs(2*g[i]-grad[i]) > 1e-10*(1+math.Abs(grad[i])) {
			t.Fatalf("2 J^T W r [%d] = %.17g, training gradient %.17g", i, 2*g[i], grad[i])
		}
	}
	t.Logf("G %dx%d: eigenvalues %.3e .. %.3e", n, n, ev[0], ev[n-1])
}

// TestENGDPoisson2D: the paper's 2-D Poisson setup (MLP 2-32-1 tanh, 28x28
// interior grid). Default: 100 steps, relative L2 <= 1e-5; GOPINN_LONG=1:
// <= 1e-6 (the paper's figure). ENGD's path depends on rounding (the
// cutoff and line-search decisions are discrete), and it crosses plateaus:
// the same run went from 7.5e-7 after 60 steps to 1.1e-3 when the fused
// op's straight-line tower changed the last bit of tanh's f” and f”', and
// reaches 3.3e-7 after 100 steps either way — so the test runs 100.
func TestENGDPoisson2D(t *testing.T) {
	steps, tol := 100, 1e-5
	if long() {
		tol = 1e-6
	}
	prob := poissonENGD(t, 28, 112)
	start := time.Now()
	res, err := Train(context.Background(), prob, engdOpts([]int{32}, "engd", steps))
	if err != nil {
		t.Fatal(err)
	}
	s := res.Summary
	t.Logf("engd poisson2d: rel_l2 %.3e loss %.3e after %d steps in %.1fs", s.RelL2["u"], s.Loss, s.Steps, time.Since(start).Seconds())
	if s.RelL2["u"] > tol {
		t.Errorf("rel_l2 %.3e > %.0e", s.RelL2["u"], tol)
	}
}

// TestLMNonlinear: Levenberg-Marquardt on u_xx = u^3 + f (a nonlinear
// residual), 1-16-16-1 tanh, 64 grid points: relative L2 <= 1e-4 in 60
// steps.
func TestLMNonlinear(t *testing.T) {
	start := time.Now()
	res, err := Train(context.Background(), nonlinear1D(t, 64), engdOpts([]int{16, 16}, "lm", 60))
	if err != nil {
		t.Fatal(err)
	}
	s := res.Summary
	t.Logf("lm nonlinear1d: rel_l2 %.3e loss %.3e after %d steps in %.1fs", s.RelL2["u"], s.Loss, s.Steps, time.Since(start).Seconds())
	if s.RelL2["u"] > 1e-4 {
		t.Errorf("rel_l2 %.3e > 1e-4", s.RelL2["u"])
	}
}

// TestSecondOrderResumeIsExact: engd and lm runs cut and resumed end with
// bit-identical weights (their state, the cutoff and mu, is checkpointed),
// also after an Adam stage that resampled.
func TestSecondOrderResumeIsExact(t *testing.T) {
	prob := poisson2D(t, 40, 24)
	prob.Equations[0].ResampleEvery = 3
	for _, opt := range []string{"engd", "lm"} {
		mk := func(dir string, maxSteps int) Options {
			return Options{Seed: 3, Model: pde.Model{Layers: []int{6}},
				Training:   pde.Training{Stage: pde.Stage{Steps: 5, LR: 1e-2}, Then: &pde.Stage{Optimizer: opt, Steps: 8}, CheckpointEvery: 4},
				Evaluation: pde.Evaluation{Points: 100, Every: 4}, OutDir: dir, MaxSteps: maxSteps}
		}
		full, err := Train(context.Background(), prob, mk(t.TempDir(), 0))
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []int{9} {
			dir := t.TempDir()
			if _, err := Train(context.Background(), prob, mk(dir, k)); err != nil {
				t.Fatal(err)
			}
			res, err := ResumeProblem(context.Background(), prob, mk(dir, 13))
			if err != nil {
				t.Fatal(err)
			}
			for i := range full.Theta {
				if full.Theta[i] != res.Theta[i] {
					t.Fatalf("%s cut at %d: theta[%d] = %.17g after resume, %.17g straight", opt, k, i, res.Theta[i], full.Theta[i])
				}
			}
		}
		t.Logf("%s: loss %.3e after 5 adam + 8 %s steps", opt, full.Summary.Loss, opt)
	}
}
