package precond

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// A must be the closed form diag(0, 1, 1, 16, 16, …, K⁴, K⁴) + λ(v vᵀ + w wᵀ),
// v = φ(−π), w = φ(π), to quadrature rounding: this checks the quadrature order,
// the features and symmetry at once.
func TestAMatchesClosedForm(t *testing.T) {
	for _, K := range []int{1, 2, 8, 32, 64} {
		for _, lambda := range []float64{0.1, 1, 10} {
			p, err := NewProblem(K, lambda, nil)
			if err != nil {
				t.Fatal(err)
			}
			m := p.Model
			n := m.N()
			scale := math.Pow(float64(K), 4)
			for i := 0; i < n; i++ {
				for j := 0; j < n; j++ {
					var want float64
					if i == j && i > 0 {
						want = math.Pow(float64(m.Freq(i)), 4)
					}
					for _, x := range []float64{-math.Pi, math.Pi} {
						pi, _ := m.Feature(i, x)
						pj, _ := m.Feature(j, x)
						want += lambda * pi * pj
					}
					if got := p.A.At(i, j); math.Abs(got-want) > 1e-12*scale {
						t.Fatalf("K=%d λ=%g: A[%d][%d] = %.15g, want %.15g", K, lambda, i, j, got, want)
					}
				}
			}
		}
	}
}

func TestASymmetricPositiveDefinite(t *testing.T) {
	for _, K := range []int{1, 2, 4, 16, 64} {
		p, err := NewProblem(K, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		n := p.Model.N()
		// SymDense stores one triangle, so symmetry is checked on an independent
		// assembly of both triangles against it.
		for i := 0; i < n; i++ {
			for j := 0; j < i; j++ {
				var aij, aji float64
				for q, w := range p.Weights {
					_, di := p.Model.Feature(i, p.Nodes[q])
					_, dj := p.Model.Feature(j, p.Nodes[q])
					aij += w * di * dj
					aji += w * dj * di
				}
				for _, x := range []float64{-math.Pi, math.Pi} {
					vi, _ := p.Model.Feature(i, x)
					vj, _ := p.Model.Feature(j, x)
					aij += p.Lambda * vi * vj
					aji += p.Lambda * vj * vi
				}
				tol := 1e-12 * math.Pow(float64(K), 4)
				if math.Abs(aij-aji) > tol || math.Abs(p.A.At(i, j)-aij) > tol || math.Abs(p.A.At(j, i)-aji) > tol {
					t.Fatalf("K=%d: A not symmetric at (%d,%d): %g %g %g", K, i, j, aij, aji, p.A.At(i, j))
				}
			}
		}
		var ch mat.Cholesky
		if !ch.Factorize(p.A) {
			t.Fatalf("K=%d: Cholesky failed, A not positive definite", K)
		}
		lmin, _, err := Spectrum(p.A)
		if err != nil || !(lmin > 0) {
			t.Fatalf("K=%d: λ_min(A) = %g, err %v", K, lmin, err)
		}
	}
}

// L is quadratic, so a central-difference Hessian has no truncation error and any
// step works; it is compared with A to 1e-6 relative per entry.
func TestAMatchesFiniteDifferenceHessian(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, K := range []int{2, 4, 8} {
		p, err := NewProblem(K, 1.7, nil)
		if err != nil {
			t.Fatal(err)
		}
		n := p.Model.N()
		theta := make([]float64, n)
		for i := range theta {
			theta[i] = rng.NormFloat64()
		}
		h := mat.NewSymDense(n, nil)
		fd.Hessian(h, p.Loss, theta, &fd.Settings{Step: 1e-2})
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				got, want := h.At(i, j), p.A.At(i, j)
				if math.Abs(got-want) > 1e-6*math.Max(1, math.Abs(want)) {
					t.Errorf("K=%d: FD Hessian[%d][%d] = %.10g, A = %.10g", K, i, j, got, want)
				}
			}
		}
		// And the gradient: ∇L = Aθ − b against finite differences of the loss.
		g := p.Grad(nil, theta)
		gfd := fd.Gradient(nil, p.Loss, theta, &fd.Settings{Formula: fd.Central, Step: 1e-3})
		for i := range g {
			if math.Abs(g[i]-gfd[i]) > 1e-6*math.Max(1, math.Abs(g[i])) {
				t.Errorf("K=%d: ∂L/∂θ_%d = %.10g, FD %.10g", K, i, g[i], gfd[i])
			}
		}
	}
}

func TestExactIsMinimizer(t *testing.T) {
	for _, K := range []int{2, 5, 32} {
		p, err := NewProblem(K, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		th := p.Model.ExactTheta()
		if l := p.Loss(th); l > 1e-24 {
			t.Errorf("K=%d: L(θ*) = %g, want ≈ 0", K, l)
		}
		g := p.Grad(nil, th)
		if n := mat.Norm(mat.NewVecDense(len(g), g), 2); n > 1e-12 {
			t.Errorf("K=%d: |∇L(θ*)| = %g", K, n)
		}
		if e := p.RelL2Error(th); e > 1e-14 {
			t.Errorf("K=%d: relative error of θ* = %g", K, e)
		}
	}
}

// κ(A) must grow like K⁴ (at least K³ across the range), κ(SAS) stay bounded, and
// the too-weak 1/k scaling leave κ ∝ K².
func TestKappaScaling(t *testing.T) {
	Ks := []int{2, 4, 8, 16, 32, 64}
	var ks, ka, kp, kh []float64
	for _, K := range Ks {
		p, err := NewProblem(K, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		a, err := Kappa(p.A)
		if err != nil {
			t.Fatal(err)
		}
		s := p.Model.PrecondScale()
		pc, err := Kappa(Preconditioned(p.A, s))
		if err != nil {
			t.Fatal(err)
		}
		for i := range s {
			s[i] = math.Sqrt(s[i])
		}
		hf, err := Kappa(Preconditioned(p.A, s))
		if err != nil {
			t.Fatal(err)
		}
		if pc >= 50 {
			t.Errorf("K=%d: κ(SAS) = %g, want < 50", K, pc)
		}
		ks, ka, kp, kh = append(ks, float64(K)), append(ka, a), append(kp, pc), append(kh, hf)
	}
	if s := LogLogSlope(ks, ka); s < 3 || s > 4.5 {
		t.Errorf("log-log slope of κ(A) = %.3f, want ≈ 4 (≥ 3)", s)
	}
	if s := LogLogSlope(ks, kp); math.Abs(s) > 0.1 {
		t.Errorf("log-log slope of κ(SAS) = %.3f, want ≈ 0", s)
	}
	if s := LogLogSlope(ks, kh); s < 1.5 || s > 2.5 {
		t.Errorf("log-log slope of κ with 1/k scaling = %.3f, want ≈ 2", s)
	}
}

func TestPreconditionedFasterK16(t *testing.T) {
	p, err := NewProblem(16, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	pc, err := p.Descend(DescentOptions{Precondition: true})
	if err != nil {
		t.Fatal(err)
	}
	if !pc.Reached || pc.Steps > 100 {
		t.Fatalf("preconditioned GD: %d steps, reached %v; want ≤ 100", pc.Steps, pc.Reached)
	}
	gd, err := p.Descend(DescentOptions{MaxSteps: 1000 * pc.Steps})
	if err != nil {
		t.Fatal(err)
	}
	if gd.Reached {
		t.Fatalf("plain GD reached the tolerance in %d steps, want more than 1000× the preconditioned %d", gd.Steps, pc.Steps)
	}
	if pc.RelErr > 1e-4 {
		t.Errorf("preconditioned relative L² error %g", pc.RelErr)
	}
}

// Theorem 2.3's linear rate: with the optimal fixed step the error contracts by
// ρ = (κ−1)/(κ+1) per step in the A-norm, so L_k ≤ κ ρ^{2k} L_0 at every step,
// and the late per-step loss ratio approaches ρ².
func TestLinearRate(t *testing.T) {
	for _, tc := range []struct {
		K       int
		precond bool
	}{{2, false}, {4, false}, {8, false}, {16, true}, {64, true}} {
		p, err := NewProblem(tc.K, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		var losses []float64
		res, err := p.Descend(DescentOptions{Precondition: tc.precond, Trace: func(_ int, l float64) { losses = append(losses, l) }})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Reached {
			t.Fatalf("K=%d precond=%v: not reached in %d steps", tc.K, tc.precond, res.Steps)
		}
		rho2 := res.PredictedRate
		for k, l := range losses {
			if bound := res.Kappa * math.Pow(rho2, float64(k)) * losses[0]; l > bound*(1+1e-9)+1e-13*losses[0] {
				t.Fatalf("K=%d precond=%v: L_%d = %g above κρ^{2k}L_0 = %g", tc.K, tc.precond, k, l, bound)
			}
		}
		if r := math.Log(res.Rate) / math.Log(rho2); r < 0.95 || r > 1.05 {
			t.Errorf("K=%d precond=%v: measured rate %.8g vs predicted %.8g (log ratio %.3f)", tc.K, tc.precond, res.Rate, rho2, r)
		}
		// The O(n) loss used inside the loop agrees with the direct quadrature.
		if d := math.Abs(losses[len(losses)-1] - res.FinalLoss); d > 1e-13*losses[0] {
			t.Errorf("K=%d: loop loss %g vs Problem.Loss %g", tc.K, losses[len(losses)-1], res.FinalLoss)
		}
	}
}

func TestStudyAndMarkdown(t *testing.T) {
	rows, err := StudyWith([]int{2, 4, 8}, Options{Lambda: 1, MaxSteps: 50_000})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || !rows[0].ReachedGD || rows[2].ReachedGD {
		t.Fatalf("unexpected rows %+v", rows)
	}
	for _, r := range rows {
		if !r.ReachedPrecond || r.StepsPrecond > 100 || r.KappaPrecond > 50 {
			t.Errorf("K=%d: preconditioned row %+v", r.K, r)
		}
	}
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, rows, "go test", "test CPU"); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"| K | n | κ(A)", "`go test`", "test CPU", "not reached (cap 50000", "Comparison with the paper", "λ = 1."} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q:\n%s", want, out)
		}
	}
	if _, err := Study([]int{1}, 1); err == nil {
		t.Error("Study accepted K = 1")
	}
}

func TestWritePlot(t *testing.T) {
	rows, err := StudyWith([]int{2, 4}, Options{MaxSteps: 10})
	if err != nil {
		t.Fatal(err)
	}
	path := t.TempDir() + "/k.png"
	if err := WritePlot(path, rows); err != nil {
		t.Fatal(err)
	}
}
