package compiler

import (
	"math"
	"testing"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pinn/internal/testprob"
	"github.com/gopinn/gopinn/pinn/optim"
	"gonum.org/v1/gonum/mat"
)

// residualsAt returns every term's residual vectors at theta, stacked in
// the Jacobian's row order, from a forward-only program.
func residualsAt(t *testing.T, p *Program, theta []float64) []float64 {
	t.Helper()
	g := make([]float64, len(theta))
	if _, err := p.Run(theta, g); err != nil {
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
		{"poisson2d", testprob.Poisson2D(t, 20, 12)},
		{"nonlinear1d", testprob.Nonlinear1D(t, 15)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := engdConfig(6, 5)
			train, err := New(tc.prob, cfg)
			if err != nil {
				t.Fatal(err)
			}
			theta := train.InitTheta()
			jc, err := newJacobian(train)
			if err != nil {
				t.Fatal(err)
			}
			tjs, err := jc.assemble(theta, train)
			if err != nil {
				t.Fatal(err)
			}
			fwd, err := Build(tc.prob, cfg, BuildOptions{objective: objNone})
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
	prob := testprob.Poisson2D(t, 30, 16)
	prob.Conditions[0].Weight = 3
	cfg := engdConfig(8)
	train, err := New(prob, cfg)
	if err != nil {
		t.Fatal(err)
	}
	theta := train.InitTheta()
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
	tl, err := train.Run(theta, grad)
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

// engdConfig is a one-step ENGD plan on a network of the given layers.
func engdConfig(layers ...int) *Config {
	return NewConfig(Settings{Seed: 1, Model: pde.Model{Layers: layers},
		Training: pde.Training{Stage: pde.Stage{Optimizer: "engd", Steps: 1, LR: 1}}})
}
