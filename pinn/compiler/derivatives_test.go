package compiler

import (
	"math"
	"testing"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pde/expr"
	"github.com/gopinn/gopinn/pinn/internal/tensors"
	"github.com/gopinn/gopinn/pinn/internal/testprob"
	"gonum.org/v1/gonum/diff/fd"
	G "gorgonia.org/gorgonia"
)

// evalResidual compiles src on a fresh model and evaluates it at pts.
func evalResidual(t *testing.T, prob *pde.Problem, cfg *Config, src string, pts []float64) ([]float64, *model, []float64) {
	t.Helper()
	sc := &expr.Scope{Variables: prob.VariableNames(), Fields: prob.Fields}
	m, err := newModel(prob, cfg)
	if err != nil {
		t.Fatal(err)
	}
	n := len(prob.Variables)
	b := newBatch(m, "b", len(pts)/n)
	e := testprob.MustResolve(t, src, sc)
	if err := b.need(e); err != nil {
		t.Fatal(err)
	}
	r, err := b.residual(e)
	if err != nil {
		t.Fatal(err)
	}
	var v G.Value
	G.Read(r, &v)
	theta := (&Program{model: m, cfg: cfg}).InitTheta()
	m.setFlat(theta)
	b.feed(pts, nil)
	if err := G.NewTapeMachine(m.g).RunAll(); err != nil {
		t.Fatal(err)
	}
	return tensors.Get(v, nil), m, theta
}

// TestDerivativesMatchFiniteDifferences checks every read-out of the
// compiled graph (pure, mixed, up to third order, with and without an
// output transform) against central finite differences of the plain float64
// network (forward64). Tolerance: finite differences' own truncation floor,
// 1e-6 relative for first and second derivatives, 1e-4 for third (fd's
// default steps are tuned for first and second order; the third is by a
// central difference of fd's second derivative).
func TestDerivativesMatchFiniteDifferences(t *testing.T) {
	prob := &pde.Problem{Name: "p", Variables: testprob.Box([]string{"x", "y"}, []float64{0, -1}, []float64{1, 3}), Fields: []string{"u"}}
	pts := []float64{0.2, 0.3, 0.5, 2.1, 0.9, -0.4}
	for _, transform := range []string{"", "x*(1-x)*N + sin(y)"} {
		cfg := NewConfig(Settings{Seed: 3, Model: pde.Model{Layers: []int{8, 8}, Activation: "tanh"}})
		if transform != "" {
			cfg.Model.Output = map[string]expr.Expr{"u": testprob.MustResolve(t, transform, &expr.Scope{Variables: []string{"x", "y"}, NetOutputs: []string{"N"}})}
		}
		cases := []struct {
			src   string
			order int
			// reference derivative of f at p
			ref func(f func([]float64) float64, p []float64) float64
		}{
			{"u", 0, func(f func([]float64) float64, p []float64) float64 { return f(p) }},
			{"u_x", 1, func(f func([]float64) float64, p []float64) float64 { return fdPartial(f, p, 0, 1) }},
			{"u_y", 1, func(f func([]float64) float64, p []float64) float64 { return fdPartial(f, p, 1, 1) }},
			{"u_xx", 2, func(f func([]float64) float64, p []float64) float64 { return fdPartial(f, p, 0, 2) }},
			{"u_yy", 2, func(f func([]float64) float64, p []float64) float64 { return fdPartial(f, p, 1, 2) }},
			{"u_xy", 2, func(f func([]float64) float64, p []float64) float64 { return fdHessian(f, p)[1] }},
			{"lap(u)", 2, func(f func([]float64) float64, p []float64) float64 {
				return fdPartial(f, p, 0, 2) + fdPartial(f, p, 1, 2)
			}},
			{"u_xxy", 3, func(f func([]float64) float64, p []float64) float64 {
				h := 1e-3
				q := func(dy float64) float64 { return fdPartial(f, []float64{p[0], p[1] + dy}, 0, 2) }
				return (q(h) - q(-h)) / (2 * h)
			}},
		}
		for _, c := range cases {
			got, m, theta := evalResidual(t, prob, cfg, c.src, pts)
			f := func(p []float64) float64 { return m.predict64(theta, p)[0] }
			tol := map[int]float64{0: 1e-12, 1: 1e-6, 2: 1e-6, 3: 1e-4}[c.order]
			for i := 0; i < len(pts)/2; i++ {
				want := c.ref(f, pts[2*i:2*i+2])
				if err := math.Abs(got[i]-want) / (1 + math.Abs(want)); err > tol {
					t.Errorf("transform %q, %s at point %d: got %.12g, finite differences %.12g (rel err %.2e > %.0e)", transform, c.src, i, got[i], want, err, tol)
				}
			}
		}
	}
}

func fdPartial(f func([]float64) float64, p []float64, axis, order int) float64 {
	g := func(s float64) float64 {
		q := append([]float64(nil), p...)
		q[axis] = s
		return f(q)
	}
	return fd.Derivative(g, p[axis], &fd.Settings{Formula: map[int]fd.Formula{1: fd.Central, 2: fd.Central2nd}[order]})
}

func fdHessian(f func([]float64) float64, p []float64) []float64 {
	h := 1e-4
	at := func(dx, dy float64) float64 { return f([]float64{p[0] + dx, p[1] + dy}) }
	xy := (at(h, h) - at(h, -h) - at(-h, h) + at(-h, -h)) / (4 * h * h)
	return []float64{0, xy}
}

// TestGradientMatchesFiniteDifferences checks the single reverse pass
// (gorgonia.Grad of the loss built from jet read-outs) against central
// differences of the loss in every parameter, including a trainable scalar.
// Tolerance 1e-5 relative: the loss is smooth and evaluated in float64.
func TestGradientMatchesFiniteDifferences(t *testing.T) {
	sc := &expr.Scope{Variables: []string{"x", "y"}, Fields: []string{"u"}, Parameters: []string{"k"}}
	prob := &pde.Problem{Name: "p", Variables: testprob.Box([]string{"x", "y"}, []float64{0, 0}, []float64{1, 1}), Fields: []string{"u"},
		Parameters: []pde.Parameter{{Name: "k", Init: 0.7}}}
	prob.Equations = []pde.Term{{Name: "pde", Residual: testprob.MustResolve(t, "k*lap(u) + u*u_x + 2*pi^2*sin(pi*x)*sin(pi*y)", sc), Points: 20, Weight: 1}}
	prob.Conditions = []pde.Condition{{Term: pde.Term{Name: "edge", Residual: testprob.MustResolve(t, "u - 0", sc), Points: 8, Weight: 3},
		On: []pde.Face{{Var: "x", Value: 0, Side: -1}, {Var: "y", Value: 1, Side: 1}}}}
	cfg := NewConfig(Settings{Seed: 1, Model: pde.Model{Layers: []int{5, 5}}})
	p, err := New(prob, cfg)
	if err != nil {
		t.Fatal(err)
	}
	theta := p.InitTheta()
	g := make([]float64, len(theta))
	if _, err := p.Run(theta, g); err != nil {
		t.Fatal(err)
	}
	// A second run must give the same gradient: Gorgonia accumulates bound
	// gradients unless they are cleared.
	g2 := make([]float64, len(theta))
	p.Run(theta, g2)
	for i := range theta {
		if g[i] != g2[i] {
			t.Fatalf("gradient %d differs between two runs at the same point: %g, %g", i, g[i], g2[i])
		}
		want := fdLossGrad(p, theta, i)
		if err := math.Abs(g[i]-want) / (1 + math.Abs(want)); err > 1e-5 {
			t.Errorf("dloss/dtheta[%d]: graph %.10g, finite differences %.10g (rel err %.1e)", i, g[i], want, err)
		}
	}
}

// TestFloat32Derivatives: the float32 graph's derivatives agree with the
// float64 graph's to 1e-4 relative.
func TestFloat32Derivatives(t *testing.T) {
	prob := testprob.Poisson2D(t, 64, 32)
	pts := []float64{0.2, 0.3, 0.7, 0.6}
	c64 := NewConfig(Settings{Seed: 2, Model: pde.Model{Layers: []int{8, 8}}})
	c32 := NewConfig(Settings{Seed: 2, DType: "float32", Model: pde.Model{Layers: []int{8, 8}}})
	for _, src := range []string{"u", "u_x", "u_xy", "lap(u)"} {
		a, _, _ := evalResidual(t, prob, c64, src, pts)
		b, _, _ := evalResidual(t, prob, c32, src, pts)
		for i := range a {
			if err := math.Abs(a[i]-b[i]) / (1 + math.Abs(a[i])); err > 1e-4 {
				t.Errorf("%s[%d]: float32 %g, float64 %g", src, i, b[i], a[i])
			}
		}
	}
}
