package compiler

import (
	"math"
	"testing"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pde/expr"
	"github.com/gopinn/gopinn/pinn/internal/testprob"
)

// TestBalanceGradNorms checks one grad-norm update against gradients of
// each term taken from a program compiling that term alone: lambda_i =
// alpha + (1 - alpha) mean_j |grad L_j| / |grad L_i| from lambda = 1
// (1e-12 relative: the same graphs in float64), and that the trained loss
// is then sum_i lambda_i w_i L_i.
func TestBalanceGradNorms(t *testing.T) {
	prob := testprob.Heat1D(t)
	prob.Conditions[0].Weight = 10
	bal := &pde.Balance{Method: "grad-norm", Every: 5, Alpha: 0.25}
	cfg := NewConfig(Settings{Seed: 2, Model: pde.Model{Layers: []int{8, 8}}, Training: pde.Training{Balance: bal}})
	p, err := New(prob, cfg)
	if err != nil {
		t.Fatal(err)
	}
	theta := p.InitTheta()
	if err := p.balanceStep(3, theta); err != nil { // not an update step
		t.Fatal(err)
	}
	for _, l := range p.balanceFactors() {
		if l != 1 {
			t.Fatalf("factors changed off schedule: %v", p.balanceFactors())
		}
	}
	if err := p.balanceStep(5, theta); err != nil {
		t.Fatal(err)
	}
	norms := make([]float64, len(p.terms))
	mean := 0.0
	for i, tm := range p.terms {
		one, err := Build(prob, cfg, BuildOptions{only: &termRef{tm.kind, tm.index}})
		if err != nil {
			t.Fatal(err)
		}
		one.setPoints(one.terms[0], tm.pts, tm.normals)
		g := make([]float64, len(theta))
		if _, err := one.Run(theta, g); err != nil {
			t.Fatal(err)
		}
		for _, x := range g {
			norms[i] += x * x / (tm.weight * tm.weight)
		}
		norms[i] = math.Sqrt(norms[i])
		mean += norms[i] / float64(len(p.terms))
	}
	lam := p.balanceFactors()
	for i, tm := range p.terms {
		want := 0.25 + 0.75*mean/norms[i]
		if math.Abs(lam[i]-want) > 1e-12*want {
			t.Errorf("lambda[%s] = %.15g, want %.15g (|grad| %g, mean %g)", tm.name, lam[i], want, norms[i], mean)
		}
	}
	g := make([]float64, len(theta))
	total, err := p.Run(theta, g)
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for i, tm := range p.terms {
		sum += lam[i] * tm.weight * p.TermLosses()[tm.name]
	}
	if math.Abs(total-sum) > 1e-12*sum {
		t.Errorf("loss %.15g, sum of lambda w L %.15g", total, sum)
	}
	t.Logf("gradient norms %v -> factors %v", norms, lam)
}

// TestCausalWeights checks the causal loss of an equation against its
// definition, (1/M) sum_k exp(-eps sum_{j<k} L_j) L_k with L_k the mean
// square residual of time slab k, computed here in float64 from the
// residual values (1e-12 relative), and the gradient with the weights
// frozen against finite differences (1e-5, as the core's gradient test).
func TestCausalWeights(t *testing.T) {
	prob := testprob.Heat1D(t)
	sc := &expr.Scope{Variables: []string{"x", "t"}, Fields: []string{"u"}}
	prob.Equations[0].Residual = testprob.MustResolve(t, "u_t - u_xx/pi^2 + 3*t", sc) // grows in t
	prob.Equations[0].Points = 64
	const M, eps = 4, 2.0
	cfg := NewConfig(Settings{Seed: 2, Model: pde.Model{Layers: []int{6, 6}}, Training: pde.Training{Causal: &pde.Causal{Chunks: M, Epsilon: eps}}})
	p, err := New(prob, cfg)
	if err != nil {
		t.Fatal(err)
	}
	theta := p.InitTheta()
	if err := p.causalStep(theta); err != nil {
		t.Fatal(err)
	}
	eq := p.terms[0]
	if eq.causal == nil || eq.kind != kindEquation {
		t.Fatal("equation has no causal weights")
	}
	// residuals at the same points from a plain residual program
	rp, err := Build(prob, NewConfig(Settings{Seed: 2, Model: pde.Model{Layers: []int{6, 6}}}), BuildOptions{only: &termRef{kindEquation, 0}, Points: eq.P, objective: objNone})
	if err != nil {
		t.Fatal(err)
	}
	rp.setPoints(rp.terms[0], eq.pts, nil)
	g := make([]float64, len(theta))
	if _, err := rp.Run(theta, g); err != nil {
		t.Fatal(err)
	}
	r := rp.residualValues(rp.terms[0])[0]
	L := make([]float64, M)
	cnt := make([]float64, M)
	for i := 0; i < eq.P; i++ {
		k := min(int(eq.pts[2*i+1]*M), M-1)
		L[k] += r[i] * r[i]
		cnt[k]++
	}
	want, acc := 0.0, 0.0
	for k := range L {
		L[k] /= cnt[k]
		want += math.Exp(-eps*acc) * L[k] / M
		acc += L[k]
	}
	if _, err := p.Run(theta, g); err != nil {
		t.Fatal(err)
	}
	got := p.TermLosses()[eq.name]
	if math.Abs(got-want) > 1e-12*want {
		t.Errorf("causal loss %.15g, definition %.15g (slab losses %v)", got, want, L)
	}
	w := eq.causal.weight
	if w[0] != 1 || !(w[1] <= w[0] && w[2] <= w[1] && w[3] <= w[2]) || w[3] >= 1 {
		t.Errorf("slab weights %v: want 1 first, non-increasing, below 1 last", w)
	}
	for i := range theta {
		d := fdLossGrad(p, theta, i)
		if err := math.Abs(g[i]-d) / (1 + math.Abs(d)); err > 1e-5 {
			t.Errorf("dloss/dtheta[%d]: graph %.10g, finite differences %.10g", i, g[i], d)
		}
	}
	t.Logf("slab losses %v, weights %v", L, w)
}
